"""Authentication for the partner API: a bearer token tied to one agency."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from safeguard.core.ratelimit import TooManyRequests, rate_for, rate_limit_exceeded

from .services import partner_token_check


class PartnerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the request then acts as the token's partner system."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The partner token, or None (the API answers 401)."""
        record = partner_token_check(token)
        if record is None:
            return None
        request.partner_token = record  # type: ignore[attr-defined]
        retry_after = rate_limit_exceeded(scope="api", key=f"token:{record.pk}")
        if retry_after:
            rate = rate_for("api")
            raise TooManyRequests(
                f"This token may make up to {rate.describe() if rate else 'a limited number of'} "
                f"requests. Try again in {retry_after} seconds.",
                retry_after=retry_after,
            )
        return record


partner_auth = PartnerTokenAuth()
