"""The access rule: who may see and change which person's record. One module decides.

A user sees a person only when:

1. their agency has an open involvement with the person, or with someone who
   lives in the same household now; or
2. they or their agency hold an active grant for the person (shared by another
   agency, a contact the Multi-Agency Safeguarding Hub (MASH) is triaging, a
   MASH look-up with a recorded reason, or break-glass emergency access).

Seeing a person is not seeing all of their record. A grant of chosen entries (what a
sharing decision gives) opens the person's identifying details and those entries only.
Every chronology entry also carries a *sensitivity* (``record_type``) and a *visibility*
(who may read it: every agency, the recording agency only, the MASH and social care,
police only, health only); :func:`entry_access` is the one rule that answers which entries
a user may read, and every page, list, side page and export asks it.

Analysts, the partnership business unit and system administrators see no
personal data at all. Selectors filter lists with :func:`people_visible_to`
and detail pages check :func:`can_view_person`, which apply the same rule, so
a list can never show what a page would refuse. Other apps create grants with
:func:`access_grant_create`; this module imports no other domain app.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rules
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AgencyKind, AuditAction, Role
from safeguard.core.text import reason_clean

from .events import PeopleEvent
from .models import (
    AccessGrant,
    ChronologyEvent,
    GrantedEntry,
    HouseholdMember,
    Involvement,
    Person,
    Visibility,
)

if TYPE_CHECKING:
    from safeguard.core.models import User

# Roles that may see named children, through the rule above.
PERSONAL_DATA_ROLES = frozenset(
    {Role.PRACTITIONER, Role.MASH_WORKER, Role.MASH_MANAGER, Role.PANEL_CHAIR}
)
# Roles that may change a person's record they can see.
EDITING_ROLES = frozenset({Role.PRACTITIONER, Role.MASH_WORKER, Role.MASH_MANAGER})
MASH_ROLES = frozenset({Role.MASH_WORKER, Role.MASH_MANAGER})

MASH_LOOKUP_HOURS = 24
LOOK_UP_REASON_LENGTH = 10  # a look-up or a search across everyone needs a reason this long


@dataclass(frozen=True)
class RecordType:
    """A kind of record and how sensitive it is."""

    code: str
    label: str
    sensitive: bool
    # Agency kinds that see this type without a grant naming it (beyond the recording agency).
    open_to_kinds: frozenset[str] = frozenset()


RECORD_TYPES: dict[str, RecordType] = {
    rt.code: rt
    for rt in (
        RecordType("general", "General safeguarding record", sensitive=False),
        RecordType(
            "police_intelligence",
            "Police intelligence",
            sensitive=True,
            open_to_kinds=frozenset({"police"}),
        ),
        RecordType(
            "sexual_health",
            "Sexual health",
            sensitive=True,
            open_to_kinds=frozenset({"health_hospital", "health_gp"}),
        ),
        RecordType(
            "mental_health",
            "Mental health",
            sensitive=True,
            open_to_kinds=frozenset({"health_mental", "health_gp"}),
        ),
        RecordType(
            "harmful_sexual_behaviour",
            "Harmful sexual behaviour (HSB)",
            sensitive=True,
            open_to_kinds=frozenset({"youth_justice", "childrens_social_care"}),
        ),
    )
}


# Agency kinds that read an entry of each visibility (the recording agency always reads its
# own). A Multi-Agency Safeguarding Hub (``Agency.is_mash``) reads "MASH and social care" too.
VISIBILITY_KINDS: dict[str, frozenset[str]] = {
    Visibility.EVERYONE: frozenset(AgencyKind.values),
    Visibility.RECORDING_AGENCY: frozenset(),
    Visibility.MASH_AND_SOCIAL_CARE: frozenset({AgencyKind.CHILDRENS_SOCIAL_CARE}),
    Visibility.POLICE: frozenset({AgencyKind.POLICE}),
    Visibility.HEALTH: frozenset(AgencyKind.health_kinds()),
}


def _today() -> dt.date:
    return timezone.localdate()


def sees_personal_data(user: Any) -> bool:
    """Whether the user's roles allow seeing any named person at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.agency_id is None or user.has_role(Role.SYSTEM_ADMINISTRATOR):
        return False
    return bool(user.role_codes() & PERSONAL_DATA_ROLES)


def is_mash(user: Any) -> bool:
    """Whether the user works in the Multi-Agency Safeguarding Hub."""
    return sees_personal_data(user) and bool(user.role_codes() & MASH_ROLES)


def _open_involvements(agency_id: int) -> QuerySet[Involvement]:
    return Involvement.objects.filter(agency_id=agency_id).filter(
        Q(ended__isnull=True) | Q(ended__gte=_today())
    )


def _current_members() -> QuerySet[HouseholdMember]:
    return HouseholdMember.objects.filter(Q(left__isnull=True) | Q(left__gte=_today()))


def active_grants(user: Any) -> QuerySet[AccessGrant]:
    """Grants that are in force now for the user or their agency."""
    now = timezone.now()
    return AccessGrant.objects.filter(
        Q(user_id=user.pk) | Q(agency_id=user.agency_id, user__isnull=True),
        starts_at__lte=now,
        ends_at__gt=now,
        revoked_at__isnull=True,
    )


@dataclass(frozen=True)
class AccessBasis:
    """Why a user may see a person: the words the page shows and what the audit records."""

    words: str
    kind: str
    # For bases that are themselves a reason (a subject access request): audited with the opening.
    reason: str = ""
    reference: str = ""
    # False for a grant of chosen entries: identifying details and those entries only.
    whole: bool = True


class AccessBasisSource:
    """A further basis another app contributes to the rule (people imports no other app).

    ``person_ids`` answers the list question (a values() query of person ids, or None for
    nobody) and ``basis`` the page question; both must agree.
    """

    def person_ids(self, user: Any) -> QuerySet[Any] | None:  # pragma: no cover - interface
        """The ids of the people this source lets the user see, or None."""
        raise NotImplementedError

    def basis(self, user: Any, person_id: Any) -> AccessBasis | None:  # pragma: no cover
        """Why this source lets the user see the person, or None."""
        raise NotImplementedError


_SOURCES: dict[str, AccessBasisSource] = {}


def access_basis_source_register(name: str, source: AccessBasisSource) -> None:
    """Add a basis to the access rule (called once at start-up, from an app's ``rules.py``)."""
    _SOURCES[name] = source


def people_visible_to(user: Any, *, whole_record: bool = False) -> QuerySet[Person]:
    """Every person the user may see: the one filter every list and search starts from.

    ``whole_record`` leaves out people the user sees only through a share of chosen
    records (their identifying details and those records): pages about more than one
    record, such as an early help episode, start from this.
    """
    if not sees_personal_data(user):
        return Person.objects.none()
    involved = _open_involvements(user.agency_id).values("person_id")
    households = _current_members().filter(person_id__in=involved).values("household_id")
    household_people = _current_members().filter(household_id__in=households).values("person_id")
    grants = active_grants(user)
    if whole_record:
        grants = grants.filter(scope=AccessGrant.Scope.WHOLE)
    granted = grants.values("person_id")
    visible = Q(id__in=involved) | Q(id__in=household_people) | Q(id__in=granted)
    for source in _SOURCES.values():
        ids = source.person_ids(user)
        if ids is not None:
            visible |= Q(id__in=ids)
    return Person.objects.filter(visible)


def _involvement_basis(user: Any, person_id: Any) -> AccessBasis | None:
    """The standing basis: the user's agency works with the person, or with their household."""
    if _open_involvements(user.agency_id).filter(person_id=person_id).exists():
        return AccessBasis("Your agency is working with this person", "involvement")
    households = _current_members().filter(person_id=person_id).values("household_id")
    if (
        _current_members()
        .filter(household_id__in=households)
        .filter(person_id__in=_open_involvements(user.agency_id).values("person_id"))
        .exists()
    ):
        return AccessBasis(
            "Your agency is working with someone in this person's household", "household"
        )
    return None


def access_basis_detail(user: Any, person: Person | Any) -> AccessBasis | None:
    """Why the user may see the person, or None when they may not: THE access rule."""
    if not sees_personal_data(user) or person is None:
        return None
    person_id: Any = getattr(person, "pk", person)
    involvement = _involvement_basis(user, person_id)
    if involvement is not None:
        return involvement
    grants = list(active_grants(user).filter(person_id=person_id).order_by("-ends_at", "pk"))
    whole = [g for g in grants if g.scope == AccessGrant.Scope.WHOLE]
    if whole:
        return _grant_basis(whole[0])
    for source in _SOURCES.values():
        basis = source.basis(user, person_id)
        if basis is not None:
            return basis
    if grants:
        return _grant_basis(grants[0])
    return None


def _grant_basis(grant: AccessGrant) -> AccessBasis:
    until = f"until {timezone.localtime(grant.ends_at):%-d %B %Y %H:%M}"
    if grant.scope == AccessGrant.Scope.ENTRIES:
        return AccessBasis(
            f"{grant.get_kind_display()}: the child's identifying details and the records "
            f"shared with you only, {until}",
            "grant",
            whole=False,
        )
    return AccessBasis(f"{grant.get_kind_display()} {until}", "grant")


def access_basis(user: Any, person: Person | Any) -> str | None:
    """Why the user may see the person, in words, or None when they may not."""
    basis = access_basis_detail(user, person)
    return basis.words if basis is not None else None


@rules.predicate
def can_view_person(user: Any, person: Person | Any) -> bool:
    """Whether the user may open the person's record (perhaps only what was shared with them)."""
    return access_basis(user, person) is not None


@rules.predicate
def can_view_whole_record(user: Any, person: Person | Any) -> bool:
    """Whether the user sees more than the identifying details and entries shared with them.

    Side pages about the whole record (sharing and access, who has looked at it) and the
    household, relationships and involvements need this; a grant of chosen entries does not.
    """
    basis = access_basis_detail(user, person)
    return basis is not None and basis.whole


# Bases of the access rule that come from the agency's own work with the person.
STANDING_BASIS_KINDS = frozenset({"involvement", "household"})
# Grants that let their holder read but never change the record (emergency access is read-only).
READ_ONLY_GRANT_KINDS = frozenset({AccessGrant.Kind.BREAK_GLASS})
# Grants whose holder may pass the child on to another agency (a standing basis for sharing).
ONWARD_SHARING_GRANT_KINDS = frozenset({AccessGrant.Kind.SHARED, AccessGrant.Kind.MASH_CONTACT})


def _involved(user: Any, person_id: Any) -> bool:
    """Whether the user's agency works with the person or someone in their household now."""
    return _involvement_basis(user, person_id) is not None


def sharing_basis(user: Any, person: Person | Any) -> tuple[bool, AccessGrant | None]:
    """Whether the user has a standing basis to pass the person on, and the grant it rests on.

    A standing basis is an involvement (the user's agency works with the person or their
    household) or a grant that allows onward sharing. Emergency access (break-glass) and
    MASH look-ups never do: what they show cannot be passed on.
    """
    if not sees_personal_data(user) or person is None:
        return False, None
    person_id: Any = getattr(person, "pk", person)
    if _involved(user, person_id):
        return True, None
    grant = (
        active_grants(user)
        .filter(person_id=person_id, kind__in=ONWARD_SHARING_GRANT_KINDS)
        .order_by("-ends_at", "pk")
        .first()
    )
    return grant is not None, grant


def _can_write_about(
    user: Any, person: Person | Any, *, known: bool = False, basis: AccessBasis | None = None
) -> bool:
    """A basis other than emergency access: break-glass alone lets the user read, not write.

    The access rule is asked once: an involvement, the usual basis, answers first and in
    one query (the person page's query bound relies on it). With ``known`` the caller has
    just asked it and passes its answer (``basis``), so it is not asked again.
    """
    if not known:
        basis = access_basis_detail(user, person)
    if basis is None or not basis.whole:
        return False  # a share of chosen entries lets the recipient read those, not change anything
    if basis.kind in STANDING_BASIS_KINDS:
        return True
    person_id: Any = getattr(person, "pk", person)
    grants = active_grants(user).filter(person_id=person_id)
    if (
        grants.exclude(kind__in=READ_ONLY_GRANT_KINDS)
        .filter(scope=AccessGrant.Scope.WHOLE)
        .exists()
    ):
        return True
    if not grants.exists():
        # Seen through another source (an open subject access request): unchanged.
        return True
    return any(source.basis(user, person_id) is not None for source in _SOURCES.values())


@rules.predicate
def can_edit_person(user: Any, person: Person | Any) -> bool:
    """Whether the user may change the person's record (never on emergency access alone)."""
    return (
        sees_personal_data(user)
        and bool(user.role_codes() & EDITING_ROLES)
        and _can_write_about(user, person)
    )


def can_edit_person_given(user: Any, person: Person | Any, basis: AccessBasis | None) -> bool:
    """``can_edit_person`` for a page that has just asked the access rule (its ``basis``).

    The person page opens the person through the rule, then asks whether the user may
    change it: asking the rule a second time repeated its queries on every view.
    """
    return (
        sees_personal_data(user)
        and bool(user.role_codes() & EDITING_ROLES)
        and _can_write_about(user, person, known=True, basis=basis)
    )


@rules.predicate
def can_create_person(user: Any) -> bool:
    """Whether the user may add a new person (they then get an involvement with them)."""
    return sees_personal_data(user) and bool(user.role_codes() & EDITING_ROLES)


@rules.predicate
def can_look_up_with_reason(user: Any) -> bool:
    """MASH staff may open any record by recording why; every such look-up is audited."""
    return is_mash(user)


def visible_record_types(user: Any, person: Person | Any) -> frozenset[str]:
    """The sensitive record types the user may see for this person, plus 'general'."""
    if not sees_personal_data(user):
        return frozenset()
    allowed = {"general"}
    kind = user.agency.kind if user.agency_id else ""
    for code, record_type in RECORD_TYPES.items():
        if record_type.sensitive and kind in record_type.open_to_kinds:
            allowed.add(code)
    person_id: Any = getattr(person, "pk", person)
    for types in (
        active_grants(user).filter(person_id=person_id).values_list("record_types", flat=True)
    ):
        allowed.update(t for t in types or [] if t in RECORD_TYPES)
    return frozenset(allowed)


def visibilities_open_to(user: Any) -> frozenset[str]:
    """The visibilities whose entries the user's agency reads (beyond the entries it recorded)."""
    if not sees_personal_data(user):
        return frozenset()
    agency = user.agency
    open_to = {v for v, kinds in VISIBILITY_KINDS.items() if agency.kind in kinds}
    open_to.add(Visibility.EVERYONE)
    if agency.is_mash:
        open_to.add(Visibility.MASH_AND_SOCIAL_CARE)
    return frozenset(open_to)


@dataclass(frozen=True)
class EntryAccess:
    """Which of one person's chronology entries a user may read: THE entry rule.

    An entry is readable when a grant the user holds names it (a share of chosen records),
    or when the user sees the whole record, may see its sensitivity (``record_type``) and
    either their agency recorded it or its visibility is open to their agency.
    """

    whole_record: bool = False
    record_types: frozenset[str] = frozenset()
    visibilities: frozenset[str] = frozenset()
    agency_id: int | None = None
    granted_ids: frozenset[uuid.UUID] = frozenset()

    def q(self) -> Q:
        """The rule as a filter on ``ChronologyEvent`` (for the person's own queryset)."""
        shown = Q(pk__in=sorted(self.granted_ids))
        if self.whole_record:
            shown |= Q(record_type__in=sorted(self.record_types)) & (
                Q(visibility__in=sorted(self.visibilities)) | Q(agency_id=self.agency_id)
            )
        return shown

    def allows(self, event: ChronologyEvent) -> bool:
        """The same rule for one loaded entry."""
        if event.pk in self.granted_ids:
            return True
        return (
            self.whole_record
            and event.record_type in self.record_types
            and (event.visibility in self.visibilities or event.agency_id == self.agency_id)
        )


NO_ENTRIES = EntryAccess()


def entry_access(user: Any, person: Person | Any, basis: AccessBasis | None = None) -> EntryAccess:
    """What of the person's chronology the user may read (nothing when they may not see them).

    Pass the ``basis`` already worked out for the page to save asking the rule again: the
    answer then costs one query, two when a share of chosen entries is in force.
    """
    if not sees_personal_data(user) or person is None:
        return NO_ENTRIES
    person_id: Any = getattr(person, "pk", person)
    if basis is None:
        basis = access_basis_detail(user, person_id)
        if basis is None:
            return NO_ENTRIES
    grants = list(
        active_grants(user).filter(person_id=person_id).values_list("pk", "scope", "record_types")
    )
    types = {"general"}
    kind = user.agency.kind
    types |= {c for c, rt in RECORD_TYPES.items() if rt.sensitive and kind in rt.open_to_kinds}
    for _pk, scope, record_types in grants:
        if scope == AccessGrant.Scope.WHOLE:
            types.update(t for t in record_types or [] if t in RECORD_TYPES)
    chosen = [pk for pk, scope, _types in grants if scope == AccessGrant.Scope.ENTRIES]
    granted: frozenset[uuid.UUID] = frozenset()
    if chosen:
        granted = frozenset(
            GrantedEntry.objects.filter(grant_id__in=chosen, event__person_id=person_id)
            .values_list("event_id", flat=True)
            .distinct()
        )
    return EntryAccess(
        whole_record=basis.whole,
        record_types=frozenset(types),
        visibilities=visibilities_open_to(user),
        agency_id=user.agency_id,
        granted_ids=granted,
    )


def chronology_visible_to(
    user: Any, person: Person | Any, basis: AccessBasis | None = None
) -> QuerySet[ChronologyEvent]:
    """The person's chronology entries the user may read, by the one entry rule."""
    person_id: Any = getattr(person, "pk", person)
    rule = entry_access(user, person_id, basis)
    if rule is NO_ENTRIES:
        return ChronologyEvent.objects.none()
    return ChronologyEvent.objects.filter(person_id=person_id).filter(rule.q())


# Services refuse with the one domain error; the old name keeps ``except AccessDenied`` working.
AccessDenied = Forbidden


def access_grant_create(
    *,
    by: User,
    person: Person,
    kind: str,
    purpose: str,
    ends_at: dt.datetime,
    agency_id: int | None = None,
    user: User | None = None,
    record_types: list[str] | None = None,
    source_reference: str = "",
    derived_from: AccessGrant | None = None,
    entries: Iterable[ChronologyEvent] | None = None,
) -> AccessGrant:
    """Give an agency or a user time-limited access to one person, and audit it.

    With ``entries`` (a list, perhaps empty) the grant opens the person's identifying details
    and those entries only; without, the whole record under the entry rule.
    """
    chosen = None if entries is None else list(entries)
    if chosen is not None and any(e.person_id != person.pk for e in chosen):
        raise InvalidRequest("A grant can only open entries about its own person.")
    if kind not in AccessGrant.Kind.values:
        raise InvalidRequest(f"Unknown grant kind {kind!r}")
    unknown = set(record_types or []) - set(RECORD_TYPES)
    if unknown:
        raise InvalidRequest(f"Unknown record types: {sorted(unknown)}")
    if not purpose.strip():
        raise InvalidRequest("A grant needs a purpose.")
    now = timezone.now()
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            person=person,
            kind=kind,
            agency_id=agency_id,
            user=user,
            purpose=purpose.strip(),
            record_types=list(record_types or []),
            granted_by=by,
            starts_at=now,
            ends_at=ends_at,
            source_reference=source_reference,
            derived_from=derived_from,
            scope=AccessGrant.Scope.WHOLE if chosen is None else AccessGrant.Scope.ENTRIES,
        )
        if chosen:
            GrantedEntry.objects.bulk_create([GrantedEntry(grant=grant, event=e) for e in chosen])
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=PeopleEvent.ACCESS_GRANT,
            object_id=grant.pk,
            person_id=person.pk,
            changes={
                "kind": kind,
                "agency_id": agency_id,
                "user_id": getattr(user, "pk", None),
                "record_types": record_types or [],
                "ends_at": ends_at,
                "derived_from": getattr(derived_from, "pk", None),
                "scope": grant.scope,
                "entries": sorted(str(e.pk) for e in chosen or []),
            },
            reason=purpose.strip(),
        )
    return grant


def access_grant_revoke(
    *, by: User, grant: AccessGrant, reason: str, also: Iterable[AccessGrant] = ()
) -> AccessGrant:
    """End a grant now; the next request by its holder is refused.

    Every grant given on the strength of it (``derived_from``, at any depth) ends with it, as
    do the grants in ``also``; each ending is audited. Grants already over are left as they are.
    """
    with transaction.atomic():
        now = timezone.now()
        ending: list[tuple[AccessGrant, str]] = [(grant, reason)]
        ending += [(g, f"{reason} (given under grant {grant.pk})") for g in also]
        seen: set[int] = set()
        while ending:
            current, why = ending.pop(0)
            if current.pk in seen:
                continue
            seen.add(current.pk)
            if current.revoked_at is None and current.ends_at > now:
                current.revoked_at = now
                current.save(update_fields=["revoked_at"])
                audit_record(
                    by=by,
                    action=AuditAction.UPDATE,
                    object_type=PeopleEvent.ACCESS_GRANT,
                    object_id=current.pk,
                    person_id=current.person_id,
                    changes={"revoked_at": {"before": None, "after": current.revoked_at}},
                    reason=why,
                )
            ending += [
                (g, f"{reason} (given under grant {current.pk})")
                for g in AccessGrant.objects.filter(derived_from=current, revoked_at__isnull=True)
            ]
    return grant


def mash_lookup_record(*, by: User, person: Person, reason: str) -> AccessGrant:
    """A MASH worker opens a record outside a contact, recording why. Audited, 24 hours."""
    if not can_look_up_with_reason(by):
        raise AccessDenied("Only MASH staff can look up a record by giving a reason.")
    reason = reason_clean(
        reason,
        min_length=LOOK_UP_REASON_LENGTH,
        min_words=2,
        blank="Enter why you need to look at this record",
        too_short=f"Reason must be at least {LOOK_UP_REASON_LENGTH} characters",
    )
    with transaction.atomic():
        grant = access_grant_create(
            by=by,
            person=person,
            kind=AccessGrant.Kind.MASH_LOOKUP,
            purpose=reason,
            ends_at=timezone.now() + dt.timedelta(hours=MASH_LOOKUP_HOURS),
            user=by,
        )
        audit_record(
            by=by,
            action=AuditAction.ACCESS_REASON,
            object_type=PeopleEvent.PERSON,
            object_id=person.pk,
            person_id=person.pk,
            reason=reason,
        )
    return grant
