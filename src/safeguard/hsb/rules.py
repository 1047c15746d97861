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
    can_view_person,
    can_view_whole_record,
    sees_personal_data,
)


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


@rules.predicate
def can_view_child(user: Any, person: Any) -> bool:
    """A child's harmful sexual behaviour page follows the access rule."""
    return person is not None and can_view_person(user, person)


@rules.predicate
def can_see_child_pathways(user: Any, person: Any) -> bool:
    """Another app's page of the child (exploitation's) says the child has an open pathway.

    Readers who see the child's whole record only: a share of chosen entries
    (identifying details and those entries) never volunteers harmful sexual behaviour.
    """
    return person is not None and can_see_hsb(user) and can_view_whole_record(user, person)


rules.add_perm("hsb.record_concern", can_record_concern)
rules.add_perm("hsb.see_hsb", can_see_hsb)
rules.add_perm("hsb.see_figures", can_see_figures)
rules.add_perm("hsb.manage_trained", can_manage_trained)
rules.add_perm("hsb.view_child", can_view_child)
rules.add_perm("hsb.see_child_pathways", can_see_child_pathways)
