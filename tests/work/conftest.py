"""A social care team with a manager and two workers, and a child they work with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from safeguard.core.clock import Clock
from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.work import services
from safeguard.work.models import WorkKind
from safeguard.work.services import Deadline
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory


@dataclass
class Team:
    team: Any
    manager: Any
    worker: Any
    other_worker: Any
    outsider: Any
    child: Any
    agency: Any


@pytest.fixture
def csc(db, make_user) -> Team:
    agency = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    team = TeamFactory(
        agency=agency,
        name="Assessment team",
        purpose=TeamPurpose.SOCIAL_CARE_ASSESSMENT,
        email="",
    )
    manager = make_user(Role.PRACTITIONER, agency=agency, email="manager@example.invalid")
    worker = make_user(Role.PRACTITIONER, agency=agency, email="worker@example.invalid")
    other_worker = make_user(Role.PRACTITIONER, agency=agency, email="other@example.invalid")
    today = timezone.localdate()
    TeamMembership.objects.create(team=team, user=manager, is_manager=True, since=today)
    TeamMembership.objects.create(team=team, user=worker, since=today)
    TeamMembership.objects.create(team=team, user=other_worker, since=today)
    outsider = make_user(Role.PRACTITIONER, agency=AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL))
    child = PersonFactory(given_name="Maisie", family_name="Thorne")
    InvolvementFactory(person=child, agency=agency, lead_practitioner=worker)
    return Team(team, manager, worker, other_worker, outsider, child, agency)


def make_item(csc, **kwargs):
    """A work item for the team about its child, made the way services make them."""
    defaults = {
        "by": csc.manager,
        "team": csc.team,
        "kind": WorkKind.OTHER,
        "title": "Visit the family",
        "subject_type": "person",
        "subject_id": csc.child.pk,
        "subject_label": "Home visit",
        "person": csc.child,
        "deadline": Deadline(2, Clock.WORKING_DAYS),
    }
    defaults.update(kwargs)
    with transaction.atomic():
        return services.work_item_create(**defaults)
