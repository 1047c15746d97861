"""Signing in: passwords, two-factor codes, lock-out, sessions and the deploy check."""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
import subprocess
import sys
import time

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.models import AuditAction, AuditEvent, Role

from ..factories import InvolvementFactory, PersonFactory

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.fixture
def strict(settings):
    """Production-like sign-in: two-factor required."""
    settings.DEMO_MODE = False
    return settings


@pytest.mark.django_db
class TestTwoFactor:
    def test_a_password_alone_opens_no_page_with_data(self, client, strict, practitioner, child):
        client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        for url in (
            reverse("home"),
            reverse("people:search") + "?q=Jayden",
            reverse("people:detail", args=[child.pk]),
            reverse("people:viewers", args=[child.pk]),
            reverse("people:create"),
            "/admin/",
        ):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == reverse("core:two-factor"), url
        assert client.get("/api/v1/openapi.json").status_code in (200, 401)

    def test_first_sign_in_sets_up_an_authenticator_then_codes_are_asked_each_time(
        self, client, strict, practitioner
    ):
        # The wait after a wrong code is 1 s by default: on a loaded machine the next
        # request can come later than that, so make it long enough to still hold.
        strict.OTP_TOTP_THROTTLE_FACTOR = 60
        response = client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        assert response["Location"] == reverse("core:two-factor")
        page = client.get(reverse("core:two-factor")).content.decode()
        assert "Set up two-factor sign-in" in page
        assert "<svg" in page
        device = TOTPDevice.objects.get(user=practitioner)
        wrong = client.post(
            reverse("core:two-factor"),
            {"token": "000000" if _code(device) != "000000" else "111111"},
        )
        assert "That security code is not right" in wrong.content.decode()
        too_soon = client.post(reverse("core:two-factor"), {"token": _code(device)})
        assert "Too many wrong codes" in too_soon.content.decode()
        strict.OTP_TOTP_THROTTLE_FACTOR = 1  # the default: one second, then two, four...
        time.sleep(1.1)  # one wrong code locks the device for one second, then two, four...
        response = client.post(reverse("core:two-factor"), {"token": _code(device)})
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200
        assert AuditEvent.objects.filter(
            action=AuditAction.TWO_FACTOR_SET_UP, actor_id=practitioner.pk
        ).exists()

        client.post(reverse("core:sign-out"))
        client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        page = client.get(reverse("core:two-factor")).content.decode()
        assert "Enter your security code" in page

    def test_a_code_works_only_once(self, client, strict, practitioner):
        device = TOTPDevice.objects.create(user=practitioner, name="app", confirmed=True)
        client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        code = _code(device)
        assert client.post(reverse("core:two-factor"), {"token": code}).status_code == 302
        client.post(reverse("core:sign-out"))
        client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        replay = client.post(reverse("core:two-factor"), {"token": code})
        assert replay.status_code == 200
        assert "That security code is not right" in replay.content.decode()
        assert client.get(reverse("home")).status_code == 302

    @pytest.mark.parametrize("token", ["", "12345", "abcdef", "1" * 5000, "<script>"])
    def test_malformed_codes_are_explained(self, client, strict, practitioner, token):
        TOTPDevice.objects.create(user=practitioner, name="app", confirmed=True)
        client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        response = client.post(reverse("core:two-factor"), {"token": token})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()

    def test_demo_mode_offers_two_factor_without_requiring_it(self, client, settings, practitioner):
        settings.DEMO_MODE = True
        response = client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        assert response["Location"] == reverse("home")
        assert "Set up two-factor sign-in" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
class TestPasswordsAndLockOut:
    def test_wrong_details_get_one_message_that_reveals_nothing(self, client, practitioner):
        for username in (practitioner.username, "nobody-by-this-name"):
            response = client.post(
                reverse("core:sign-in"), {"username": username, "password": "wrong password"}
            )
            assert "Enter a correct username and password" in response.content.decode()

    def test_empty_fields_are_explained(self, client, db):
        body = client.post(
            reverse("core:sign-in"), {"username": "", "password": ""}
        ).content.decode()
        assert "Enter your username" in body
        assert "Enter your password" in body

    def test_five_failures_lock_the_account_even_against_the_right_password(
        self, client, practitioner
    ):
        for _ in range(5):
            client.post(
                reverse("core:sign-in"),
                {"username": practitioner.username, "password": "wrong password"},
            )
        response = client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "locked" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(
            action=AuditAction.LOCKED_OUT, actor_id=practitioner.pk
        ).exists()

    def test_argon2_hashes_passwords(self):
        hashed = make_password("a long passphrase of many words", hasher="argon2")
        assert hashed.startswith("argon2")
        assert check_password("a long passphrase of many words", hashed)

    def test_production_settings_hash_with_argon2_first(self):
        env = {
            **os.environ,
            "SAFEGUARD_ENV": "development",
            "DJANGO_SETTINGS_MODULE": "safeguard.settings",
        }
        out = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-c",
                "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"

    def test_long_passphrases_are_allowed_and_absurd_ones_refused(self):
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        validate_password("a" * 30 + " plain words make a long passphrase " + "z" * 30)
        with pytest.raises(ValidationError):
            validate_password("q" * 1000)
        with pytest.raises(ValidationError):
            validate_password("short")


@pytest.mark.django_db
class TestSessions:
    def test_idle_timeout_is_thirty_minutes_and_renewed_on_each_request(self, settings):
        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST is True

    def test_an_old_cookie_opens_nothing_after_signing_out(self, client, signed_in, practitioner):
        client.force_login(practitioner)
        cookie = client.cookies["sessionid"].value
        assert client.get(reverse("home")).status_code == 200
        client.post(reverse("core:sign-out"))
        client.cookies["sessionid"] = cookie
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("core:sign-in"))

    def test_sessions_end_after_twelve_hours_however_active(self, client, signed_in, practitioner):
        client.force_login(practitioner)
        session = client.session
        session["signed_in_at"] = time.time() - 13 * 60 * 60
        session.save()
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "timeout=1" in response["Location"]
        assert client.get(reverse("home")).status_code == 302

    def test_switching_an_account_off_ends_its_sessions(
        self, client, signed_in, practitioner, make_user
    ):
        from safeguard.core.services import admin_object_save

        client.force_login(practitioner)
        admin = make_user(Role.SYSTEM_ADMINISTRATOR)
        practitioner.is_active = False
        admin_object_save(
            by=admin, instance=practitioner, before={"is_active": True}, save=practitioner.save
        )
        assert client.get(reverse("home")).status_code == 302

    def test_the_page_carries_the_timeout_warning(self, signed_in, practitioner):
        body = signed_in(practitioner).get(reverse("home")).content.decode()
        assert 'id="timeout-warning"' in body
        assert 'data-idle-seconds="1800"' in body


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_record_pages_are_never_cached_and_carry_a_content_security_policy(
        self, signed_in, practitioner, child
    ):
        response = signed_in(practitioner).get(reverse("people:detail", args=[child.pk]))
        assert response["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Request-ID"]


def _production_env(tmp_path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "SAFEGUARD_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "safeguard.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "safeguard.settings",
    }


class TestDeployCheck:
    def test_check_deploy_passes_with_production_settings(self, tmp_path):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "safeguard.cli", "check", "--deploy", "--fail-level", "WARNING"],
            env=_production_env(tmp_path),
            check=False,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_production_refuses_to_start_without_a_secret_key(self, tmp_path):
        env = _production_env(tmp_path)
        del env["SECRET_KEY"]
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "safeguard.cli", "check"],
            check=False,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
class TestAdminPages:
    def test_only_system_administrators_manage_accounts(self, signed_in, make_user):
        admin = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True)
        practitioner = make_user(Role.PRACTITIONER, is_staff=True)
        assert signed_in(admin).get("/admin/core/user/").status_code == 200
        assert signed_in(practitioner).get("/admin/core/user/", follow=True).status_code == 403

    def test_administrators_cannot_open_childrens_records(self, signed_in, make_user):
        child = PersonFactory()
        admin = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True)
        InvolvementFactory(person=child, agency=admin.agency)
        client = signed_in(admin)
        assert client.get(reverse("people:detail", args=[child.pk])).status_code == 404
        assert client.get("/admin/people/person/").status_code == 404

    def test_account_changes_are_audited(self, signed_in, make_user, agency):
        admin = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True)
        response = signed_in(admin).post(
            "/admin/core/agency/add/",
            {
                "slug": "new-school",
                "name": "New School",
                "kind": "education_school",
                "active": "on",
            },
        )
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="agency").exists()


def _password_only(user) -> Client:
    client = Client()
    response = client.post(
        reverse("core:sign-in"), {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("core:two-factor")
    return client


def _secret_code(secret: str, offset: int = 0) -> str:
    key = base64.b32decode(secret)
    return f"{totp(key, step=30, t0=0, digits=6, drift=offset):06d}"


@pytest.mark.django_db
class TestTwoFactorSetUpSecretReused:
    """Finding: two-factor set-up secret reused (production).

    Anyone with a password saw the pending authenticator secret until the real user
    confirmed it, and could sign in with codes from it afterwards.
    """

    def test_a_second_session_with_the_same_password_sees_a_different_secret(
        self, strict, practitioner
    ):
        intruder = _password_only(practitioner).get(reverse("core:two-factor"))
        owner = _password_only(practitioner).get(reverse("core:two-factor"))
        assert "Set up two-factor sign-in" in owner.content.decode()
        assert intruder.context["secret"] != owner.context["secret"]
        assert intruder.context["secret"] not in owner.content.decode()

    def test_the_same_session_keeps_its_secret_while_setting_up(self, strict, practitioner):
        client = _password_only(practitioner)
        first = client.get(reverse("core:two-factor")).context["secret"]
        assert client.get(reverse("core:two-factor")).context["secret"] == first

    def test_codes_from_an_abandoned_secret_never_sign_in(self, strict, practitioner):
        intruder = _password_only(practitioner)
        abandoned = intruder.get(reverse("core:two-factor")).context["secret"]
        owner = _password_only(practitioner)
        secret = owner.get(reverse("core:two-factor")).context["secret"]
        assert (
            owner.post(reverse("core:two-factor"), {"token": _secret_code(secret)}).status_code
            == 302
        )
        assert owner.get(reverse("home")).status_code == 200
        assert TOTPDevice.objects.filter(user=practitioner).count() == 1

        # Neither the abandoned session nor a new one gets in with the abandoned secret.
        late = intruder.post(reverse("core:two-factor"), {"token": _secret_code(abandoned)})
        assert late.status_code == 200
        assert intruder.get(reverse("home")).status_code == 302
        fresh = _password_only(practitioner)
        again = fresh.post(reverse("core:two-factor"), {"token": _secret_code(abandoned, 1)})
        assert "There is a problem" in again.content.decode()
        assert fresh.get(reverse("home")).status_code == 302

    def test_a_set_up_secret_expires_after_ten_minutes(self, strict, practitioner, monkeypatch):
        from django.utils import timezone

        client = _password_only(practitioner)
        first = client.get(reverse("core:two-factor")).context["secret"]
        later = timezone.now() + dt.timedelta(minutes=11)
        monkeypatch.setattr(timezone, "now", lambda: later)
        stale = client.post(reverse("core:two-factor"), {"token": _secret_code(first)})
        assert stale.status_code == 200
        assert stale.context["secret"] != first
        # The stale secret is gone: only the new one remains.
        assert TOTPDevice.objects.filter(user=practitioner).count() == 1


@pytest.mark.django_db
class TestClientsChooseTheRequestId:
    """Finding: clients chose the request id written to the audit log.

    The server-side request id is the one audited.
    """

    def test_the_server_side_request_id_is_the_one_audited(self, signed_in, practitioner, child):
        client = signed_in(practitioner)
        chosen = "someone-elses-request-0001"
        response = client.get(
            reverse("people:detail", args=[child.pk]), headers={"X-Request-ID": chosen}
        )
        assert response.status_code == 200
        audited = AuditEvent.objects.filter(person_id=child.pk).values_list("request_id", flat=True)
        assert audited
        assert chosen not in audited
        assert set(audited) == {response["X-Request-ID"]}
        assert response["X-Request-ID"] != chosen

    def test_each_request_gets_its_own_id(self, signed_in, practitioner):
        client = signed_in(practitioner)
        ids = {
            client.get(reverse("home"), headers={"X-Request-ID": "same-id-123"})["X-Request-ID"]
            for _ in range(3)
        }
        assert len(ids) == 3


@pytest.mark.django_db
class TestSignOutByACrossSiteGet:
    """Finding: sign-out by a cross-site GET. Only a form with its CSRF token signs out."""

    def test_a_get_to_either_sign_out_address_leaves_the_person_signed_in(
        self, signed_in, practitioner
    ):
        client = signed_in(practitioner)
        for url in (reverse("core:signed-out"), reverse("core:signed-out") + "?timeout=1"):
            client.get(url)
            assert client.get(reverse("home")).status_code == 200, url
        page = client.get(reverse("core:sign-out"))
        assert page.status_code == 200
        body = page.content.decode()
        assert "Are you sure you want to sign out?" in body
        assert f'action="{reverse("core:sign-out")}"' in body
        assert client.get(reverse("home")).status_code == 200

    def test_a_post_without_the_form_token_is_refused(self, signed_in, practitioner):
        client = Client(enforce_csrf_checks=True)
        client.force_login(practitioner)
        assert client.post(reverse("core:sign-out")).status_code == 403
        assert client.get(reverse("home")).status_code == 200

    def test_the_sign_out_button_signs_out(self, signed_in, practitioner):
        client = signed_in(practitioner)
        response = client.post(reverse("core:sign-out"))
        assert response["Location"] == reverse("core:signed-out")
        assert "You have signed out" in client.get(response["Location"]).content.decode()
        assert client.get(reverse("home")).status_code == 302

    def test_the_timeout_warning_signs_out_with_a_form(self, signed_in, practitioner):
        client = signed_in(practitioner)
        body = client.get(reverse("home")).content.decode()
        assert 'id="timeout-sign-out"' in body
        response = client.post(reverse("core:sign-out"), {"timeout": "1"})
        assert response["Location"] == reverse("core:signed-out") + "?timeout=1"
        assert "You have been signed out" in client.get(response["Location"]).content.decode()
        assert client.get(reverse("home")).status_code == 302

    def test_signed_out_people_asking_to_sign_out_are_sent_to_sign_in(self, client, db):
        response = client.get(reverse("core:sign-out"))
        assert response.status_code == 302
        assert reverse("core:sign-in") in response["Location"]
