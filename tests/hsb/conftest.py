"""A small partnership for harmful sexual behaviour: a school, the MASH, the HSB service, police, health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.hsb.models import AimTool, AimTrainedPractitioner, Level, Light
from safeguard.hsb.models import Role as HsbRole
from safeguard.hsb.services import NamedChild, concern_record
from safeguard.meetings.kinds import kinds_seed
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory


@dataclass
class Partnership:
    school: Any
    csc: Any
    yjs: Any
    police: Any
    health: Any
    teacher: Any  # the school's designated safeguarding lead
    mash_worker: Any
    social_worker: Any
    yjs_manager: Any
    yjs_worker: Any
    officer: Any
    nurse: Any
    mash_team: Any
    hsb_team: Any
    csc_team: Any
    leo: Any  # 13, displayed the behaviour; he was also harmed by an older boy
    mia: Any  # 11, harmed by Leo
    outsider_child: Any  # known to social care only


def years_ago(years: int, days: int = 0) -> dt.date:
    """A date of birth: this many years (and days) before today."""
    today = timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - dt.timedelta(days=days)


def build_partnership(make_user: Any) -> Partnership:
    """Six agencies, their teams and people, and two children the school knows."""
    kinds_seed()
    today = timezone.localdate()
    school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL, name="Fulford School")
    csc = AgencyFactory(
        kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Children's social care", is_mash=True
    )
    yjs = AgencyFactory(kind=AgencyKind.YOUTH_JUSTICE, name="Youth Justice Service")
    police = AgencyFactory(kind=AgencyKind.POLICE, name="Police")
    health = AgencyFactory(kind=AgencyKind.HEALTH_VISITING, name="School nursing")
    teacher = make_user(
        Role.PRACTITIONER,
        agency=school,
        first_name="Alex",
        last_name="Mercer",
        username="school.dsl",
    )
    mash_worker = make_user(Role.MASH_WORKER, agency=csc, first_name="Mo", last_name="Hub")
    social_worker = make_user(
        Role.PRACTITIONER,
        agency=csc,
        first_name="Sam",
        last_name="Social",
        username="social.worker",
    )
    yjs_manager = make_user(Role.PRACTITIONER, agency=yjs, first_name="Jan", last_name="Lead")
    yjs_worker = make_user(
        Role.PRACTITIONER, agency=yjs, first_name="Robin", last_name="Castle", username="yjs.worker"
    )
    officer = make_user(Role.PRACTITIONER, agency=police, first_name="Pat", last_name="Officer")
    nurse = make_user(
        Role.PRACTITIONER,
        agency=health,
        first_name="Jo",
        last_name="Brandon",
        username="health.nurse",
    )
    mash_team = TeamFactory(
        agency=csc, purpose=TeamPurpose.MASH, name="MASH", receives_for_agency=True
    )
    csc_team = TeamFactory(
        agency=csc, purpose=TeamPurpose.SOCIAL_CARE_ASSESSMENT, name="Assessment team"
    )
    hsb_team = TeamFactory(
        agency=yjs,
        purpose=TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR,
        name="Harmful sexual behaviour service",
        receives_for_agency=True,
    )
    school_team = TeamFactory(agency=school, name="Safeguarding office", receives_for_agency=True)
    police_team = TeamFactory(agency=police, name="Safeguarding hub", receives_for_agency=True)
    health_team = TeamFactory(agency=health, name="School nursing team", receives_for_agency=True)
    for team, user, manager in (
        (mash_team, mash_worker, True),
        (csc_team, social_worker, True),
        (hsb_team, yjs_manager, True),
        (hsb_team, yjs_worker, False),
        (school_team, teacher, True),
        (police_team, officer, True),
        (health_team, nurse, True),
    ):
        TeamMembership.objects.create(team=team, user=user, is_manager=manager, since=today)
    leo = PersonFactory(given_name="Leo", family_name="Hart", date_of_birth=years_ago(13, 40))
    mia = PersonFactory(given_name="Mia", family_name="Shaw", date_of_birth=years_ago(11, 100))
    outsider = PersonFactory(given_name="Ida", family_name="Nobody", date_of_birth=years_ago(12))
    for child in (leo, mia):
        InvolvementFactory(person=child, agency=school, role_description="pupil")
    InvolvementFactory(person=outsider, agency=csc)
    InvolvementFactory(person=leo, agency=police)
    return Partnership(
        school,
        csc,
        yjs,
        police,
        health,
        teacher,
        mash_worker,
        social_worker,
        yjs_manager,
        yjs_worker,
        officer,
        nurse,
        mash_team,
        hsb_team,
        csc_team,
        leo,
        mia,
        outsider,
    )


@pytest.fixture
def p(make_user) -> Partnership:
    return build_partnership(make_user)


def train(user: Any, tool: str = AimTool.AIM3, on: dt.date | None = None) -> None:
    """Record the practitioner as trained to use the tool."""
    AimTrainedPractitioner.objects.create(
        user=user, tool=tool, trained_on=on or timezone.localdate() - dt.timedelta(days=365)
    )


def record(p: Partnership, *, level: str = Level.PROBLEMATIC, noticed_hours: int = 3, **kw: Any):
    """The school records a concern: Leo harmed Mia."""
    children = kw.pop(
        "children",
        [
            NamedChild(p.leo, HsbRole.HARMING, "Said it was a game and he didn't mean it."),
            NamedChild(p.mia, HsbRole.HARMED, "Said she felt scared and wants it to stop."),
        ],
    )
    return concern_record(
        by=kw.pop("by", p.teacher),
        noticed_at=timezone.now() - dt.timedelta(hours=noticed_hours),
        what_happened=kw.pop("what_happened", "Seen touching a younger pupil in the toilets."),
        level=level,
        light=kw.pop("light", Light.RED),
        evidence=kw.pop("evidence", "Repeated after being told to stop; two years older."),
        immediate_response=kw.pop("immediate_response", "Separated the pupils, told parents."),
        children=children,
    )
