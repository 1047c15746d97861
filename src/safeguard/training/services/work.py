"""Training's work items: what a person must do lands in their queue, not only in an email.

- The six-month impact survey opens: "Answer a training impact survey" for the learner.
- The learner answers and the course asks the manager: "Say whether someone's practice
  changed after training" for the manager.
- A training record is due for renewal: "Renew training before it runs out" for the learner.

Each item waits in the person's own team (their agency's receiving team if they are in
none), allocated to them, and closes itself when the thing is done on its own page: the
survey answered, the training renewed. An expired survey cancels its item. Titles name
the course or skill, never a child (training holds no child's data) and never the learner.
A booking, a place freed from the waiting list and a cancelled session need nobody to act
(the place is booked, or gone), so they stay emails.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from safeguard.core.clock import UK
from safeguard.core.models import Team, TeamMembership, User
from safeguard.work.models import WorkItem, WorkKind
from safeguard.work.services import team_receiving_for, work_item_create, work_items_close_for

from ..models import Course, ImpactSurvey, TrainingRecord

SURVEY_SUBJECT = "training.impact_survey"
RECORD_SUBJECT = "training.record"
DUE_TIME = dt.time(17, 0)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, DUE_TIME, tzinfo=UK)


def _home_team(user: User) -> Team | None:
    """The person's own team, else their agency's receiving team (None outside an agency)."""
    membership = (
        TeamMembership.objects.filter(user=user, team__active=True)
        .select_related("team")
        .order_by("is_manager", "since", "pk")
        .first()
    )
    if membership is not None:
        return membership.team
    if user.agency is None:
        return None
    return team_receiving_for(user.agency)


def _give(user: Any, **fields: Any) -> WorkItem | None:
    if user is None or not user.is_active:
        return None
    team = _home_team(user)
    if team is None:
        return None
    return work_item_create(by=None, team=team, assignee=user, **fields)


def survey_work_for_learner(survey: ImpactSurvey) -> WorkItem | None:
    """The survey opened: the learner answers it (call inside the caller's transaction)."""
    course = survey.booking.session.course
    return _give(
        survey.booking.learner,
        kind=WorkKind.TRAINING_IMPACT_SURVEY,
        title=f"Answer the impact survey: {course.title}",
        detail="Six months on: how has the training changed the way you work? "
        "It takes two minutes.",
        subject_type=SURVEY_SUBJECT,
        subject_id=survey.pk,
        subject_url=reverse("training:impact", args=[survey.pk]),
        subject_label=survey.booking.session.reference,
        due_at=_end_of(survey.expires_on),
    )


def survey_work_for_manager(survey: ImpactSurvey) -> WorkItem | None:
    """The learner answered and the course asks the manager: the manager says what they saw."""
    booking = survey.booking
    return _give(
        survey.manager,
        kind=WorkKind.TRAINING_IMPACT_MANAGER,
        title=f"Say whether practice changed after training: {booking.session.course.title}",
        detail=f"{booking.name} has answered their six-month impact survey. "
        "Add what you have seen.",
        subject_type=SURVEY_SUBJECT,
        subject_id=survey.pk,
        subject_url=reverse("training:impact-manager", args=[survey.pk]),
        subject_label=booking.session.reference,
        due_at=_end_of(survey.expires_on),
    )


def survey_work_close(
    survey: ImpactSurvey, *, kind: str, by: Any, outcome: str, cancel: bool = False
) -> None:
    """The survey's stage is answered (or the survey expired): close its item."""
    work_items_close_for(
        by=by,
        subject_type=SURVEY_SUBJECT,
        subject_id=survey.pk,
        kinds=(kind,),
        outcome=outcome,
        cancel=cancel,
    )


def renewal_work(record: TrainingRecord) -> WorkItem | None:
    """A record is due for renewal: the learner books (and comes to) a course that renews it."""
    assert record.expires_on is not None  # noqa: S101 - only records that expire are renewed
    course = Course.objects.filter(skill=record.skill, active=True).order_by("title").first()
    url = (
        reverse("training:course", args=[course.slug])
        if course is not None
        else reverse("training:index")
    )
    return _give(
        record.learner,
        kind=WorkKind.TRAINING_RENEWAL,
        title=f"Renew your training: {record.skill.name}",
        detail=f"Your training runs out on {record.expires_on:%-d %B %Y}. "
        "Book a session of a course that renews it.",
        subject_type=RECORD_SUBJECT,
        subject_id=record.pk,
        subject_url=url,
        subject_label=record.skill.name,
        due_at=_end_of(record.expires_on),
    )


def renewal_work_close(*, by: Any, record: TrainingRecord) -> None:
    """A newer record of the skill: the learner's older records no longer need renewing."""
    older = TrainingRecord.objects.filter(
        learner_id=record.learner_id, skill_id=record.skill_id, trained_on__lt=record.trained_on
    ).values_list("pk", flat=True)
    for pk in older:
        work_items_close_for(
            by=by,
            subject_type=RECORD_SUBJECT,
            subject_id=pk,
            kinds=(WorkKind.TRAINING_RENEWAL,),
            outcome=f"Renewed: trained again on {record.trained_on:%-d %B %Y}.",
        )
