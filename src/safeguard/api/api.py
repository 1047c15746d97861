"""The partner API (django-ninja): OpenAPI 3 at /api/v1/openapi.json.

Each domain app defines its own ``Router`` in ``<app>/api.py``; they are added here.
A service's refusal (:class:`~safeguard.core.errors.Forbidden`) or rejection
(:class:`~safeguard.core.errors.InvalidRequest`) becomes a JSON problem
(``application/problem+json``, RFC 9457) with ``status``, ``title`` and ``detail``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from safeguard.core.errors import DomainError, Forbidden, InvalidRequest
from safeguard.core.ratelimit import TooManyRequests

from .idempotency import OPENAPI_PARAMETER, idempotent

PROBLEM_JSON = "application/problem+json"


class PartnerAPI(NinjaAPI):
    """The API, with its error responses documented as problems as well as plain JSON."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Say that 4xx answers may come as ``application/problem+json``, and 429 when busy."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                for code, response in operation.get("responses", {}).items():
                    content = response.get("content") or {}
                    if str(code).startswith("4") and "application/json" in content:
                        content.setdefault(PROBLEM_JSON, content["application/json"])
                parameters = operation.setdefault("parameters", []) if method == "post" else []
                if (
                    operation.get("security")
                    and method == "post"
                    and OPENAPI_PARAMETER not in parameters
                ):
                    parameters.append(OPENAPI_PARAMETER)
                if operation.get("security"):
                    operation.setdefault("responses", {}).setdefault(
                        429,
                        {
                            "description": "Too many requests for this token: wait for Retry-After.",
                            "content": {PROBLEM_JSON: {"schema": {"type": "object"}}},
                        },
                    )
        return schema


api = PartnerAPI(
    title="Safeguard partner API",
    version="1.0.0",
    description="For partner agencies' systems: submit concerns and police forms, read back their status.",
    urls_namespace="api",
    docs_url=None,
)
api.add_decorator(idempotent, mode="view")  # Idempotency-Key on every POST (api/idempotency.py)


def problem_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """An RFC 9457 problem: status, title, detail, and the field messages when there are any."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "status": exc.status,
        "title": exc.title,
        "detail": str(exc),
    }
    if exc.errors:
        body["errors"] = [
            {"loc": ["body", field], "msg": message, "type": "value_error"}
            for field, message in exc.errors.items()
        ]
    response = api.create_response(request, body, status=exc.status)
    response["Content-Type"] = PROBLEM_JSON
    return response


@api.exception_handler(Forbidden)
def forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    """A refusal: 403 with what the partner system may not do."""
    return problem_response(request, exc)


@api.exception_handler(InvalidRequest)
def invalid_request(request: HttpRequest, exc: InvalidRequest) -> HttpResponse:
    """A request the service rejects: 422 with the reason."""
    return problem_response(request, exc)


@api.exception_handler(TooManyRequests)
def too_many_requests(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    """Over the token's rate limit: 429, with Retry-After."""
    response = problem_response(request, exc)
    response["Retry-After"] = str(exc.retry_after)
    return response


# Routers are registered below, one line per app:
api.add_router("/frontdoor/", "safeguard.api.frontdoor.router")
api.add_router("/missing/", "safeguard.api.missing.router")
api.add_router("/health-flags", "safeguard.api.health_flags.router")
