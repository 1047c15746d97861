import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.core.models import AuditEvent, Role
from safeguard.frontdoor import services
from safeguard.frontdoor.categories import BY_CODE, CATEGORIES, cin_code
from safeguard.frontdoor.models import (
    Consent,
    Contact,
    ContactStatus,
    Level,
    NoConsentReason,
    Outcome,
    PoliceFormKind,
)
from safeguard.frontdoor.selectors import contacts_with_outcome
from safeguard.people.access import AccessDenied, can_view_person
from safeguard.people.models import AccessGrant, ChronologyEvent, Person
from safeguard.people.services import chronology_add  # noqa: F401
from tests.factories import InvolvementFactory, PersonFactory

from .conftest import concern_kwargs


class TestCategories:
    def test_every_category_has_a_census_code_from_the_schema(self):
        schema_codes = {
            "16A",
            "18C",
            "19C",
            "17A",
            "3B",
            "11A",
            "24A",
            "10A",
            "19B",
            "20",
            "22A",
            "4B",
            "15A",
            "2B",
        }
        assert {c.cin_code for c in CATEGORIES} <= schema_codes
        assert cin_code("child_criminal_exploitation") == "24A"
        assert cin_code("female_genital_mutilation") == "22A"
        assert len(BY_CODE) == 17


@pytest.mark.django_db
class TestContactSubmit:
    def test_gives_a_reference_receipt_and_deadline(
        self, submit, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):  # the receipt leaves after commit
            contact = submit()
        assert contact.reference.startswith("MASH-")
        assert contact.cin_codes == ["16A", "3B"]
        assert contact.decision_due_at > contact.received_at
        assert len(mail.outbox) == 1
        assert contact.reference in mail.outbox[0].body
        assert "Kai" not in mail.outbox[0].body

    def test_new_child_is_recorded_once_and_linked_again_not_duplicated(self, submit, referrer):
        first = submit()
        # Linked when the reporter may see the record (issue 10, "NHS number to name"); a
        # reporter who may not gets a new record and the MASH a possible match to decide.
        InvolvementFactory(person=first.children.get(), agency=referrer.agency)
        second = submit()
        assert Person.objects.filter(family_name="Testchild").count() == 1
        assert first.contact_children.get().newly_recorded
        assert not second.contact_children.get().newly_recorded

    def test_second_contact_within_twelve_months_is_a_re_referral(self, submit):
        earlier = timezone.now() - dt.timedelta(days=200)
        submit(received_at=earlier)
        again = submit()
        assert again.is_re_referral
        assert again.previous_contacts == 1

    def test_contact_after_twelve_months_is_not_a_re_referral(self, submit):
        submit(received_at=timezone.now() - dt.timedelta(days=400))
        assert not submit().is_re_referral

    def test_mash_gets_access_through_a_contact_grant(self, submit, mash_worker):
        contact = submit()
        child = contact.children.get()
        grant = AccessGrant.objects.get(person=child)
        assert grant.kind == AccessGrant.Kind.MASH_CONTACT
        assert grant.source_reference == contact.reference
        assert can_view_person(mash_worker, child)

    def test_lands_on_the_childs_chronology_and_the_audit_log(self, submit):
        contact = submit()
        child = contact.children.get()
        titles = list(ChronologyEvent.objects.filter(person=child).values_list("title", flat=True))
        assert any(contact.reference in t for t in titles)
        assert AuditEvent.objects.filter(
            object_type="contact", object_id=contact.reference
        ).exists()

    def test_the_childs_voice_is_required(self, submit):
        with pytest.raises(ValidationError) as exc:
            submit(child_voice="   ")
        assert "child_voice" in exc.value.message_dict

    def test_not_asking_for_consent_needs_one_of_the_three_reasons(self, submit):
        with pytest.raises(ValidationError) as exc:
            submit(consent=Consent.NOT_ASKED, no_consent_reason="")
        assert "no_consent_reason" in exc.value.message_dict
        with pytest.raises(ValidationError):
            submit(consent=Consent.NOT_ASKED, no_consent_reason="too busy")
        ok = submit(consent=Consent.NOT_ASKED, no_consent_reason=NoConsentReason.INCREASE_RISK)
        assert ok.no_consent_reason == NoConsentReason.INCREASE_RISK

    def test_future_date_of_birth_is_refused(self, submit):
        child = services.ChildDetails(
            given_name="A",
            family_name="B",
            date_of_birth=timezone.localdate() + dt.timedelta(days=3),
        )
        with pytest.raises(ValidationError) as exc:
            submit(children=[child])
        assert "children.0.date_of_birth" in exc.value.message_dict

    def test_naming_a_record_you_cannot_see_is_refused(self, submit):
        stranger = PersonFactory()
        with pytest.raises(AccessDenied):
            submit(children=[services.ChildDetails(person_id=stranger.pk)])

    def test_a_system_administrator_cannot_report(self, submit, make_user):
        admin = make_user(Role.SYSTEM_ADMINISTRATOR)
        with pytest.raises(AccessDenied):
            submit(by=admin)

    def test_too_long_text_is_refused(self, submit):
        with pytest.raises(ValidationError) as exc:
            submit(what_happened="x" * 100_000)
        assert "10,000 characters" in exc.value.message_dict["what_happened"][0]


@pytest.mark.django_db
class TestThresholdDecide:
    def decide(self, by, contact, level=2, outcome=Outcome.SIGNPOST):
        return services.threshold_decide(
            by=by,
            contact=contact,
            level=level,
            outcome=outcome,
            rationale="Needs met by school with support.",
            message_to_referrer="Thank you.",
        )

    def test_level_two_is_final_and_the_referrer_is_told(
        self, submit, mash_worker, django_capture_on_commit_callbacks
    ):
        contact = submit()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):  # the email leaves after commit
            decision = self.decide(mash_worker, contact)
        contact.refresh_from_db()
        assert decision.is_final
        assert contact.status == ContactStatus.DECIDED
        assert contact.referrer_told_at is not None
        assert "Outcome of your concern" in mail.outbox[0].subject
        assert "Thank you." in mail.outbox[0].body

    def test_level_four_needs_manager_sign_off(self, submit, mash_worker, mash_manager):
        contact = submit()
        decision = self.decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_47)
        contact.refresh_from_db()
        assert decision.needs_sign_off
        assert not decision.is_final
        assert contact.status == ContactStatus.AWAITING_SIGN_OFF
        assert contact.referrer_told_at is None
        with pytest.raises(AccessDenied):
            services.threshold_sign_off(by=mash_worker, contact=contact)
        services.threshold_sign_off(by=mash_manager, contact=contact, note="Agreed")
        contact.refresh_from_db()
        assert contact.status == ContactStatus.DECIDED
        assert contact.decision.signed_off_by == mash_manager

    def test_no_further_action_needs_sign_off_at_any_level(self, submit, mash_worker):
        contact = submit()
        decision = self.decide(
            mash_worker, contact, level=1, outcome=Outcome.ADVICE_NO_FURTHER_ACTION
        )
        assert decision.needs_sign_off

    def test_a_manager_cannot_sign_off_their_own_decision(self, submit, mash_manager):
        contact = submit()
        self.decide(mash_manager, contact, level=4, outcome=Outcome.SECTION_17)
        with pytest.raises(ValidationError):
            services.threshold_sign_off(by=mash_manager, contact=contact)

    def test_a_manager_can_send_it_back(self, submit, mash_worker, mash_manager):
        contact = submit()
        self.decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_17)
        services.threshold_return(by=mash_manager, contact=contact, note="Ask health first")
        contact.refresh_from_db()
        assert contact.status == ContactStatus.GATHERING
        self.decide(mash_worker, contact, level=3, outcome=Outcome.TARGETED_INTERVENTION)

    def test_rationale_is_required(self, submit, mash_worker):
        contact = submit()
        with pytest.raises(ValidationError) as exc:
            services.threshold_decide(
                by=mash_worker,
                contact=contact,
                level=2,
                outcome=Outcome.SIGNPOST,
                rationale="",
                message_to_referrer="x",
            )
        assert "rationale" in exc.value.message_dict

    def test_only_the_mash_decides(self, submit, referrer):
        contact = submit()
        with pytest.raises(AccessDenied):
            self.decide(referrer, contact)

    def test_decision_lands_on_the_chronology(self, submit, mash_worker):
        contact = submit()
        self.decide(mash_worker, contact, level=2, outcome=Outcome.EARLY_HELP_ASSESSMENT)
        child = contact.children.get()
        assert ChronologyEvent.objects.filter(person=child, category="decision").exists()
        assert list(contacts_with_outcome(Outcome.EARLY_HELP_ASSESSMENT)) == [contact]

    def test_information_requests_and_answers(self, submit, mash_worker, police_agency):
        contact = submit()
        request = services.information_request_create(
            by=mash_worker, contact=contact, agency=police_agency, question="Any call-outs?"
        )
        contact.refresh_from_db()
        assert contact.status == ContactStatus.GATHERING
        services.information_request_answer(by=mash_worker, request=request, answer="Two in May.")
        request.refresh_from_db()
        assert request.answered_at is not None
        assert Level(4).label == "Level 4: specialist need"


@pytest.mark.django_db
class TestPoliceForms:
    def form(self, by, kind=PoliceFormKind.WELFARE_CHECK, **extra):
        values = {
            "by": by,
            "kind": kind,
            "subject_name": "Jo Example",
            "subject_date_of_birth": None,
            "location": "York",
            "details": "Not seen for two days.",
            "contact_name": "Alex",
            "contact_email": "alex@example.invalid",
        }
        values.update(extra)
        return services.police_form_submit(**values)

    def test_gives_an_immediate_reference_and_receipt(
        self, referrer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):  # the receipt leaves after commit
            form = self.form(referrer)
        assert form.reference.startswith("POL-")
        assert form.reference in mail.outbox[0].body

    def test_intelligence_only_for_intelligence_users(self, referrer, make_user, police_agency):
        from safeguard.frontdoor.selectors import police_queue

        self.form(referrer, kind=PoliceFormKind.PARTNER_INTELLIGENCE)
        self.form(referrer, kind=PoliceFormKind.MISSING_PERSON)
        officer = make_user(Role.PRACTITIONER, agency=police_agency)
        analyst = make_user(Role.PRACTITIONER, agency=police_agency)
        services.police_intelligence_user_set(by=None, user=analyst, enabled=True)
        assert [r.form.kind for r in police_queue(user=officer)] == [PoliceFormKind.MISSING_PERSON]
        assert police_queue(user=officer, intelligence=True) == []
        assert [r.form.kind for r in police_queue(user=analyst, intelligence=True)] == [
            PoliceFormKind.PARTNER_INTELLIGENCE
        ]
        assert police_queue(user=referrer) == []

    def test_only_police_users_can_be_intelligence_users(self, referrer):
        with pytest.raises(ValidationError):
            services.police_intelligence_user_set(by=None, user=referrer, enabled=True)


def test_sign_off_rule():
    assert services.needs_sign_off(level=4, outcome=Outcome.SECTION_17)
    assert services.needs_sign_off(level=2, outcome=Outcome.ADVICE_NO_FURTHER_ACTION)
    assert services.needs_sign_off(level=3, outcome=Outcome.EARLY_HELP_ASSESSMENT)
    assert not services.needs_sign_off(level=2, outcome=Outcome.EARLY_HELP_ASSESSMENT)
    assert Contact._meta.get_field("child_voice")
    assert concern_kwargs()["consent"] == Consent.GIVEN
