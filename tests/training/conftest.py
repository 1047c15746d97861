"""A partnership's training: the business unit, a trainer, a manager and their team, a course."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.training import services
from safeguard.training.models import Mode, Session, Skill
from tests.factories import AgencyFactory, TeamFactory


@dataclass
class Partnership:
    school: Any
    police: Any
    unit: Any  # the partnership business unit: manages training
    trainer: Any
    manager: Any  # manages the school's safeguarding team
    learner: Any  # in the manager's team
    colleague: Any  # also in the manager's team
    officer: Any  # a police officer, in no team the manager runs
    course: Any


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """A UK clock time on a day."""
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=UK)


@pytest.fixture
def partnership(make_user) -> Partnership:
    return build_partnership(make_user)


def make_session_for(course: Any, trainer: Any, *, days: int = 14, capacity: int = 2) -> Session:
    """A session of the course ``days`` from today (in the past when negative), online."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return Session.objects.create(
        course=course,
        starts_at=at(day, 9),
        ends_at=at(day, 12),
        mode=Mode.VIRTUAL,
        joining_link="https://meet.example.org/aim3",
        trainer=trainer,
        capacity=capacity,
        created_at=timezone.now(),
    )


def build_partnership(make_user: Any) -> Partnership:
    """The business unit, a trainer, a school manager with two staff, an officer, a course."""
    services.skills_seed()
    school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL, name="Fulford School")
    police = AgencyFactory(kind=AgencyKind.POLICE, name="North Yorkshire Police")
    csc = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Children's social care")

    def person(first: str, last: str, agency: Any, *roles: str) -> Any:
        return make_user(
            *(roles or (Role.PRACTITIONER,)),
            agency=agency,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@example.org",
        )

    unit = person("Bea", "Unit", csc, Role.BUSINESS_UNIT)
    trainer = person("Tara", "Trainer", csc)
    manager = person("Mo", "Manager", school)
    learner = person("Lee", "Learner", school)
    colleague = person("Cal", "Colleague", school)
    officer = person("Olu", "Officer", police)
    team = TeamFactory(agency=school, name="Fulford safeguarding")
    today = timezone.localdate()
    TeamMembership.objects.create(team=team, user=manager, is_manager=True, since=today)
    TeamMembership.objects.create(team=team, user=learner, since=today)
    TeamMembership.objects.create(team=team, user=colleague, since=today)
    course = services.course_save(
        by=unit,
        slug="aim3-assessment",
        title="Using the AIM3 assessment",
        audience="Practitioners who assess children with harmful sexual behaviour",
        learning_outcomes="Use the AIM3 model\nWrite an AIM3 assessment",
        skill=Skill.objects.get(code="aim3"),
        impact_asks_manager=True,
    )
    return Partnership(
        school=school,
        police=police,
        unit=unit,
        trainer=trainer,
        manager=manager,
        learner=learner,
        colleague=colleague,
        officer=officer,
        course=course,
    )


@pytest.fixture
def make_session(partnership):
    def _make(*, days: int = 14, capacity: int = 2, course: Any = None) -> Session:
        return make_session_for(
            course or partnership.course, partnership.trainer, days=days, capacity=capacity
        )

    return _make
