"""A small partnership for contextual safeguarding: police, social care, a school, and three children."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from safeguard.contextual import services
from safeguard.contextual.models import LinkKind, PlaceKind
from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.meetings.kinds import kinds_seed
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory


@dataclass
class Partnership:
    police: Any
    csc: Any
    school: Any
    officer: Any  # a police practitioner
    social_worker: Any  # in the contextual safeguarding team
    teacher: Any  # the school's designated safeguarding lead
    analyst: Any
    team: Any  # the contextual safeguarding team (social care)
    ava: Any
    ben: Any
    cal: Any


def build(make_user: Any) -> Partnership:
    """Police, social care (with its contextual team), a school, and three children both agencies know."""
    kinds_seed()
    police = AgencyFactory(kind=AgencyKind.POLICE, name="North Yorkshire Police")
    csc = AgencyFactory(
        kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Children's social care", is_mash=True
    )
    school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL, name="Fulford School")
    officer = make_user(Role.PRACTITIONER, agency=police, first_name="Pat", last_name="Officer")
    social_worker = make_user(Role.PRACTITIONER, agency=csc, first_name="Sam", last_name="Worker")
    teacher = make_user(Role.PRACTITIONER, agency=school, first_name="Tess", last_name="Teacher")
    analyst = make_user(Role.ANALYST, agency=csc)
    team = TeamFactory(
        agency=csc, purpose=TeamPurpose.CONTEXTUAL_SAFEGUARDING, name="Contextual safeguarding"
    )
    TeamMembership.objects.create(team=team, user=social_worker, since=timezone.localdate())
    children = []
    for given in ("Ava", "Ben", "Cal"):
        child = PersonFactory(given_name=given, family_name="Tester")
        InvolvementFactory(person=child, agency=police)
        InvolvementFactory(person=child, agency=csc)
        children.append(child)
    return Partnership(
        police, csc, school, officer, social_worker, teacher, analyst, team, *children
    )


@pytest.fixture
def world(db, make_user) -> Partnership:
    return build(make_user)


def grade(**overrides: Any) -> dict[str, Any]:
    """A complete grading and source, for a link."""
    values: dict[str, Any] = {
        "source_evaluation": "2",
        "assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "known_on": timezone.localdate() - dt.timedelta(days=3),
        "summary": "Seen together several evenings",
    }
    values.update(overrides)
    return values


def link(
    w: Partnership, kind: str, *, by: Any = None, agency: Any = None, **ends_and_grade: Any
) -> Any:
    """Record a link as the police officer, from the police, graded 2-B-P unless told otherwise."""
    values = grade()
    values.update(ends_and_grade)
    return services.link_record(
        by=by or w.officer, kind=kind, source_agency=agency or w.police, **values
    )


def place(
    w: Partnership, name: str = "Coppergate Centre", kind: str = PlaceKind.SHOPPING_CENTRE
) -> Any:
    return services.place_create(by=w.officer, name=name, kind=kind, location="53.9576, -1.0805")


__all__ = ["LinkKind", "Partnership", "build", "grade", "link", "place"]
