"""The learning app's permissions: who runs reviews and plans, who reads briefings.

Part of the one permission table (see ``core.rules``). The partnership business unit
and panel chairs run case reviews, briefings and action plans. Everyone working in an
agency reads published briefings; an agency's receiving team (or a manager in the
agency) confirms the agency has cascaded one and completes the agency's plan actions
(``work.rules.acts_for_agency``, the work app's own answer to who acts for an agency).
Linking a named child to a review also needs the access rule to allow that child.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role
from safeguard.work.rules import acts_for_agency


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def can_manage_learning(user: Any) -> bool:
    """The partnership business unit and panel chairs run reviews, briefings and plans."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT, Role.PANEL_CHAIR)


@rules.predicate
def can_read_briefings(user: Any) -> bool:
    """Everyone who works in an agency reads the published briefings."""
    return _active(user) and user.agency_id is not None


@rules.predicate
def can_act_for_agency_of(user: Any, thing: Any) -> bool:
    """The thing (a cascade or a plan action) belongs to an agency the user acts for.

    The business unit and panel chairs may also record for any agency.
    """
    if thing is None:
        return False
    if can_manage_learning(user):
        return True
    agency_id = getattr(thing, "agency_id", None) or getattr(thing, "owner_agency_id", None)
    return acts_for_agency(user, agency_id)


rules.add_perm("learning.manage_learning", can_manage_learning)
rules.add_perm("learning.read_briefings", can_read_briefings)
rules.add_perm("learning.submit_case", can_read_briefings)
rules.add_perm("learning.act_for_agency", can_act_for_agency_of)
