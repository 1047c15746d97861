import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.core.models import AuditEvent, Role
from safeguard.people.access import AccessDenied, can_view_person, visible_record_types
from safeguard.people.models import AccessGrant, ChronologyEvent
from safeguard.sharing import services
from safeguard.sharing.models import (
    Consent,
    Decision,
    LawfulBasis,
    NoConsentReason,
    Purpose,
    SafeguardingLead,
    SharingDecision,
)
from tests.factories import ChronologyEventFactory, InvolvementFactory


def share(by, person, agency, **overrides):
    values = dict(
        by=by,
        person=person,
        recipient_agency=agency,
        purpose=Purpose.SAFEGUARDING_ASSESSMENT,
        decision=Decision.SHARE,
        consent=Consent.GIVEN,
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        judgement="Attendance and presentation suggest neglect; police are investigating.",
        summary="Attendance record and two pastoral notes.",
        ends_on=timezone.localdate() + dt.timedelta(days=14),
    )
    values.update(overrides)
    return services.sharing_decision_record(**values)


class TestShareWithConsent:
    def test_share_records_decision_and_grants_the_agency_access(
        self, teacher, officer, pupil, police, school_events
    ):
        assert not can_view_person(officer, pupil)
        decision = share(teacher, pupil, police, event_ids=[school_events["general"].pk])
        assert decision.decision == "share"
        assert decision.grant is not None
        assert decision.grant.agency_id == police.pk
        assert decision.grant.kind == "shared"
        assert decision.items == [
            {"type": "chronology_event", "id": str(school_events["general"].pk)}
        ]
        assert len(decision.items_sha256) == 64
        assert can_view_person(officer, pupil)
        assert (
            AuditEvent.objects.filter(
                object_type="sharing_decision", object_id=str(decision.pk)
            ).count()
            == 1
        )
        assert (
            ChronologyEvent.objects.filter(person=pupil, source_type="sharing_decision").count()
            == 1
        )

    def test_the_digest_changes_if_the_shared_record_changes(
        self, teacher, pupil, police, school_events
    ):
        first = share(teacher, pupil, police, event_ids=[school_events["general"].pk])
        ChronologyEvent.objects.filter(pk=school_events["general"].pk).update(detail="edited later")
        second = share(teacher, pupil, police, event_ids=[school_events["general"].pk])
        assert first.items_sha256 != second.items_sha256

    def test_cannot_share_records_another_agency_holds(self, teacher, pupil, police, voluntary):
        theirs = ChronologyEventFactory(person=pupil, agency=voluntary, title="Their note")
        with pytest.raises(ValidationError) as exc:
            share(teacher, pupil, police, event_ids=[theirs.pk])
        assert "items" in exc.value.message_dict
        assert SharingDecision.objects.count() == 0


class TestConsentPaths:
    @pytest.mark.parametrize("consent", [Consent.NOT_SOUGHT, Consent.WITHDRAWN])
    def test_sharing_without_consent_needs_one_of_the_three_reasons(
        self, teacher, pupil, police, consent
    ):
        with pytest.raises(ValidationError) as exc:
            share(teacher, pupil, police, consent=consent)
        assert "no_consent_reason" in exc.value.message_dict
        decision = share(
            teacher, pupil, police, consent=consent, no_consent_reason=NoConsentReason.DELAY
        )
        assert decision.no_consent_reason == "delay"

    def test_refusal_can_only_be_overridden_by_a_safeguarding_lead(
        self, teacher, make_user, school, pupil, police
    ):
        with pytest.raises(ValidationError) as exc:
            share(
                teacher,
                pupil,
                police,
                consent=Consent.REFUSED,
                no_consent_reason=NoConsentReason.RISK_OF_HARM,
            )
        assert "consent" in exc.value.message_dict
        lead = make_user(Role.PRACTITIONER, agency=school)
        SafeguardingLead.objects.create(agency=school, user=lead)
        decision = share(
            lead,
            pupil,
            police,
            consent=Consent.REFUSED,
            no_consent_reason=NoConsentReason.RISK_OF_HARM,
        )
        assert decision.consent == "refused"
        assert decision.grant is not None

    def test_consent_cannot_be_the_basis_without_consent(self, teacher, pupil, police):
        with pytest.raises(ValidationError) as exc:
            share(
                teacher,
                pupil,
                police,
                consent=Consent.NOT_SOUGHT,
                no_consent_reason=NoConsentReason.UNDERMINE_INVESTIGATION,
                lawful_basis=LawfulBasis.CONSENT,
            )
        assert "lawful_basis" in exc.value.message_dict

    def test_reason_is_dropped_when_consent_was_given(self, teacher, pupil, police):
        decision = share(teacher, pupil, police, no_consent_reason=NoConsentReason.DELAY)
        assert decision.no_consent_reason == ""

    @pytest.mark.parametrize("consent", list(Consent))
    def test_decision_not_to_share_is_recorded_with_the_same_care_and_grants_nothing(
        self, teacher, officer, pupil, police, consent
    ):
        decision = share(
            teacher,
            pupil,
            police,
            decision=Decision.NOT_SHARE,
            consent=consent,
            summary="",
            ends_on=None,
        )
        assert decision.grant is None
        assert decision.judgement
        assert not can_view_person(officer, pupil)
        assert AccessGrant.objects.count() == 0
        with pytest.raises(ValidationError):
            share(
                teacher, pupil, police, decision=Decision.NOT_SHARE, consent=consent, judgement="  "
            )

    def test_judgement_is_required(self, teacher, pupil, police):
        with pytest.raises(ValidationError) as exc:
            share(teacher, pupil, police, judgement="")
        assert "judgement" in exc.value.message_dict


class TestOneTransaction:
    def test_a_fault_mid_service_rolls_back_both_grant_and_decision(self, teacher, pupil, police):
        audit_before = AuditEvent.objects.count()
        with mock.patch.object(services, "chronology_add", side_effect=RuntimeError("disk full")):
            with pytest.raises(RuntimeError):
                share(teacher, pupil, police)
        assert AccessGrant.objects.count() == 0
        assert SharingDecision.objects.count() == 0
        assert AuditEvent.objects.count() == audit_before

    def test_every_successful_share_leaves_one_decision_and_one_grant(self, teacher, pupil, police):
        for _ in range(3):
            share(teacher, pupil, police)
        assert SharingDecision.objects.count() == 3
        assert AccessGrant.objects.filter(kind="shared").count() == 3

    def test_database_refuses_a_share_without_consent_or_reason(self, teacher, pupil, police):
        decision = share(teacher, pupil, police)
        with pytest.raises(IntegrityError), transaction.atomic():
            SharingDecision.objects.filter(pk=decision.pk).update(
                consent="not_sought", no_consent_reason=""
            )

    def test_database_refuses_an_empty_judgement(self, teacher, pupil, police):
        decision = share(teacher, pupil, police)
        with pytest.raises(IntegrityError), transaction.atomic():
            SharingDecision.objects.filter(pk=decision.pk).update(judgement="")


class TestNeedToKnow:
    def test_sharing_a_sensitive_record_names_its_type_in_the_grant(
        self, officer, police, school, teacher
    ):
        from tests.factories import PersonFactory

        person = PersonFactory()
        InvolvementFactory(person=person, agency=police)
        intel = ChronologyEventFactory(
            person=person, agency=police, record_type="police_intelligence"
        )
        InvolvementFactory(
            person=person, agency=school, ended=timezone.localdate() - dt.timedelta(days=400)
        )
        assert "police_intelligence" not in visible_record_types(teacher, person)
        decision = share(officer, person, school, event_ids=[intel.pk])
        assert decision.grant.record_types == ["police_intelligence"]
        assert "police_intelligence" in visible_record_types(teacher, person)

    def test_revoking_refuses_the_next_request(self, teacher, officer, pupil, police):
        decision = share(teacher, pupil, police)
        assert can_view_person(officer, pupil)
        services.sharing_grant_revoke(
            by=teacher, grant=decision.grant, reason="Investigation closed"
        )
        assert not can_view_person(officer, pupil)

    def test_only_the_sharing_agency_may_revoke(self, teacher, officer, pupil, police):
        decision = share(teacher, pupil, police)
        with pytest.raises(AccessDenied):
            services.sharing_grant_revoke(by=officer, grant=decision.grant, reason="x")

    def test_grant_expires_at_the_end_of_the_day(self, teacher, officer, pupil, police):
        ends_on = timezone.localdate() + dt.timedelta(days=2)
        share(teacher, pupil, police, ends_on=ends_on)
        tz = timezone.get_default_timezone()
        late = timezone.make_aware(dt.datetime.combine(ends_on, dt.time(23, 59)), tz)
        after = timezone.make_aware(
            dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(0, 1)), tz
        )
        with mock.patch("django.utils.timezone.now", return_value=late):
            assert can_view_person(officer, pupil)
        with mock.patch("django.utils.timezone.now", return_value=after):
            assert not can_view_person(officer, pupil)
