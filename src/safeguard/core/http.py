"""Shared view helpers, written once for every app's pages.

Find the subject through the permission table, log the refusal, answer 404; and
turn the domain errors into GOV.UK error messages.

Views stay thin: they load, ask one of these, call one service or selector, and render.
A page that takes a form hands the POST to :func:`form_post`: validate, call the
service, show its refusal on the form, or say what happened and redirect.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .errors import DomainError, Forbidden, InvalidRequest
from .events import AuditEventType
from .services import access_refused_record

T = TypeVar("T")


def client_address(request: HttpRequest) -> str:
    """The client's address, as the nearest of our trusted reverse proxies saw it.

    With ``TRUSTED_PROXY_COUNT`` = n proxies in front of the application, each appends the
    address it received the request from to ``X-Forwarded-For``; the n-th entry from the
    right is therefore the client as our outermost proxy saw it. Entries further left were
    written by the client and are ignored (they can say anything). With no trusted proxy,
    or a header shorter than expected, the socket's own address is used.
    """
    from django.conf import settings

    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def require_perm(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """Answer 'page not found' unless the user holds the permission (nothing is audited)."""
    if not request.user.has_perm(perm, obj):
        raise Http404


def permitted_or_404(
    request: HttpRequest,
    subject: T | None,
    *,
    perm: str | None = None,
    allowed: bool | None = None,
    page: AuditEventType,
    object_id: Any,
    person_id: Any = None,
    audit: bool = True,
) -> T:
    """The subject when the user may open it; otherwise audit the refusal and answer 404.

    Ask ``perm`` of the permission table (``user.has_perm(perm, subject)``), or pass
    ``allowed`` when the caller has already asked the access rule (to reuse its answer).
    A refusal reads exactly like a record that does not exist; it is audited unless
    ``audit`` is False (for users who see no personal data at all).
    """
    if allowed is None:
        allowed = (
            subject is not None and perm is not None and request.user.has_perm(perm, subject)  # type: ignore[arg-type]
        )
    if subject is None or not allowed:
        if audit:
            access_refused_record(
                by=request.user, page=page, object_id=object_id, person_id=person_id
            )
        raise Http404
    return subject


def form_add_errors(form: Form, exc: DomainError | ValidationError) -> None:
    """Show a service's refusal on the form: the error summary plus the inline message."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return
    if exc.errors:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message)
    elif exc.message:
        form.add_error(None, exc.message)


@contextmanager
def errors_on(
    form: Form, *, field: str | None = None, refusals: bool = False
) -> Iterator[list[DomainError]]:
    """Catch an :class:`InvalidRequest` from the service call inside and show it on the form.

    ``field`` names the field a message without its own field belongs to. With
    ``refusals``, a :class:`Forbidden` is shown on the form too (as the error summary),
    for pages whose service refuses on grounds the user can act on ("only the named
    chair can close this"); without it a refusal propagates to the 403 page. The yielded
    list holds the error, so the view can tell whether the call succeeded.
    """
    caught: list[DomainError] = []
    try:
        yield caught
    except Forbidden as exc:
        if not refusals:
            raise
        form.add_error(None, str(exc))
        caught.append(exc)
    except InvalidRequest as exc:
        if field is not None and not exc.errors:
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            form_add_errors(form, exc)
        caught.append(exc)


def posted(request: HttpRequest) -> Any:
    """The posted data to bind a form to, even when empty; ``None`` for a GET.

    An empty POST must still bind, so a form posted with nothing shows its errors.
    """
    return request.POST if request.method == "POST" else None


def form_post(
    request: HttpRequest,
    form: Form,
    action: Callable[[dict[str, Any]], T],
    *,
    done: str | Callable[[T], str],
    then: Callable[[T], Any] | str,
    field: str | None = None,
    refusals: bool = False,
) -> HttpResponse | None:
    """Handle a form's POST: validate, call the service, flash ``done`` and redirect to ``then``.

    ``action`` gets the cleaned data and calls one service. An :class:`InvalidRequest`
    it raises lands on the form as the error summary and the inline message (on
    ``field`` when it names none itself; see :func:`errors_on`); with ``refusals`` a
    :class:`~safeguard.core.errors.Forbidden` lands there too. Answers ``None`` when
    the page should be shown again: a GET, a form with errors, or a refused service
    call; the view renders the bound form as before. ``done`` and ``then`` may be
    callables of what the service returned (a message naming its reference, the page
    of the thing it made); ``then`` is anything :func:`~django.shortcuts.redirect` takes.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    with errors_on(form, field=field, refusals=refusals) as failed:
        result = action(form.cleaned_data)
    if failed:
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)
