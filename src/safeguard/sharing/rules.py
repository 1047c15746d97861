"""Sharing's permissions: share, request, revoke, break glass, review, the log.

Part of the one permission table (see ``core.rules``).

These predicates sit on top of ``people.access`` (which decides who sees a
person at all); they never widen it.

Decisions recorded here (see ``docs/sharing.md``):

- A *safeguarding lead* for an agency is a user named in :class:`SafeguardingLead`
  for that agency, or a Multi-Agency Safeguarding Hub (MASH) manager of it.
- Sharing (and asking another agency for information) needs a *standing basis*: an
  involvement, or a grant that allows onward sharing. Emergency access (break-glass)
  and MASH look-ups let a user read, never pass the child on.
- Sharing after a refusal of consent is a separate permission held by
  safeguarding leads (golden rule: respect refusals where possible).
- The partnership's Information Sharing log is open to the business unit,
  panel chairs and MASH managers. It names no child: children's names appear
  only on the person's own "Sharing and access" page, under the access rule.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role
from safeguard.people.access import (
    EDITING_ROLES,
    can_view_person,
    sees_personal_data,
    sharing_basis,
)

from .models import (
    Alert,
    BreakGlassUse,
    RequestStatus,
    SafeguardingLead,
    SharingRequest,
)

LOG_ROLES = frozenset({Role.BUSINESS_UNIT, Role.PANEL_CHAIR, Role.MASH_MANAGER})
PARTNERSHIP_REVIEW_ROLES = frozenset({Role.MASH_MANAGER})


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_safeguarding_lead(user: Any, agency_id: int | None = None) -> bool:
    """Whether the user is a safeguarding lead for their agency (or the given one)."""
    if not sees_personal_data(user):
        return False
    agency_id = agency_id if agency_id is not None else user.agency_id
    if agency_id != user.agency_id:
        return False
    if user.has_role(Role.MASH_MANAGER):
        return True
    return SafeguardingLead.objects.filter(agency_id=agency_id, user_id=user.pk).exists()


def can_record_decisions(user: Any) -> bool:
    """Practitioners and MASH staff record decisions; analysts and administrators never do."""
    return sees_personal_data(user) and bool(user.role_codes() & EDITING_ROLES)


def has_standing_basis(user: Any, person: Any) -> bool:
    """An involvement, or a grant that allows onward sharing: never break-glass or a look-up."""
    return sharing_basis(user, person)[0]


def can_share_about(user: Any, person: Any, request: SharingRequest | None = None) -> bool:
    """Whether the user may record a decision about this person (or answer this request).

    Seeing the person is not enough: what emergency access (break-glass) or a MASH
    look-up shows cannot be passed on, so sharing needs a standing basis.
    """
    if not can_record_decisions(user):
        return False
    if has_standing_basis(user, person):
        return True
    return (
        request is not None
        and request.person_id == getattr(person, "pk", person)
        and request.to_agency_id == user.agency_id
        and request.status == RequestStatus.OPEN
    )


def can_share_about_person(user: Any, person: Any) -> bool:
    """Record a decision about a person the user may see (answering a request: ``can_share_about``)."""
    return person is not None and can_share_about(user, person)


def can_override_refusal(user: Any) -> bool:
    """Sharing against a refusal of consent needs a safeguarding lead."""
    return can_record_decisions(user) and is_safeguarding_lead(user)


def can_revoke_grant(user: Any, grant: Any) -> bool:
    """The agency that gave access, or a MASH manager, may take it away."""
    if grant is None or not can_record_decisions(user):
        return False
    if user.has_role(Role.MASH_MANAGER):
        return True
    granted_by_agency = getattr(grant.granted_by, "agency_id", None)
    return granted_by_agency == user.agency_id and grant.kind == "shared"


def can_revoke_visible_grant(user: Any, grant: Any) -> bool:
    """Revoke a grant about a person the user may see (others answer 'not found')."""
    return (
        grant is not None
        and can_view_person(user, grant.person_id)
        and can_revoke_grant(user, grant)
    )


def can_break_glass(user: Any) -> bool:
    """Anyone who may see named children may ask for emergency access; it is then reviewed."""
    return sees_personal_data(user)


def can_review_break_glass(user: Any, use: BreakGlassUse) -> bool:
    """Those alerted about the use (or a MASH manager) review it; never the user themselves."""
    if use is None or not sees_personal_data(user) or use.user_id == user.pk:
        return False
    if user.role_codes() & PARTNERSHIP_REVIEW_ROLES:
        return True
    return Alert.objects.filter(break_glass_use=use, recipient_id=user.pk).exists()


def can_view_sharing_log(user: Any) -> bool:
    """The partnership's oversight roles read the log of all decisions."""
    return _signed_in(user) and bool(user.role_codes() & LOG_ROLES)


def can_view_break_glass_report(user: Any) -> bool:
    """Oversight roles and safeguarding leads see the weekly break-glass report."""
    return can_view_sharing_log(user) or is_safeguarding_lead(user)


def can_use_requests(user: Any) -> bool:
    """Staff who record decisions see their agency's requests in and out."""
    return can_record_decisions(user)


# The permission table: sharing.
rules.add_perm("sharing.record_decisions", rules.predicate(can_record_decisions))
rules.add_perm("sharing.share_about", rules.predicate(can_share_about_person))
rules.add_perm("sharing.override_refusal", rules.predicate(can_override_refusal))
rules.add_perm("sharing.revoke_grant", rules.predicate(can_revoke_visible_grant))
rules.add_perm("sharing.break_glass", rules.predicate(can_break_glass))
rules.add_perm("sharing.review_break_glass", rules.predicate(can_review_break_glass))
rules.add_perm("sharing.view_sharing_log", rules.predicate(can_view_sharing_log))
rules.add_perm("sharing.view_break_glass_report", rules.predicate(can_view_break_glass_report))
rules.add_perm("sharing.use_requests", rules.predicate(can_use_requests))
