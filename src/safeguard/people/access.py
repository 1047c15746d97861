"""The access rule: who may see and change which person's record. One module decides.

A user sees a person only when:

1. their agency has an open involvement with the person, or with someone who
   lives in the same household now; or
2. they or their agency hold an active grant for the person (shared by another
   agency, a contact the Multi-Agency Safeguarding Hub (MASH) is triaging, a
   MASH look-up with a recorded reason, or break-glass emergency access).

Analysts, the partnership business unit and system administrators see no
personal data at all. Selectors filter lists with :func:`people_visible_to`
and detail pages check :func:`can_view_person`, which apply the same rule, so
a list can never show what a page would refuse. Other apps create grants with
:func:`access_grant_create`; this module imports no other domain app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rules
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, Role
from safeguard.core.text import reason_clean

from .events import PeopleEvent
from .models import AccessGrant, HouseholdMember, Involvement, Person

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


def people_visible_to(user: Any) -> QuerySet[Person]:
    """Every person the user may see: the one filter every list and search starts from."""
    if not sees_personal_data(user):
        return Person.objects.none()
    involved = _open_involvements(user.agency_id).values("person_id")
    households = _current_members().filter(person_id__in=involved).values("household_id")
    household_people = _current_members().filter(household_id__in=households).values("person_id")
    granted = active_grants(user).values("person_id")
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
    grant = active_grants(user).filter(person_id=person_id).order_by("-ends_at").first()
    if grant is not None:
        return AccessBasis(
            f"{grant.get_kind_display()} until {timezone.localtime(grant.ends_at):%-d %B %Y %H:%M}",
            "grant",
        )
    for source in _SOURCES.values():
        basis = source.basis(user, person_id)
        if basis is not None:
            return basis
    return None


def access_basis(user: Any, person: Person | Any) -> str | None:
    """Why the user may see the person, in words, or None when they may not."""
    basis = access_basis_detail(user, person)
    return basis.words if basis is not None else None


@rules.predicate
def can_view_person(user: Any, person: Person | Any) -> bool:
    """Whether the user may open the person's record."""
    return access_basis(user, person) is not None


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


def _can_write_about(user: Any, person: Person | Any) -> bool:
    """A basis other than emergency access: break-glass alone lets the user read, not write.

    The access rule is asked once: an involvement, the usual basis, answers first and in
    one query (the person page's query bound relies on it).
    """
    basis = access_basis_detail(user, person)
    if basis is None:
        return False
    if basis.kind in STANDING_BASIS_KINDS:
        return True
    person_id: Any = getattr(person, "pk", person)
    grants = active_grants(user).filter(person_id=person_id)
    if grants.exclude(kind__in=READ_ONLY_GRANT_KINDS).exists():
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
) -> AccessGrant:
    """Give an agency or a user time-limited access to one person, and audit it."""
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
        )
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
