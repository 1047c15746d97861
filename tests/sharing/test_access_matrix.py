"""The access matrix, generated from the policy, over HTTP.

Every role x every record type x view/list/edit/export, under every grant
state: no grant, an active grant, a grant naming each sensitive type, an
expired grant, a revoked grant and break-glass. Expectations come from the
policy table in ``people.access`` (role sets and ``RECORD_TYPES``), never
from the code under test; responses are then searched for the child's name
and every event's title: zero must appear where the rule says no.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role
from safeguard.people.access import (
    EDITING_ROLES,
    PERSONAL_DATA_ROLES,
    RECORD_TYPES,
    access_grant_create,
    access_grant_revoke,
)
from safeguard.people.models import AccessGrant
from safeguard.sharing.rules import LOG_ROLES
from tests.factories import (
    AgencyFactory,
    ChronologyEventFactory,
    InvolvementFactory,
    PersonFactory,
    UserFactory,
)

SURNAME = "Quintessa-Vandersloot"
SENSITIVE = sorted(code for code, rt in RECORD_TYPES.items() if rt.sensitive)

# role name -> (role code, which agency the user works for)
ROLES = {
    "practitioner_involved_agency": (Role.PRACTITIONER, "school"),
    "practitioner_other_agency": (Role.PRACTITIONER, "voluntary"),
    "mash_worker": (Role.MASH_WORKER, "mash"),
    "mash_manager": (Role.MASH_MANAGER, "mash"),
    "panel_chair": (Role.PANEL_CHAIR, "council"),
    "analyst": (Role.ANALYST, "council"),
    "business_unit": (Role.BUSINESS_UNIT, "council"),
    "system_administrator": (Role.SYSTEM_ADMINISTRATOR, "council"),
}
AGENCY_KINDS = {
    "school": AgencyKind.EDUCATION_SCHOOL,
    "voluntary": AgencyKind.VOLUNTARY,
    "mash": AgencyKind.CHILDRENS_SOCIAL_CARE,
    "council": AgencyKind.HOUSING,
}
GRANT_STATES = [
    "none",
    "active",
    *[f"names_{t}" for t in SENSITIVE],
    "expired",
    "revoked",
    "break_glass",
]


def expected(role_name: str, state: str) -> tuple[bool, set[str], bool]:
    """(may see the person, record types visible, may edit) from the policy table."""
    role, agency_key = ROLES[role_name]
    if role not in PERSONAL_DATA_ROLES:
        return False, set(), False
    involved = agency_key == "school"
    granted = state == "active" or state.startswith("names_") or state == "break_glass"
    if not (involved or granted):
        return False, set(), False
    kind = AGENCY_KINDS[agency_key]
    types = {"general"} | {
        c for c, rt in RECORD_TYPES.items() if rt.sensitive and kind in rt.open_to_kinds
    }
    if state.startswith("names_"):
        types.add(state.removeprefix("names_"))
    # Emergency access is read-only (issue 10): break-glass alone never lets a user edit.
    edits = role in EDITING_ROLES and (involved or state != "break_glass")
    return True, types, edits


@pytest.fixture
def world(db):
    agencies = {
        key: AgencyFactory(kind=kind, is_mash=(key == "mash"), name=f"Matrix {key}")
        for key, kind in AGENCY_KINDS.items()
    }
    child = PersonFactory(given_name="Ottoline", family_name=SURNAME)
    InvolvementFactory(person=child, agency=agencies["school"])
    for code in RECORD_TYPES:
        ChronologyEventFactory(
            person=child, agency=agencies["school"], record_type=code, title=f"MATRIX-CANARY-{code}"
        )
    return agencies, child


def _give(state: str, user, child, agencies) -> None:
    now = timezone.now()
    granter = UserFactory(agency=agencies["school"], roles=[Role.PRACTITIONER])
    if state == "none":
        return
    if state == "break_glass":
        access_grant_create(
            by=user,
            person=child,
            kind=AccessGrant.Kind.BREAK_GLASS,
            purpose="Emergency",
            ends_at=now + dt.timedelta(hours=24),
            user=user,
        )
        return
    types = [state.removeprefix("names_")] if state.startswith("names_") else []
    grant = access_grant_create(
        by=granter,
        person=child,
        kind=AccessGrant.Kind.SHARED,
        purpose="Matrix",
        ends_at=now + dt.timedelta(days=7),
        agency_id=user.agency_id,
        record_types=types,
    )
    if state == "expired":
        AccessGrant.objects.filter(pk=grant.pk).update(
            starts_at=now - dt.timedelta(days=10), ends_at=now - dt.timedelta(seconds=1)
        )
    if state == "revoked":
        access_grant_revoke(by=granter, grant=grant, reason="Matrix")


@pytest.fixture(scope="module")
def reused_client(_shared_client_handler):
    """One test client for the whole matrix: building a client's middleware is the slow part."""
    client = Client()
    client.handler = _shared_client_handler
    return client


_API_GET_PATHS: list[str] | None = None


def _api_get_paths(client) -> list[str]:
    """GET paths of the partner API, read once from its OpenAPI schema."""
    global _API_GET_PATHS  # noqa: PLW0603
    if _API_GET_PATHS is None:
        schema = client.get("/api/v1/openapi.json")
        paths = schema.json().get("paths", {}) if schema.status_code == 200 else {}
        _API_GET_PATHS = [p for p, ops in paths.items() if "get" in ops]
    return _API_GET_PATHS


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("state", GRANT_STATES)
@pytest.mark.parametrize("role_name", list(ROLES))
def test_access_matrix(role_name, state, world, reused_client, settings):
    agencies, child = world
    role, agency_key = ROLES[role_name]
    user = UserFactory(agency=agencies[agency_key], roles=[role])
    _give(state, user, child, agencies)
    sees, types, edits = expected(role_name, state)
    settings.DEMO_MODE = True
    client = reused_client
    client.logout()
    client.force_login(user)
    hidden_titles = [f"MATRIX-CANARY-{c}" for c in RECORD_TYPES if c not in types]
    shown_titles = [f"MATRIX-CANARY-{c}" for c in sorted(types)]

    # view: the person page
    page = client.get(reverse("people:detail", args=[child.pk]))
    body = _text(page)
    assert (page.status_code == 200) is sees, f"view {role_name} {state}"
    for title in hidden_titles:
        assert title not in body, f"{title} leaked to {role_name} with {state}"
    if sees:
        assert SURNAME in body
        for title in shown_titles:
            assert title in body, f"{title} missing for {role_name} with {state}"
    else:
        assert SURNAME not in body

    # list: search by name
    search = _text(client.get(reverse("people:search"), {"q": "Ottoline"}))
    assert (SURNAME in search) is sees, f"list {role_name} {state}"
    assert (str(child.pk) in search) is sees

    # edit: the change page
    edit = client.get(reverse("people:edit", args=[child.pk]))
    assert (edit.status_code == 200) is edits, f"edit {role_name} {state}"
    if not edits:
        assert SURNAME not in _text(edit)

    # sharing pages: sharing and access, share with an agency
    names = ["sharing:person", "sharing:share"]
    if state in ("none", "active"):
        names.append("sharing:request-create")
    for name in names:
        response = client.get(reverse(name, args=[child.pk]))
        text = _text(response)
        allowed = sees if name == "sharing:person" else edits
        assert (response.status_code == 200) is allowed, f"{name} {role_name} {state}"
        if not allowed:
            assert SURNAME not in text
        for title in hidden_titles:
            assert title not in text

    # export: the partnership log never names a child; only oversight roles may download it
    if state in ("none", "active"):
        export = client.get(reverse("sharing:log-csv"))
        assert (export.status_code == 200) is (role in LOG_ROLES)
        assert SURNAME not in _text(export)

    # the API: whatever GET endpoints exist, a session user gets no child data where the rule says no
    if not sees:
        for path in _api_get_paths(client):
            url = "/api/v1" + re.sub(r"\{[^}]+\}", str(child.pk), path)
            text = _text(client.get(url))
            assert SURNAME not in text
            for title in hidden_titles:
                assert title not in text


def test_the_matrix_covers_every_role_and_record_type():
    assert set(ROLES) >= {
        "practitioner_involved_agency",
        "practitioner_other_agency",
        "mash_worker",
        "mash_manager",
        "panel_chair",
        "analyst",
        "business_unit",
        "system_administrator",
    }
    assert set(SENSITIVE) == {
        "police_intelligence",
        "sexual_health",
        "mental_health",
        "harmful_sexual_behaviour",
    }
    assert len(GRANT_STATES) == 9
