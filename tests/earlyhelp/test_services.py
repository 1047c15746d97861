from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.models import AuditEvent, Role
from safeguard.earlyhelp import services
from safeguard.earlyhelp.handoffs import StepUp
from safeguard.earlyhelp.models import (
    Assessment,
    ClosureReason,
    Episode,
    Notification,
)
from safeguard.earlyhelp.selectors import (
    assessment_prefill,
    can_change_episode,
    can_view_episode,
    central_record,
    episodes_visible_to,
    my_episodes,
)
from safeguard.earlyhelp.taf import TafKind
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent

from ..factories import AgencyFactory, ChronologyEventFactory, InvolvementFactory, PersonFactory
from .conftest import agree

TODAY = timezone.localdate


def _complete(episode, lead, *, on=None, **extra):
    assessment = services.assessment_start(by=lead, episode=episode)
    values = {
        "lead_practitioner": lead,
        "assessment_date": on or TODAY() - dt.timedelta(days=2),
        "family_view": "Mum wants help with mornings.",
        "child_voice": "Isla said mornings are shouty.",
        "needs": "Routines; attendance.",
        "strengths": "Close to nan.",
        "plan": "School check-ins weekly.",
    }
    values.update(extra)
    return services.assessment_save(by=lead, assessment=assessment, complete=True, **values)


def _meeting(episode, lead, *, held_on=None, due=None, **extra):
    held_on = held_on or TODAY()
    return services.taf_meeting_record(
        by=lead,
        episode=episode,
        held_on=held_on,
        next_review_due=due or held_on + dt.timedelta(weeks=6),
        progress="Attendance up to 91%.",
        agencies=[lead.agency],
        **extra,
    )


class TestEpisodeOpen:
    def test_starts_early_help_for_the_family_on_each_chronology(self, family, episode):
        assert episode.reference.startswith("EH-")
        assert episode.lead_agency == family.school
        assert set(episode.children.all()) == {family.older, family.younger}
        assert episode.household is not None
        for child in (family.older, family.younger):
            titles = list(
                ChronologyEvent.objects.filter(person=child).values_list("title", flat=True)
            )
            assert f"Early help started ({episode.reference})" in titles

    def test_is_audited_for_every_child(self, family, episode):
        events = AuditEvent.objects.filter(
            object_type="early_help_episode", object_id=str(episode.pk), action="create"
        )
        assert {e.person_id for e in events} == {family.older.pk, family.younger.pk}

    def test_someone_who_cannot_see_the_children_cannot_start_it(self, family, outsider):
        with pytest.raises(AccessDenied):
            services.early_help_episode_open(by=outsider, children=[family.older])
        assert not Episode.objects.exists()

    def test_an_analyst_cannot_start_it(self, family, make_user):
        analyst = make_user(Role.ANALYST, agency=family.school)
        with pytest.raises(AccessDenied):
            services.early_help_episode_open(by=analyst, children=[family.older])

    def test_needs_a_child(self, family):
        with pytest.raises(ValidationError):
            services.early_help_episode_open(by=family.lead, children=[])

    def test_a_second_request_joins_the_familys_open_episode(self, family):
        first = services.early_help_episode_open(by=family.lead, children=[family.older])
        again = services.early_help_episode_open(
            by=family.lead,
            children=[family.older, family.younger],
            source_reference="MASH-7KQ2-X9PD-V",
            reason="Threshold decision: early help assessment",
        )
        assert again.pk == first.pk
        assert Episode.objects.count() == 1
        assert set(again.children.all()) == {family.older, family.younger}

    def test_mash_worker_with_a_contact_grant_can_open_it(self, family, make_user):
        from safeguard.people.access import access_grant_create
        from safeguard.people.models import AccessGrant

        mash = AgencyFactory(name="Test MASH", is_mash=True)
        worker = make_user(Role.MASH_WORKER, agency=mash)
        for child in (family.older, family.younger):
            access_grant_create(
                by=worker,
                person=child,
                kind=AccessGrant.Kind.MASH_CONTACT,
                purpose="Contact being triaged",
                ends_at=timezone.now() + dt.timedelta(days=1),
                agency_id=mash.pk,
            )
        opened = services.early_help_episode_open(
            by=worker, children=[family.older, family.younger], source_reference="MASH-1"
        )
        assert opened.source_reference == "MASH-1"
        assert opened.lead_practitioner is None


class TestAccess:
    def test_lead_sees_and_can_change(self, family, episode):
        assert can_view_episode(family.lead, episode)
        assert can_change_episode(family.lead, episode)

    def test_outsider_sees_nothing(self, episode, outsider):
        assert not can_view_episode(outsider, episode)
        assert not episodes_visible_to(outsider).exists()

    def test_an_episode_is_hidden_if_any_child_is_hidden(self, family, episode, make_user):
        other_agency = AgencyFactory()
        stranger_child = PersonFactory()
        InvolvementFactory(person=stranger_child, agency=other_agency)
        InvolvementFactory(person=stranger_child, agency=family.school)
        other_user = make_user(Role.PRACTITIONER, agency=other_agency)
        episode.memberships.create(person=stranger_child, added_on=TODAY())
        assert can_view_episode(family.lead, episode)
        assert not can_view_episode(other_user, episode)

    def test_panel_chair_may_see_but_not_change(self, family, episode, make_user):
        chair = make_user(Role.PANEL_CHAIR, agency=family.school)
        assert can_view_episode(chair, episode)
        assert not can_change_episode(chair, episode)
        with pytest.raises(AccessDenied):
            services.assessment_start(by=chair, episode=episode)

    def test_outsider_cannot_write(self, family, episode, outsider):
        with pytest.raises(AccessDenied):
            services.episode_close(
                by=outsider, episode=episode, reason="needs_met", closed_on=TODAY()
            )
        with pytest.raises(AccessDenied):
            services.support_record_add(
                by=outsider,
                episode=episode,
                agency=outsider.agency,
                description="x",
                started=TODAY(),
            )

    def test_an_episode_without_a_lead_is_listed_for_everyone_who_can_see_it(
        self, family, episode, make_user, outsider
    ):
        health = AgencyFactory(name="Health visiting")
        InvolvementFactory(person=family.younger, agency=health)
        nurse = make_user(Role.PRACTITIONER, agency=health)
        assert list(my_episodes(user=nurse).object_list) == [episode]
        assert list(my_episodes(user=outsider).object_list) == []

    def test_my_episodes_lists_those_my_agency_takes_part_in(self, family, episode, make_user):
        assert list(my_episodes(user=family.lead).object_list) == [episode]
        Episode.objects.filter(pk=episode.pk).update(lead_practitioner=family.lead)
        # Another agency that can see the children but does nothing in early help does not list it.
        health = AgencyFactory(name="Health visiting")
        InvolvementFactory(person=family.younger, agency=health)
        nurse = make_user(Role.PRACTITIONER, agency=health)
        assert list(my_episodes(user=nurse).object_list) == []
        services.support_record_add(
            by=nurse, episode=episode, agency=health, description="Sleep clinic", started=TODAY()
        )
        assert list(my_episodes(user=nurse).object_list) == [episode]


class TestAssessment:
    def test_starts_from_what_is_already_known(self, family, episode):
        ChronologyEventFactory(person=family.older, title="Attendance below 90% this term")
        ChronologyEventFactory(
            person=family.younger,
            title="Police intelligence: seen near the station",
            record_type="police_intelligence",
        )
        assessment = services.assessment_start(by=family.lead, episode=episode)
        known = assessment.already_known
        assert "Isla Brennan" in known
        assert "Theo Brennan" in known
        assert "Keira Brennan" in known  # the parent in the household
        assert "Fulford Test School (Pupil)" in known
        assert "Attendance below 90% this term" in known
        # A school cannot see police intelligence, so it is never copied in.
        assert "Police intelligence" not in known
        assert "the children's chronology" in assessment.prefilled_from
        assert assessment.is_draft
        assert assessment.lead_practitioner == family.lead

    def test_a_new_assessment_starts_from_the_previous_one_but_not_the_childs_voice(
        self, family, episode
    ):
        _complete(episode, family.lead, plan="Breakfast club and weekly check-ins.")
        services.episode_close(
            by=family.lead, episode=episode, reason="needs_met", closed_on=TODAY()
        )
        second = services.early_help_episode_open(by=family.lead, children=[family.older])
        assert second.pk != episode.pk
        agree(family, second)
        assessment = services.assessment_start(by=family.lead, episode=second)
        assert assessment.plan == "Breakfast club and weekly check-ins."
        assert assessment.family_view == "Mum wants help with mornings."
        assert assessment.child_voice == ""
        assert assessment.prefilled_from[0].startswith("the previous Early Help Assessment")

    def test_starting_again_returns_the_draft(self, family, episode):
        first = services.assessment_start(by=family.lead, episode=episode)
        assert services.assessment_start(by=family.lead, episode=episode).pk == first.pk

    def test_a_draft_can_be_saved_with_parts_missing(self, family, episode):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        saved = services.assessment_save(by=family.lead, assessment=assessment, needs="Routines")
        assert saved.is_draft
        assert saved.needs == "Routines"
        assert not Notification.objects.exists()

    def test_completing_needs_the_childs_voice(self, family, episode):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        with pytest.raises(ValidationError) as caught:
            services.assessment_save(
                by=family.lead,
                assessment=assessment,
                complete=True,
                assessment_date=TODAY(),
                family_view="x",
                needs="x",
                plan="x",
            )
        assert set(caught.value.message_dict) == {"child_voice"}
        assessment.refresh_from_db()
        assert assessment.is_draft

    def test_the_date_cannot_be_in_the_future(self, family, episode):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        with pytest.raises(ValidationError) as caught:
            services.assessment_save(
                by=family.lead,
                assessment=assessment,
                assessment_date=TODAY() + dt.timedelta(days=1),
            )
        assert "assessment_date" in caught.value.message_dict

    def test_the_lead_must_be_able_to_see_the_children(self, family, episode, outsider):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        with pytest.raises(ValidationError) as caught:
            services.assessment_save(
                by=family.lead, assessment=assessment, lead_practitioner=outsider
            )
        assert "lead_practitioner" in caught.value.message_dict

    def test_completing_tells_the_supporting_families_team_without_naming_the_child(
        self, family, episode, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assessment = _complete(episode, family.lead)
        assert assessment.status == Assessment.Status.COMPLETED
        notification = Notification.objects.get()
        assert notification.event == Notification.Event.ASSESSMENT_COMPLETED
        assert notification.emailed_at is not None
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [services.SUPPORTING_FAMILIES_EMAIL_DEFAULT]
        assert episode.reference in message.subject
        assert "Isla" not in message.body
        assert "Brennan" not in message.body
        episode.refresh_from_db()
        assert episode.lead_practitioner == family.lead
        assert episode.review_due == assessment.assessment_date + dt.timedelta(weeks=6)
        assert ChronologyEvent.objects.filter(
            person=family.younger, title__startswith="Early Help Assessment completed"
        ).exists()

    def test_the_address_comes_from_the_environment(
        self, family, episode, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setenv("SAFEGUARD_SUPPORTING_FAMILIES_EMAIL", "team@york.example")
        with django_capture_on_commit_callbacks(execute=True):
            _complete(episode, family.lead)
        assert mail.outbox[0].to == ["team@york.example"]
        assert Notification.objects.get().recipient == "team@york.example"

    def test_a_completed_assessment_cannot_be_changed(self, family, episode):
        assessment = _complete(episode, family.lead)
        with pytest.raises(ValidationError):
            services.assessment_save(by=family.lead, assessment=assessment, needs="changed")

    def test_every_save_is_audited_for_each_child(self, family, episode):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        services.assessment_save(by=family.lead, assessment=assessment, needs="Routines")
        events = AuditEvent.objects.filter(
            object_type="early_help_assessment", object_id=str(assessment.pk), action="update"
        )
        assert {e.person_id for e in events} == {family.older.pk, family.younger.pk}
        assert events.first().changes["needs"]["after"] == "Routines"

    def test_prefill_is_a_read_and_changes_nothing(self, family, episode):
        before = Assessment.objects.count()
        prefill = assessment_prefill(user=family.lead, episode=episode)
        assert "Isla Brennan" in prefill.values["already_known"]
        assert Assessment.objects.count() == before


class TestTeamAroundTheFamily:
    def test_a_meeting_sets_the_next_review_and_tells_the_team(self, family, episode):
        meeting = _meeting(episode, family.lead)
        episode.refresh_from_db()
        assert meeting.kind == TafKind.FIRST
        assert episode.review_due == meeting.next_review_due
        assert Notification.objects.filter(event=Notification.Event.REVIEWED).count() == 1
        assert _meeting(episode, family.lead).kind == TafKind.REVIEW

    def test_the_review_becomes_overdue_the_day_after_it_was_due(self, family, episode):
        _meeting(episode, family.lead)
        episode.refresh_from_db()
        due = episode.review_due
        on_the_day = timezone.make_aware(dt.datetime.combine(due, dt.time(18, 0)))
        with mock.patch("django.utils.timezone.now", return_value=on_the_day):
            assert not episode.review_overdue
            assert not my_episodes(user=family.lead, status="overdue").object_list
        day_after = on_the_day + dt.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=day_after):
            assert episode.review_overdue
            assert list(my_episodes(user=family.lead, status="overdue").object_list) == [episode]

    def test_a_closed_episode_is_never_overdue(self, family, episode):
        _meeting(episode, family.lead)
        closed = services.episode_close(
            by=family.lead, episode=episode, reason="needs_met", closed_on=TODAY()
        )
        assert not closed.review_overdue_on(TODAY() + dt.timedelta(days=365))

    @pytest.mark.parametrize(
        ("held", "due", "field"),
        [
            (1, 30, "held_on"),  # the meeting is in the future
            (-5, -6, "next_review_due"),  # review before the meeting
            (-5, 200, "next_review_due"),  # review more than 6 months away
        ],
    )
    def test_bad_dates_are_refused(self, family, episode, held, due, field):
        with pytest.raises(ValidationError) as caught:
            _meeting(
                episode,
                family.lead,
                held_on=TODAY() + dt.timedelta(days=held),
                due=TODAY() + dt.timedelta(days=due),
            )
        assert field in caught.value.message_dict

    def test_a_meeting_before_early_help_started_is_refused(self, family, episode):
        with pytest.raises(ValidationError) as caught:
            _meeting(episode, family.lead, held_on=episode.opened_on - dt.timedelta(days=1))
        assert "held_on" in caught.value.message_dict


class TestClosure:
    @pytest.mark.parametrize("reason", ClosureReason.values)
    def test_closes_with_each_reason(self, family, episode, reason):
        # Stepping up also says what the concern for the MASH is about (tests/earlyhelp/test_handoffs.py).
        step_up = (
            StepUp(categories=["neglect"], consent="given") if reason == "stepped_up" else None
        )
        closed = services.episode_close(
            by=family.lead,
            episode=episode,
            reason=reason,
            closed_on=TODAY(),
            note="Done",
            step_up=step_up,
        )
        assert closed.status == Episode.Status.CLOSED
        assert closed.closure_reason == reason
        label = ClosureReason(reason).label
        assert ChronologyEvent.objects.filter(
            person=family.older, title__startswith=f"Early help closed: {label}"
        ).exists()
        notification = Notification.objects.get(event=Notification.Event.CLOSED)
        assert label in notification.body
        assert AuditEvent.objects.filter(
            object_type="early_help_episode", reason=label, person_id=family.younger.pk
        ).exists()

    def test_needs_a_known_reason(self, family, episode):
        with pytest.raises(ValidationError) as caught:
            services.episode_close(
                by=family.lead, episode=episode, reason="bored", closed_on=TODAY()
            )
        assert "reason" in caught.value.message_dict

    def test_cannot_close_in_the_future_or_before_it_started(self, family, episode):
        for day in (TODAY() + dt.timedelta(days=1), episode.opened_on - dt.timedelta(days=1)):
            with pytest.raises(ValidationError) as caught:
                services.episode_close(
                    by=family.lead, episode=episode, reason="needs_met", closed_on=day
                )
            assert "closed_on" in caught.value.message_dict

    def test_a_closed_episode_cannot_be_changed(self, family, episode):
        services.episode_close(
            by=family.lead, episode=episode, reason="declined", closed_on=TODAY()
        )
        episode.refresh_from_db()
        with pytest.raises(ValidationError):
            services.episode_close(
                by=family.lead, episode=episode, reason="declined", closed_on=TODAY()
            )
        with pytest.raises(ValidationError):
            _meeting(episode, family.lead)
        with pytest.raises(ValidationError):
            services.assessment_start(by=family.lead, episode=episode)


class TestChanges:
    def test_a_change_is_recorded_and_the_team_told(self, family, episode):
        change = services.episode_change_record(
            by=family.lead, episode=episode, summary="Dad moved back in", happened_on=TODAY()
        )
        assert change.summary == "Dad moved back in"
        assert Notification.objects.filter(event=Notification.Event.CHANGED).exists()

    def test_a_change_needs_words_and_a_past_date(self, family, episode):
        with pytest.raises(ValidationError) as caught:
            services.episode_change_record(
                by=family.lead,
                episode=episode,
                summary="  ",
                happened_on=TODAY() + dt.timedelta(days=3),
            )
        assert set(caught.value.message_dict) == {"summary", "happened_on"}


class TestCentralRecord:
    def test_lists_every_agencys_support_across_episodes(self, family, episode, make_user):
        housing = AgencyFactory(name="Test Housing")
        services.support_record_add(
            by=family.lead,
            episode=episode,
            agency=housing,
            description="Rent arrears plan",
            started=TODAY() - dt.timedelta(days=10),
            child=family.younger,
        )
        _meeting(episode, family.lead)
        services.episode_close(
            by=family.lead, episode=episode, reason="stepped_down", closed_on=TODAY()
        )
        later = services.early_help_episode_open(by=family.lead, children=[family.older])
        record = central_record(user=family.lead, episode=later)
        sources = {(r.agency, r.source) for r in record.rows}
        assert ("Fulford Test School", "Agency involvement") in sources
        assert ("Fulford Test School", "Team Around the Family (TAF)") in sources
        assert ("Test Housing", "Early help support") in sources
        assert {e.pk for e in record.episodes} == {episode.pk, later.pk}
        housing_row = next(r for r in record.rows if r.agency == "Test Housing")
        assert housing_row.who == "Theo Brennan"

    def test_support_dates_are_checked(self, family, episode):
        with pytest.raises(ValidationError) as caught:
            services.support_record_add(
                by=family.lead,
                episode=episode,
                agency=family.school,
                description="",
                started=TODAY() + dt.timedelta(days=1),
            )
        assert set(caught.value.message_dict) == {"description", "started"}
        with pytest.raises(ValidationError) as caught:
            services.support_record_add(
                by=family.lead,
                episode=episode,
                agency=family.school,
                description="Mentoring",
                started=TODAY() - dt.timedelta(days=3),
                ended=TODAY() - dt.timedelta(days=5),
            )
        assert set(caught.value.message_dict) == {"ended"}

    def test_support_for_a_child_outside_the_family_is_refused(self, family, episode):
        with pytest.raises(ValidationError) as caught:
            services.support_record_add(
                by=family.lead,
                episode=episode,
                agency=family.school,
                description="Mentoring",
                started=TODAY(),
                child=family.parent,
            )
        assert "child" in caught.value.message_dict


class TestReviewDueProperty:
    @given(
        due=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 1, 1)),
        today=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 1, 1)),
        status=st.sampled_from(Episode.Status.values),
    )
    def test_overdue_means_open_and_due_before_today(self, due, today, status):
        episode = Episode(review_due=due, status=status)
        assert episode.review_overdue_on(today) == (status == "open" and due < today)

    def test_no_review_date_is_never_overdue(self):
        assert not Episode(review_due=None).review_overdue_on(dt.date(2035, 1, 1))
