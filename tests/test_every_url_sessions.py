"""Every URL, for sessions that must open nothing and for the headers on every page.

Outside demo mode: a password without the second factor opens no page with data; a
signed-out session's old cookie opens nothing; a switched-off account's cookie opens
nothing (and stays dead if the account is switched back on). Signed in with both
factors, every page carries HSTS, a Content Security Policy with ``frame-ancestors
'none'``, ``nosniff``, a Referrer-Policy and ``Cache-Control: no-store``.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.middleware import TWO_FACTOR_EXEMPT_PREFIXES, is_public_path
from safeguard.core.models import User

from .factories import ChronologyEventFactory, InvolvementFactory, PersonFactory
from .test_every_url import CHILD_NAME, PUBLIC, all_paths

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory
FAMILY_NAME = b"Zebediah"
ONE_YEAR = 365 * 24 * 60 * 60


@pytest.fixture
def strict(settings):
    """Production's sign-in and headers: two factors required, HSTS for a year."""
    settings.DEMO_MODE = False
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    return settings


@pytest.fixture
def seen_child(practitioner):
    """The practitioner's agency works with the child, so its pages show the name."""
    child = PersonFactory(given_name="Quillon", family_name="Zebediah")
    ChronologyEventFactory(person=child, title="Zebediah chronology entry")
    InvolvementFactory(person=child, agency=practitioner.agency)
    return child


def _every_path(person_id: str) -> list[str]:
    paths = [
        *all_paths(person_id),
        "/people/?q=Quillon+Zebediah",
        "/admin/",
        "/api/v1/frontdoor/status/X",
    ]
    # The signed-out page ends the session, so it comes last in the walk.
    return sorted(paths, key=lambda path: path == "/signed-out/")


def _password_only(user: User) -> Client:
    client = Client()
    response = client.post(
        reverse("core:sign-in"), {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("core:two-factor")
    return client


def _both_factors(user: User) -> Client:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = _password_only(user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(reverse("core:two-factor"), {"token": f"{code:06d}"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    return client


def _assert_nothing_opens(client: Client, person_id: str, *, sent_to: str) -> None:
    for path in _every_path(person_id):
        response = client.get(path)
        assert response.status_code < 500, path
        assert FAMILY_NAME not in response.content, f"{path} showed the child"
        if path in PUBLIC or is_public_path(path) or path.startswith("/api/"):
            if path.startswith("/api/"):
                assert response.status_code == 401, path
            continue
        assert response.status_code in (302, 404, 405), f"{path} answered {response.status_code}"
        if response.status_code == 302:
            # The admin's own login page only sends people on to Safeguard's sign-in.
            location = response["Location"]
            assert sent_to in location or location.startswith("/admin/login/"), path


@pytest.mark.django_db
class TestPasswordOnlySessions:
    def test_open_no_page_and_change_nothing_on_any_url(
        self, strict, practitioner, seen_child, client
    ):
        client = _password_only(practitioner)
        for path in _every_path(str(seen_child.pk)):
            exempt = path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
            for response in (client.get(path), client.post(path) if not exempt else None):
                if response is None:
                    continue
                assert FAMILY_NAME not in response.content, f"{path} showed the child"
                assert response.status_code < 500, path
                if exempt:
                    continue
                if path.startswith("/api/"):
                    assert response.status_code == 401, path
                else:
                    assert response.status_code == 302, f"{path} answered {response.status_code}"
                    assert response["Location"] == reverse("core:two-factor"), path

    def test_with_both_factors_the_same_person_sees_the_child(
        self, strict, practitioner, seen_child
    ):
        client = _both_factors(practitioner)
        page = client.get(reverse("people:detail", args=[seen_child.pk]))
        assert CHILD_NAME in page.content.decode()


@pytest.mark.django_db
class TestEndedSessions:
    def test_after_signing_out_the_old_cookie_opens_nothing_anywhere(
        self, strict, practitioner, seen_child
    ):
        client = _both_factors(practitioner)
        cookie = client.cookies["sessionid"].value
        client.post(reverse("core:sign-out"))
        replay = Client()
        replay.cookies["sessionid"] = cookie
        _assert_nothing_opens(replay, str(seen_child.pk), sent_to="/sign-in/")

    def test_switching_an_account_off_by_any_route_ends_its_sessions_at_once(
        self, strict, practitioner, seen_child
    ):
        client = _both_factors(practitioner)
        assert CHILD_NAME.encode() in client.get(f"/people/{seen_child.pk}/").content
        # Not through the admin pages: a bulk update that sends no signals.
        User.objects.filter(pk=practitioner.pk).update(is_active=False)
        _assert_nothing_opens(client, str(seen_child.pk), sent_to="/sign-in/")
        # Switched back on, the old session stays ended.
        User.objects.filter(pk=practitioner.pk).update(is_active=True)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]

    def test_a_saved_switch_off_ends_sessions_even_before_their_next_request(
        self, strict, practitioner, seen_child
    ):
        client = _both_factors(practitioner)
        practitioner.is_active = False
        practitioner.save()
        practitioner.is_active = True
        practitioner.save()
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]


@pytest.mark.django_db
class TestHeadersOnEveryPage:
    def test_every_page_for_a_signed_in_practitioner_carries_the_security_headers(
        self, strict, practitioner, seen_child
    ):
        client = _both_factors(practitioner)
        showed_the_child = []
        for path in _every_path(str(seen_child.pk)):
            response = client.get(path, secure=True)
            assert response.status_code < 500, path
            if CHILD_NAME.encode() in response.content and path != "/people/":
                showed_the_child.append(path)
            if path.startswith("/people/?q=") and f"/people/{seen_child.pk}/".encode() in (
                response.content
            ):
                showed_the_child.append(path)
            assert response["Cache-Control"] == "no-store", path
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path
            assert response["X-Content-Type-Options"] == "nosniff", path
            assert response["Referrer-Policy"] == "same-origin", path
            assert response["Strict-Transport-Security"].startswith(
                f"max-age={ONE_YEAR}; includeSubDomains"
            ), path
        # The walk did reach pages with personal data.
        assert f"/people/{seen_child.pk}/" in showed_the_child
        assert "/people/?q=Quillon+Zebediah" in showed_the_child  # a search result
