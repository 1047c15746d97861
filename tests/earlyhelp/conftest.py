"""Fixtures for early help: a family of two children in one household, and people around it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from safeguard.core.models import Agency, AgencyKind, Role, User
from safeguard.earlyhelp.models import Episode
from safeguard.earlyhelp.services import early_help_episode_open
from safeguard.people.models import Person

from ..factories import (
    AgencyFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    PersonFactory,
)


@dataclass
class Family:
    school: Agency
    lead: User
    older: Person
    younger: Person
    parent: Person


@pytest.fixture
def family(db, make_user) -> Family:
    school = AgencyFactory(name="Fulford Test School", kind=AgencyKind.EDUCATION_SCHOOL)
    lead = make_user(Role.PRACTITIONER, agency=school, first_name="Alex", last_name="Mercer")
    household = HouseholdFactory(name="Brennan household")
    older = PersonFactory(given_name="Isla", family_name="Brennan")
    younger = PersonFactory(given_name="Theo", family_name="Brennan")
    parent = PersonFactory(
        given_name="Keira", family_name="Brennan", date_of_birth=dt.date(1988, 2, 3)
    )
    for person in (older, younger, parent):
        HouseholdMemberFactory(household=household, person=person)
    InvolvementFactory(person=older, agency=school, role_description="Pupil")
    return Family(school=school, lead=lead, older=older, younger=younger, parent=parent)


@pytest.fixture
def episode(family) -> Episode:
    return early_help_episode_open(
        by=family.lead,
        children=[family.older, family.younger],
        reason="Attendance has dropped and mum asked for help.",
    )


@pytest.fixture
def outsider(make_user) -> User:
    return make_user(Role.PRACTITIONER, agency=AgencyFactory(name="Elsewhere Agency"))
