"""The MASH's own work (issue 9): work items, urgency and deadlines, hand-offs, decisions that make sense."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from safeguard.core.models import Role, TeamMembership, TeamPurpose
from safeguard.earlyhelp.models import Episode
from safeguard.frontdoor import services
from safeguard.frontdoor.models import (
    OUTCOMES_BY_LEVEL,
    ContactStatus,
    DecisionVersion,
    Level,
    MashEnquiry,
    Outcome,
    Urgency,
    VersionEnd,
)
from safeguard.frontdoor.selectors import contact_for_triage, mash_queue
from safeguard.people.access import AccessDenied, can_view_person
from safeguard.people.models import ChronologyEvent, Involvement, Visibility
from safeguard.work.models import Priority, WorkItem, WorkKind, WorkStatus
from tests.factories import TeamFactory

UK = ZoneInfo("Europe/London")
TUESDAY_TEN = dt.datetime(2025, 3, 4, 10, 0, tzinfo=UK)
SATURDAY_NIGHT = dt.datetime(2025, 3, 8, 23, 0, tzinfo=UK)

pytestmark = pytest.mark.django_db


def items(contact, kind=None, **filters):
    found = WorkItem.objects.filter(subject_type="frontdoor.contact", subject_id=contact.reference)
    if kind is not None:
        found = found.filter(kind=kind)
    return found.filter(**filters)


def decide(by, contact, level=2, outcome=Outcome.SIGNPOST, **extra):
    return services.threshold_decide(
        by=by,
        contact=contact,
        level=level,
        outcome=outcome,
        rationale="Assessed against the continuum of need.",
        message_to_referrer="Thank you for telling us.",
        **extra,
    )


class TestTheMashsWorkItems:
    def test_a_new_contact_gives_the_mash_team_an_item_due_at_its_own_deadline(
        self, submit, mash_team
    ):
        contact = submit(received_at=TUESDAY_TEN)
        item = items(contact, WorkKind.DECIDE_CONTACT).get()
        assert item.team == mash_team
        assert item.due_at == contact.decision_due_at
        assert item.priority == Priority.STANDARD
        assert item.subject_url == f"/mash/{contact.reference}/"
        assert contact.reference in item.subject_label
        assert "Kai" not in item.title  # a title never names a child

    def test_without_a_mash_purpose_team_the_agency_receiving_team_gets_it(
        self, submit, mash_agency
    ):
        contact = submit()
        item = items(contact, WorkKind.DECIDE_CONTACT).get()
        assert item.team.agency == mash_agency
        assert item.team.receives_for_agency

    def test_proposing_a_decision_gives_a_manager_a_sign_off_item(
        self, submit, mash_worker, mash_manager
    ):
        contact = submit()
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_47)
        assert items(contact, WorkKind.DECIDE_CONTACT).get().status == WorkStatus.DONE
        sign_off = items(contact, WorkKind.SIGN_OFF_DECISION).get()
        assert sign_off.assignee == mash_manager
        assert sign_off.is_open

    def test_a_send_back_gives_the_worker_the_reason_and_shows_it_on_the_contact(
        self, submit, mash_worker, mash_manager
    ):
        contact = submit()
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_47)
        services.threshold_return(
            by=mash_manager, contact=contact, note="Ask the police about the call-outs first."
        )
        assert items(contact, WorkKind.SIGN_OFF_DECISION).get().status == WorkStatus.DONE
        redo = items(contact, WorkKind.REDO_DECISION).get()
        assert redo.assignee == mash_worker
        assert "Ask the police about the call-outs first." in redo.detail
        page = contact_for_triage(user=mash_worker, reference=contact.reference)
        assert page.sent_back is not None
        assert page.sent_back.reason == "Ask the police about the call-outs first."
        assert page.sent_back.outcome == Outcome.SECTION_47  # the proposal stays in the history

    def test_deciding_again_and_signing_off_closes_every_item(
        self, submit, mash_worker, mash_manager
    ):
        contact = submit()
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_47)
        services.threshold_return(by=mash_manager, contact=contact, note="More work.")
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_17)
        assert items(contact, WorkKind.REDO_DECISION).get().status == WorkStatus.DONE
        services.threshold_sign_off(by=mash_manager, contact=contact)
        mash_open = items(contact, team__purpose=TeamPurpose.MASH).filter(
            status__in=[WorkStatus.WAITING, WorkStatus.IN_PROGRESS]
        )
        assert not mash_open.exists()
        contact.refresh_from_db()
        assert contact.decision.version == 2
        assert contact_for_triage(user=mash_worker, reference=contact.reference).sent_back is None


class TestUrgency:
    def test_immediate_danger_is_due_two_hours_round_the_clock(self, submit):
        contact = submit(immediate_danger=True, received_at=SATURDAY_NIGHT)
        assert contact.urgency == Urgency.IMMEDIATE
        assert contact.decision_due_at == SATURDAY_NIGHT + dt.timedelta(hours=2)
        assert items(contact, WorkKind.DECIDE_CONTACT).first().priority == Priority.IMMEDIATE

    def test_the_deadline_is_configurable(self, submit, settings):
        settings.WORK_DEADLINES = {"decide_contact_immediate": [1, "round_the_clock"]}
        contact = submit(immediate_danger=True, received_at=TUESDAY_TEN)
        assert contact.decision_due_at == TUESDAY_TEN + dt.timedelta(hours=1)

    def test_out_of_hours_immediate_danger_goes_to_the_emergency_duty_team(self, submit):
        duty = TeamFactory(name="Emergency Duty Team", purpose=TeamPurpose.EMERGENCY_DUTY)
        contact = submit(immediate_danger=True, received_at=SATURDAY_NIGHT)
        edt = items(contact, WorkKind.DECIDE_CONTACT, team=duty).get()
        assert edt.due_at == SATURDAY_NIGHT + dt.timedelta(hours=2)
        assert "01904 000000" in edt.detail  # the referrer's phone, to act at once

    def test_in_office_hours_the_emergency_duty_team_is_not_given_it(self, submit):
        duty = TeamFactory(name="Emergency Duty Team", purpose=TeamPurpose.EMERGENCY_DUTY)
        contact = submit(immediate_danger=True, received_at=TUESDAY_TEN)
        assert not items(contact, team=duty).exists()

    def test_the_queue_shows_urgency_first_then_overdue_then_due(self, submit, mash_worker):
        old_standard = submit(received_at=TUESDAY_TEN - dt.timedelta(days=3))  # overdue
        standard = submit(received_at=TUESDAY_TEN)
        danger = submit(immediate_danger=True, received_at=TUESDAY_TEN + dt.timedelta(hours=1))
        urgent = submit(received_at=TUESDAY_TEN + dt.timedelta(minutes=30))
        services.contact_urgency_set(
            by=mash_worker, contact=urgent, urgency=Urgency.URGENT, reason="Police call"
        )
        now = TUESDAY_TEN + dt.timedelta(hours=2)
        rows, total = mash_queue(user=mash_worker, now=now)
        assert total == 4
        assert [r.contact.pk for r in rows] == [danger.pk, urgent.pk, old_standard.pk, standard.pk]

    def test_the_tag_follows_the_contacts_own_deadline(self, submit, mash_worker):
        danger = submit(immediate_danger=True, received_at=TUESDAY_TEN)
        standard = submit(received_at=TUESDAY_TEN)

        def tags(now):
            rows, _ = mash_queue(user=mash_worker, now=now)
            return {r.contact.pk: r.rag_label for r in rows}

        assert tags(TUESDAY_TEN + dt.timedelta(minutes=30)) == {
            danger.pk: "Due soon",
            standard.pk: "On time",
        }
        assert tags(TUESDAY_TEN + dt.timedelta(hours=3))[danger.pk] == "Overdue"

    def test_changing_the_urgency_moves_the_deadline_and_the_work(self, submit, mash_worker):
        contact = submit(received_at=TUESDAY_TEN)
        services.contact_urgency_set(
            by=mash_worker, contact=contact, urgency=Urgency.URGENT, reason="Police call"
        )
        contact.refresh_from_db()
        assert contact.decision_due_at == TUESDAY_TEN + dt.timedelta(hours=4)
        item = items(contact, WorkKind.DECIDE_CONTACT).get()
        assert (item.due_at, item.priority) == (contact.decision_due_at, Priority.URGENT)

    def test_only_the_mash_changes_urgency_and_says_why(self, submit, referrer, mash_worker):
        contact = submit()
        with pytest.raises(AccessDenied):
            services.contact_urgency_set(
                by=referrer, contact=contact, urgency=Urgency.URGENT, reason="x"
            )
        with pytest.raises(ValidationError) as exc:
            services.contact_urgency_set(
                by=mash_worker, contact=contact, urgency=Urgency.URGENT, reason=""
            )
        assert "reason" in exc.value.message_dict


class TestHandOffs:
    """Every outcome the table allows, decided and (where needed) signed off: what it hands on."""

    @pytest.fixture
    def social_worker(self, make_user, social_care_team):
        user = make_user(Role.PRACTITIONER, agency=social_care_team.agency)
        TeamMembership.objects.create(team=social_care_team, user=user, since=dt.date(2024, 1, 1))
        return user

    EXPECTED = {
        Outcome.SECTION_17: WorkKind.SECTION_17_ASSESSMENT,
        Outcome.SECTION_47: WorkKind.SECTION_47_STRATEGY,
        Outcome.LOOKED_AFTER: WorkKind.LOOKED_AFTER,
    }

    @pytest.mark.parametrize(
        ("level", "outcome"),
        [(level, outcome) for level, outcomes in OUTCOMES_BY_LEVEL.items() for outcome in outcomes],
    )
    def test_each_outcome_creates_its_hand_off(  # noqa: PLR0917
        self,
        level,
        outcome,
        submit,
        mash_worker,
        mash_manager,
        social_care_team,
        social_worker,
    ):
        contact = submit(
            children=[
                services.ChildDetails(given_name="Ada", family_name="Handoff"),
                services.ChildDetails(given_name="Ben", family_name="Handoff"),
            ]
        )
        decision = decide(mash_worker, contact, level=level, outcome=outcome)
        if decision.needs_sign_off:
            services.threshold_sign_off(by=mash_manager, contact=contact)
        contact.refresh_from_db()
        assert contact.status == ContactStatus.DECIDED
        children = list(contact.children.all())
        social_care = items(contact, team=social_care_team)
        if outcome in self.EXPECTED:
            assert sorted(i.person_id for i in social_care) == sorted(c.pk for c in children)
            assert {i.kind for i in social_care} == {self.EXPECTED[outcome]}
            for child in children:
                assert Involvement.objects.filter(
                    person=child, agency=social_care_team.agency, ended__isnull=True
                ).exists()
                assert can_view_person(social_worker, child)  # opens the child at once
        else:
            assert not social_care.exists()
            assert not any(can_view_person(social_worker, c) for c in children)
        assert Episode.objects.exists() == (outcome == Outcome.EARLY_HELP_ASSESSMENT)

    def test_every_level_four_outcome_needs_a_hand_off(self):
        from safeguard.frontdoor.handoffs import NEEDS_HAND_OFF

        assert set(OUTCOMES_BY_LEVEL[Level.SPECIALIST]) <= NEEDS_HAND_OFF

    def test_without_a_social_care_team_the_decision_is_refused(
        self, submit, mash_worker, mash_manager, social_care_team
    ):
        social_care_team.delete()
        contact = submit()
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_47)
        with pytest.raises(ValidationError) as exc:
            services.threshold_sign_off(by=mash_manager, contact=contact)
        assert "could not be started" in exc.value.message_dict["note"][0]
        contact.refresh_from_db()
        assert contact.status == ContactStatus.AWAITING_SIGN_OFF
        assert contact.referrer_told_at is None


class TestDecisionsThatMakeSense:
    def test_an_incoherent_pair_is_refused_with_a_plain_error(self, submit, mash_worker):
        contact = submit()
        with pytest.raises(ValidationError) as exc:
            decide(mash_worker, contact, level=1, outcome=Outcome.SECTION_47)
        message = exc.value.message_dict["outcome"][0]
        assert "does not fit level 1" in message
        assert "signposted" in message

    @pytest.mark.parametrize(
        ("level", "outcome", "needs"),
        [
            (1, Outcome.SIGNPOST, False),
            (2, Outcome.EARLY_HELP_ASSESSMENT, False),
            (3, Outcome.TARGETED_INTERVENTION, True),
            (3, Outcome.EARLY_HELP_ASSESSMENT, True),
            (4, Outcome.SECTION_17, True),
            (4, Outcome.SECTION_47, True),
            (1, Outcome.ADVICE_NO_FURTHER_ACTION, True),
        ],
    )
    def test_levels_three_and_four_need_sign_off(self, level, outcome, needs):
        assert services.needs_sign_off(level=level, outcome=outcome) is needs

    def test_deciding_while_an_answer_is_awaited_asks_for_confirmation(
        self, submit, mash_worker, police_agency
    ):
        contact = submit()
        services.information_request_create(
            by=mash_worker, contact=contact, agency=police_agency, question="Any call-outs?"
        )
        with pytest.raises(ValidationError) as exc:
            decide(mash_worker, contact)
        assert "Test Police has not answered yet" in exc.value.message_dict["confirm_awaited"][0]
        decision = decide(mash_worker, contact, confirm_awaited=True)
        assert decision.is_final


class TestAmendment:
    def decided(self, submit, mash_worker, mash_manager):
        contact = submit()
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_17)
        services.threshold_sign_off(by=mash_manager, contact=contact)
        contact.refresh_from_db()
        return contact

    def amend(self, by, contact, reason="The police told us of a new assault."):
        return services.threshold_amend(
            by=by,
            contact=contact,
            level=4,
            outcome=Outcome.SECTION_47,
            rationale="Significant harm now suspected.",
            message_to_referrer="A strategy discussion is being held.",
            reason=reason,
        )

    def test_only_a_manager_amends_and_only_with_a_reason(self, submit, mash_worker, mash_manager):
        contact = self.decided(submit, mash_worker, mash_manager)
        with pytest.raises(AccessDenied):
            self.amend(mash_worker, contact)
        with pytest.raises(ValidationError) as exc:
            self.amend(mash_manager, contact, reason="")
        assert "reason" in exc.value.message_dict

    def test_the_amendment_is_a_new_version_and_the_earlier_one_stays(
        self, submit, mash_worker, mash_manager, social_care_team
    ):
        contact = self.decided(submit, mash_worker, mash_manager)
        decision = self.amend(mash_manager, contact)
        assert decision.version == 2
        assert decision.outcome == Outcome.SECTION_47
        earlier = DecisionVersion.objects.get(contact=contact)
        assert (earlier.version, earlier.outcome, earlier.ended) == (
            1,
            Outcome.SECTION_17,
            VersionEnd.AMENDED,
        )
        assert earlier.reason == "The police told us of a new assault."
        page = contact_for_triage(user=mash_worker, reference=contact.reference)
        assert [v.version for v in page.versions] == [1]
        # Social care's work follows the decision: the assessment is cancelled, the strategy
        # discussion asked for.
        kinds = dict(items(contact, team=social_care_team).values_list("kind", "status"))
        assert kinds == {
            WorkKind.SECTION_17_ASSESSMENT: WorkStatus.CANCELLED,
            WorkKind.SECTION_47_STRATEGY: WorkStatus.WAITING,
        }

    def test_the_referrer_is_told_of_the_change(
        self, submit, mash_worker, mash_manager, referrer, django_capture_on_commit_callbacks
    ):
        contact = self.decided(submit, mash_worker, mash_manager)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            self.amend(mash_manager, contact)
        changed = [m for m in mail.outbox if m.subject.startswith("Changed outcome")]
        assert len(changed) == 1
        assert "A strategy discussion is being held." in changed[0].body
        assert "new assault" not in changed[0].body  # the reasons stay with the MASH
        read = items(contact, WorkKind.READ_OUTCOME).get()
        assert read.team.agency == referrer.agency
        assert "new assault" not in read.detail

    def test_an_open_contact_cannot_be_amended(self, submit, mash_manager):
        contact = submit()
        with pytest.raises(ValidationError):
            self.amend(mash_manager, contact)


class TestEvidenceIsAppendOnly:
    def test_an_answer_cannot_be_overwritten_after_the_decision(
        self, submit, mash_worker, mash_manager, police_agency
    ):
        contact = submit()
        request = services.information_request_create(
            by=mash_worker, contact=contact, agency=police_agency, question="Any call-outs?"
        )
        services.information_request_answer(by=mash_worker, request=request, answer="Two in May.")
        services.information_request_answer(by=mash_worker, request=request, answer="Three.")
        decide(mash_worker, contact, level=4, outcome=Outcome.SECTION_17)
        services.threshold_sign_off(by=mash_manager, contact=contact)
        with pytest.raises(ValidationError) as exc:
            services.information_request_answer(by=mash_worker, request=request, answer="None.")
        assert "cannot be changed" in exc.value.message_dict["answer"][0]
        request.refresh_from_db()
        assert request.answer == "Three."

    def test_a_correction_is_a_new_entry_beside_the_original(
        self, submit, mash_worker, police_agency
    ):
        contact = submit()
        request = services.information_request_create(
            by=mash_worker, contact=contact, agency=police_agency, question="Any call-outs?"
        )
        services.information_request_answer(by=mash_worker, request=request, answer="Two in May.")
        decide(mash_worker, contact)
        correction = services.information_answer_correct(
            by=mash_worker, request=request, correction="Two in May and one in June."
        )
        assert correction.corrects == request
        assert list(
            MashEnquiry.objects.filter(contact=contact).values_list("answer", flat=True)
        ) == [
            "Two in May.",
            "Two in May and one in June.",
        ]
        # The correction, like the answer it corrects, is for the MASH and social care only.
        entries = ChronologyEvent.objects.filter(
            person__in=contact.children.all(), source_type="frontdoor.information_request"
        )
        assert entries.filter(source_id=str(correction.pk)).exists()
        assert {e.visibility for e in entries} == {Visibility.MASH_AND_SOCIAL_CARE}
