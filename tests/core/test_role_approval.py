"""Roles that open children's records need a second system administrator's approval."""

from __future__ import annotations

import pytest

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditEvent, Role, RoleApproval, User
from safeguard.core.services import role_approve, role_refuse
from safeguard.people.access import can_view_person, is_mash

from ..factories import AgencyFactory, InvolvementFactory, PersonFactory

PASSWORD = "a long enough pass phrase 42"  # noqa: S105


@pytest.fixture
def mash_agency(db):
    return AgencyFactory(is_mash=True, name="Test MASH", slug="test-mash")


@pytest.fixture
def admin_one(make_user):
    return make_user(
        Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True, username="admin.one"
    )


@pytest.fixture
def admin_two(make_user):
    return make_user(
        Role.SYSTEM_ADMINISTRATOR, is_staff=True, is_superuser=True, username="admin.two"
    )


def _mint(client, agency, username="minted.mash"):
    """What the finding did: an administrator adds an account with a MASH role."""
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
            "agency": agency.pk,
            "roles": [Role.MASH_WORKER, Role.MASH_MANAGER],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username=username)


class TestTheSystemAdministratorCanMintAMashAccount:
    """Finding: an administrator made a MASH account in the admin and read any child with it."""

    def test_a_minted_mash_account_sees_no_child_until_a_second_administrator_approves(
        self, signed_in, admin_one, admin_two, mash_agency
    ):
        child = PersonFactory()
        InvolvementFactory(person=child, agency=mash_agency)
        minted = _mint(signed_in(admin_one), mash_agency)

        assert set(minted.roles.values_list("code", flat=True)) == {
            Role.MASH_WORKER,
            Role.MASH_MANAGER,
        }
        assert minted.role_codes() == frozenset()
        assert minted.pending_role_codes() == {Role.MASH_WORKER, Role.MASH_MANAGER}
        assert not is_mash(minted)
        assert not can_view_person(minted, child)
        assert signed_in(minted).get(f"/people/{child.pk}/").status_code == 404

        for approval in RoleApproval.objects.filter(user=minted):
            with pytest.raises(Forbidden, match="second administrator"):
                role_approve(by=admin_one, approval=approval)
        fresh = User.objects.get(pk=minted.pk)
        assert fresh.role_codes() == frozenset()

        for approval in RoleApproval.objects.filter(user=minted):
            role_approve(by=admin_two, approval=approval)
        fresh = User.objects.get(pk=minted.pk)
        assert fresh.role_codes() == {Role.MASH_WORKER, Role.MASH_MANAGER}
        assert is_mash(fresh)
        assert signed_in(fresh).get(f"/people/{child.pk}/").status_code == 200

    def test_the_grant_and_the_approval_are_audited(
        self, signed_in, admin_one, admin_two, mash_agency
    ):
        minted = _mint(signed_in(admin_one), mash_agency)
        grant = AuditEvent.objects.filter(object_type="user_roles", object_id=str(minted.pk)).get()
        assert grant.actor_id == admin_one.pk
        assert grant.changes["waiting_for_approval"] == [Role.MASH_MANAGER, Role.MASH_WORKER]
        approval = RoleApproval.objects.filter(user=minted).first()
        role_approve(by=admin_two, approval=approval)
        event = AuditEvent.objects.filter(object_type="roleapproval").get()
        assert event.actor_id == admin_two.pk
        assert event.changes["granted_by"] == admin_one.pk
        assert event.changes["approved"] is True

    def test_approving_in_the_admin_by_the_granter_is_refused_and_the_second_admin_succeeds(
        self, signed_in, admin_one, admin_two, mash_agency
    ):
        minted = _mint(signed_in(admin_one), mash_agency)
        ids = list(RoleApproval.objects.filter(user=minted).values_list("pk", flat=True))
        form = {"action": "approve", "_selected_action": ids}
        response = signed_in(admin_one).post("/admin/core/roleapproval/", form, follow=True)
        assert "A second administrator must approve a role you gave" in response.content.decode()
        assert User.objects.get(pk=minted.pk).role_codes() == frozenset()
        response = signed_in(admin_two).post("/admin/core/roleapproval/", form, follow=True)
        assert "2 role(s) approved" in response.content.decode()
        assert User.objects.get(pk=minted.pk).role_codes() == {
            Role.MASH_WORKER,
            Role.MASH_MANAGER,
        }

    def test_an_administrator_cannot_approve_their_own_roles(self, admin_one, admin_two):
        admin_two.roles.add(Role.MASH_WORKER)
        approval = RoleApproval.objects.create(
            user=admin_two,
            role_id=Role.MASH_WORKER,
            granted_by=admin_one,
            granted_at="2026-01-01T00:00Z",
        )
        with pytest.raises(Forbidden, match="own roles"):
            role_approve(by=admin_two, approval=approval)

    def test_a_self_minted_administrator_grants_nothing_until_approved(
        self, signed_in, admin_one, mash_agency
    ):
        """A lone administrator cannot make a second administrator to approve their grants."""
        accomplice = _mint(signed_in(admin_one), mash_agency, username="accomplice")
        accomplice.roles.set([Role.SYSTEM_ADMINISTRATOR])
        RoleApproval.objects.filter(user=accomplice).delete()
        RoleApproval.objects.create(
            user=accomplice,
            role_id=Role.SYSTEM_ADMINISTRATOR,
            granted_by=admin_one,
            granted_at="2026-01-01T00:00Z",
        )
        accomplice = User.objects.get(pk=accomplice.pk)
        assert not accomplice.has_perm("core.manage_accounts")
        assert signed_in(accomplice).get("/admin/core/roleapproval/").status_code != 200

    def test_a_role_added_outside_the_admin_without_approval_grants_nothing(self, make_user):
        user = make_user(Role.ANALYST)
        user.roles.add(Role.MASH_MANAGER)
        user = User.objects.get(pk=user.pk)
        assert user.role_codes() == {Role.ANALYST}

    def test_roles_that_see_no_child_take_effect_at_once(self, signed_in, admin_one, mash_agency):
        response = signed_in(admin_one).post(
            "/admin/core/user/add/",
            {
                "username": "new.analyst",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "usable_password": "true",
                "agency": mash_agency.pk,
                "roles": [Role.ANALYST],
            },
        )
        assert response.status_code == 302
        assert User.objects.get(username="new.analyst").role_codes() == {Role.ANALYST}

    def test_refusing_a_waiting_role_takes_it_away(
        self, signed_in, admin_one, admin_two, mash_agency
    ):
        minted = _mint(signed_in(admin_one), mash_agency)
        for approval in RoleApproval.objects.filter(user=minted):
            role_refuse(by=admin_two, approval=approval)
        assert not minted.roles.exists()
        assert AuditEvent.objects.filter(object_type="roleapproval", action="delete").count() == 2

    def test_an_approved_role_cannot_be_approved_twice(self, admin_one, admin_two, make_user):
        user = make_user(Role.PRACTITIONER)
        approval = RoleApproval.objects.get(user=user)
        with pytest.raises(InvalidRequest):
            role_approve(by=admin_two, approval=approval)

    def test_removing_and_giving_back_a_role_needs_approval_again(
        self, signed_in, admin_one, admin_two, mash_agency, make_user
    ):
        worker = make_user(Role.MASH_WORKER, agency=mash_agency)
        client = signed_in(admin_one)
        change = f"/admin/core/user/{worker.pk}/change/"
        base = {
            "username": worker.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "job_title": "",
            "phone": "",
            "agency": mash_agency.pk,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
        assert client.post(change, {**base, "roles": [Role.ANALYST]}).status_code == 302
        assert client.post(change, {**base, "roles": [Role.MASH_WORKER]}).status_code == 302
        assert User.objects.get(pk=worker.pk).role_codes() == frozenset()

    def test_every_role_that_sees_children_needs_approval(self):
        from safeguard.people.access import PERSONAL_DATA_ROLES

        assert PERSONAL_DATA_ROLES <= Role.NEEDS_SECOND_APPROVAL
        assert Role.SYSTEM_ADMINISTRATOR in Role.NEEDS_SECOND_APPROVAL

    def test_the_demo_accounts_are_approved(self, db, settings):
        from safeguard.people.demo import ACCOUNTS, seed_demo

        settings.DEMO_MODE = True
        seed_demo(children=5, seed=1)
        for username, *_rest, roles, _title in ACCOUNTS:
            assert User.objects.get(username=username).role_codes() == set(roles), username
        assert not RoleApproval.objects.filter(approved_at__isnull=True).exists()
