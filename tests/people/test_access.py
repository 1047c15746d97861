"""The access rule, for every role, over HTTP and through the services.

A user sees a person only through their agency's open involvement with the
person or someone in their household, or a grant in force. Analysts,
business unit staff and system administrators never see a named child.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AuditAction, AuditEvent, Role
from safeguard.people.access import (
    AccessDenied,
    access_grant_create,
    access_grant_revoke,
    can_view_person,
    people_visible_to,
)
from safeguard.people.models import AccessGrant
from safeguard.people.services import person_update

from ..factories import (
    AccessGrantFactory,
    AgencyFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    PersonFactory,
)

# (role, relationship to the child) -> whether they may see the child
CASES = [
    (Role.PRACTITIONER, "involved", True),
    (Role.PRACTITIONER, "household", True),
    (Role.PRACTITIONER, "ended_involvement", False),
    (Role.PRACTITIONER, "left_household", False),
    (Role.PRACTITIONER, "agency_grant", True),
    (Role.PRACTITIONER, "user_grant", True),
    (Role.PRACTITIONER, "expired_grant", False),
    (Role.PRACTITIONER, "revoked_grant", False),
    (Role.PRACTITIONER, "none", False),
    (Role.MASH_WORKER, "mash_contact", True),
    (Role.MASH_WORKER, "none", False),
    (Role.MASH_MANAGER, "involved", True),
    (Role.PANEL_CHAIR, "involved", True),
    (Role.PANEL_CHAIR, "none", False),
    (Role.ANALYST, "involved", False),
    (Role.ANALYST, "agency_grant", False),
    (Role.BUSINESS_UNIT, "involved", False),
    (Role.SYSTEM_ADMINISTRATOR, "involved", False),
]
CAN_EDIT = {Role.PRACTITIONER, Role.MASH_WORKER, Role.MASH_MANAGER}


def _arrange(make_user, role: str, relationship: str):
    agency = AgencyFactory()
    user = make_user(role, agency=agency)
    child = PersonFactory(given_name="Kayden", family_name="Quibell")
    now = timezone.now()
    if relationship == "involved":
        InvolvementFactory(person=child, agency=agency)
    elif relationship == "ended_involvement":
        InvolvementFactory(
            person=child, agency=agency, ended=timezone.localdate() - dt.timedelta(days=1)
        )
    elif relationship in ("household", "left_household"):
        sibling = PersonFactory(given_name="Sibling")
        InvolvementFactory(person=sibling, agency=agency)
        member = HouseholdMemberFactory(person=sibling)
        HouseholdMemberFactory(
            household=member.household,
            person=child,
            left=timezone.localdate() - dt.timedelta(days=1)
            if relationship == "left_household"
            else None,
        )
    elif relationship == "agency_grant":
        AccessGrantFactory(person=child, agency=agency)
    elif relationship == "mash_contact":
        AccessGrantFactory(person=child, agency=agency, kind=AccessGrant.Kind.MASH_CONTACT)
    elif relationship == "user_grant":
        AccessGrantFactory(person=child, user=user)
    elif relationship == "expired_grant":
        AccessGrantFactory(
            person=child,
            agency=agency,
            starts_at=now - dt.timedelta(days=8),
            ends_at=now - dt.timedelta(days=1),
        )
    elif relationship == "revoked_grant":
        AccessGrantFactory(person=child, agency=agency, revoked_at=now - dt.timedelta(minutes=1))
    return user, child


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "relationship", "visible"), CASES)
class TestAccessRule:
    def test_lists_show_only_people_the_rule_allows(self, make_user, role, relationship, visible):
        user, child = _arrange(make_user, role, relationship)
        assert (child in people_visible_to(user)) is visible
        assert can_view_person(user, child) is visible

    def test_the_person_page_answers_not_found_where_the_rule_says_no(
        self, make_user, signed_in, role, relationship, visible
    ):
        user, child = _arrange(make_user, role, relationship)
        response = signed_in(user).get(reverse("people:detail", args=[child.pk]))
        assert response.status_code == (200 if visible else 404)
        assert (b"Quibell" in response.content) is visible

    def test_search_never_names_a_person_the_rule_hides(
        self, make_user, signed_in, role, relationship, visible
    ):
        user, child = _arrange(make_user, role, relationship)
        response = signed_in(user).get(reverse("people:search"), {"q": "Kayden Quibell"})
        if role in (Role.ANALYST, Role.BUSINESS_UNIT, Role.SYSTEM_ADMINISTRATOR):
            assert response.status_code == 404
        else:
            assert response.status_code == 200
        assert (str(child.pk).encode() in response.content) is visible

    def test_changes_are_allowed_only_to_editing_roles_who_can_see(
        self, make_user, signed_in, role, relationship, visible
    ):
        user, child = _arrange(make_user, role, relationship)
        may_edit = visible and role in CAN_EDIT
        response = signed_in(user).get(reverse("people:edit", args=[child.pk]))
        assert response.status_code == (200 if may_edit else 404)
        if may_edit:
            person_update(by=user, person=child, first_language="Welsh")
        else:
            with pytest.raises(AccessDenied):
                person_update(by=user, person=child, first_language="Welsh")
        child.refresh_from_db()
        assert (child.first_language == "Welsh") is may_edit


@pytest.mark.django_db
class TestRefusalsAreRecorded:
    def test_a_refused_look_is_audited_without_revealing_the_record(self, make_user, signed_in):
        user, child = _arrange(make_user, Role.PRACTITIONER, "none")
        response = signed_in(user).get(reverse("people:detail", args=[child.pk]))
        assert response.status_code == 404
        assert b"Page not found" in response.content
        event = AuditEvent.objects.filter(action=AuditAction.DENY).get()
        assert event.person_id == child.pk
        assert event.actor_id == user.pk

    def test_a_missing_record_looks_exactly_like_a_hidden_one(self, make_user, signed_in):
        user, child = _arrange(make_user, Role.PRACTITIONER, "none")
        client = signed_in(user)
        hidden = client.get(reverse("people:detail", args=[child.pk]))
        missing = client.get(
            reverse("people:detail", args=["00000000-0000-4000-8000-000000000000"])
        )
        assert hidden.status_code == missing.status_code == 404

        def strip_tokens(body: bytes) -> bytes:
            return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)

        assert strip_tokens(hidden.content) == strip_tokens(missing.content)


@pytest.mark.django_db
class TestGrants:
    def test_revoking_a_grant_refuses_the_next_request(self, make_user, signed_in):
        agency = AgencyFactory()
        user = make_user(Role.PRACTITIONER, agency=agency)
        granter = make_user(Role.PRACTITIONER)
        child = PersonFactory()
        grant = access_grant_create(
            by=granter,
            person=child,
            kind=AccessGrant.Kind.SHARED,
            purpose="Planning a joint visit",
            ends_at=timezone.now() + dt.timedelta(days=1),
            agency_id=agency.pk,
        )
        client = signed_in(user)
        assert client.get(reverse("people:detail", args=[child.pk])).status_code == 200
        access_grant_revoke(by=granter, grant=grant, reason="Visit done")
        assert client.get(reverse("people:detail", args=[child.pk])).status_code == 404

    def test_a_grant_ends_on_time(self, make_user, monkeypatch):
        agency = AgencyFactory()
        user = make_user(Role.PRACTITIONER, agency=agency)
        child = PersonFactory()
        AccessGrantFactory(
            person=child, agency=agency, ends_at=timezone.now() + dt.timedelta(hours=2)
        )
        assert can_view_person(user, child)
        later = timezone.now() + dt.timedelta(hours=3)
        monkeypatch.setattr(timezone, "now", lambda: later)
        assert not can_view_person(user, child)


@pytest.mark.django_db
class TestMashLookUp:
    def test_mash_staff_open_any_record_by_recording_a_reason(self, make_user, signed_in):
        mash = AgencyFactory(is_mash=True)
        worker = make_user(Role.MASH_WORKER, agency=mash)
        child = PersonFactory()
        client = signed_in(worker)
        assert client.get(reverse("people:detail", args=[child.pk])).status_code == 404
        short = client.post(reverse("people:look-up", args=[child.pk]), {"reason": "why"})
        assert b"Reason must be at least 10 characters" in short.content
        response = client.post(
            reverse("people:look-up", args=[child.pk]),
            {"reason": "Checking for previous contacts before a decision"},
        )
        assert response.status_code == 302
        assert client.get(reverse("people:detail", args=[child.pk])).status_code == 200
        event = AuditEvent.objects.get(action=AuditAction.ACCESS_REASON)
        assert event.reason == "Checking for previous contacts before a decision"

    def test_other_staff_cannot_look_up_with_a_reason(self, make_user, signed_in, child):
        user = make_user(Role.PRACTITIONER)
        response = signed_in(user).post(
            reverse("people:look-up", args=[child.pk]), {"reason": "Just curious about this child"}
        )
        assert response.status_code == 404

    def test_a_reasoned_search_reaches_beyond_contacts_and_is_recorded(self, make_user, signed_in):
        mash = AgencyFactory(is_mash=True)
        worker = make_user(Role.MASH_WORKER, agency=mash)
        child = PersonFactory(given_name="Zephyrine", family_name="Oddbody")
        client = signed_in(worker)
        plain = client.get(reverse("people:search"), {"q": "Zephyrine Oddbody"})
        assert str(child.pk).encode() not in plain.content
        reasoned = client.get(
            reverse("people:search"),
            {
                "q": "Zephyrine Oddbody",
                "reason": "Checking for previous contacts for a new referral",
            },
        )
        assert str(child.pk).encode() in reasoned.content
        assert AuditEvent.objects.filter(
            action=AuditAction.SEARCH, reason__startswith="Checking"
        ).exists()


class TestSubjectAccessThroughTheRule:
    """A subject access handler opens a record only through an open request for that person."""

    @pytest.fixture
    def handler(self, make_user):
        from safeguard.core.models import AgencyKind

        mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
        return make_user(Role.MASH_MANAGER, agency=mash)

    @pytest.fixture
    def stranger(self, db):
        return PersonFactory(given_name="Wren", family_name="Oakhollow")

    def _request(self, handler, person, **kwargs):
        from safeguard.rights.subject_access import subject_access_request_create

        kwargs.setdefault("open_reason", "Letter from Wren asking for a copy of her record")
        return subject_access_request_create(
            by=handler,
            person=person,
            requester_kind="subject",
            requester_name="Wren Oakhollow",
            received_on=timezone.localdate(),
            **kwargs,
        )

    def test_without_a_request_the_handler_cannot_open_the_record(
        self, handler, stranger, signed_in
    ):
        assert not can_view_person(handler, stranger)
        assert stranger not in people_visible_to(handler)
        response = signed_in(handler).get(reverse("people:detail", args=[stranger.pk]))
        assert response.status_code == 404
        assert AuditEvent.objects.filter(
            action=AuditAction.DENY, person_id=stranger.pk, outcome="refused"
        ).exists()

    def test_an_open_request_is_the_basis_shown_in_words_and_audited(
        self, handler, stranger, signed_in
    ):
        from safeguard.people.access import access_basis

        sar = self._request(handler, stranger)
        assert stranger in people_visible_to(handler)
        words = access_basis(handler, stranger)
        assert words is not None
        assert f"Subject access request {sar.reference} is open" in words
        response = signed_in(handler).get(reverse("people:detail", args=[stranger.pk]))
        assert response.status_code == 200
        assert sar.reference in response.content.decode()
        opened = AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="person", person_id=stranger.pk
        ).get()
        assert sar.reference in opened.reason
        assert "Article 15" in opened.reason
        assert opened.changes == {"basis": "subject_access", "reference": sar.reference}

    def test_once_the_reply_is_sent_the_record_closes_again(self, handler, stranger, signed_in):
        from safeguard.rights.models import SubjectAccessRequest
        from safeguard.rights.subject_access import subject_access_request_complete

        sar = self._request(handler, stranger)
        SubjectAccessRequest.objects.filter(pk=sar.pk).update(status="released")
        sar.refresh_from_db()
        subject_access_request_complete(by=handler, request=sar)
        assert not can_view_person(handler, stranger)
        client = signed_in(handler)
        assert client.get(reverse("people:detail", args=[stranger.pk])).status_code == 404
        download = reverse("rights:subject-access-download", args=[sar.pk, "json"])
        assert client.get(download).status_code == 404
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    @pytest.mark.parametrize("role", [Role.MASH_WORKER, Role.PRACTITIONER, Role.PANEL_CHAIR])
    def test_an_open_request_opens_nothing_for_anyone_else(
        self, handler, stranger, make_user, role
    ):
        self._request(handler, stranger)
        other = make_user(role, agency=handler.agency)
        assert not can_view_person(other, stranger)
        assert stranger not in people_visible_to(other)

    def test_the_handler_records_a_request_first_then_sees_the_copy(
        self, handler, stranger, signed_in
    ):
        from safeguard.rights.models import SubjectAccessRequest

        client = signed_in(handler)
        url = reverse("rights:person-subject-access", args=[stranger.pk])
        # Without a recorded reason the person stays hidden (issue 10, identities without a reason).
        assert client.get(url).status_code == 404
        reason = "Letter from Wren asking for a copy of her record"
        intake = client.post(url, {"open_reason": reason}).content.decode()
        assert "Record the request" in intake
        assert "No open request about Wren Oakhollow" in intake
        today = timezone.localdate()
        response = client.post(
            url,
            {
                "open_reason": reason,
                "requester_kind": "subject",
                "requester_name": "Wren Oakhollow",
                "received_on_day": today.day,
                "received_on_month": today.month,
                "received_on_year": today.year,
            },
        )
        assert response.status_code == 302
        sar = SubjectAccessRequest.objects.get(person=stranger)
        assert sar.open_reason == reason
        page = client.get(url).content.decode()
        assert reverse("rights:subject-access-request", args=[sar.pk]) in page
        request_page = client.get(reverse("rights:subject-access-request", args=[sar.pk]))
        assert request_page.status_code == 200
        assert "The copy cannot be released yet" in request_page.content.decode()
