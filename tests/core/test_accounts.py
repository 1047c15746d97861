"""Agencies, accounts and roles on Safeguard's own pages (issue 9): administrators only.

A role that opens children's records waits for a second administrator; Django's admin is
for superusers only and is not in the navigation.
"""

from __future__ import annotations

import pytest

from safeguard.core.models import Agency, AuditEvent, Role, RoleApproval, User
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long first password for testing"


@pytest.fixture
def admin_one(make_user):
    return make_user(Role.SYSTEM_ADMINISTRATOR, username="admin.one")


@pytest.fixture
def admin_two(make_user):
    return make_user(Role.SYSTEM_ADMINISTRATOR, username="admin.two")


def _open_account(client, agency, **overrides):
    data = {
        "agency": agency.pk,
        "first_name": "Morgan",
        "last_name": "Newcombe",
        "username": "morgan-newcombe",
        "email": "morgan@example.invalid",
        "job_title": "Multi-Agency Safeguarding Hub social worker",
        "roles": [Role.MASH_WORKER],
        "password": PASSWORD,
    }
    data.update(overrides)
    return client.post("/accounts/new/", data)


class TestWhoMayManageAccounts:
    @pytest.mark.parametrize(
        "url", ["/accounts/", "/accounts/new/", "/accounts/approvals/", "/agencies/"]
    )
    @pytest.mark.parametrize(
        "role", [Role.PRACTITIONER, Role.MASH_MANAGER, Role.BUSINESS_UNIT, Role.ANALYST]
    )
    def test_only_system_administrators_open_the_pages(self, signed_in, make_user, url, role):
        assert signed_in(make_user(role)).get(url).status_code == 404

    def test_the_admin_is_for_superusers_only(self, signed_in, admin_one, make_user):
        assert signed_in(admin_one).get("/admin/core/user/", follow=True).status_code == 403
        superuser = make_user(Role.SYSTEM_ADMINISTRATOR, is_superuser=True, is_staff=True)
        assert signed_in(superuser).get("/admin/core/user/").status_code == 200

    def test_the_navigation_leads_to_the_accounts_pages_not_the_admin(self, signed_in, admin_one):
        body = signed_in(admin_one).get("/").content.decode()
        assert 'href="/accounts/"' in body
        assert 'href="/admin/"' not in body


class TestOpeningAnAccount:
    def test_a_mash_role_waits_for_a_second_administrator(self, signed_in, admin_one, admin_two):
        agency = AgencyFactory(is_mash=True)
        response = _open_account(signed_in(admin_one), agency)
        assert response.status_code == 302
        user = User.objects.get(username="morgan-newcombe")
        assert user.check_password(PASSWORD)
        assert not user.has_role(Role.MASH_WORKER)
        approval = RoleApproval.objects.get(user=user)
        assert approval.granted_by == admin_one
        # The administrator who gave it cannot approve it; a second one can.
        signed_in(admin_one).post(f"/accounts/approvals/{approval.pk}/", {"decision": "approve"})
        assert RoleApproval.objects.get(pk=approval.pk).approved_at is None
        signed_in(admin_two).post(f"/accounts/approvals/{approval.pk}/", {"decision": "approve"})
        user = User.objects.get(pk=user.pk)
        assert user.has_role(Role.MASH_WORKER)
        assert AuditEvent.objects.filter(object_type="user", object_id=str(user.pk)).exists()

    def test_bad_input_is_shown_as_govuk_errors_and_kept(self, signed_in, admin_one):
        agency = AgencyFactory()
        client = signed_in(admin_one)
        response = _open_account(client, agency, password="short", username="ok-name")
        assert response.status_code == 400
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert 'value="ok-name"' in body
        _open_account(client, agency, username="taken")
        response = _open_account(client, agency, username="taken")
        assert "There is already an account called taken" in response.content.decode()

    def test_a_refused_role_is_taken_away(self, signed_in, admin_one, admin_two):
        _open_account(signed_in(admin_one), AgencyFactory())
        approval = RoleApproval.objects.get(user__username="morgan-newcombe")
        signed_in(admin_two).post(f"/accounts/approvals/{approval.pk}/", {"decision": "refuse"})
        user = User.objects.get(username="morgan-newcombe")
        assert not user.roles.filter(code=Role.MASH_WORKER).exists()

    def test_an_administrator_cannot_change_their_own_roles(self, signed_in, admin_one):
        response = signed_in(admin_one).post(
            f"/accounts/{admin_one.pk}/", {"roles": [Role.SYSTEM_ADMINISTRATOR, Role.MASH_MANAGER]}
        )
        assert response.status_code == 400
        assert "Another administrator must change your own roles" in response.content.decode()


class TestAgencies:
    def test_an_administrator_adds_an_agency_but_never_a_mash(self, signed_in, admin_one):
        response = signed_in(admin_one).post(
            "/agencies/",
            {"name": "Haxby Road Academy", "kind": "education_school", "is_mash": "on"},
        )
        assert response.status_code == 302
        agency = Agency.objects.get(name="Haxby Road Academy")
        assert agency.slug == "haxby-road-academy"
        assert not agency.is_mash
