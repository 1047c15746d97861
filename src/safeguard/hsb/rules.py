"""The harmful sexual behaviour app's permissions (part of the one permission table, ``core.rules``).

Who may record a concern, open the pages, see the figures and keep the list of
practitioners trained to use AIM. Which concern, child, assessment or investigation a
user may open is the access rule's question, asked by the selectors for every child.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role, TeamMembership, TeamPurpose
from safeguard.people.access import (
    EDITING_ROLES,
    access_basis_detail,
    sees_personal_data,
)

# How far a reader's access to a child reaches, for the harmful sexual behaviour record.
WHOLE_RECORD = (
    "whole_record"  # an involvement, a household, a whole-record share: the HSB pages open
)
CHOSEN_ENTRIES_ONLY = "chosen_entries_only"  # a share of chosen entries: refused (403, audited)
NO_ACCESS = ""  # the reader cannot see the child at all: "Page not found"


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def can_record_concern(user: Any) -> bool:
    """Practitioners and MASH staff record a concern about a child they can see."""
    return sees_personal_data(user) and bool(user.role_codes() & EDITING_ROLES)


@rules.predicate
def can_see_hsb(user: Any) -> bool:
    """Roles that see named children open the harmful sexual behaviour pages."""
    return sees_personal_data(user)


@rules.predicate
def can_see_figures(user: Any) -> bool:
    """Managers, the business unit and analysts see the figures (counts, never names)."""
    return _active(user) and user.has_role(Role.MASH_MANAGER, Role.BUSINESS_UNIT, Role.ANALYST)


def manages_hsb_team(user: Any) -> bool:
    """Whether the user manages a harmful sexual behaviour service team."""
    return _active(user) and (
        TeamMembership.objects.filter(
            user_id=user.pk,
            is_manager=True,
            team__purpose=TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR,
            team__active=True,
        ).exists()
    )


def in_hsb_team(user: Any) -> bool:
    """Whether the user works in a harmful sexual behaviour service team."""
    return _active(user) and (
        TeamMembership.objects.filter(
            user_id=user.pk,
            team__purpose=TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR,
            team__active=True,
        ).exists()
    )


@rules.predicate
def can_manage_trained(user: Any) -> bool:
    """The service's managers and the business unit keep the list of AIM-trained practitioners."""
    return _active(user) and (user.has_role(Role.BUSINESS_UNIT) or manages_hsb_team(user))


def child_access(user: Any, person: Any) -> str:
    """How far the reader's access to the child reaches: THE question every HSB page asks.

    ``WHOLE_RECORD`` for roles that see named children with the child's whole record (their
    agency works with the child or the household, or holds a whole-record share);
    ``CHOSEN_ENTRIES_ONLY`` for a share of chosen entries (identifying details and those
    entries, never the child's harmful sexual behaviour record); ``NO_ACCESS`` otherwise.
    One ask of the access rule.
    """
    if person is None or not can_see_hsb(user):
        return NO_ACCESS
    basis = access_basis_detail(user, person)
    if basis is None:
        return NO_ACCESS
    return WHOLE_RECORD if basis.whole else CHOSEN_ENTRIES_ONLY


@rules.predicate
def can_view_child(user: Any, person: Any) -> bool:
    """A child's harmful sexual behaviour record opens to readers of the child's whole record.

    Concerns, pathways, assessments and investigations: a share of chosen entries opens
    none of them (the pages answer 403 and audit the refusal).
    """
    return child_access(user, person) == WHOLE_RECORD


@rules.predicate
def can_see_child_pathways(user: Any, person: Any) -> bool:
    """Another app's page of the child (exploitation's) says the child has an open pathway.

    The same readers as the HSB pages (:func:`can_view_child`): a share of chosen entries
    (identifying details and those entries) never volunteers harmful sexual behaviour.
    """
    return child_access(user, person) == WHOLE_RECORD


rules.add_perm("hsb.record_concern", can_record_concern)
rules.add_perm("hsb.see_hsb", can_see_hsb)
rules.add_perm("hsb.see_figures", can_see_figures)
rules.add_perm("hsb.manage_trained", can_manage_trained)
rules.add_perm("hsb.view_child", can_view_child)
rules.add_perm("hsb.see_child_pathways", can_see_child_pathways)
