"""A partnership with a chair, three agencies, two children and a meeting to run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.meetings import services
from safeguard.meetings.kinds import kind, kinds_seed
from safeguard.meetings.models import Meeting, MeetingKind
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory


@dataclass
class Partnership:
    csc: Any
    police: Any
    school: Any
    chair: Any
    officer: Any
    teacher: Any
    worker: Any
    ava: Any  # known to social care and the school
    noah: Any  # known to social care only
    panel: MeetingKind
    strategy: MeetingKind


def next_weekday(weekday: int = 1) -> dt.date:
    """A date comfortably in the future on the given weekday (a Tuesday by default)."""
    day = timezone.localdate() + dt.timedelta(days=14)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A UK clock time on the day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=UK)


@pytest.fixture(autouse=True)
def _kinds(db) -> None:
    """The seeded kinds, put back if a browser test emptied the tables."""
    kinds_seed()


@pytest.fixture
def partnership(make_user) -> Partnership:
    return build_partnership(make_user)


def build_partnership(make_user: Any) -> Partnership:
    """Three agencies with a team each, a chair, and two children the school knows one of."""
    csc = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Children's social care")
    police = AgencyFactory(kind=AgencyKind.POLICE, name="Police")
    school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL, name="Fulford School")
    chair = make_user(Role.PANEL_CHAIR, agency=csc, first_name="Cara", last_name="Chair")
    worker = make_user(
        Role.PRACTITIONER, agency=csc, first_name="Sam", last_name="Social", email="sam@csc"
    )
    officer = make_user(
        Role.PRACTITIONER, agency=police, first_name="Pat", last_name="Officer", email="pat@police"
    )
    teacher = make_user(
        Role.PRACTITIONER, agency=school, first_name="Dee", last_name="Lead", email="dsl@school"
    )
    today = timezone.localdate()
    for agency, user in ((csc, worker), (police, officer), (school, teacher)):
        team = TeamFactory(agency=agency, receives_for_agency=True, name=f"{agency.name} team")
        TeamMembership.objects.create(team=team, user=user, since=today)
    ava = PersonFactory(given_name="Ava", family_name="Brook")
    noah = PersonFactory(given_name="Noah", family_name="Stone")
    for person in (ava, noah):
        InvolvementFactory(person=person, agency=csc)
    InvolvementFactory(person=ava, agency=school)
    return Partnership(
        csc=csc,
        police=police,
        school=school,
        chair=chair,
        officer=officer,
        teacher=teacher,
        worker=worker,
        ava=ava,
        noah=noah,
        panel=kind("child-exploitation-risk-assessment-panel"),
        strategy=kind("strategy-meeting"),
    )


@pytest.fixture
def meeting(partnership) -> Meeting:
    return arrange_panel(partnership)


def arrange_panel(p: Partnership) -> Meeting:
    """A panel meeting inviting social care and the police."""
    return services.meeting_arrange(
        by=p.chair,
        kind=p.panel,
        title="Exploitation panel",
        starts_at=at(next_weekday()),
        agencies=[p.csc, p.police],
    )
