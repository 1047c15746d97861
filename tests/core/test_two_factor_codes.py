"""Two-factor codes: each works once, in one session only, within its 30-second step."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:06d}"


def _password_only(user) -> Client:
    client = Client()
    client.post(reverse("core:sign-in"), {"username": user.username, "password": PASSWORD})
    return client


@pytest.fixture
def device(settings, practitioner):
    settings.DEMO_MODE = False
    return TOTPDevice.objects.create(user=practitioner, name="app", confirmed=True)


@pytest.mark.django_db
class TestTotpCodes:
    def test_codes_change_every_thirty_seconds(self, device):
        assert device.step == 30

    def test_a_code_used_in_one_session_is_refused_in_another_at_the_same_moment(
        self, device, practitioner
    ):
        ours, theirs = _password_only(practitioner), _password_only(practitioner)
        code = _code(device)
        assert ours.post(reverse("core:two-factor"), {"token": code}).status_code == 302
        replay = theirs.post(reverse("core:two-factor"), {"token": code})
        assert replay.status_code == 200
        assert "That security code is not right" in replay.content.decode()
        assert theirs.get(reverse("home"))["Location"] == reverse("core:two-factor")
        assert ours.get(reverse("home")).status_code == 200

    def test_an_older_code_is_refused_once_a_newer_one_was_used(self, device, practitioner):
        first = _password_only(practitioner)
        assert first.post(reverse("core:two-factor"), {"token": _code(device)}).status_code == 302
        later = _password_only(practitioner)
        older = later.post(reverse("core:two-factor"), {"token": _code(device, drift=-1)})
        assert "That security code is not right" in older.content.decode()

    def test_a_code_from_more_than_one_step_ago_is_refused(self, device, practitioner):
        client = _password_only(practitioner)
        stale = client.post(reverse("core:two-factor"), {"token": _code(device, drift=-3)})
        assert "That security code is not right" in stale.content.decode()
        assert client.get(reverse("home"))["Location"] == reverse("core:two-factor")
