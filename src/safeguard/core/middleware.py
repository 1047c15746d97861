"""Request id, session timeouts, the two-factor rule and security headers."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY as SESSION_USER_KEY
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .audit import current_request_id, refusal_recorded
from .text import has_control_characters

Handler = Callable[[HttpRequest], HttpResponse]
_CLIENT_ID_JUNK = re.compile(r"[^A-Za-z0-9\-]")

# The partnership's public pages (issue 18, the directory app): anyone may read them
# without signing in, they set no cookie on a GET and they show no personal data.
# Every other page asks for sign-in in its own view (``login_required``);
# tests/test_every_url.py holds both halves for every URL.
PUBLIC_PATH_PREFIXES = (
    "/worried-about-a-child/",
    "/services/",
    "/openreferral/",
    "/news/",
    "/events/",
    "/newsletter/",
)

# Paths a signed-in user may reach before completing two-factor sign-in.
TWO_FACTOR_EXEMPT_PREFIXES = (
    "/sign-in/",
    "/sign-out/",
    "/assets/",
    "/accessibility/",
    "/health/",
    *PUBLIC_PATH_PREFIXES,
)


def is_public_path(path: str) -> bool:
    """Whether the path is one of the public pages anyone may read without signing in."""
    return path.startswith(PUBLIC_PATH_PREFIXES) or path.rstrip("/") + "/" in PUBLIC_PATH_PREFIXES


class RequestIdMiddleware:
    """Give each request an id that every audit event and log line carries.

    The id is always made here: a client (or anyone in front of the proxy) cannot choose
    the id written to the audit log. An ``X-Request-ID`` the request arrived with is kept
    beside it as ``request.client_request_id`` (letters, digits and hyphens only, at most
    64), for matching with a proxy's own log, and is never audited as the request's id.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request.client_request_id = _CLIENT_ID_JUNK.sub("", supplied)[:64]  # type: ignore[attr-defined]
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ControlCharactersMiddleware:
    """An address holding NUL or another control character names no page: 404, never a 500.

    References, ids and slugs in addresses are looked up in the database, and PostgreSQL
    refuses a NUL in a query. The API answers in JSON, the pages with GOV.UK "Page not found".
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if has_control_characters(path) or any(char in "\n\r\t" for char in path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Not Found"}, status=404)
            from django.http import Http404
            from django.views.defaults import page_not_found

            return page_not_found(request, Http404())
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Sign people out after 12 hours however active they are (idle timeout is the cookie).

    A session whose account can no longer sign in is ended on its next request.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get("signed_in_at")
            now = time.time()
            if started is None:
                request.session["signed_in_at"] = now
            elif now - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(reverse("core:signed-out") + "?timeout=1")
        elif SESSION_USER_KEY in request.session:
            # The session names an account that may no longer sign in (switched off or
            # removed, e.g. by a bulk update): end it, so switching it back on cannot revive it.
            request.session.flush()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A password alone opens nothing: every page needs a verified second factor.

    In demo mode (``SAFEGUARD_DEMO=1``) two-factor sign-in is offered, not required.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not settings.DEMO_MODE
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return HttpResponse("Two-factor sign-in needed.", status=401)
            return redirect("core:two-factor")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content Security Policy on every page; pages for signed-in people are never cached."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


class DomainErrorMiddleware:
    """The last line for a domain error no view caught, and the one place refusals are audited.

    A refusal (:class:`~safeguard.core.errors.Forbidden`) reads exactly like a page
    that does not exist, as every refused record does; a rejected request
    (:class:`~safeguard.core.errors.InvalidRequest`) is a 400 page.

    Every refused request of a signed-in user (or partner system) leaves exactly one audit
    event: pages and API calls answering 403, 404 or 429 (a rate limit) however the view refused (``permitted_or_404``,
    ``require_perm``, a selector that found nothing the user may see, a service's
    ``Forbidden``, Django's ``PermissionDenied``, a rendered 403/404) are recorded here
    unless the view already recorded its own refusal (``refusal_recorded``). A record
    that does not exist and one the user may not see read the same, so both are recorded.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = refusal_recorded.set(False)
        try:
            response = self.get_response(request)
            if response.status_code in (403, 404, 429) and not refusal_recorded.get():
                refusal_audit(request, status=response.status_code)
        finally:
            refusal_recorded.reset(token)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer 404 for a refusal and 400 for a bad request; leave anything else alone."""
        from django.http import Http404
        from django.views.defaults import bad_request, page_not_found

        from .errors import Forbidden, InvalidRequest

        if isinstance(exception, Forbidden):
            return page_not_found(request, Http404())
        if isinstance(exception, InvalidRequest):
            return bad_request(request, exception)
        return None


def refusal_audit(request: HttpRequest, *, status: int) -> None:
    """Record a refused request of a signed-in user or partner system (a DENY event).

    A rate limit's refusal (429) is recorded as such; every other one names the page.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # The partner API: the token's system account (set even when over its rate limit).
        user = getattr(getattr(request, "partner_token", None), "system_user", None)
    if user is None:
        return
    from .events import CoreEvent
    from .services import access_refused_record

    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match is not None else {}
    person_id = kwargs.get("person_id") or kwargs.get("child_id")
    access_refused_record(
        by=user,
        page=CoreEvent.RATE_LIMIT if status == 429 else CoreEvent.PAGE,
        object_id=request.path,
        person_id=person_id,
        reason=f"{request.method} answered {status}"
        + (f" ({match.view_name})" if match is not None and match.view_name else ""),
    )
