"""Reads about people, always filtered by the access rule, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from safeguard.core.models import AgencyKind, AuditAction, AuditEvent

from .access import (
    AccessBasis,
    chronology_visible_to,
    entry_access,
    people_visible_to,
    visible_record_types,
)
from .models import (
    INVERSE_RELATIONSHIP,
    Address,
    ChronologyEvent,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
    RelationshipKind,
)
from .search import ParsedQuery, name_key, name_variants, similarity

SEARCH_LIMIT = 50
CANDIDATE_LIMIT = 2000
CHRONOLOGY_PAGE_SIZE = 50


@dataclass(frozen=True)
class SearchNames:
    """Names another app holds for people (such as agencies' own records), which search also reads.

    The app registers one at start-up with :func:`search_names_register`, so a nickname or an
    old surname held elsewhere finds the child without ``people`` importing that app.
    """

    person_ids: Callable[[str, str], QuerySet[Any]]
    """For a query word and its phonetic key: ``person_id`` values whose names there match."""
    prefetch: Callable[[], Prefetch]
    """Loads those names with each candidate, so scoring needs no query per person."""
    names: Callable[[Person], Iterable[tuple[str, list[str]]]]
    """For a candidate: (how the match is described, the names) for each place names are held."""


_SEARCH_NAMES: list[SearchNames] = []


def search_names_register(source: SearchNames) -> None:
    """Let people search read names another app holds (called from its ``AppConfig.ready``)."""
    if source not in _SEARCH_NAMES:
        _SEARCH_NAMES.append(source)


@dataclass
class SearchResult:
    """A person found by search, with how well their name matched."""

    person: Person
    score: float
    matched_on: str = ""


def person_search(*, user: Any, query: ParsedQuery) -> list[SearchResult]:
    """People the user may see who match the query, best first (at most 50)."""
    return _search_in(people_visible_to(user), query)


def _search_in(people: QuerySet[Person], query: ParsedQuery) -> list[SearchResult]:
    # People merged into someone else are found through the person they were merged into.
    people = people.filter(merged_into__isnull=True)
    if query.nhs_number:
        return [
            SearchResult(p, 1.0, "NHS number")
            for p in people.filter(nhs_number=query.nhs_number)[:SEARCH_LIMIT]
        ]
    if query.date_of_birth:
        people = people.filter(date_of_birth=query.date_of_birth)
    if query.postcode:
        with_postcode = Address.objects.filter(postcode=query.postcode).values("person_id")
        people = people.filter(Q(current_postcode=query.postcode) | Q(id__in=with_postcode))
    if not query.names:
        return [
            SearchResult(p, 1.0)
            for p in people.order_by("family_name", "given_name")[:SEARCH_LIMIT]
        ]

    name_filter = Q()
    for token in query.names:
        key = name_key(token)
        variants = name_variants(token)
        name_filter |= Q(family_name_key=key) | Q(given_name_key=key)
        name_filter |= Q(family_name__istartswith=token[:3]) | Q(given_name__istartswith=token[:3])
        for variant in variants:
            name_filter |= Q(given_name__iexact=variant)
        alias = OtherName.objects.filter(
            Q(given_name_key=key)
            | Q(family_name_key=key)
            | Q(given_name__iexact=token)
            | Q(family_name__iexact=token)
        ).values("person_id")
        name_filter |= Q(id__in=alias)
        # Names held elsewhere (agencies' own records): a nickname or an old surname finds the child.
        for source in _SEARCH_NAMES:
            name_filter |= Q(id__in=source.person_ids(token, key))
    candidates = list(
        people.filter(name_filter).prefetch_related(
            Prefetch(
                "other_names",
                queryset=OtherName.objects.only("person_id", "given_name", "family_name"),
            ),
            *(source.prefetch() for source in _SEARCH_NAMES),
        )[:CANDIDATE_LIMIT]
    )
    results = []
    for person in candidates:
        score, matched = _name_score(query.names, person)
        if score >= 0.78:
            results.append(SearchResult(person, score, matched))
    results.sort(key=lambda r: (-r.score, r.person.family_name, r.person.given_name))
    return results[:SEARCH_LIMIT]


def _name_score(tokens: tuple[str, ...], person: Person) -> tuple[float, str]:
    """Average best similarity of each query word to any of the person's names."""
    name_sets = [("", [person.given_name, person.middle_names, person.family_name])]
    for other in person.other_names.all():
        name_sets.append((f"also known as {other}", [other.given_name, other.family_name]))
    for source in _SEARCH_NAMES:
        name_sets.extend(source.names(person))
    best_score, best_label = 0.0, ""
    for label, names in name_sets:
        words = [w for n in names for w in (n or "").split()]
        total = 0.0
        for token in tokens:
            variants = name_variants(token)
            total += max(
                (1.0 if w.lower() in variants else similarity(token, w) for w in words),
                default=0.0,
            )
        score = total / len(tokens)
        if score > best_score:
            best_score, best_label = score, label
    return best_score, best_label


@dataclass(frozen=True)
class Relative:
    """A person related to the page's person, named in the page person's own terms.

    ``kind`` is what the relative is to the page's person (the mother of a girl is her
    ``PARENT``); ``parental_responsibility`` says the relative holds it for the page's person.
    """

    person: Person
    kind: RelationshipKind
    parental_responsibility: bool = False

    @property
    def label(self) -> str:
        """How the page names the relationship, for example 'Parent (parental responsibility)'."""
        words = str(self.kind.label)
        return f"{words} (parental responsibility)" if self.parental_responsibility else words


def relatives_of(person_id: uuid.UUID, rows: Iterable[Relationship]) -> list[Relative]:
    """Each related person once per kind, read from the page person's side.

    A row says "``person`` is the ``kind`` of ``other``". A row pointing at the page's person
    names the relative as its kind; a row from the page's person names the relative as the
    inverse kind, so a relationship stored only one way round still reads correctly.
    """
    found: dict[tuple[uuid.UUID, str], Relative] = {}
    for r in rows:
        if r.other_id == person_id and r.person_id != person_id:
            key = (r.person_id, r.kind)
            responsible = r.parental_responsibility and (
                r.kind in RelationshipKind.responsibility_kinds()
            )
            relative = Relative(r.person, RelationshipKind(r.kind), responsible)
        elif r.person_id == person_id and r.other_id != person_id:
            inverse = INVERSE_RELATIONSHIP[RelationshipKind(r.kind)]
            key = (r.other_id, inverse)
            relative = Relative(r.other, inverse, False)
        else:
            continue
        known = found.get(key)
        if known is None or (
            relative.parental_responsibility and not known.parental_responsibility
        ):
            found[key] = relative
    order = {kind: n for n, kind in enumerate(RelationshipKind)}
    return sorted(
        found.values(),
        key=lambda rel: (order[rel.kind], rel.person.family_name, rel.person.given_name),
    )


def age_in_words(date_of_birth: dt.date | None, today: dt.date) -> str:
    """'10 years old'; under 2, in months ('18 months old'); '' when the date is not known."""
    if date_of_birth is None or date_of_birth > today:
        return ""
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month
    if today.day < date_of_birth.day:
        months -= 1
    if months >= 24:
        years = months // 12
        return f"{years} years old"
    if months >= 1:
        return f"{months} month{'s' if months != 1 else ''} old"
    return "Under 1 month old"


@dataclass
class PersonPage:
    """Everything the person page shows, loaded in a fixed number of queries."""

    person: Person
    basis: str
    addresses: list[Address]
    other_names: list[OtherName]
    relatives: list[Relative]
    involvements: list[Involvement]
    household_members: list[HouseholdMember]
    chronology: Page
    visible_relations: set[uuid.UUID] = field(default_factory=set)
    hidden_event_count: int = 0
    age: str = ""
    status: list[str] = field(default_factory=list)
    # False when the user holds only a share of chosen records: identifying details and those.
    whole_record: bool = True


def person_status(person: Person, involvements: list[Involvement], today: dt.date) -> list[str]:
    """The status line: child or adult, and which agencies are working with them now.

    Built only from what the page has already loaded (the involvements the page lists), so it
    adds no query and shows nothing the access rule has not already let the user see.
    """
    parts = []
    words = age_in_words(person.date_of_birth, today)
    if words:
        estimated = person.date_of_birth_estimated and not words.startswith("Under")
        parts.append(f"About {words[0].lower()}{words[1:]}" if estimated else words)
    age = person.age_on(today)
    if age is not None and age >= 0:
        parts.append("Child" if age < 18 else "Adult")
    open_agencies = {i.agency_id: i.agency for i in involvements if i.is_open}
    if any(a.kind == AgencyKind.CHILDRENS_SOCIAL_CARE for a in open_agencies.values()):
        parts.append("Open to children's social care")
    if open_agencies:
        n = len(open_agencies)
        parts.append(f"{n} {'agency' if n == 1 else 'agencies'} working with them now")
    else:
        parts.append("No agency working with them now")
    return parts


def person_get_visible(*, user: Any, person_id: uuid.UUID) -> Person | None:
    """The person if the user may see them, else None (the page then says 'not found')."""
    return people_visible_to(user).filter(pk=person_id).select_related("current_school").first()


def person_page(
    *, user: Any, person: Person, basis: str | AccessBasis, chronology_page: int = 1
) -> PersonPage:
    """Load the person page's data: a fixed number of queries however long the record.

    A user holding only a share of chosen records (``basis.whole`` false) gets the person's
    identifying details and those records: no addresses, household, relatives or agencies.
    """
    today = timezone.localdate()
    access = basis if isinstance(basis, AccessBasis) else None
    if access is not None and not access.whole:
        return _shared_records_page(user=user, person=person, basis=access, page=chronology_page)
    addresses = list(person.addresses.all())
    other_names = list(person.other_names.all())
    relatives = relatives_of(
        person.pk,
        Relationship.objects.filter(Q(person=person) | Q(other=person)).select_related(
            "person", "other"
        ),
    )
    involvements = list(
        Involvement.objects.filter(person=person)
        .select_related("agency", "lead_practitioner")
        .order_by("ended", "-started")
    )
    memberships = HouseholdMember.objects.filter(person=person, left__isnull=True).values(
        "household_id"
    )
    household_members = list(
        HouseholdMember.objects.filter(household_id__in=memberships, left__isnull=True)
        .exclude(person=person)
        .select_related("person", "household")
    )
    related_ids = {r.person.pk for r in relatives} | {m.person_id for m in household_members}
    visible_relations = set(
        people_visible_to(user).filter(pk__in=related_ids).values_list("pk", flat=True)
    )
    events = (
        chronology_visible_to(user, person, access)
        .select_related("agency")
        .order_by("-occurred_at", "-created_at")
    )
    paginator = Paginator(events, CHRONOLOGY_PAGE_SIZE)
    chronology = paginator.get_page(chronology_page)
    return PersonPage(
        person=person,
        basis=basis.words if isinstance(basis, AccessBasis) else basis,
        addresses=addresses,
        other_names=other_names,
        relatives=relatives,
        involvements=involvements,
        household_members=household_members,
        chronology=chronology,
        visible_relations=visible_relations,
        age=age_in_words(person.date_of_birth, today),
        status=person_status(person, involvements, today),
    )


def _shared_records_page(*, user: Any, person: Person, basis: AccessBasis, page: int) -> PersonPage:
    """The person page for the recipient of chosen records: who the child is, and those records."""
    events = (
        chronology_visible_to(user, person, basis)
        .select_related("agency")
        .order_by("-occurred_at", "-created_at")
    )
    return PersonPage(
        person=person,
        basis=basis.words,
        addresses=[],
        other_names=list(person.other_names.all()),
        relatives=[],
        involvements=[],
        household_members=[],
        chronology=Paginator(events, CHRONOLOGY_PAGE_SIZE).get_page(page),
        age=age_in_words(person.date_of_birth, timezone.localdate()),
        whole_record=False,
    )


def _event_record_types(event: AuditEvent) -> set[str]:
    """The record types an audit event is about (a sharing decision's, a chronology entry's)."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    types = changes.get("record_types") or []
    found = {str(t) for t in types} if isinstance(types, list) else set()
    if isinstance(changes.get("record_type"), str):
        found.add(changes["record_type"])
    return found


def _event_entries(event: AuditEvent) -> set[str]:
    """The chronology entries an audit event is about (the entry itself, or a share's entries)."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    found = {str(e) for e in changes.get("entries") or [] if isinstance(e, str)}
    if event.object_type == "chronology_event" and event.object_id:
        found.add(str(event.object_id))
    return found


def person_viewers(*, person_id: uuid.UUID, limit: int = 200, user: Any = None) -> list[AuditEvent]:
    """Who has looked at, listed, changed or been refused this person's record, newest first.

    Given the viewer, events about what they may not read are left out: record types they
    may not see (a decision to share police intelligence, say), and chronology entries the
    entry rule hides from them (the MASH's reasons from a school, say).
    """
    events = AuditEvent.objects.about(person_id).order_by("-sequence")
    if user is None:
        return list(events[:limit])
    allowed = visible_record_types(user, person_id)
    rule = entry_access(user, person_id)
    hidden = {
        str(pk)
        for pk in ChronologyEvent.objects.filter(person_id=person_id)
        .exclude(rule.q())
        .values_list("pk", flat=True)
    }
    shown: list[AuditEvent] = []
    for event in events.iterator(chunk_size=500):
        if _event_record_types(event) <= allowed and not (_event_entries(event) & hidden):
            shown.append(event)
            if len(shown) >= limit:
                break
    return shown


def viewer_actions() -> list[str]:
    """The audit actions shown on the 'who has looked at this record' page."""
    return [
        AuditAction.VIEW,
        AuditAction.LIST,
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.EXPORT,
        AuditAction.DENY,
        AuditAction.ACCESS_REASON,
    ]


def involvements_led_by(user: Any) -> list[Involvement]:
    """The open involvements the user is lead practitioner on (for re-allocation when away)."""
    today = timezone.localdate()
    return list(
        Involvement.objects.filter(lead_practitioner=user)
        .filter(Q(ended__isnull=True) | Q(ended__gte=today))
        .select_related("person", "agency")
    )


def my_work(*, user: Any) -> dict[str, Any]:
    """The signed-in practitioner's home page: people they lead on and recent activity."""
    today = timezone.localdate()
    leading = list(
        Involvement.objects.filter(lead_practitioner=user)
        .filter(Q(ended__isnull=True) | Q(ended__gte=today))
        .select_related("person", "agency")
        .order_by("person__family_name", "person__given_name")[:50]
    )
    recent_ids = list(
        AuditEvent.objects.filter(
            actor_id=user.pk, action=AuditAction.VIEW, person_id__isnull=False
        )
        .order_by("-sequence")
        .values_list("person_id", flat=True)[:40]
    )
    seen: list[uuid.UUID] = []
    for pid in recent_ids:
        if pid is not None and pid not in seen:
            seen.append(pid)
    visible = {p.pk: p for p in people_visible_to(user).filter(pk__in=seen[:10])}
    recent = [visible[pid] for pid in seen[:10] if pid in visible]
    return {"leading": leading, "recent": recent}


def person_search_all(*, user: Any, query: ParsedQuery) -> list[SearchResult]:
    """MASH search beyond the user's contacts, used only with a recorded reason."""
    from .access import can_look_up_with_reason

    if not can_look_up_with_reason(user):
        return []
    return _search_in(Person.objects.all(), query)
