"""Reads for information sharing: access-filtered, with a fixed number of queries each."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguard.core.models import Role
from safeguard.people.access import (
    EntryAccess,
    chronology_visible_to,
    entry_access,
    people_visible_to,
    visible_record_types,
)
from safeguard.people.models import AccessGrant, ChronologyEvent, Person

from .events import SharingEvent
from .models import (
    Alert,
    BreakGlassUse,
    RequestStatus,
    SafeguardingLead,
    SharingDecision,
    SharingRequest,
)

SHAREABLE_LIMIT = 200
LOG_PAGE_SIZE = 50


def grant_status(grant: AccessGrant, now: dt.datetime | None = None) -> str:
    """'active', 'ended' or 'revoked', as the person's sharing page shows it."""
    now = now or timezone.now()
    if grant.revoked_at is not None:
        return "revoked"
    if grant.ends_at <= now:
        return "ended"
    if grant.starts_at > now:
        return "not started"
    return "active"


def shareable_events(*, user: Any, person: Person) -> list[ChronologyEvent]:
    """Records the user's agency holds about the person and the user may see: what they can share."""
    return list(
        chronology_visible_to(user, person)
        .filter(agency_id=user.agency_id)
        .exclude(source_type__in=["sharing_decision", "information_request"])
        .order_by("-occurred_at")[:SHAREABLE_LIMIT]
    )


@dataclass
class PersonSharing:
    """What the person's 'Sharing and access' page shows."""

    person: Person
    grants: list[tuple[AccessGrant, str]]
    decisions: list[SharingDecision]
    requests: list[SharingRequest]
    break_glass: list[BreakGlassUse]
    counts: dict[str, int] = field(default_factory=dict)
    # Decisions about record types the viewer may not see (police intelligence, say): not shown.
    hidden_decisions: int = 0


def decision_is_visible(
    decision: SharingDecision,
    allowed: frozenset[str],
    rule: EntryAccess | None = None,
    entries: dict[str, ChronologyEvent] | None = None,
) -> bool:
    """Whether the viewer may read the decision, by the chronology's rules.

    Every sensitive type the decision covers is allowed, and (given the entry rule) every
    entry it shared is one the viewer may read.
    """
    if not set(decision.record_types or []) <= allowed:
        return False
    if rule is None or entries is None:
        return True
    for item in decision.items or []:
        event = entries.get(str(item.get("id"))) if isinstance(item, dict) else None
        if event is not None and not rule.allows(event):
            return False
    return True


def person_sharing(*, person: Person, user: Any = None) -> PersonSharing:
    """Grants (active, ended, revoked), decisions, requests and break-glass uses for one person.

    Given the viewer, decisions about record types they may not see are left out (counted),
    by the same rule the chronology uses (``visible_record_types``).
    """
    now = timezone.now()
    grants = list(
        AccessGrant.objects.filter(person=person)
        .select_related("agency", "user", "user__agency", "granted_by", "granted_by__agency")
        .order_by("-starts_at")
    )
    with_status = [(g, grant_status(g, now)) for g in grants]
    decisions = list(
        SharingDecision.objects.filter(person=person)
        .select_related("from_agency", "recipient_agency", "decided_by", "grant", "request")
        .order_by("-decided_at")
    )
    hidden = 0
    if user is not None:
        allowed = visible_record_types(user, person)
        rule = entry_access(user, person)
        shared_ids = {
            str(item.get("id"))
            for d in decisions
            for item in d.items or []
            if isinstance(item, dict) and item.get("id")
        }
        entries = {
            str(e.pk): e
            for e in ChronologyEvent.objects.filter(person=person, pk__in=_uuids(shared_ids))
        }
        shown = [d for d in decisions if decision_is_visible(d, allowed, rule, entries)]
        hidden, decisions = len(decisions) - len(shown), shown
    requests = list(
        SharingRequest.objects.filter(person=person)
        .select_related("from_agency", "to_agency", "requested_by")
        .order_by("-created_at")
    )
    uses = list(
        BreakGlassUse.objects.filter(person=person)
        .select_related("user", "agency", "reviewed_by")
        .order_by("-opened_at")
    )
    counts = {
        status: sum(1 for _, s in with_status if s == status)
        for status in ("active", "ended", "revoked")
    }
    return PersonSharing(person, with_status, decisions, requests, uses, counts, hidden)


def _uuids(values: set[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


@dataclass
class AgencyRequests:
    """Requests in and out for one agency, with the overdue ones counted."""

    incoming: list[SharingRequest]
    outgoing: list[SharingRequest]
    overdue_incoming: int
    overdue_outgoing: int
    today: dt.date


def agency_requests(*, user: Any, include_closed: bool = False) -> AgencyRequests:
    """Requests to and from the user's agency; open ones first, soonest due first."""
    base = SharingRequest.objects.select_related(
        "person", "from_agency", "to_agency", "requested_by"
    )
    if not include_closed:
        base = base.filter(status=RequestStatus.OPEN)
    incoming = list(
        base.filter(to_agency_id=user.agency_id).order_by("due_date", "created_at")[:200]
    )
    outgoing = list(
        base.filter(from_agency_id=user.agency_id).order_by("due_date", "created_at")[:200]
    )
    today = timezone.localdate()

    def overdue(rows: list[SharingRequest]) -> int:
        return sum(1 for r in rows if r.status == RequestStatus.OPEN and r.due_date < today)

    return AgencyRequests(incoming, outgoing, overdue(incoming), overdue(outgoing), today)


def open_request_for(*, user: Any, person: Person, request_id: int | None) -> SharingRequest | None:
    """An open request to the user's agency about this person, when answering one."""
    if request_id is None:
        return None
    return (
        SharingRequest.objects.filter(
            pk=request_id, person=person, to_agency_id=user.agency_id, status=RequestStatus.OPEN
        )
        .select_related("from_agency", "to_agency")
        .first()
    )


def person_for_sharing(*, user: Any, person_id: Any) -> tuple[Person | None, bool]:
    """The person and whether the user sees them through the access rule."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None, False
    return person, people_visible_to(user).filter(pk=person.pk).exists()


@dataclass
class LogFilters:
    """Filters for the Information Sharing log (all optional)."""

    agency_id: int | None = None
    purpose: str = ""
    consent: str = ""
    decision: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def sharing_log(*, filters: LogFilters) -> QuerySet[SharingDecision]:
    """Every decision in the partnership, filtered; names no child (see permissions)."""
    rows = SharingDecision.objects.select_related("from_agency", "recipient_agency").only(
        "reference",
        "decided_at",
        "purpose",
        "decision",
        "consent",
        "no_consent_reason",
        "lawful_basis",
        "record_types",
        "items_sha256",
        "from_agency__name",
        "recipient_agency__name",
        "request_id",
    )
    if filters.agency_id:
        rows = rows.filter(
            Q(from_agency_id=filters.agency_id) | Q(recipient_agency_id=filters.agency_id)
        )
    if filters.purpose:
        rows = rows.filter(purpose=filters.purpose)
    if filters.consent:
        rows = rows.filter(consent=filters.consent)
    if filters.decision:
        rows = rows.filter(decision=filters.decision)
    tz = timezone.get_default_timezone()
    if filters.date_from:
        rows = rows.filter(
            decided_at__gte=timezone.make_aware(
                dt.datetime.combine(filters.date_from, dt.time.min), tz
            )
        )
    if filters.date_to:
        rows = rows.filter(
            decided_at__lt=timezone.make_aware(
                dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min), tz
            )
        )
    return rows.order_by("-decided_at", "-pk")


def review_queue(*, user: Any) -> list[BreakGlassUse]:
    """Emergency accesses awaiting the user's review (all of them for MASH managers)."""
    uses = BreakGlassUse.objects.filter(reviewed_at__isnull=True).select_related("user", "agency")
    if not user.has_role(Role.MASH_MANAGER):
        uses = uses.filter(alerts__recipient_id=user.pk).distinct()
    return list(uses.exclude(user_id=user.pk).order_by("opened_at")[:200])


def recently_reviewed(*, user: Any) -> list[BreakGlassUse]:
    """The last reviews the user could see, newest first."""
    uses = BreakGlassUse.objects.filter(reviewed_at__isnull=False).select_related(
        "user", "agency", "reviewed_by"
    )
    if not user.has_role(Role.MASH_MANAGER):
        uses = uses.filter(alerts__recipient_id=user.pk).distinct()
    return list(uses.order_by("-reviewed_at")[:20])


def unread_alert_count(*, user: Any) -> int:
    """How many break-glass alerts the user has not yet dealt with."""
    return Alert.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def iso_week_bounds(week: str) -> tuple[dt.datetime, dt.datetime]:
    """The start and end (UK time) of an ISO week written like 2026-W47."""
    try:
        year_text, week_text = week.upper().split("-W")
        monday = dt.date.fromisocalendar(int(year_text), int(week_text), 1)
    except (ValueError, TypeError):
        raise ValueError("Enter a week like 2026-W47") from None
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min), tz)
    return start, end


def current_iso_week() -> str:
    """The current week, written like 2026-W47."""
    year, week, _ = timezone.localdate().isocalendar()
    return f"{year}-W{week:02d}"


def break_glass_week(*, user: Any | None, week: str) -> list[BreakGlassUse]:
    """Every emergency access opened in the week; a safeguarding lead sees their own agency's."""
    start, end = iso_week_bounds(week)
    uses = BreakGlassUse.objects.filter(opened_at__gte=start, opened_at__lt=end).select_related(
        "user", "agency", "reviewed_by"
    )
    if user is not None and not (
        user.role_codes() & {Role.MASH_MANAGER, Role.BUSINESS_UNIT, Role.PANEL_CHAIR}
    ):
        led = SafeguardingLead.objects.filter(user_id=user.pk).values("agency_id")
        uses = uses.filter(agency_id__in=led)
    return list(uses.order_by("opened_at"))


def recent_exports(*, user: Any) -> int:
    """How many times the user downloaded the sharing log in the last hour (anti-exfiltration)."""
    from safeguard.core.models import AuditAction, AuditEvent

    since = timezone.now() - dt.timedelta(hours=1)
    return AuditEvent.objects.filter(
        actor_id=user.pk,
        action=AuditAction.EXPORT,
        object_type=SharingEvent.SHARING_LOG,
        occurred_at__gte=since,
    ).count()


def person_exact_match(
    *,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
) -> Person | None:
    """The one person matching these identifiers exactly, or None (also when several match)."""
    if nhs_number:
        rows = Person.objects.filter(nhs_number=nhs_number)
    elif given_name and family_name and date_of_birth:
        rows = Person.objects.filter(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
    else:
        return None
    found = list(rows[:2])
    return found[0] if len(found) == 1 else None


# Pages named in plain words on the break-glass review (audit object types -> words).
PAGE_WORDS = {
    "person": "The person's record",
    "person_edit": "Change the person's details",
    "person_viewers": "Who has looked at this record",
    "chronology_event": "A chronology entry",
    "sharing_person": "Sharing and access",
    "sharing_share": "Share with an agency",
    "sharing_request": "Ask an agency for information",
    "search_result": "Search results",
    "access_grant": "Access to the record",
}


@dataclass(frozen=True)
class ViewedPage:
    """One thing the holder of an emergency access did with the record, from the audit log."""

    occurred_at: dt.datetime
    action: str
    page: str


def break_glass_activity(*, use: BreakGlassUse) -> list[ViewedPage]:
    """Every page about the child the user opened (or thing they did) inside the window.

    Read from the audit log: the user's events about the person from the opening until the
    access ended (or now), oldest first.
    """
    from safeguard.core.models import AuditAction, AuditEvent

    grant = use.grant
    end = min(grant.ends_at, grant.revoked_at or grant.ends_at, timezone.now())
    events = (
        AuditEvent.objects.about(use.person_id)
        .filter(
            actor_id=use.user_id,
            occurred_at__gte=use.opened_at,
            occurred_at__lte=end,
        )
        .order_by("sequence")
    )
    rows = []
    for event in events[:500]:
        if event.object_type == SharingEvent.BREAK_GLASS or (
            event.object_type == "access_grant" and event.object_id == str(grant.pk)
        ):
            continue  # the opening itself
        words = PAGE_WORDS.get(event.object_type) or event.object_type.replace("_", " ")
        action = AuditAction(event.action).label if event.action in AuditAction.values else ""
        rows.append(ViewedPage(event.occurred_at, action, words.capitalize() if words else ""))
    return rows
