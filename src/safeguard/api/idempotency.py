"""``Idempotency-Key`` on the partner API's POST operations: a retry never acts twice.

A partner system that sends a concern and loses the answer (a timeout, a worker killed
mid-request: the crash drill found one) cannot know whether it arrived. With an
``Idempotency-Key`` header (any 1 to 255 visible ASCII characters, a UUID say), a retry
with the same key and the same body gets the original answer back, byte for byte, with
``Idempotent-Replayed: true``, and no second contact is made. The same key with a
different body (or another operation) is refused with 422. Keys belong to one token and
are kept for ``settings.API_IDEMPOTENCY_HOURS`` (24 by default).

The key is claimed and the answer stored in the same transaction as the work itself:
a request that fails (an exception, a rate-limit refusal) leaves no key behind, and a
second request with the same key arriving while the first is running waits for it
(PostgreSQL: the unique index; SQLite: writes are serial) and then replays its answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotencyKey
from .services import partner_token_check

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_KEY = re.compile(KEY_PATTERN)
PROBLEM_JSON = "application/problem+json"
# Answers worth keeping: the work's outcome. Not a refusal of the token, a rate limit or
# a server error: those are transient, and a retry should be tried afresh.
_NOT_KEPT = {401, 429}

OPENAPI_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Optional. Any 1 to 255 visible ASCII characters (a UUID, say), new for each "
        "submission. A retry with the same key and the same body gets the first answer "
        "again (with the header Idempotent-Replayed: true) and nothing is submitted twice; "
        "the same key with a different body is refused (422). Keys are kept for 24 hours "
        "and belong to the token that sent them."
    ),
    "schema": {"type": "string", "pattern": KEY_PATTERN, "minLength": 1, "maxLength": 255},
}


def _problem(status: int, title: str, detail: str) -> HttpResponse:
    return JsonResponse(
        {"type": "about:blank", "status": status, "title": title, "detail": detail},
        status=status,
        content_type=PROBLEM_JSON,
    )


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _token(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return partner_token_check(token.strip())


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an API operation (``api.add_decorator(idempotent, mode="view")``)."""

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return run(request, *args, **kwargs)
        if not _KEY.match(key):
            return _problem(
                400,
                "The Idempotency-Key header is not valid",
                "Use 1 to 255 visible ASCII characters, for example a UUID.",
            )
        token = _token(request)
        if token is None:
            return run(request, *args, **kwargs)  # the API answers 401 itself
        fingerprint = _request_hash(request)
        now = timezone.now()
        with transaction.atomic():
            IdempotencyKey.objects.filter(token=token, expires_at__lt=now).delete()
            try:
                with transaction.atomic():
                    claim = IdempotencyKey.objects.create(
                        token=token,
                        key=key,
                        request_hash=fingerprint,
                        status=0,
                        content_type="",
                        body="",
                        created_at=now,
                        expires_at=now + dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS),
                    )
            except IntegrityError:
                stored = IdempotencyKey.objects.get(token=token, key=key)
                if stored.request_hash != fingerprint:
                    return _problem(
                        422,
                        "This Idempotency-Key was used for a different request",
                        "A key may be used for one request only: send a new key with a new "
                        "submission, or the same body to repeat this one.",
                    )
                return _replay(stored)
            response = run(request, *args, **kwargs)
            if response.status_code in _NOT_KEPT or response.status_code >= 500:
                claim.delete()
                return response
            claim.status = response.status_code
            claim.content_type = response.get("Content-Type", "application/json")
            claim.body = response.content.decode("utf-8")
            claim.save(update_fields=["status", "content_type", "body"])
        return response

    return wrapper
