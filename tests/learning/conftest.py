"""A partnership with a business unit team, a chair, two agencies and a child."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.learning.seeds import reference_data_seed
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory


@dataclass
class Partnership:
    csc: Any
    school: Any
    business: Any
    chair: Any
    teacher: Any
    worker: Any
    child: Any
    bu_team: Any


@pytest.fixture(autouse=True)
def _reference_data(db) -> None:
    """Themes and boards, put back if a browser test emptied the tables."""
    reference_data_seed()


@pytest.fixture
def partnership(make_user) -> Partnership:
    return build_partnership(make_user)


def build_partnership(make_user: Any) -> Partnership:
    """A business unit team, a chair, a school and social care, and one child."""
    csc = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="Children's social care")
    school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL, name="Fulford School")
    business = make_user(Role.BUSINESS_UNIT, agency=csc, first_name="Kim", last_name="Unit")
    chair = make_user(Role.PANEL_CHAIR, agency=csc, first_name="Cara", last_name="Chair")
    teacher = make_user(Role.PRACTITIONER, agency=school, first_name="Dee", last_name="Lead")
    worker = make_user(Role.PRACTITIONER, agency=csc, first_name="Sam", last_name="Social")
    today = timezone.localdate()
    bu_team = TeamFactory(agency=csc, purpose=TeamPurpose.PARTNERSHIP, name="Business unit")
    TeamMembership.objects.create(team=bu_team, user=business, since=today, is_manager=True)
    for agency, user in ((csc, worker), (school, teacher)):
        team = TeamFactory(agency=agency, receives_for_agency=True, name=f"{agency.name} team")
        TeamMembership.objects.create(team=team, user=user, since=today)
    child = PersonFactory(
        given_name="Rosalind",
        family_name="Quenby",
        nhs_number="9434765919",
    )
    InvolvementFactory(person=child, agency=csc)
    return Partnership(csc, school, business, chair, teacher, worker, child, bu_team)
