"""The evaluation after a session and the six-month impact survey."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, User
from safeguard.work.models import WorkKind

from ..events import TrainingEvent
from ..models import (
    ELEMENTS,
    Booking,
    Evaluation,
    ImpactSurvey,
    Likelihood,
    PracticeChange,
    Rating,
    SurveyStatus,
)
from .common import _email, _site, managers_of_learner
from .work import survey_work_close, survey_work_for_manager

if TYPE_CHECKING:
    pass


@transaction.atomic
def evaluation_submit(
    *,
    by: User,
    booking: Booking,
    ratings: Mapping[str, int],
    likelihood: int,
    comments: str = "",
    now: dt.datetime | None = None,
) -> Evaluation:
    """The learner's evaluation straight after the session: only people who came evaluate."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.learner_id != by.pk:
        raise Forbidden("Only the learner evaluates their own booking")
    if not booking.attended:
        raise InvalidRequest("Only people who came to the session can evaluate it")
    if Evaluation.objects.filter(booking=booking).exists():
        raise InvalidRequest("You have already evaluated this session: thank you")
    errors = {}
    clean: dict[str, int] = {}
    for code, label in ELEMENTS:
        value = ratings.get(code)
        if value not in Rating.values:
            errors[f"rating_{code}"] = f"Rate {label.lower()}"
        else:
            clean[code] = int(value)  # type: ignore[arg-type]
    if likelihood not in Likelihood.values:
        errors["likelihood"] = "Say how likely you are to change the way you work"
    if errors:
        raise InvalidRequest(errors=errors)
    evaluation = Evaluation.objects.create(
        booking=booking,
        ratings=clean,
        likelihood=likelihood,
        comments=comments.strip(),
        submitted_at=now or timezone.now(),
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.TRAINING_EVALUATION,
        object_id=evaluation.pk,
    )
    return evaluation


@transaction.atomic
def impact_answer(
    *,
    by: User,
    survey: ImpactSurvey,
    practice_changed: str,
    example: str = "",
    now: dt.datetime | None = None,
) -> ImpactSurvey:
    """The learner's six-month answer; on courses that ask, the manager is asked next."""
    now = now or timezone.now()
    survey = (
        ImpactSurvey.objects.select_for_update(of=("self",))
        .select_related("booking__session__course")
        .get(pk=survey.pk)
    )
    booking = survey.booking
    if booking.learner_id != by.pk:
        raise Forbidden("Only the learner answers their impact survey")
    if survey.status != SurveyStatus.OPEN:
        raise InvalidRequest("This survey is not open for your answer")
    if practice_changed not in PracticeChange.values:
        raise InvalidRequest(
            errors={"practice_changed": "Say whether the training changed the way you work"}
        )
    survey.practice_changed = practice_changed
    survey.example = example.strip()
    survey.learner_answered_at = now
    survey.status = SurveyStatus.ANSWERED
    fields = ["practice_changed", "example", "learner_answered_at", "status", "manager"]
    if booking.session.course.impact_asks_manager:
        managers = managers_of_learner(booking.learner)
        if managers:
            survey.manager = managers[0]
            survey.status = SurveyStatus.MANAGER
            survey_work_for_manager(survey)
            link = _site(reverse("training:impact-manager", args=[survey.pk]))
            _email(
                kind="training_impact_manager",
                to=[managers[0].email],
                subject=f"Has {booking.name}'s practice changed? {booking.session.course.title}",
                body=f"{booking.name} went on {booking.session.course.title} six months ago "
                f"and has told us how it changed their work. Please add what you have seen: {link}\n",
                booking=booking,
            )
    survey.save(update_fields=fields)
    survey_work_close(
        survey,
        kind=WorkKind.TRAINING_IMPACT_SURVEY,
        by=by,
        outcome="Answered." + (" The manager is asked next." if survey.manager else ""),
    )
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_IMPACT_SURVEY,
        object_id=survey.pk,
        changes={"answered": "learner"},
    )
    return survey


@transaction.atomic
def impact_manager_answer(
    *,
    by: User,
    survey: ImpactSurvey,
    saw_change: str,
    comments: str = "",
    now: dt.datetime | None = None,
) -> ImpactSurvey:
    """The manager's stage of the impact survey."""
    survey = ImpactSurvey.objects.select_for_update().get(pk=survey.pk)
    if survey.manager_id != by.pk:
        raise Forbidden("Only the learner's manager answers this stage")
    if survey.status != SurveyStatus.MANAGER:
        raise InvalidRequest("This survey is not waiting for the manager")
    if saw_change not in PracticeChange.values:
        raise InvalidRequest(errors={"saw_change": "Say whether you have seen practice change"})
    survey.manager_saw_change = saw_change
    survey.manager_comments = comments.strip()
    survey.manager_answered_at = now or timezone.now()
    survey.status = SurveyStatus.ANSWERED
    survey.save(
        update_fields=["manager_saw_change", "manager_comments", "manager_answered_at", "status"]
    )
    survey_work_close(survey, kind=WorkKind.TRAINING_IMPACT_MANAGER, by=by, outcome="Answered.")
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_IMPACT_SURVEY,
        object_id=survey.pk,
        changes={"answered": "manager"},
    )
    return survey
