from __future__ import annotations

import datetime as dt

import pytest

from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.frontdoor.models import Consent
from safeguard.frontdoor.services import ChildDetails, contact_submit
from tests.factories import AgencyFactory, TeamFactory


@pytest.fixture
def mash_agency(db):
    return AgencyFactory(name="Test MASH", slug="test-mash", is_mash=True)


@pytest.fixture
def mash_team(mash_agency):
    """The MASH team: the contacts' work items land here."""
    return TeamFactory(
        agency=mash_agency,
        name="Test MASH team",
        slug="test-mash-team",
        purpose=TeamPurpose.MASH,
        receives_for_agency=True,
    )


@pytest.fixture(autouse=True)
def social_care_team(db):
    """Children's social care's assessment team, which receives Level 4 decisions."""
    csc = AgencyFactory(name="Test Children's Social Care", slug="test-csc")
    return TeamFactory(
        agency=csc,
        name="Test assessment team",
        slug="test-csc-assessment",
        purpose=TeamPurpose.SOCIAL_CARE_ASSESSMENT,
        receives_for_agency=True,
    )


@pytest.fixture
def mash_worker(make_user, mash_team):
    user = make_user(Role.MASH_WORKER, agency=mash_team.agency)
    TeamMembership.objects.create(team=mash_team, user=user, since=dt.date(2024, 1, 1))
    return user


@pytest.fixture
def mash_manager(make_user, mash_team):
    user = make_user(Role.MASH_MANAGER, Role.MASH_WORKER, agency=mash_team.agency)
    TeamMembership.objects.create(
        team=mash_team, user=user, is_manager=True, since=dt.date(2024, 1, 1)
    )
    return user


@pytest.fixture
def police_agency(db):
    return AgencyFactory(name="Test Police", slug="test-police", kind=AgencyKind.POLICE)


@pytest.fixture
def referrer(make_user):
    school = AgencyFactory(name="Test School", slug="test-school", kind=AgencyKind.EDUCATION_SCHOOL)
    return make_user(Role.PRACTITIONER, agency=school, email="dsl@example.invalid")


def concern_kwargs(**overrides):
    values = {
        "children": [
            ChildDetails(
                given_name="Kai", family_name="Testchild", date_of_birth=dt.date(2015, 3, 4)
            )
        ],
        "categories": ["neglect", "domestic_abuse"],
        "what_happened": "Came to school hungry three days running.",
        "happened_on": dt.date(2024, 1, 10),
        "child_voice": "Said there is no food at home and mum is always crying.",
        "immediate_danger": False,
        "family_knows": "Mum knows we are worried.",
        "consent": Consent.GIVEN,
        "referrer_name": "Alex Mercer",
        "referrer_email": "dsl@example.invalid",
        "referrer_phone": "01904 000000",
    }
    values.update(overrides)
    return values


@pytest.fixture
def submit(referrer, mash_agency):
    def _submit(by=None, **overrides):
        return contact_submit(by=by or referrer, **concern_kwargs(**overrides))

    return _submit
