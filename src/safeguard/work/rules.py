"""The work app's permissions: who sees a team's queue, acts on its work, and manages teams.

Part of the one permission table (see ``core.rules``). A team's queue is for its
members; its managers allocate, cancel and receive escalations; the partnership's
business unit and system administrators set teams up (and see no child in doing so).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from safeguard.core.models import Role, TeamMembership


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_team_member(user: Any, team: Any) -> bool:
    """Whether the user is in the team (managers included)."""
    return (
        team is not None
        and _active(user)
        and TeamMembership.objects.filter(team=team, user_id=user.pk).exists()
    )


@rules.predicate
def manages_team(user: Any, team: Any) -> bool:
    """Whether the user manages the team."""
    return (
        team is not None
        and _active(user)
        and TeamMembership.objects.filter(team=team, user_id=user.pk, is_manager=True).exists()
    )


@rules.predicate
def can_act_on_item(user: Any, item: Any) -> bool:
    """The item's team and the person it is allocated to may open and act on it."""
    if item is None or not _active(user):
        return False
    return item.assignee_id == user.pk or is_team_member(user, item.team)


@rules.predicate
def manages_teams(user: Any) -> bool:
    """The partnership's business unit and system administrators set up teams."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT, Role.SYSTEM_ADMINISTRATOR)


@rules.predicate
def can_record_absence(user: Any, other: Any) -> bool:
    """A manager of one of the person's teams, or the business unit, records their absence."""
    if other is None or not _active(user):
        return False
    if user.has_role(Role.BUSINESS_UNIT):
        return True
    return TeamMembership.objects.filter(
        user_id=user.pk,
        is_manager=True,
        team__in=TeamMembership.objects.filter(user_id=other.pk).values("team"),
    ).exists()


def acts_for_agency(user: Any, agency_id: Any) -> bool:
    """Whether the user may act for their agency as a whole on work sent to it.

    A member of the agency's receiving team (the team that receives work sent to the
    agency, ``Team.receives_for_agency``), or a manager of any of the agency's teams.
    """
    if not _active(user) or agency_id is None or user.agency_id != agency_id:
        return False
    return (
        TeamMembership.objects.filter(user=user, team__agency_id=agency_id, team__active=True)
        .filter(Q(team__receives_for_agency=True) | Q(is_manager=True))
        .exists()
    )


@rules.predicate
def is_in_a_team(user: Any) -> bool:
    """Whether the user belongs to any team (has a queue to look at)."""
    return _active(user) and TeamMembership.objects.filter(user_id=user.pk).exists()


rules.add_perm("work.view_team_queue", is_team_member)
rules.add_perm("work.manage_team_work", manages_team)
rules.add_perm("work.act_on_item", can_act_on_item)
rules.add_perm("work.manage_teams", manages_teams)
rules.add_perm("work.record_absence", can_record_absence)
rules.add_perm("work.see_team_queues", is_in_a_team)
