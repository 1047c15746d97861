"""Fixtures for early help: a family of two children in one household, and people around it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from safeguard.core.models import Agency, AgencyKind, Role, User
from safeguard.earlyhelp.models import Episode, FamilyConsent
from safeguard.earlyhelp.services import early_help_episode_open, family_consent_record
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


def agree(
    family: Family, episode: Episode, *, agencies=(), person: Person | None = None
) -> FamilyConsent:
    """The parent agrees to the assessment (and to sharing with ``agencies``, if any)."""
    agencies = list(agencies)
    return family_consent_record(
        by=family.lead,
        episode=episode,
        person=person or family.parent,
        decision=FamilyConsent.Decision.GIVEN,
        decided_on=timezone.localdate() - dt.timedelta(days=1),
        method=FamilyConsent.Method.IN_PERSON,
        to_assessment=True,
        to_sharing=bool(agencies),
        agencies=agencies,
    )


@pytest.fixture
def unconsented_episode(family) -> Episode:
    """Early help opened, nobody asked for consent yet."""
    return early_help_episode_open(
        by=family.lead,
        children=[family.older, family.younger],
        reason="Attendance has dropped and mum asked for help.",
    )


@pytest.fixture
def episode(family, unconsented_episode) -> Episode:
    """Early help the parent has agreed to (the assessment; no sharing beyond the lead agency)."""
    agree(family, unconsented_episode)
    return unconsented_episode


@pytest.fixture
def outsider(make_user) -> User:
    return make_user(Role.PRACTITIONER, agency=AgencyFactory(name="Elsewhere Agency"))
