"""Consent in early help (issue 10, item 5), and what the family may be told is already known."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AgencyKind, AuditEvent, Role
from safeguard.earlyhelp import services
from safeguard.earlyhelp.models import FamilyConsent
from safeguard.earlyhelp.selectors import (
    already_known_for_family,
    assessment_prefill,
    consent_people,
    family_consent,
)
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent, Relationship, RelationshipKind

from ..factories import AgencyFactory, ChronologyEventFactory, InvolvementFactory, PersonFactory
from .conftest import agree

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _refuse(family, episode, *, next_step=FamilyConsent.NextStep.REPORT_CONCERN):
    return services.family_consent_record(
        by=family.lead,
        episode=episode,
        person=family.parent,
        decision=FamilyConsent.Decision.REFUSED,
        decided_on=YESTERDAY,
        method=FamilyConsent.Method.PHONE,
        next_step=next_step,
    )


class TestConsentBeforeTheAssessment:
    def test_an_assessment_cannot_start_without_the_familys_consent(
        self, family, unconsented_episode
    ):
        with pytest.raises(ValidationError, match="consent"):
            services.assessment_start(by=family.lead, episode=unconsented_episode)

    def test_consent_to_the_assessment_lets_it_start(self, family, unconsented_episode):
        agree(family, unconsented_episode)
        assessment = services.assessment_start(by=family.lead, episode=unconsented_episode)
        assert assessment.is_draft

    def test_consent_only_to_sharing_does_not_start_an_assessment(
        self, family, unconsented_episode
    ):
        services.family_consent_record(
            by=family.lead,
            episode=unconsented_episode,
            person=family.parent,
            decision=FamilyConsent.Decision.GIVEN,
            decided_on=YESTERDAY,
            method=FamilyConsent.Method.WRITING,
            to_sharing=True,
            agencies=[AgencyFactory()],
        )
        with pytest.raises(ValidationError):
            services.assessment_start(by=family.lead, episode=unconsented_episode)

    def test_a_competent_young_person_can_consent_for_themselves(self, family, unconsented_episode):
        consent = agree(family, unconsented_episode, person=family.older)
        assert consent.capacity == FamilyConsent.Capacity.YOUNG_PERSON
        assert services.assessment_start(by=family.lead, episode=unconsented_episode)

    def test_a_refusal_records_the_next_step_and_stops_the_assessment(
        self, family, unconsented_episode
    ):
        refusal = _refuse(family, unconsented_episode)
        assert refusal.get_next_step_display().startswith("A safeguarding concern remains")
        assert not refusal.to_assessment
        with pytest.raises(ValidationError, match="refused or withdrawn"):
            services.assessment_start(by=family.lead, episode=unconsented_episode)

    def test_a_refusal_needs_a_next_step(self, family, unconsented_episode):
        with pytest.raises(ValidationError) as caught:
            _refuse(family, unconsented_episode, next_step="")
        assert "Select what you will do next" in str(caught.value)

    def test_agreeing_to_nothing_or_sharing_with_nobody_is_refused(
        self, family, unconsented_episode
    ):
        with pytest.raises(ValidationError) as caught:
            services.family_consent_record(
                by=family.lead,
                episode=unconsented_episode,
                person=family.parent,
                decision=FamilyConsent.Decision.GIVEN,
                decided_on=YESTERDAY,
                method=FamilyConsent.Method.IN_PERSON,
                to_sharing=True,
            )
        assert "Select the agencies they agreed to share information with" in str(caught.value)

    def test_consent_cannot_be_dated_in_the_future(self, family, unconsented_episode):
        with pytest.raises(ValidationError, match="today or in the past"):
            services.family_consent_record(
                by=family.lead,
                episode=unconsented_episode,
                person=family.parent,
                decision=FamilyConsent.Decision.GIVEN,
                decided_on=timezone.localdate() + dt.timedelta(days=1),
                method=FamilyConsent.Method.IN_PERSON,
                to_assessment=True,
            )

    def test_someone_outside_the_family_cannot_be_recorded_as_consenting(
        self, family, unconsented_episode
    ):
        stranger = PersonFactory()
        with pytest.raises(ValidationError, match="Select who was asked"):
            agree(family, unconsented_episode, person=stranger)

    def test_consent_is_audited_and_on_each_childs_chronology(self, family, unconsented_episode):
        consent = agree(family, unconsented_episode)
        events = AuditEvent.objects.filter(object_type="early_help_consent", object_id=consent.pk)
        assert {e.person_id for e in events} == {family.older.pk, family.younger.pk}
        assert ChronologyEvent.objects.filter(
            person=family.younger, title__startswith="Consent to early help given"
        ).exists()


class TestWithdrawal:
    def test_withdrawal_stops_sharing_and_the_assessment(self, family, unconsented_episode):
        police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
        consent = agree(family, unconsented_episode, agencies=[police])
        assert family_consent(episode=unconsented_episode).sharing_agency_ids == {police.pk}
        services.family_consent_withdraw(
            by=family.lead, consent=consent, withdrawn_on=timezone.localdate(), note="Changed mind"
        )
        state = family_consent(episode=unconsented_episode)
        assert state.sharing_agency_ids == set()
        assert [c.person for c in state.withdrawn] == [family.parent]
        with pytest.raises(ValidationError, match="refused or withdrawn"):
            services.assessment_start(by=family.lead, episode=unconsented_episode)
        with pytest.raises(ValidationError) as caught:
            services.taf_meeting_record(
                by=family.lead,
                episode=unconsented_episode,
                held_on=timezone.localdate(),
                next_review_due=timezone.localdate() + dt.timedelta(weeks=6),
                progress="Some progress",
                agencies=[police],
            )
        assert "has not agreed to share information with Test Police" in str(caught.value)

    def test_withdrawal_stops_completing_a_draft(self, family, episode):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        consent = FamilyConsent.objects.get(episode=episode)
        services.family_consent_withdraw(
            by=family.lead, consent=consent, withdrawn_on=timezone.localdate()
        )
        with pytest.raises(ValidationError, match="refused or withdrawn"):
            services.assessment_save(
                by=family.lead,
                assessment=assessment,
                complete=True,
                lead_practitioner=family.lead,
                assessment_date=YESTERDAY,
                family_view="View",
                child_voice="Voice",
                needs="Needs",
                plan="Plan",
            )

    def test_consent_given_again_after_withdrawal_counts(self, family, unconsented_episode):
        first = agree(family, unconsented_episode)
        services.family_consent_withdraw(by=family.lead, consent=first, withdrawn_on=YESTERDAY)
        services.family_consent_record(
            by=family.lead,
            episode=unconsented_episode,
            person=family.parent,
            decision=FamilyConsent.Decision.GIVEN,
            decided_on=timezone.localdate(),
            method=FamilyConsent.Method.IN_PERSON,
            to_assessment=True,
        )
        assert family_consent(episode=unconsented_episode).agreed_to_assessment

    def test_a_withdrawal_cannot_be_before_the_consent_or_twice(self, family, unconsented_episode):
        consent = agree(family, unconsented_episode)
        with pytest.raises(ValidationError, match="on or after the day it was given"):
            services.family_consent_withdraw(
                by=family.lead, consent=consent, withdrawn_on=YESTERDAY - dt.timedelta(days=3)
            )
        services.family_consent_withdraw(
            by=family.lead, consent=consent, withdrawn_on=timezone.localdate()
        )
        with pytest.raises(ValidationError, match="in force"):
            services.family_consent_withdraw(
                by=family.lead, consent=consent, withdrawn_on=timezone.localdate()
            )

    def test_withdrawal_is_audited_for_each_child(self, family, unconsented_episode):
        consent = agree(family, unconsented_episode)
        services.family_consent_withdraw(
            by=family.lead, consent=consent, withdrawn_on=timezone.localdate()
        )
        assert (
            AuditEvent.objects.filter(
                object_type="early_help_consent", reason="Consent withdrawn"
            ).count()
            == 2
        )


class TestWhoIsAsked:
    def test_parents_with_responsibility_and_adults_at_home_and_the_children(
        self, family, unconsented_episode
    ):
        dad = PersonFactory(given_name="Rory", family_name="Brennan")
        Relationship.objects.create(
            person=dad,
            other=family.older,
            kind=RelationshipKind.PARENT,
            parental_responsibility=True,
        )
        InvolvementFactory(person=dad, agency=family.school)
        people = dict(consent_people(user=family.lead, episode=unconsented_episode))
        assert people[family.parent] == FamilyConsent.Capacity.PARENT
        assert people[dad] == FamilyConsent.Capacity.PARENT
        assert people[family.older] == FamilyConsent.Capacity.YOUNG_PERSON

    def test_people_the_user_cannot_see_are_not_offered(self, family, unconsented_episode):
        hidden = PersonFactory(given_name="Hidden", family_name="Parent")
        Relationship.objects.create(
            person=hidden,
            other=family.older,
            kind=RelationshipKind.PARENT,
            parental_responsibility=True,
        )
        people = dict(consent_people(user=family.lead, episode=unconsented_episode))
        assert hidden not in people


class TestConsentAccess:
    def test_an_outsider_cannot_record_or_withdraw_consent(self, family, episode, outsider):
        with pytest.raises(AccessDenied):
            services.family_consent_record(
                by=outsider,
                episode=episode,
                person=family.parent,
                decision=FamilyConsent.Decision.GIVEN,
                decided_on=YESTERDAY,
                method=FamilyConsent.Method.IN_PERSON,
                to_assessment=True,
            )
        with pytest.raises(AccessDenied):
            services.family_consent_withdraw(
                by=outsider,
                consent=FamilyConsent.objects.filter(episode=episode).first(),
                withdrawn_on=timezone.localdate(),
            )

    def test_a_panel_chair_who_may_see_cannot_record_consent(self, family, episode, make_user):
        chair = make_user(Role.PANEL_CHAIR, agency=family.school)
        with pytest.raises(AccessDenied):
            services.family_consent_record(
                by=chair,
                episode=episode,
                person=family.parent,
                decision=FamilyConsent.Decision.GIVEN,
                decided_on=YESTERDAY,
                method=FamilyConsent.Method.IN_PERSON,
                to_assessment=True,
            )

    def test_consent_pages_are_not_found_for_an_outsider(
        self, family, episode, outsider, signed_in
    ):
        consent = FamilyConsent.objects.get(episode=episode)
        client = signed_in(outsider)
        for url in (
            reverse("earlyhelp:consent", args=[episode.pk]),
            reverse("earlyhelp:consent-withdraw", args=[episode.pk, consent.pk]),
        ):
            assert client.get(url).status_code == 404
            assert client.post(url, {}).status_code == 404
        assert FamilyConsent.objects.get(pk=consent.pk).withdrawn_on is None


class TestConsentPages:
    def test_record_consent_then_start_the_assessment(self, family, unconsented_episode, signed_in):
        client = signed_in(family.lead)
        detail = client.get(reverse("earlyhelp:detail", args=[unconsented_episode.pk]))
        html = detail.content.decode()
        assert "Record the family's consent" in html
        assert "Start an Early Help Assessment" not in html
        # Starting anyway goes to the consent page.
        started = client.post(reverse("earlyhelp:assessment-start", args=[unconsented_episode.pk]))
        assert started["Location"] == reverse("earlyhelp:consent", args=[unconsented_episode.pk])
        response = client.post(
            reverse("earlyhelp:consent", args=[unconsented_episode.pk]),
            {
                "person": str(family.parent.pk),
                "decision": "given",
                "agreed_to": ["assessment", "sharing"],
                "agencies": [str(family.school.pk)],
                "method": "in_person",
                **_date("decided_on", YESTERDAY),
            },
        )
        assert response.status_code == 302
        html = client.get(
            reverse("earlyhelp:detail", args=[unconsented_episode.pk])
        ).content.decode()
        assert "Start an Early Help Assessment" in html
        assert "Sharing with Fulford Test School" in html

    def test_empty_form_names_each_answer_needed(self, family, unconsented_episode, signed_in):
        html = (
            signed_in(family.lead)
            .post(reverse("earlyhelp:consent", args=[unconsented_episode.pk]), {})
            .content.decode()
        )
        for message in (
            "Select who you asked",
            "Select whether they agreed",
            "Select how they told you",
            "Enter the date they told you",
        ):
            assert message in html

    def test_agreeing_needs_what_they_agreed_to(self, family, unconsented_episode, signed_in):
        html = (
            signed_in(family.lead)
            .post(
                reverse("earlyhelp:consent", args=[unconsented_episode.pk]),
                {
                    "person": str(family.parent.pk),
                    "decision": "given",
                    "method": "phone",
                    **_date("decided_on", YESTERDAY),
                },
            )
            .content.decode()
        )
        assert "Select what they agreed to" in html
        # The follow-up questions are a conditional reveal inside the "Agreed" answer.
        assert 'data-aria-controls="conditional-id_decision_0"' in html
        assert 'id="conditional-id_decision_0"' in html

    def test_refusal_with_a_remaining_concern_points_to_report_a_concern(
        self, family, unconsented_episode, signed_in
    ):
        client = signed_in(family.lead)
        response = client.post(
            reverse("earlyhelp:consent", args=[unconsented_episode.pk]),
            {
                "person": str(family.parent.pk),
                "decision": "refused",
                "next_step": "report_concern",
                "method": "phone",
                **_date("decided_on", YESTERDAY),
            },
        )
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "Report a concern to the Multi-Agency Safeguarding Hub (MASH)" in html
        assert reverse("frontdoor:report-start") in html
        assert "refused early help" in html

    def test_withdrawal_shows_on_the_episode(self, family, episode, signed_in):
        consent = FamilyConsent.objects.get(episode=episode)
        client = signed_in(family.lead)
        url = reverse("earlyhelp:consent-withdraw", args=[episode.pk, consent.pk])
        assert "Record that Keira Brennan has withdrawn consent" in client.get(url).content.decode()
        response = client.post(url, {**_date("withdrawn_on", timezone.localdate())})
        assert response.status_code == 302
        html = client.get(reverse("earlyhelp:detail", args=[episode.pk])).content.decode()
        assert "Keira Brennan withdrew consent on" in html
        assert "Nothing more is shared with other agencies" in html
        assert client.get(url).status_code == 404  # withdrawn consent cannot be withdrawn again


class TestWhatTheFamilyMayBeTold:
    def test_police_and_youth_justice_entries_never_reach_the_assessment(self, family, episode):
        police = AgencyFactory(name="North Test Police", kind=AgencyKind.POLICE)
        youth = AgencyFactory(name="Test Youth Justice", kind=AgencyKind.YOUTH_JUSTICE)
        ChronologyEventFactory(person=family.older, title="Seen with older males", agency=police)
        ChronologyEventFactory(person=family.older, title="Referral order", agency=youth)
        ChronologyEventFactory(
            person=family.older,
            title="Arrest of a household member",
            category=ChronologyEvent.Category.POLICE,
        )
        ChronologyEventFactory(
            person=family.older, title="Attendance meeting held", agency=family.school
        )
        InvolvementFactory(person=family.older, agency=youth, role_description="Case worker")
        known = assessment_prefill(user=family.lead, episode=episode).values["already_known"]
        assert "Attendance meeting held" in known
        for hidden in ("Seen with older males", "Referral order", "Arrest", "Test Youth Justice"):
            assert hidden not in known

    def test_sensitive_entries_stay_out_even_for_a_user_who_may_see_them(self, family, episode):
        ChronologyEventFactory(
            person=family.older, title="Sexual health clinic visit", record_type="sexual_health"
        )
        clinic = AgencyFactory(kind=AgencyKind.HEALTH_HOSPITAL)
        nurse = family.lead.__class__.objects.get(pk=family.lead.pk)
        nurse.agency = clinic  # a hospital user may see sexual health entries themselves
        known = already_known_for_family(user=nurse, children=[family.older])
        assert "Sexual health clinic visit" not in [e.title for e in known.events]

    def test_the_assessment_form_shows_only_what_the_family_may_be_told(
        self, family, episode, signed_in
    ):
        police = AgencyFactory(name="North Test Police", kind=AgencyKind.POLICE)
        ChronologyEventFactory(person=family.older, title="Police intelligence note", agency=police)
        client = signed_in(family.lead)
        response = client.post(reverse("earlyhelp:assessment-start", args=[episode.pk]))
        html = client.get(response["Location"]).content.decode()
        assert "Police intelligence note" not in html
        assert "Isla Brennan" in html


class TestCompletingAfterWithdrawal:
    def test_the_form_says_why_and_keeps_the_draft(self, family, episode, signed_in):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        services.family_consent_withdraw(
            by=family.lead,
            consent=FamilyConsent.objects.get(episode=episode),
            withdrawn_on=timezone.localdate(),
        )
        response = signed_in(family.lead).post(
            reverse("earlyhelp:assessment", args=[episode.pk, assessment.pk]),
            {
                "action": "complete",
                "lead_practitioner": str(family.lead.pk),
                **_date("assessment_date", YESTERDAY),
                "family_view": "Mum wants calmer mornings.",
                "child_voice": "Isla said mornings are shouty.",
                "needs": "Routines.",
                "plan": "Weekly check-ins.",
            },
        )
        html = response.content.decode()
        assert "refused or withdrawn consent" in html
        assessment.refresh_from_db()
        assert assessment.is_draft
        assert assessment.plan == "Weekly check-ins."
