"""Courses and their sessions: what is offered, when, and how many places."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AuditAction, User

from ..events import TrainingEvent
from ..models import BookingStatus, Course, Mode, Session, Skill
from .booking import _promote
from .common import _require

if TYPE_CHECKING:
    pass


@transaction.atomic
def course_save(
    *,
    by: User,
    slug: str,
    title: str,
    audience: str,
    learning_outcomes: str,
    summary: str = "",
    skill: Skill | None = None,
    impact_asks_manager: bool = False,
    course: Course | None = None,
) -> Course:
    """Add a course, or change one (the business unit)."""
    _require(by, "training.manage")
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the course's title"
    if not audience.strip():
        errors["audience"] = "Say who the course is for"
    if not learning_outcomes.strip():
        errors["learning_outcomes"] = "Enter at least one learning outcome"
    same = Course.objects.filter(slug=slug)
    if course is not None:
        same = same.exclude(pk=course.pk)
    if same.exists():
        errors["title"] = "There is already a course with this title"
    if errors:
        raise InvalidRequest(errors=errors)
    created = course is None
    course = course or Course(slug=slug, created_at=timezone.now())
    course.title = title.strip()
    course.audience = audience.strip()
    course.learning_outcomes = learning_outcomes.strip()
    course.summary = summary.strip()
    course.skill = skill
    course.impact_asks_manager = impact_asks_manager
    course.save()
    audit_record(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_COURSE,
        object_id=course.slug,
    )
    return course


@transaction.atomic
def session_add(
    *,
    by: User,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    mode: str,
    capacity: int,
    trainer: User | None = None,
    joining_link: str = "",
    venue: str = "",
    open_to_public: bool = False,
) -> Session:
    """Plan a session of a course (the business unit)."""
    _require(by, "training.manage")
    errors = {}
    if ends_at <= starts_at:
        errors["end_time"] = "The session must end after it starts"
    if capacity < 1:
        errors["capacity"] = "A session needs at least 1 place"
    if mode == Mode.VIRTUAL and not joining_link.strip():
        errors["joining_link"] = "Enter the joining link for an online session"
    if mode == Mode.IN_PERSON and not venue.strip():
        errors["venue"] = "Enter the venue for a session in person"
    if mode not in Mode.values:
        errors["mode"] = "Select online or in person"
    if errors:
        raise InvalidRequest(errors=errors)
    session = Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        capacity=capacity,
        trainer=trainer,
        joining_link=joining_link.strip() if mode == Mode.VIRTUAL else "",
        venue=venue.strip() if mode == Mode.IN_PERSON else "",
        open_to_public=open_to_public,
        created_at=timezone.now(),
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.TRAINING_SESSION,
        object_id=session.pk,
    )
    return session


@transaction.atomic
def session_capacity_change(*, by: User, session: Session, capacity: int) -> Session:
    """Change how many places a session has; more places promote the waiting list."""
    _require(by, "training.manage")
    session = Session.objects.select_for_update().get(pk=session.pk)
    booked = session.bookings.filter(status=BookingStatus.BOOKED).count()
    if capacity < max(booked, 1):
        raise InvalidRequest(
            errors={
                "capacity": f"{booked} people hold places: the session needs at least that many"
            }
        )
    before = session.capacity
    session.capacity = capacity
    session.save(update_fields=["capacity"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=TrainingEvent.TRAINING_SESSION,
        object_id=session.pk,
        changes={"capacity": {"before": before, "after": capacity}},
    )
    _promote(session, now=timezone.now())
    return session
