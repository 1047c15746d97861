"""The meetings app's permissions: who arranges, sees and runs a meeting.

Part of the one permission table (see ``core.rules``). A meeting is seen by its
chair and everyone invited to it (by name or through their agency); only the chair
runs it (agenda, notes, attendance, minutes). Which items each person sees is the
selectors' question (``selectors.item_scope``), asked with the access rule.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role
from safeguard.people.access import sees_personal_data

from . import selectors


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def can_arrange_meetings(user: Any) -> bool:
    """Practitioners, MASH staff, chairs and the business unit arrange meetings."""
    return _active(user) and (
        sees_personal_data(user) or user.has_role(Role.BUSINESS_UNIT, Role.PANEL_CHAIR)
    )


@rules.predicate
def can_see_attendance_report(user: Any) -> bool:
    """The business unit and panel chairs measure attendance by agency (it names no child)."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT, Role.PANEL_CHAIR)


@rules.predicate
def has_meetings(user: Any) -> bool:
    """Whether the user chairs or is invited to any meeting."""
    return _active(user) and selectors.has_meetings(user)


@rules.predicate
def can_view_meeting(user: Any, meeting: Any) -> bool:
    """The chair and everyone invited (by name or through their agency) see the meeting."""
    return meeting is not None and selectors.can_view_meeting(user, meeting)


@rules.predicate
def can_run_meeting(user: Any, meeting: Any) -> bool:
    """Only the chair runs the meeting: agenda, notes, attendance, minutes."""
    return meeting is not None and _active(user) and meeting.chair_id == user.pk


rules.add_perm("meetings.arrange_meetings", can_arrange_meetings)
rules.add_perm("meetings.see_meetings", has_meetings)
rules.add_perm("meetings.see_attendance_report", can_see_attendance_report)
rules.add_perm("meetings.view_meeting", can_view_meeting)
rules.add_perm("meetings.run_meeting", can_run_meeting)
