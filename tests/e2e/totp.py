"""Codes from an authenticator app, computed the way django-otp checks them."""

from __future__ import annotations

import base64
import time
from typing import Any

from django_otp.oath import TOTP

STEP = 30


def key_from_secret(secret: str) -> bytes:
    """The raw key behind the base32 text shown on the set-up page (``#totp-secret``)."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def totp_code(key: bytes, *, after_step: int | None = None) -> str:
    """The 6-digit code for now, or for the next step if ``after_step`` was already used.

    django-otp accepts each code once (it remembers the last time step used) and
    allows one step of drift, so a second sign-in within the same 30 seconds uses
    the next step's code, as a phone whose clock runs slightly fast would.
    """
    totp = TOTP(key, step=STEP, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if after_step is not None and totp.t() <= after_step:
        totp.drift = after_step - totp.t() + 1
    return f"{totp.token():06d}"


def complete_two_factor(page: Any, user: Any) -> None:
    """On the two-factor page: set up an authenticator app the first time, else enter a code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secret = page.locator("#totp-secret")
    if secret.count():
        key = key_from_secret(secret.inner_text())
        last_step = None
    else:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        key, last_step = device.bin_key, device.last_t
    page.get_by_label("Security code").fill(totp_code(key, after_step=last_step))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
