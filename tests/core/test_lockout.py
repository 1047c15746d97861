"""Sign-in lock-out: per username and real client address, and an administrator's unlock."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from safeguard.core.http import client_address
from safeguard.core.models import AuditEvent, Role

PASSWORD = "correct horse battery staple"  # noqa: S105 - the factories' test password
PROXY = "10.0.0.1"


def _sign_in(client, username, password, *, behind):
    return client.post(
        reverse("core:sign-in"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=behind,
    )


@pytest.mark.django_db
class TestLockOutKeyedOnUsernamePlusClientAddress:
    """Finding: anyone behind the same proxy could lock a user out."""

    def test_a_colleague_behind_the_same_proxy_cannot_lock_someone_out(
        self, practitioner, settings
    ):
        settings.TRUSTED_PROXY_COUNT = 1
        attacker = Client()
        for _ in range(6):
            _sign_in(attacker, practitioner.username, "wrong password", behind="192.168.1.66")
        locked = _sign_in(attacker, practitioner.username, PASSWORD, behind="192.168.1.66")
        assert locked.status_code == 429
        response = _sign_in(Client(), practitioner.username, PASSWORD, behind="192.168.1.7")
        assert response.status_code == 302
        locks = AuditEvent.objects.filter(action="locked_out")
        assert {e.changes["ip_address"] for e in locks} == {"192.168.1.66"}

    def test_a_forged_forwarded_for_entry_is_ignored(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        request = RequestFactory().get(
            "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 192.168.1.66"
        )
        assert client_address(request) == "192.168.1.66"

    def test_without_trusted_proxies_the_socket_address_counts(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_address(request) == PROXY

    def test_a_short_or_malformed_header_falls_back_to_the_socket(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        factory = RequestFactory()
        assert (
            client_address(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4"))
            == PROXY
        )
        settings.TRUSTED_PROXY_COUNT = 1
        assert (
            client_address(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="junk"))
            == PROXY
        )


@pytest.mark.django_db
class TestNoPasswordResetForALockedOutUser:
    """Finding: a locked-out user had no way back in but to wait."""

    def test_an_administrator_unlocks_the_account_and_it_is_audited(
        self, signed_in, make_user, practitioner
    ):
        for _ in range(5):
            Client().post(
                reverse("core:sign-in"),
                {"username": practitioner.username, "password": "wrong password"},
            )
        assert (
            Client()
            .post(
                reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
            )
            .status_code
            == 429
        )
        admin = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True)
        response = signed_in(admin).post(
            "/admin/core/user/",
            {"action": "unlock", "_selected_action": [practitioner.pk]},
            follow=True,
        )
        assert "Sign-in unlocked for 1 account" in response.content.decode()
        client = Client()
        response = client.post(
            reverse("core:sign-in"), {"username": practitioner.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(changes__operation="unlock")
        assert event.actor_id == admin.pk
        assert event.object_id == str(practitioner.pk)

    def test_an_administrator_sets_a_new_password_and_it_is_audited(
        self, signed_in, make_user, practitioner
    ):
        admin = make_user(Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True)
        new = "a brand new pass phrase 77"
        response = signed_in(admin).post(
            f"/admin/core/user/{practitioner.pk}/password/",
            {"password1": new, "password2": new, "usable_password": "true"},
        )
        assert response.status_code == 302
        practitioner.refresh_from_db()
        assert practitioner.check_password(new)
        event = AuditEvent.objects.get(changes__operation="password_set_by_administrator")
        assert event.actor_id == admin.pk
        assert new not in str(event.changes)

    def test_only_administrators_unlock(self, practitioner):
        from safeguard.core.errors import Forbidden
        from safeguard.core.services import account_unlock

        with pytest.raises(Forbidden):
            account_unlock(by=practitioner, user=practitioner)
