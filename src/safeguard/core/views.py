"""Sign-in with two-factor, sign-out, session keep-alive and the GOV.UK error pages."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import two_factor_confirm


class SignInForm(AuthenticationForm):
    """Username and password, with GOV.UK wording for mistakes."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your system administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["username"].max_length = 150  # type: ignore[attr-defined]
        self.fields["password"].max_length = 256  # type: ignore[attr-defined]


class SignInView(LoginView):
    """Step one of signing in: username and password."""

    template_name = "core/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """Go on to two-factor sign-in unless demo mode lets people skip it."""
        next_url = self.get_redirect_url() or reverse("home")
        user = self.request.user
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if has_device or not settings.DEMO_MODE:
            self.request.session["after_two_factor"] = next_url
            return reverse("core:two-factor")
        return next_url


class TokenForm(forms.Form):
    """A six-digit code from an authenticator app."""

    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app.",
        max_length=20,
        error_messages={"required": "Enter the security code from your authenticator app"},
    )

    def __init__(self, *args: Any, device: TOTPDevice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )

    def clean_token(self) -> str:
        """Check the code against the device; a code works only once."""
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Security code must be 6 numbers")
        if self.device is not None:
            allowed, _ = self.device.verify_is_allowed()
            if not allowed:
                raise forms.ValidationError(
                    "Too many wrong codes. Wait a minute, then enter the code shown in your app now."
                )
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError(
                "That security code is not right. Codes change every 30 seconds; "
                "enter the code shown in your app now."
            )
        return token


def _safe_next(request: HttpRequest) -> str:
    next_url = request.session.pop("after_two_factor", "") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return reverse("home")
    return next_url


def _qr_svg(device: TOTPDevice) -> str:
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", title="QR code to scan")


# An authenticator being set up belongs to the session that made it, for this long.
SET_UP_MINUTES = 10
SET_UP_SESSION_KEY = "two_factor_set_up_device"


def _set_up_device(request: HttpRequest) -> TOTPDevice:
    """The authenticator this session is setting up: a new secret for each attempt.

    Another session signed in with the same password gets its own secret and never
    sees this one; a secret not confirmed within ten minutes is deleted and replaced.
    """
    user = request.user
    fresh_since = timezone.now() - dt.timedelta(minutes=SET_UP_MINUTES)
    TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=fresh_since).delete()
    device = None
    device_id = request.session.get(SET_UP_SESSION_KEY)
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        request.session[SET_UP_SESSION_KEY] = device.pk
    return device


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Step two of signing in: enter a code, or set up an authenticator app the first time."""
    if not request.user.is_authenticated:
        return redirect("core:sign-in")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = _set_up_device(request)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if setting_up:
                two_factor_confirm(by=request.user, device=device)
                request.session.pop(SET_UP_SESSION_KEY, None)
            otp_login(request, device)
        return redirect(_safe_next(request))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context["qr_svg"] = _qr_svg(device)
        context["secret"] = base64.b32encode(device.bin_key).decode("ascii")
    return render(request, "core/two_factor.html", context)


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """Show whether two-factor sign-in is set up for this account."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    return render(request, "core/two_factor_settings.html", {"device": device})


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session on the server; the old cookie opens nothing afterwards.

    Only a form with its CSRF token signs out: a link or a page on another site
    (a GET) shows the question with a button, and changes nothing.
    """
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("core:sign-in")
        return render(request, "core/sign_out.html")
    timed_out = request.POST.get("timeout") == "1"
    logout(request)
    return redirect(reverse("core:signed-out") + ("?timeout=1" if timed_out else ""))


def signed_out(request: HttpRequest) -> HttpResponse:
    """The page shown after signing out or being timed out; it never signs anyone out."""
    if request.user.is_authenticated:
        return redirect("core:sign-out")
    timed_out = request.GET.get("timeout") == "1"
    return render(request, "core/signed_out.html", {"timed_out": timed_out})


@login_required
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Renew the idle timeout when someone chooses to stay signed in."""
    request.session.modified = True
    return JsonResponse({"ok": True})


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement."""
    return render(request, "core/accessibility.html")


def health(request: HttpRequest) -> HttpResponse:
    """A liveness check for load balancers; says nothing about data."""
    return HttpResponse("ok", content_type="text/plain")


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    body = loader.render_to_string(template, {}, request)
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """GOV.UK 'Page not found', also shown for records the user may not see."""
    return _error(request, "404.html", 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """GOV.UK 'You do not have permission' page."""
    return _error(request, "403.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """GOV.UK 'Sorry, there is a problem with the service' page."""
    return _error(request, "500.html", 500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """GOV.UK page for a request we could not understand."""
    return _error(request, "400.html", 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a stale form without losing the person's place."""
    messages.get_messages(request)
    return _error(request, "403_csrf.html", 403)


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Emails that have not gone: for system administrators and the partnership business unit.

    Each row shows its reference-only summary; the email's subject only to someone
    whose roles see personal data, and recipients with the name part hidden.
    """
    from django.core.exceptions import PermissionDenied

    from .models import OutboxStatus, Role
    from .outbox import masked_address, max_attempts, outbox_problems, sees_subjects

    if not request.user.has_role(Role.SYSTEM_ADMINISTRATOR, Role.BUSINESS_UNIT):
        raise PermissionDenied
    waiting = list(outbox_problems()[:200])
    rows = [
        {"message": m, "to": ", ".join(masked_address(a) for a in m.recipients)} for m in waiting
    ]
    return render(
        request,
        "core/outbox.html",
        {
            "rows": rows,
            "failed": sum(1 for m in waiting if m.status == OutboxStatus.FAILED),
            "show_subjects": sees_subjects(request.user),
            "max_attempts": max_attempts(),
            "retry_minutes": settings.OUTBOX_RETRY_MINUTES,
        },
    )
