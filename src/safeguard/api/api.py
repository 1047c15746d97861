"""The partner API (django-ninja): OpenAPI 3 at /api/v1/openapi.json.

Each domain app defines its own ``Router`` in ``<app>/api.py``; they are added here.
"""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Safeguard partner API",
    version="1.0.0",
    description="For partner agencies' systems: submit concerns and police forms, read back their status.",
    urls_namespace="api",
    docs_url=None,
)

# Routers are registered below, one line per app:
api.add_router("/frontdoor/", "safeguard.api.frontdoor.router")
