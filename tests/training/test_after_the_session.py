"""After the session: the register, training records, certificates, evaluation, the impact survey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import OutboxMessage
from safeguard.training import reminders, selectors, services
from safeguard.training.models import (
    Evaluation,
    ImpactSurvey,
    SurveyStatus,
    TrainingRecord,
)

pytestmark = pytest.mark.django_db


def _book(session, *people):
    before = session.starts_at - dt.timedelta(days=7)
    return [
        services.booking_create(by=p, session=session, learner=p, now=before).booking
        for p in people
    ]


@pytest.fixture
def held(partnership, make_session):
    """A session held yesterday: the learner came, the officer did not."""
    session = make_session(days=-1, capacity=5)
    came, missed = _book(session, partnership.learner, partnership.officer)
    services.register_record(
        by=partnership.trainer, session=session, attended={came.pk: True, missed.pk: False}
    )
    came.refresh_from_db()
    missed.refresh_from_db()
    return session, came, missed


class TestTheRegister:
    def test_the_trainer_ticks_who_came(self, partnership, held):
        _, came, missed = held
        assert came.attended is True
        assert missed.attended is False

    def test_only_the_trainer_or_the_business_unit_keeps_the_register(
        self, partnership, make_session
    ):
        session = make_session(days=-1)
        (booking,) = _book(session, partnership.learner)
        with pytest.raises(Forbidden):
            services.register_record(
                by=partnership.learner, session=session, attended={booking.pk: True}
            )
        services.register_record(by=partnership.unit, session=session, attended={booking.pk: True})
        booking.refresh_from_db()
        assert booking.attended

    def test_the_register_opens_when_the_session_starts(self, partnership, make_session):
        session = make_session(days=3)
        (booking,) = _book(session, partnership.learner)
        with pytest.raises(InvalidRequest, match="opens when the session starts"):
            services.register_record(
                by=partnership.trainer, session=session, attended={booking.pk: True}
            )


class TestWhoIsTrainedInWhat:
    def test_coming_to_the_course_records_the_skill_until_it_needs_renewing(
        self, partnership, held
    ):
        session, came, _ = held
        day = session.starts_at.date()
        assert selectors.trained_in(partnership.learner, "aim3", on=day)
        assert not selectors.trained_in(partnership.officer, "aim3", on=day)
        assert not selectors.trained_in(partnership.learner, "aim3_under_12s", on=day)
        assert not selectors.trained_in(partnership.learner, "aim3", on=day - dt.timedelta(days=1))
        record = TrainingRecord.objects.get(booking=came)
        assert record.expires_on == services.months_after(record.trained_on, 36)
        assert not selectors.trained_in(
            partnership.learner, "aim3", on=record.expires_on + dt.timedelta(days=1)
        )
        assert list(selectors.trained_users("aim3", on=day)) == [partnership.learner]

    def test_unticking_someone_takes_the_record_away(self, partnership, held):
        session, came, missed = held
        services.register_record(
            by=partnership.trainer, session=session, attended={came.pk: False, missed.pk: False}
        )
        assert not selectors.trained_in(partnership.learner, "aim3")
        assert not ImpactSurvey.objects.filter(booking=came).exists()

    def test_the_business_unit_records_training_done_elsewhere(self, partnership):
        from safeguard.training.models import Skill

        services.training_record_add(
            by=partnership.unit,
            learner=partnership.officer,
            skill=Skill.objects.get(code="aim_digital"),
            trained_on=timezone.localdate() - dt.timedelta(days=30),
            note="AIM Project, Manchester",
        )
        assert selectors.trained_in(partnership.officer, "aim_digital")
        with pytest.raises(Forbidden):
            services.training_record_add(
                by=partnership.manager,
                learner=partnership.officer,
                skill=Skill.objects.get(code="aim3"),
                trained_on=timezone.localdate(),
            )

    def test_renewal_reminders_go_to_the_learner_and_manager_once(self, partnership, held):
        record = TrainingRecord.objects.get(learner=partnership.learner)
        nearly = dt.datetime.combine(
            record.expires_on - dt.timedelta(days=30), dt.time(10), tzinfo=dt.UTC
        )
        assert reminders.reminders_send(now=nearly).renewals == 1
        assert reminders.reminders_send(now=nearly).renewals == 0
        message = OutboxMessage.objects.get(kind="training_renewal")
        assert set(message.recipients) == {"lee.learner@example.org", "mo.manager@example.org"}
        assert "Using the AIM3 assessment" in message.subject


class TestTheEvaluation:
    def test_an_attendee_evaluates_once(self, partnership, held):
        _, came, _ = held
        services.evaluation_submit(
            by=partnership.learner,
            booking=came,
            ratings={"content": 4, "trainer": 4, "materials": 3, "quality": 2},
            likelihood=4,
            comments="Clear and practical",
        )
        assert Evaluation.objects.get(booking=came).ratings["quality"] == 2
        with pytest.raises(InvalidRequest, match="already evaluated"):
            services.evaluation_submit(
                by=partnership.learner,
                booking=came,
                ratings={"content": 4, "trainer": 4, "materials": 4, "quality": 4},
                likelihood=5,
            )

    def test_someone_who_did_not_come_cannot_evaluate(self, partnership, held):
        _, _, missed = held
        with pytest.raises(InvalidRequest, match="Only people who came"):
            services.evaluation_submit(
                by=partnership.officer,
                booking=missed,
                ratings={"content": 4, "trainer": 4, "materials": 4, "quality": 4},
                likelihood=5,
            )
        assert not Evaluation.objects.exists()

    def test_every_element_must_be_rated(self, partnership, held):
        _, came, _ = held
        with pytest.raises(InvalidRequest) as caught:
            services.evaluation_submit(
                by=partnership.learner, booking=came, ratings={"content": 4}, likelihood=9
            )
        assert set(caught.value.errors) == {
            "rating_trainer",
            "rating_materials",
            "rating_quality",
            "likelihood",
        }

    def test_attendees_are_reminded_to_evaluate_the_next_day_once(self, partnership, held):
        session, _, _ = held
        later = session.ends_at + dt.timedelta(days=1, hours=1)
        assert reminders.reminders_send(now=later).evaluations == 1
        assert reminders.reminders_send(now=later).evaluations == 0


class TestTheSixMonthImpactSurvey:
    def test_it_opens_six_months_on_reminds_until_answered_then_asks_the_manager(
        self, partnership, held
    ):
        session, came, _ = held
        survey = ImpactSurvey.objects.get(booking=came)
        day = session.starts_at.date()
        assert survey.opens_on == services.months_after(day, 6)
        assert survey.status == SurveyStatus.NOT_YET

        def clock(on: dt.date) -> dt.datetime:
            return dt.datetime.combine(on, dt.time(8), tzinfo=dt.UTC)

        # Five months on: nothing yet.
        assert (
            reminders.reminders_send(now=clock(services.months_after(day, 5))).surveys_opened == 0
        )
        # Six months on: it opens and the learner is asked.
        run = reminders.reminders_send(now=clock(survey.opens_on))
        assert run.surveys_opened == 1
        survey.refresh_from_db()
        assert survey.status == SurveyStatus.OPEN
        # The same day again: no second email; a fortnight later: a reminder.
        assert reminders.reminders_send(now=clock(survey.opens_on)).survey_reminders == 0
        later = survey.opens_on + dt.timedelta(days=14)
        assert reminders.reminders_send(now=clock(later)).survey_reminders == 1
        subjects = [
            m.subject
            for m in OutboxMessage.objects.filter(kind="training_impact_survey").order_by("pk")
        ]
        assert subjects == [
            "Impact survey: Using the AIM3 assessment",
            "Reminder: impact survey: Using the AIM3 assessment",
        ]
        # The learner answers; this course asks the manager next.
        services.impact_answer(
            by=partnership.learner,
            survey=survey,
            practice_changed="a_lot",
            example="I use the AIM3 model in every assessment now",
            now=clock(later),
        )
        survey.refresh_from_db()
        assert survey.status == SurveyStatus.MANAGER
        assert survey.manager == partnership.manager
        # The manager is reminded until they answer.
        assert (
            reminders.reminders_send(now=clock(later + dt.timedelta(days=14))).survey_reminders == 1
        )
        assert any(
            m.recipients == ["mo.manager@example.org"]
            for m in OutboxMessage.objects.filter(kind="training_impact_survey")
        )
        services.impact_manager_answer(
            by=partnership.manager, survey=survey, saw_change="a_little", comments="More confident"
        )
        survey.refresh_from_db()
        assert survey.status == SurveyStatus.ANSWERED
        assert (
            reminders.reminders_send(now=clock(later + dt.timedelta(days=28))).survey_reminders == 0
        )

    def test_an_unanswered_survey_expires_and_reminders_stop(self, partnership, held):
        _, came, _ = held
        survey = ImpactSurvey.objects.get(booking=came)

        def clock(on: dt.date) -> dt.datetime:
            return dt.datetime.combine(on, dt.time(8), tzinfo=dt.UTC)

        reminders.reminders_send(now=clock(survey.opens_on))
        run = reminders.reminders_send(now=clock(survey.expires_on + dt.timedelta(days=1)))
        assert run.surveys_expired == 1
        survey.refresh_from_db()
        assert survey.status == SurveyStatus.EXPIRED
        with pytest.raises(InvalidRequest):
            services.impact_answer(by=partnership.learner, survey=survey, practice_changed="no")

    def test_only_the_learner_answers_their_survey(self, partnership, held):
        _, came, _ = held
        survey = ImpactSurvey.objects.get(booking=came)
        ImpactSurvey.objects.filter(pk=survey.pk).update(status=SurveyStatus.OPEN)
        with pytest.raises(Forbidden):
            services.impact_answer(by=partnership.manager, survey=survey, practice_changed="no")


class TestSessionReminders:
    def test_two_days_before_the_learner_and_manager_are_reminded_once(
        self, partnership, make_session
    ):
        session = make_session(days=10)
        _book(session, partnership.learner)
        before = session.starts_at - dt.timedelta(days=1)
        assert reminders.reminders_send(now=before).sessions == 1
        assert reminders.reminders_send(now=before).sessions == 0
        message = OutboxMessage.objects.get(kind="training_session_reminder")
        assert set(message.recipients) == {"lee.learner@example.org", "mo.manager@example.org"}
        assert "https://meet.example.org/aim3" in message.body


def test_the_reminders_command_says_what_it_sent(partnership, make_session):
    from io import StringIO

    from django.core.management import call_command

    session = make_session(days=1)
    _book(session, partnership.learner)
    out = StringIO()
    call_command("training_reminders", stdout=out)
    assert "Session reminders 1," in out.getvalue()
    assert OutboxMessage.objects.filter(kind="training_session_reminder").count() == 1
