"""The contextual safeguarding app's permissions (part of the one permission table, ``core.rules``).

Places, persons of concern, peer groups and graded links are for the agencies that
work on exploitation and harm outside the home: the police, children's social care
and the youth justice service, and panel chairs wherever they work. Any professional
who sees named children may report a concern about a context (it names no child).
The police-only fields of a person of concern are for police users alone, and who read
them is for the managers of the police agency that holds them. Which child
a user may see in a network is the access rule's question (``people.access``).
Analysts, the business unit and system administrators never see this app's records.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.people.access import EDITING_ROLES, can_view_person, sees_personal_data

# The agencies whose staff keep contextual intelligence.
CONTEXTUAL_AGENCY_KINDS = frozenset(
    {AgencyKind.POLICE, AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.YOUTH_JUSTICE}
)


def _agency_kind(user: Any) -> str | None:
    agency = getattr(user, "agency", None)
    return agency.kind if agency is not None else None


def is_police(user: Any) -> bool:
    """Whether the user works for the police and sees named children."""
    return sees_personal_data(user) and _agency_kind(user) == AgencyKind.POLICE


@rules.predicate
def can_see_contexts(user: Any) -> bool:
    """Police, social care and youth justice staff who see named children, and panel chairs."""
    if not sees_personal_data(user):
        return False
    return _agency_kind(user) in CONTEXTUAL_AGENCY_KINDS or user.has_role(Role.PANEL_CHAIR)


@rules.predicate
def can_record_intelligence(user: Any) -> bool:
    """Practitioners and MASH staff in those agencies, and panel chairs, record places and links."""
    return bool(can_see_contexts(user)) and bool(
        user.role_codes() & (EDITING_ROLES | {Role.PANEL_CHAIR})
    )


@rules.predicate
def can_see_police_only(user: Any) -> bool:
    """Police users read (and write) the police-only fields of a person of concern."""
    return is_police(user)


@rules.predicate
def can_see_police_only_reads(user: Any, person: Any) -> bool:
    """Who read a person's police-only notes: managers in the police agency that holds them.

    A manager is a Multi-Agency Safeguarding Hub (MASH) manager or a manager of one of the
    agency's teams. The officers who read the notes, other police agencies, other agencies
    and panel chairs do not see it.
    """
    if person is None or not is_police(user):
        return False
    agency_id = getattr(person, "notes_agency_id", None)
    if agency_id is None or agency_id != user.agency_id:
        return False
    return user.has_role(Role.MASH_MANAGER) or (
        TeamMembership.objects.filter(
            user_id=user.pk, is_manager=True, team__agency_id=agency_id
        ).exists()
    )


@rules.predicate
def can_report_context_concern(user: Any) -> bool:
    """Any professional who sees named children reports a concern about a place or group."""
    return sees_personal_data(user)


@rules.predicate
def can_view_child_network(user: Any, person: Any) -> bool:
    """A child's network: contextual staff, for a child the access rule lets them see."""
    return person is not None and bool(can_see_contexts(user)) and can_view_person(user, person)


rules.add_perm("contextual.see_contexts", can_see_contexts)
rules.add_perm("contextual.record_intelligence", can_record_intelligence)
rules.add_perm("contextual.see_police_only", can_see_police_only)
rules.add_perm("contextual.see_police_only_reads", can_see_police_only_reads)
rules.add_perm("contextual.report_context_concern", can_report_context_concern)
rules.add_perm("contextual.view_child_network", can_view_child_network)
