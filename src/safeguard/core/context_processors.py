"""Values every page needs: the service name, demo mode and session timing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    """Service-wide template values."""
    return {
        "service_name": "Safeguard",
        "partnership_name": settings.PARTNERSHIP_NAME,
        "demo_mode": settings.DEMO_MODE,
        "session_idle_seconds": settings.SESSION_IDLE_SECONDS,
    }
