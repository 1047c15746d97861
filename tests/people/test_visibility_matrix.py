"""Every role x visibility x sensitivity x route: no entry reaches anyone it should not.

The expectations come from a table written here (who may read each visibility, the
sensitivity table ``RECORD_TYPES``), never from the code under test. The child's record
holds one entry for every visibility and every sensitivity, each shared once with another
agency under a written judgement; every route that shows entries, decisions or reasons is
then read as every role, and each entry's words (title, detail, judgement, summary) are
looked for. Built once for the whole module, inside one transaction rolled back at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role
from safeguard.people.access import (
    PERSONAL_DATA_ROLES,
    RECORD_TYPES,
    access_grant_create,
    chronology_visible_to,
)
from safeguard.people.models import AccessGrant, Visibility
from safeguard.sharing import services as sharing
from safeguard.sharing.models import Consent, Decision, LawfulBasis, Purpose
from tests.factories import (
    AgencyFactory,
    ChronologyEventFactory,
    InvolvementFactory,
    PersonFactory,
    UserFactory,
)

# Each test also runs in its own savepoint inside the module's transaction.
pytestmark = pytest.mark.django_db

SURNAME = "Vizzardelli"
VISIBILITIES = [str(v) for v in Visibility.values]
SENSITIVITIES = sorted(RECORD_TYPES)

AGENCIES = {
    # key: (kind, is_mash, works with the child)
    "recorder": (AgencyKind.YOUTH_JUSTICE, False, True),
    "school": (AgencyKind.EDUCATION_SCHOOL, False, True),
    "police": (AgencyKind.POLICE, False, True),
    "hospital": (AgencyKind.HEALTH_HOSPITAL, False, True),
    "social_care": (AgencyKind.CHILDRENS_SOCIAL_CARE, False, True),
    "mash": (AgencyKind.CHILDRENS_SOCIAL_CARE, True, True),
    "voluntary": (AgencyKind.VOLUNTARY, False, False),
    "housing": (AgencyKind.HOUSING, False, False),
}
# Which agencies read an entry of each visibility (the recording agency always reads its own).
READERS = {
    "everyone": set(AGENCIES),
    "recording_agency": set(),
    "mash_social_care": {"social_care", "mash"},
    "police": {"police"},
    "health": {"hospital"},
}
ROLES = {
    "recorder_practitioner": (Role.PRACTITIONER, "recorder"),
    "school_practitioner": (Role.PRACTITIONER, "school"),
    "police_practitioner": (Role.PRACTITIONER, "police"),
    "hospital_practitioner": (Role.PRACTITIONER, "hospital"),
    "social_care_practitioner": (Role.PRACTITIONER, "social_care"),
    "mash_worker": (Role.MASH_WORKER, "mash"),
    "mash_manager": (Role.MASH_MANAGER, "mash"),
    "panel_chair": (Role.PANEL_CHAIR, "school"),
    "uninvolved_practitioner": (Role.PRACTITIONER, "voluntary"),
    "analyst": (Role.ANALYST, "housing"),
    "business_unit": (Role.BUSINESS_UNIT, "housing"),
    "system_administrator": (Role.SYSTEM_ADMINISTRATOR, "housing"),
}
ROUTES = [
    "person_page",
    "chronology",
    "sharing_page",
    "who_has_looked",
    "sharing_log_export",
    "search",
]


def canaries(visibility: str, sensitivity: str) -> list[str]:
    """The words of one entry and of the decision that shared it."""
    tag = f"{visibility}-{sensitivity}".upper()
    return [f"CANARY-TITLE-{tag}", f"CANARY-DETAIL-{tag}", f"CANARY-JUDGEMENT-{tag}"]


def may_read(role_name: str, visibility: str, sensitivity: str) -> bool:
    """Whether this role may read this entry, by the policy in the tables above."""
    role, agency_key = ROLES[role_name]
    kind, _mash, involved = AGENCIES[agency_key]
    if role not in PERSONAL_DATA_ROLES or not involved:
        return False
    # The recording agency holds a grant naming every sensitive type (so it can share them).
    sensitivity_ok = (
        agency_key == "recorder"
        or sensitivity == "general"
        or kind in RECORD_TYPES[sensitivity].open_to_kinds
    )
    visibility_ok = agency_key == "recorder" or agency_key in READERS[visibility]
    return sensitivity_ok and visibility_ok


@dataclass
class World:
    child: Any
    users: dict[str, Any]
    bodies: dict[tuple[str, str], str] = field(default_factory=dict)


def _build() -> World:
    agencies = {
        key: AgencyFactory(kind=kind, is_mash=mash, name=f"Matrix {key.replace('_', ' ')}")
        for key, (kind, mash, _involved) in AGENCIES.items()
    }
    child = PersonFactory(given_name="Philippa", family_name=SURNAME)
    for key, (_kind, _mash, involved) in AGENCIES.items():
        if involved:
            InvolvementFactory(person=child, agency=agencies[key])
    users = {
        name: UserFactory(roles=[role], agency=agencies[key]) for name, (role, key) in ROLES.items()
    }
    recorder = users["recorder_practitioner"]
    access_grant_create(
        by=recorder,
        person=child,
        kind=AccessGrant.Kind.SHARED,
        purpose="The recorder may read every sensitive type it records",
        ends_at=timezone.now() + dt.timedelta(days=30),
        agency_id=agencies["recorder"].pk,
        record_types=[t for t in SENSITIVITIES if RECORD_TYPES[t].sensitive],
    )
    for visibility in VISIBILITIES:
        for sensitivity in SENSITIVITIES:
            title, detail, judgement = canaries(visibility, sensitivity)
            entry = ChronologyEventFactory(
                person=child,
                agency=agencies["recorder"],
                record_type=sensitivity,
                visibility=visibility,
                title=title,
                detail=detail,
                occurred_at=timezone.now() - dt.timedelta(days=2),
            )
            sharing.sharing_decision_record(
                by=recorder,
                person=child,
                recipient_agency=agencies["housing"],
                purpose=Purpose.SAFEGUARDING_ASSESSMENT,
                decision=Decision.SHARE,
                consent=Consent.GIVEN,
                lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
                judgement=judgement,
                summary=f"Summary {judgement}",
                event_ids=[entry.pk],
                ends_on=timezone.localdate() + dt.timedelta(days=30),
            )
    return World(child=child, users=users)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), transaction.atomic():
        built = _build()
        yield built
        transaction.set_rollback(True)


def _read(world: World, role_name: str, route: str) -> str:
    """What the role sees on the route (read once per role and route for the module)."""
    key = (role_name, route)
    if key in world.bodies:
        return world.bodies[key]
    user = world.users[role_name]
    child = world.child
    if route == "chronology":
        body = " ".join(
            f"{e.title} {e.detail}" for e in chronology_visible_to(user, child).order_by("pk")
        )
    else:
        client = Client()
        client.force_login(user)
        url = {
            "person_page": reverse("people:detail", args=[child.pk]),
            "sharing_page": reverse("sharing:person", args=[child.pk]),
            "who_has_looked": reverse("people:viewers", args=[child.pk]),
            "sharing_log_export": reverse("sharing:log-csv"),
            "search": reverse("people:search") + f"?q={SURNAME}",
        }[route]
        response = client.get(url)
        assert response.status_code in (200, 403, 404)
        body = response.content.decode()
    world.bodies[key] = body
    return body


def _combinations() -> list[tuple[str, str]]:
    return [(v, s) for v in VISIBILITIES for s in SENSITIVITIES]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("role_name", list(ROLES))
def test_no_entry_leaks(world, role_name, route):
    """For this role and route, every visibility x sensitivity: nothing it may not read."""
    body = _read(world, role_name, route)
    leaks = [
        (visibility, sensitivity, word)
        for visibility, sensitivity in _combinations()
        if not may_read(role_name, visibility, sensitivity)
        for word in canaries(visibility, sensitivity)
        if word in body
    ]
    assert leaks == [], f"{role_name} read on {route}: {leaks}"


@pytest.mark.parametrize("role_name", list(ROLES))
def test_what_may_be_read_is_read(world, role_name):
    """The other half: the rule hides nothing it should show (else 0 leaks would be easy)."""
    wrong = []
    for visibility, sensitivity in _combinations():
        title, detail, judgement = canaries(visibility, sensitivity)
        allowed = may_read(role_name, visibility, sensitivity)
        for route, words in (
            ("person_page", (title, detail)),
            ("chronology", (title, detail)),
            ("sharing_page", (judgement,)),
            ("who_has_looked", (judgement,)),
        ):
            body = _read(world, role_name, route)
            if all(w in body for w in words) != allowed:
                wrong.append((route, visibility, sensitivity, allowed))
    assert wrong == []
