"""QA wave 2: what a person must do about training lands in their queue, not only an email.

The six-month impact survey (the learner, then the manager where the course asks) and a
renewal due each give the person a work item allocated to them, which closes itself when
the survey is answered or the training renewed. A colleague in the same team does not see
it; the titles name the course or skill, never the learner.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.training import reminders, services
from safeguard.training.models import ImpactSurvey, Skill, TrainingRecord
from safeguard.work.models import WorkItem, WorkKind, WorkStatus

pytestmark = pytest.mark.django_db


def _clock(on: dt.date) -> dt.datetime:
    return dt.datetime.combine(on, dt.time(8), tzinfo=dt.UTC)


@pytest.fixture
def held(partnership, make_session):
    """A session held yesterday that the learner came to."""
    session = make_session(days=-1, capacity=5)
    booking = services.booking_create(
        by=partnership.learner,
        session=session,
        learner=partnership.learner,
        now=session.starts_at - dt.timedelta(days=7),
    ).booking
    services.register_record(by=partnership.trainer, session=session, attended={booking.pk: True})
    return ImpactSurvey.objects.get(booking=booking)


class TestTheImpactSurveyIsWork:
    def test_the_learner_then_the_manager_each_get_an_item_that_closes_when_answered(
        self, partnership, held, signed_in
    ):
        p = partnership
        survey = held
        reminders.reminders_send(now=_clock(survey.opens_on))
        mine = WorkItem.objects.get(kind=WorkKind.TRAINING_IMPACT_SURVEY)
        assert mine.assignee == p.learner
        assert mine.title == "Answer the impact survey: Using the AIM3 assessment"
        assert signed_in(p.learner).get(mine.subject_url).status_code == 200
        assert "Answer the impact survey" in signed_in(p.learner).get("/").text
        assert "Answer the impact survey" not in signed_in(p.colleague).get("/").text
        reminders.reminders_send(now=_clock(survey.opens_on))  # a second run: no second item
        assert WorkItem.objects.filter(kind=WorkKind.TRAINING_IMPACT_SURVEY).count() == 1

        services.impact_answer(
            by=p.learner, survey=survey, practice_changed="a_lot", example="AIM3 every time"
        )
        mine.refresh_from_db()
        assert mine.status == WorkStatus.DONE
        asked = WorkItem.objects.get(kind=WorkKind.TRAINING_IMPACT_MANAGER)
        assert asked.assignee == p.manager
        assert "Lee" not in asked.title
        assert "Learner" not in asked.title
        manager = signed_in(p.manager)
        assert "Say whether practice changed after training" in manager.get("/").text
        assert manager.get(asked.subject_url).status_code == 200
        assert "Say whether practice changed" not in signed_in(p.colleague).get("/").text

        services.impact_manager_answer(by=p.manager, survey=survey, saw_change="a_little")
        asked.refresh_from_db()
        assert asked.status == WorkStatus.DONE

    def test_an_expired_survey_cancels_its_item(self, partnership, held):
        survey = held
        reminders.reminders_send(now=_clock(survey.opens_on))
        reminders.reminders_send(now=_clock(survey.expires_on + dt.timedelta(days=1)))
        item = WorkItem.objects.get(kind=WorkKind.TRAINING_IMPACT_SURVEY)
        assert item.status == WorkStatus.CANCELLED


class TestARenewalIsWork:
    def test_the_learner_gets_an_item_that_closes_when_the_training_is_renewed(
        self, partnership, held, signed_in
    ):
        p = partnership
        record = TrainingRecord.objects.get(learner=p.learner)
        reminders.reminders_send(now=_clock(record.expires_on - dt.timedelta(days=30)))
        item = WorkItem.objects.get(kind=WorkKind.TRAINING_RENEWAL)
        assert item.assignee == p.learner
        assert item.title == "Renew your training: Using the AIM3 assessment"
        assert "Renew your training" in signed_in(p.learner).get("/").text
        assert signed_in(p.learner).get(item.subject_url).status_code == 200
        services.training_record_add(
            by=p.unit,
            learner=p.learner,
            skill=Skill.objects.get(code="aim3"),
            trained_on=timezone.localdate(),
        )
        item.refresh_from_db()
        assert item.status == WorkStatus.DONE
        assert item.outcome.startswith("Renewed")
