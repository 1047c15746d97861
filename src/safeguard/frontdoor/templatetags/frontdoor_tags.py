"""The front door's part of 'My work'."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.frontdoor.models import OPEN_STATUSES, Contact
from safeguard.frontdoor.rules import can_report_concern, can_triage
from safeguard.frontdoor.selectors import queue_counts

register = template.Library()


@register.inclusion_tag("frontdoor/_my_work_section.html", takes_context=True)
def frontdoor_my_work(context: dict[str, Any]) -> dict[str, Any]:
    """Links to report a concern, my referrals still open, and the MASH queue counts."""
    user = context.get("user")
    if user is None or not can_report_concern(user):
        return {"show": False}
    return {
        "show": True,
        "open_referrals": Contact.objects.filter(referrer=user, status__in=OPEN_STATUSES).count(),
        "mash": can_triage(user),
        "counts": queue_counts(user=user) if can_triage(user) else {},
    }
