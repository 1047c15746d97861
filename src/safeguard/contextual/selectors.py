"""Every read of the contextual safeguarding app, filtered by the permission table and the access rule.

A child appears in a network as a node whatever the reader may see (the shape of a
network is what the meeting needs), but only a child the access rule lets the reader
see is named; every other child reads "A child whose record you cannot open".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from safeguard.core.models import AuditAction, AuditEvent, User
from safeguard.people.access import people_visible_to
from safeguard.people.models import Person

from . import network
from .events import ContextualEvent
from .grading import grade_choices, rank
from .models import (
    END_PREFIX,
    LINK_ENDS,
    ContextConcern,
    DisruptionAction,
    DisruptionOutcome,
    Link,
    LinkKind,
    LinkStatus,
    PeerGroup,
    PersonOfConcern,
    Phone,
    Place,
    PlaceKind,
    Vehicle,
)

HIDDEN_CHILD = "A child whose record you cannot open"
NETWORK_CAP = 150  # nodes a page shows
EXPANSION_LIMIT = 2000  # nodes fetched before the walk stops
NEW_LINK_DAYS = 30
MAX_STEPS = 3

# A field in the link table for each kind of network id.
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "child": ("child_id", "other_child_id"),
    "person": ("person_id", "other_person_id"),
    "place": ("place_id",),
    "vehicle": ("vehicle_id",),
    "phone": ("phone_id",),
    "group": ("group_id",),
}
LINK_COLUMNS = (
    "pk",
    "kind",
    "child_id",
    "other_child_id",
    "person_id",
    "other_person_id",
    "place_id",
    "vehicle_id",
    "phone_id",
    "group_id",
    "rank",
    "known_on",
    "source_evaluation",
    "assessment",
    "handling_code",
    "source_agency__name",
    "summary",
    "status",
)


def _key_id(key: str) -> tuple[str, Any]:
    prefix, _, raw = key.partition(":")
    if prefix == "child":
        return prefix, uuid.UUID(raw)
    return prefix, int(raw)


def _ends(row: dict[str, Any]) -> tuple[str, str]:
    first, second = LINK_ENDS[row["kind"]]
    return (
        f"{END_PREFIX[first]}:{row[first + '_id']}",
        f"{END_PREFIX[second]}:{row[second + '_id']}",
    )


def _touching(keys: Iterable[str]) -> Q:
    by_kind: dict[str, list[Any]] = {}
    for key in keys:
        prefix, value = _key_id(key)
        by_kind.setdefault(prefix, []).append(value)
    q = Q(pk__in=[])
    for prefix, values in by_kind.items():
        for column in KEY_FIELDS[prefix]:
            q |= Q(**{f"{column}__in": values})
    return q


# --- Lists and pages -------------------------------------------------------------------------


def places(*, kind: str = "") -> QuerySet[Place]:
    """Every place, with how many current links and concerns it has."""
    found = Place.objects.annotate(
        link_count=Count("links", filter=~Q(links__status=LinkStatus.WITHDRAWN), distinct=True),
        concern_count=Count("concerns", distinct=True),
    )
    if kind in PlaceKind.values:
        found = found.filter(kind=kind)
    return found.order_by("name")


def persons_of_concern() -> QuerySet[PersonOfConcern]:
    """Every person of concern, with how many current links they have (never the police-only notes)."""
    return (
        PersonOfConcern.objects.defer("intelligence_notes")
        .annotate(
            link_count=Count("links", filter=~Q(links__status=LinkStatus.WITHDRAWN), distinct=True)
        )
        .order_by("name")
    )


def peer_groups() -> QuerySet[PeerGroup]:
    """Every peer group, with how many current links it has."""
    return PeerGroup.objects.annotate(
        link_count=Count("links", filter=~Q(links__status=LinkStatus.WITHDRAWN), distinct=True)
    ).order_by("name")


def person_of_concern_get(pk: Any) -> PersonOfConcern | None:
    """A person of concern, without the police-only notes (read those with the service)."""
    return PersonOfConcern.objects.defer("intelligence_notes").filter(pk=pk).first()


def links_about(*, key: str) -> QuerySet[Link]:
    """Every link at one end of which is this thing, withdrawn ones too (the history)."""
    return (
        Link.objects.filter(_touching([key]))
        .select_related(
            "source_agency",
            "child",
            "other_child",
            "person",
            "other_person",
            "place",
            "vehicle",
            "phone",
            "group",
        )
        .prefetch_related("changes")
        .order_by("-known_on", "-pk")
    )


def concerns_visible_to(user: Any) -> QuerySet[ContextConcern]:
    """Concerns about contexts: all for contextual staff, otherwise the user's own."""
    found = ContextConcern.objects.select_related("place", "group", "agency")
    if user.has_perm("contextual.see_contexts"):
        return found
    return found.filter(reported_by=user)


def concern_get(*, user: Any, reference: str) -> ContextConcern | None:
    """One concern the user may open, or None."""
    return concerns_visible_to(user).filter(reference=reference).first()


def actions(*, open_only: bool = False) -> QuerySet[DisruptionAction]:
    """Disruption actions, soonest due first."""
    found = DisruptionAction.objects.select_related(
        "place", "person", "group", "owner_agency", "meeting"
    )
    if open_only:
        found = found.filter(outcome="")
    return found.order_by("due_on", "pk")


# --- The network -------------------------------------------------------------------------------


@dataclass
class NetworkView:
    """A network for the page and the PDF: the neighbourhood and its measures, labelled."""

    start: str
    start_label: str
    steps: int
    grade: str  # the source-and-assessment pair used, "" for every grade
    neighbourhood: network.Neighbourhood
    labels: dict[str, str]
    groups: list[list[str]]
    bridges: list[tuple[str, float]]
    hotspots: list[tuple[str, int]]
    new_links: list[dict[str, Any]]
    links: list[dict[str, Any]]
    children: list[uuid.UUID] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        """Whether the network was too large to show in full."""
        return self.neighbourhood.truncated


def _at_risk(child_ids: set[uuid.UUID], child_person_links: set[uuid.UUID]) -> set[uuid.UUID]:
    """Children assessed at risk.

    A current exploitation level above "no known risk", or a current link to a person of concern.
    """
    from safeguard.exploitation.models import PanelDecision, RiskLevel

    if not child_ids:
        return set()
    latest = PanelDecision.objects.filter(
        person=OuterRef("person"), signed_off_at__isnull=False
    ).order_by("-signed_off_at", "-pk")
    leveled = set(
        PanelDecision.objects.filter(person_id__in=child_ids, signed_off_at__isnull=False)
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .exclude(level=RiskLevel.NO_KNOWN_RISK)
        .values_list("person_id", flat=True)
    )
    return leveled | (child_person_links & child_ids)


def _labels(user: Any, keys: set[str]) -> tuple[dict[str, str], dict[str, str], set[uuid.UUID]]:
    """Each node's label and kind, one query for each kind of thing; and the children seen."""
    ids: dict[str, list[Any]] = {}
    for key in keys:
        prefix, value = _key_id(key)
        ids.setdefault(prefix, []).append(value)
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    seen: set[uuid.UUID] = set()
    if ids.get("child"):
        visible = {
            p.pk: p
            for p in people_visible_to(user)
            .filter(pk__in=ids["child"])
            .only("pk", "given_name", "family_name")
        }
        for value in ids["child"]:
            person = visible.get(value)
            labels[f"child:{value}"] = (
                f"{person.given_name} {person.family_name}" if person else HIDDEN_CHILD
            )
            kinds[f"child:{value}"] = "child"
            if person:
                seen.add(value)
    models: list[tuple[str, Any, str]] = [
        ("person", PersonOfConcern, "name"),
        ("place", Place, "name"),
        ("vehicle", Vehicle, "registration"),
        ("phone", Phone, "number"),
        ("group", PeerGroup, "name"),
    ]
    for prefix, model, column in models:
        if not ids.get(prefix):
            continue
        columns = ["pk", column] + (["kind"] if model is Place else [])
        for row in model.objects.filter(pk__in=ids[prefix]).values(*columns):
            key = f"{prefix}:{row['pk']}"
            labels[key] = str(row[column])
            kinds[key] = (
                "online" if prefix == "place" and row.get("kind") == PlaceKind.ONLINE else prefix
            )
    return labels, kinds, seen


def network_for(
    *, user: Any, start: str, steps: int, grade: str = "", cap: int = NETWORK_CAP
) -> NetworkView:
    """The network within ``steps`` of a child, place or person of concern, from current and disputed links.

    ``grade`` (for example ``"2-B"``) keeps only links at or above it. One query a
    step, one for each kind of thing named, and one for the children at risk.
    """
    steps = max(1, min(MAX_STEPS, steps))
    min_rank = rank(*grade.split("-", 1)) if grade else 0
    rows: dict[int, dict[str, Any]] = {}
    reached = {start}
    frontier = {start}
    for _ in range(steps):
        if not frontier or len(reached) > EXPANSION_LIMIT:
            break
        found = (
            Link.objects.exclude(status=LinkStatus.WITHDRAWN)
            .filter(rank__gte=min_rank)
            .filter(_touching(frontier))
            .exclude(pk__in=list(rows))
            .values(*LINK_COLUMNS)
        )
        new: set[str] = set()
        for row in found:
            rows[row["pk"]] = row
            new.update(_ends(row))
        frontier = new - reached
        reached |= new
    labels, kinds, seen = _labels(user, reached)
    child_ids = {v for k in reached if k.startswith("child:") for v in [_key_id(k)[1]]}
    linked_to_adults = {r["child_id"] for r in rows.values() if r["kind"] == LinkKind.CHILD_ADULT}
    at_risk = _at_risk(child_ids, linked_to_adults)
    nodes = [
        network.Node(
            id=key,
            kind=kinds.get(key, key.split(":")[0]),
            label=labels.get(key, "Not known"),
            at_risk=key.startswith("child:") and _key_id(key)[1] in at_risk,
        )
        for key in sorted(reached)
        if key in labels
    ]
    links = [
        network.Link(
            id=str(row["pk"]),
            source=_ends(row)[0],
            target=_ends(row)[1],
            kind=LinkKind(row["kind"]).label,
            rank=row["rank"],
            created_on=row["known_on"],
            grade=f"{row['source_evaluation']}-{row['assessment']}-{row['handling_code']}",
        )
        for row in rows.values()
    ]
    built = network.build(nodes, links, min_rank=min_rank)
    hood = network.within(built, start, steps, cap=cap)
    shown = {n.id for n in hood.nodes}
    table = [
        {
            "id": row["pk"],
            "from": labels.get(_ends(row)[0], ""),
            "to": labels.get(_ends(row)[1], ""),
            "kind": LinkKind(row["kind"]).label,
            "grade": f"{row['source_evaluation']}-{row['assessment']}-{row['handling_code']}",
            "rank": row["rank"],
            "known_on": row["known_on"],
            "agency": row["source_agency__name"],
            "status": LinkStatus(row["status"]).label,
        }
        for row in sorted(rows.values(), key=lambda r: (-r["rank"], r["pk"]))
        if _ends(row)[0] in shown and _ends(row)[1] in shown
    ]
    since = timezone.localdate() - dt.timedelta(days=NEW_LINK_DAYS)
    new_ids = {link.id for link in network.new_links(hood.links, since=since)}
    return NetworkView(
        start=start,
        start_label=labels.get(start, ""),
        steps=steps,
        grade=grade,
        neighbourhood=hood,
        labels=labels,
        groups=[sorted(labels.get(k, k) for k in g) for g in network.peer_groups(built)],
        bridges=[(labels.get(k, k), score) for k, score in network.bridges(built)],
        hotspots=[(labels.get(k, k), n) for k, n in network.hotspots(built)],
        new_links=[row for row in table if str(row["id"]) in new_ids],
        links=table,
        children=sorted((c for c in seen if f"child:{c}" in shown), key=str),
    )


GRADE_CHOICES = [("", "Every grade")] + grade_choices()


# --- The disruption meeting and the figures ----------------------------------------------------


def new_intelligence(*, since: dt.datetime, until: dt.datetime) -> dict[str, list[tuple[Any, int]]]:
    """Places, persons of concern and peer groups with links recorded between two moments."""
    window = Q(links__recorded_at__gte=since, links__recorded_at__lt=until) & ~Q(
        links__status=LinkStatus.WITHDRAWN
    )
    out: dict[str, list[tuple[Any, int]]] = {}
    for name, model in (("places", Place), ("persons", PersonOfConcern), ("groups", PeerGroup)):
        query = model.objects.annotate(new=Count("links", filter=window, distinct=True)).filter(
            new__gt=0
        )
        if model is PersonOfConcern:
            query = query.defer("intelligence_notes")
        out[name] = [(thing, thing.new) for thing in query.order_by("-new", "pk")]
    return out


def hotspots_all(*, min_children: int = 2) -> list[tuple[Place, int]]:
    """Places linked to two or more children assessed at risk (current and disputed links)."""
    rows = list(
        Link.objects.filter(kind=LinkKind.CHILD_PLACE)
        .exclude(status=LinkStatus.WITHDRAWN)
        .values("place_id", "child_id")
        .distinct()
    )
    child_ids = {r["child_id"] for r in rows}
    adults = set(
        Link.objects.filter(kind=LinkKind.CHILD_ADULT, child_id__in=child_ids)
        .exclude(status=LinkStatus.WITHDRAWN)
        .values_list("child_id", flat=True)
    )
    at_risk = _at_risk(child_ids, adults)
    counts: dict[int, int] = {}
    for r in rows:
        if r["child_id"] in at_risk:
            counts[r["place_id"]] = counts.get(r["place_id"], 0) + 1
    found = Place.objects.in_bulk([pk for pk, n in counts.items() if n >= min_children])
    return sorted(
        ((found[pk], n) for pk, n in counts.items() if pk in found),
        key=lambda pn: (-pn[1], pn[0].name),
    )


def new_concerns(*, since: dt.datetime, until: dt.datetime) -> QuerySet[ContextConcern]:
    """Concerns about contexts reported between two moments."""
    return ContextConcern.objects.filter(
        reported_at__gte=since, reported_at__lt=until
    ).select_related("place", "group")


def figures(start: dt.date, end: dt.date) -> dict[str, int]:
    """The strategy's Pursue measures between two dates (inclusive), as plain counts for the data set.

    ``children_at_risk_before``/``_after`` add up the counts recorded on the actions
    completed in the period, so the two can be compared like for like.
    """
    completed = DisruptionAction.objects.filter(completed_on__gte=start, completed_on__lte=end)
    agreed = DisruptionAction.objects.filter(agreed_at__date__gte=start, agreed_at__date__lte=end)
    done = list(
        completed.values_list("outcome", "children_at_risk_before", "children_at_risk_after")
    )
    return {
        "places_recorded": Place.objects.filter(
            recorded_at__date__gte=start, recorded_at__date__lte=end
        ).count(),
        "persons_of_concern_recorded": PersonOfConcern.objects.filter(
            recorded_at__date__gte=start, recorded_at__date__lte=end
        ).count(),
        "links_recorded": Link.objects.filter(
            recorded_at__date__gte=start, recorded_at__date__lte=end
        ).count(),
        "context_concerns_reported": ContextConcern.objects.filter(
            reported_at__date__gte=start, reported_at__date__lte=end
        ).count(),
        "disruption_actions_agreed": agreed.count(),
        "disruption_actions_completed": len(done),
        "networks_disrupted": sum(
            1 for o, _b, _a in done if o == DisruptionOutcome.NETWORK_DISRUPTED
        ),
        "operations_disrupted": sum(
            1 for o, _b, _a in done if o == DisruptionOutcome.OPERATION_DISRUPTED
        ),
        "children_at_risk_before": sum(b for _o, b, _a in done),
        "children_at_risk_after": sum(a or 0 for _o, _b, a in done),
    }


def visible_children(user: Any) -> QuerySet[Person]:
    """Children the user may name in a link."""
    return people_visible_to(user).order_by("family_name", "given_name")


# --- Corrections and who read the police-only notes --------------------------------------------

POLICE_ONLY_HIDDEN = "Not shown: police only"
NOTES_FIELD = "intelligence_notes"
READS_SHOWN = 500


@dataclass
class HistoryRow:
    """One correction as a page shows it: who, when, what changed (before and after), why."""

    at: dt.datetime
    by: str
    agency: str
    changes: list[dict[str, str]]
    reason: str


def _history(changes: Any) -> list[HistoryRow]:
    """Corrections (a ``changes`` relation of one record), newest first, as the page shows them."""
    return [
        HistoryRow(
            at=c.at,
            by=c.by.get_full_name() or c.by.get_username(),
            agency=c.agency.name,
            changes=list(c.changes),
            reason=c.reason,
        )
        for c in changes.select_related("by", "agency")
    ]


def place_history(place: Place) -> list[HistoryRow]:
    """A place's corrections, newest first."""
    return _history(place.changes)


def group_history(group: PeerGroup) -> list[HistoryRow]:
    """A peer group's corrections, newest first."""
    return _history(group.changes)


def link_history(link: Link) -> list[HistoryRow]:
    """A link's corrections (its summary or date), newest first."""
    return _history(link.corrections)


def action_history(action: DisruptionAction) -> list[HistoryRow]:
    """A disruption action's corrections, newest first."""
    return _history(action.changes)


def person_history(person: PersonOfConcern, *, police: bool) -> list[HistoryRow]:
    """A person of concern's corrections, newest first.

    For anyone but the police, a change to the police-only notes says only that they
    changed, and the reason for a change that touched them is not shown.
    """
    rows = []
    for c in person.changes.select_related("by", "agency"):
        changes = [
            entry
            if police or entry["field"] != NOTES_FIELD
            else {**entry, "before": POLICE_ONLY_HIDDEN, "after": POLICE_ONLY_HIDDEN}
            for entry in c.changes
        ]
        rows.append(
            HistoryRow(
                at=c.at,
                by=c.by.get_full_name() or c.by.get_username(),
                agency=c.agency.name,
                changes=changes,
                reason=c.reason if police or not c.police_only else POLICE_ONLY_HIDDEN,
            )
        )
    return rows


@dataclass
class ReadRow:
    """One audited event about the notes: when, who, from which agency, and whether refused."""

    at: dt.datetime
    who: str
    agency: str
    refused: bool


@dataclass
class NotesReads:
    """Who read a person's police-only notes, who was refused, and who looked at this list."""

    reads: list[ReadRow]
    refusals: list[ReadRow]
    looks: list[ReadRow]
    total_reads: int


def police_only_reads(person: PersonOfConcern) -> NotesReads:
    """From the audit log: each read of the notes (newest first), refusals, and looks at this list."""
    about = AuditEvent.objects.filter(object_id=str(person.pk)).order_by("-sequence")
    notes = about.filter(object_type=ContextualEvent.CONTEXTUAL_POLICE_ONLY)
    reads = notes.filter(action=AuditAction.VIEW)
    shown = list(reads[:READS_SHOWN])
    refusals = list(notes.filter(action=AuditAction.DENY)[:READS_SHOWN])
    looks = list(
        about.filter(object_type=ContextualEvent.CONTEXTUAL_POLICE_ONLY_READS)[:READS_SHOWN]
    )
    actors = {e.actor_id for e in (*shown, *refusals, *looks) if e.actor_id}
    names = {
        u.pk: u.get_full_name() or u.get_username() for u in User.objects.filter(pk__in=actors)
    }

    def rows(events: list[AuditEvent]) -> list[ReadRow]:
        return [
            ReadRow(
                at=e.occurred_at,
                who=names.get(e.actor_id or 0) or e.actor_username,
                agency=e.agency_name,
                refused=e.outcome == "refused",
            )
            for e in events
        ]

    return NotesReads(
        reads=rows(shown),
        refusals=rows(refusals),
        looks=rows(looks),
        total_reads=reads.count() if len(shown) == READS_SHOWN else len(shown),
    )
