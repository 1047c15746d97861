"""Rate limits for pages and API calls that could be used to copy records out in bulk.

One small mechanism over Django's cache (the ``ratelimit`` cache alias): a fixed
window per scope and per caller (a user, a partner token). The limits live in
``settings.RATE_LIMITS`` as ``"N/second|minute|hour"`` strings, each overridable
from the environment (``SAFEGUARD_RATE_LIMIT_SEARCH``, ``SAFEGUARD_RATE_LIMIT_API``).

Pages refused answer 429 with the GOV.UK "too many requests" page
(:func:`rate_limited`); the partner API answers an RFC 9457 problem
(:class:`TooManyRequests`, handled in ``safeguard.api.api``). Both send
``Retry-After``. Sign-in has its own lock-out (django-axes) and the Information
Sharing log export counts its audited downloads, so neither uses this.

The count is kept per window in the cache: with a cache shared by every worker
(the file cache on one host by default in production, or Redis/memcached through
``SAFEGUARD_RATE_LIMIT_CACHE_URL`` for several hosts) the limit holds across workers.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError

logger = logging.getLogger(__name__)

CACHE_ALIAS = "ratelimit"
_PERIODS = {"second": 1, "minute": 60, "hour": 3600}


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests in each window of ``seconds``."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"60/minute"`` -> ``Rate(60, 60)``; raises ValueError for anything else."""
        count, _, period = text.strip().partition("/")
        if period not in _PERIODS or not count.isdigit() or int(count) < 1:
            raise ValueError(f"A rate limit reads like '60/minute', not {text!r}")
        return cls(int(count), _PERIODS[period])

    def describe(self) -> str:
        """``"60 a minute"``, for the page people see."""
        period = next(name for name, seconds in _PERIODS.items() if seconds == self.seconds)
        return f"{self.count} {'an' if period == 'hour' else 'a'} {period}"


class TooManyRequests(DomainError):
    """Over a rate limit: try again after ``retry_after`` seconds."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str = "", *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def rate_for(scope: str) -> Rate | None:
    """The configured rate for a scope, or None when that scope has no limit."""
    text = settings.RATE_LIMITS.get(scope, "")
    return Rate.parse(text) if text else None


def rate_limit_exceeded(*, scope: str, key: str) -> int:
    """Count one request for ``key`` in ``scope``; return seconds to wait if over, else 0."""
    rate = rate_for(scope)
    if rate is None:
        return 0
    now = time.time()
    window = int(now // rate.seconds)
    # Keys are hashed: no usernames or tokens in the cache.
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"rl:{digest}:{window}"
    cache = caches[CACHE_ALIAS]
    if cache.add(cache_key, 1, timeout=rate.seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window expired between add and incr
            cache.set(cache_key, 1, timeout=rate.seconds + 5)
            count = 1
    if count <= rate.count:
        return 0
    retry_after = max(1, int((window + 1) * rate.seconds - now) + 1)
    logger.warning("Rate limit %s reached (%s), retry after %s s", scope, digest[:12], retry_after)
    return retry_after


def too_many_requests_page(request: HttpRequest, *, scope: str, retry_after: int) -> HttpResponse:
    """The GOV.UK page for a refused request: 429 with ``Retry-After``."""
    rate = rate_for(scope)
    response = render(
        request,
        "core/too_many_requests.html",
        {"limit": rate.describe() if rate else "", "retry_after": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view decorator: count each request by the signed-in user; refuse with 429 when over."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                retry_after = rate_limit_exceeded(scope=scope, key=f"user:{request.user.pk}")
                if retry_after:
                    return too_many_requests_page(request, scope=scope, retry_after=retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _failure_key(scope: str, key: str, rate: Rate) -> tuple[str, int]:
    window = int(time.time() // rate.seconds)
    digest = hashlib.sha256(f"failures:{scope}:{key}".encode()).hexdigest()[:32]
    return f"rlf:{digest}:{window}", window


def failures_blocked(*, scope: str, key: str) -> int:
    """Seconds to wait when ``key`` has failed ``scope`` too often in this window, else 0.

    Unlike :func:`rate_limit_exceeded` this counts only failures (a wrong password at a
    step-up), recorded with :func:`failure_count`; a right answer is never held back by
    earlier right answers.
    """
    rate = rate_for(scope)
    if rate is None:
        return 0
    cache_key, window = _failure_key(scope, key, rate)
    if int(caches[CACHE_ALIAS].get(cache_key, 0)) < rate.count:
        return 0
    return max(1, int((window + 1) * rate.seconds - time.time()) + 1)


def failure_count(*, scope: str, key: str) -> None:
    """Count one failure of ``key`` at ``scope`` (see :func:`failures_blocked`)."""
    rate = rate_for(scope)
    if rate is None:
        return
    cache_key, _ = _failure_key(scope, key, rate)
    cache = caches[CACHE_ALIAS]
    if not cache.add(cache_key, 1, timeout=rate.seconds + 5):
        try:
            cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, timeout=rate.seconds + 5)
