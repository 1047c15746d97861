"""Rows about a person in the contextual safeguarding app, for the registry's tests (see tests/person_rows.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from safeguard.contextual.models import (
    ConcernChild,
    ContextConcern,
    ContextWeighting,
    Link,
    LinkKind,
    Place,
)


def _place(w: Any) -> Place:
    return Place.objects.create(
        name="Coppergate Centre", kind="shopping_centre", recorded_by=w.user
    )


def _link(w: Any, p: Any, field: str) -> Link:
    other = {"child": w.other, "other_child": p} if field == "other_child" else {"child": p}
    kind = LinkKind.CHILD_CHILD if field == "other_child" else LinkKind.CHILD_PLACE
    return Link.objects.create(
        kind=kind,
        other_child=other.get("other_child"),
        child=other["child"],
        place=None if field == "other_child" else _place(w),
        summary="Seen together at the centre",
        source_agency=w.agency,
        known_on=timezone.localdate(),
        source_evaluation="2",
        assessment="B",
        handling_code="P",
        rank=11,
        recorded_by=w.user,
    )


def _concern_child(w: Any, p: Any) -> ConcernChild:
    concern = ContextConcern.objects.create(
        reference=f"CTX-ROW-{ContextConcern.objects.count() + 1}",
        context_kind="place",
        where="The bus station",
        what_happened="Older men hanging around",
        reported_by=w.user,
        agency=w.agency,
    )
    return ConcernChild.objects.create(concern=concern, person=p, linked_by=w.user)


CONTEXTUAL_BUILDERS: dict[str, Callable[[Any, Any], Any]] = {
    "contextual.Link.child": lambda w, p: _link(w, p, "child"),
    "contextual.Link.other_child": lambda w, p: _link(w, p, "other_child"),
    "contextual.ConcernChild.person": _concern_child,
    "contextual.ContextWeighting.person": lambda w, p: ContextWeighting.objects.create(
        person=p, first="peer_group", why="An older group", recorded_by=w.user
    ),
}
