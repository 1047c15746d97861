"""Regression tests for the sharing findings of issue 10, each named after its finding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.errors import Forbidden
from safeguard.core.models import AuditEvent, Role
from safeguard.people.access import can_edit_person, can_view_person
from safeguard.people.models import AccessGrant
from safeguard.sharing import services
from safeguard.sharing.models import Consent, Decision, LawfulBasis, Purpose, SafeguardingLead
from tests.factories import AccessGrantFactory, AgencyFactory, InvolvementFactory
from tests.sharing.conftest import PASSWORD

REASON = "Child arrived at A&E with injuries, out of hours, need history"


def _share(by, person, agency, **overrides):
    values = dict(
        by=by,
        person=person,
        recipient_agency=agency,
        purpose=Purpose.SAFEGUARDING_ASSESSMENT,
        decision=Decision.SHARE,
        consent=Consent.GIVEN,
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        judgement="CANARY-JUDGEMENT police intelligence says a known adult visits.",
        summary="CANARY-SUMMARY one intelligence report.",
        ends_on=timezone.localdate() + dt.timedelta(days=364),
    )
    values.update(overrides)
    return services.sharing_decision_record(**values)


@pytest.fixture
def nurse(make_user, voluntary):
    return make_user(Role.PRACTITIONER, agency=voluntary)


@pytest.fixture
def nurse_lead(make_user, voluntary):
    lead = make_user(Role.PRACTITIONER, agency=voluntary, email="lead@example.invalid")
    SafeguardingLead.objects.create(agency=voluntary, user=lead)
    return lead


@pytest.fixture
def mash_manager(make_user, mash_agency):
    return make_user(Role.MASH_MANAGER, agency=mash_agency)


class TestBreakGlassLaunderedIntoAYearOfAccess:
    """After breaking glass a user could share the child with another agency for 364 days."""

    def test_a_user_with_only_emergency_access_cannot_share_the_child(
        self, nurse, nurse_lead, officer, pupil, police
    ):
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        assert can_view_person(nurse, pupil)
        with pytest.raises(Forbidden):
            _share(nurse, pupil, police)
        assert not can_view_person(officer, pupil)
        assert not nurse.has_perm("sharing.share_about", pupil)

    def test_the_share_page_refuses_a_user_with_only_emergency_access(
        self, nurse, nurse_lead, pupil, police, fast_signed_in
    ):
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        client = fast_signed_in(nurse)
        assert client.get(reverse("sharing:share", args=[pupil.pk])).status_code == 404
        assert client.get(reverse("sharing:person", args=[pupil.pk])).status_code == 200

    def test_a_mash_look_up_cannot_be_passed_on(self, mash_manager, officer, pupil, police):
        from safeguard.people.access import mash_lookup_record

        mash_lookup_record(by=mash_manager, person=pupil, reason="Checking previous contacts")
        with pytest.raises(Forbidden):
            _share(mash_manager, pupil, police)
        assert not can_view_person(officer, pupil)

    def test_emergency_access_cannot_ask_another_agency_to_share_back(
        self, nurse, nurse_lead, pupil, police
    ):
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        with pytest.raises(Forbidden):
            services.information_request_create(
                by=nurse,
                person=pupil,
                to_agency=police,
                purpose=Purpose.SAFEGUARDING_ASSESSMENT,
                asked="Everything you hold",
                due_date=timezone.localdate(),
            )

    def test_a_standing_basis_still_allows_sharing_and_onward_sharing(
        self, teacher, officer, pupil, police, nurse
    ):
        voluntary = nurse.agency
        first = _share(teacher, pupil, police)
        assert first.grant.derived_from is None
        onward = _share(officer, pupil, voluntary)
        assert onward.grant.derived_from == first.grant
        assert can_view_person(nurse, pupil)

    def test_a_not_appropriate_review_ends_everything_the_emergency_access_led_to(
        self, nurse, nurse_lead, officer, pupil, police
    ):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        # A share made under the emergency access before this fix (or any grant derived from it).
        laundered = AccessGrantFactory(
            person=pupil,
            agency=police,
            granted_by=nurse,
            ends_at=timezone.now() + dt.timedelta(days=364),
            derived_from=use.grant,
        )
        assert can_view_person(officer, pupil)
        services.break_glass_review(
            by=nurse_lead, use=use, outcome="not_appropriate", note="Not an emergency"
        )
        assert not can_view_person(nurse, pupil)
        assert not can_view_person(officer, pupil)
        laundered.refresh_from_db()
        assert laundered.revoked_at is not None
        assert AuditEvent.objects.filter(
            object_type="access_grant", object_id=str(laundered.pk), action="update"
        ).exists()

    def test_a_share_made_in_the_window_before_this_fix_is_ended_too(
        self, nurse, nurse_lead, officer, pupil, police
    ):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        AccessGrantFactory(
            person=pupil,
            agency=police,
            granted_by=nurse,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(days=364),
        )
        assert can_view_person(officer, pupil)
        services.break_glass_review(by=nurse_lead, use=use, outcome="not_appropriate", note="No")
        assert not can_view_person(officer, pupil)

    def test_revoking_the_emergency_access_ends_what_it_led_to(
        self, nurse, mash_manager, officer, pupil, police
    ):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        AccessGrantFactory(person=pupil, agency=police, granted_by=nurse, derived_from=use.grant)
        services.sharing_grant_revoke(by=mash_manager, grant=use.grant, reason="Not an emergency")
        assert not can_view_person(nurse, pupil)
        assert not can_view_person(officer, pupil)


class TestEmergencyAccessIsReadOnly:
    """Inside a break-glass window the school nurse changed the child's details and saved."""

    def test_emergency_access_lets_the_user_read_but_not_change_the_record(
        self, nurse, nurse_lead, pupil, fast_signed_in
    ):
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        assert can_view_person(nurse, pupil)
        assert not can_edit_person(nurse, pupil)
        client = fast_signed_in(nurse)
        assert client.get(reverse("people:detail", args=[pupil.pk])).status_code == 200
        edit = reverse("people:edit", args=[pupil.pk])
        assert client.get(edit).status_code in (403, 404)
        saved = client.post(edit, {"given_name": "Changed", "family_name": pupil.family_name})
        assert saved.status_code in (403, 404)
        pupil.refresh_from_db()
        assert pupil.given_name == "Zebedee"

    def test_a_shared_grant_alongside_still_allows_changes(
        self, nurse, nurse_lead, pupil, voluntary, teacher
    ):
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        AccessGrantFactory(person=pupil, agency=voluntary, granted_by=teacher)
        assert can_edit_person(nurse, pupil)

    def test_the_review_lists_every_page_viewed_in_the_window(
        self, nurse, nurse_lead, pupil, fast_signed_in
    ):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        nurse_client = fast_signed_in(nurse)
        assert nurse_client.get(reverse("people:detail", args=[pupil.pk])).status_code == 200
        assert nurse_client.get(reverse("people:viewers", args=[pupil.pk])).status_code == 200
        page = fast_signed_in(nurse_lead).get(reverse("sharing:review", args=[use.pk]))
        body = page.content.decode()
        assert "What they looked at" in body
        assert "The person&#x27;s record" in body or "The person's record" in body
        assert "Who has looked at this record" in body
        assert "person_viewers" not in body


class TestPoliceIntelligenceThroughSidePages:
    """The sharing page and 'who has looked' showed police intelligence decisions to others."""

    @pytest.fixture
    def health_worker(self, make_user, pupil):
        hospital = AgencyFactory(name="City Hospital", kind="health_hospital")
        InvolvementFactory(person=pupil, agency=hospital)
        return make_user(Role.PRACTITIONER, agency=hospital)

    @pytest.fixture
    def intelligence_decision(self, officer, pupil, police, school):
        from tests.factories import ChronologyEventFactory

        InvolvementFactory(person=pupil, agency=police)
        report = ChronologyEventFactory(
            person=pupil,
            agency=police,
            record_type="police_intelligence",
            title="CANARY-INTELLIGENCE",
            occurred_at=timezone.now() - dt.timedelta(days=1),
        )
        return _share(officer, pupil, school, event_ids=[report.pk])

    def test_the_sharing_page_hides_the_decision_from_health_staff(
        self, health_worker, officer, intelligence_decision, pupil, fast_signed_in
    ):
        assert intelligence_decision.record_types == ["police_intelligence"]
        body = fast_signed_in(health_worker).get(reverse("sharing:person", args=[pupil.pk]))
        text = body.content.decode()
        assert body.status_code == 200
        assert "CANARY-JUDGEMENT" not in text
        assert "CANARY-SUMMARY" not in text
        assert "1 decision about records you cannot see is not shown" in text
        police_page = fast_signed_in(officer).get(reverse("sharing:person", args=[pupil.pk]))
        assert "CANARY-JUDGEMENT" in police_page.content.decode()

    def test_who_has_looked_hides_the_judgement_from_health_staff(
        self, health_worker, officer, intelligence_decision, pupil, fast_signed_in
    ):
        body = fast_signed_in(health_worker).get(reverse("people:viewers", args=[pupil.pk]))
        assert body.status_code == 200
        assert "CANARY-JUDGEMENT" not in body.content.decode()
        police_page = fast_signed_in(officer).get(reverse("people:viewers", args=[pupil.pk]))
        assert "CANARY-JUDGEMENT" in police_page.content.decode()


def test_grants_record_what_they_were_derived_from():
    assert AccessGrant._meta.get_field("derived_from").null
