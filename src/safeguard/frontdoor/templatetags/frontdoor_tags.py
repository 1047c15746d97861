"""The front door's part of 'My work'."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.frontdoor.journey import draft_says_immediate_danger
from safeguard.frontdoor.models import OPEN_STATUSES, Contact, ContactDraft
from safeguard.frontdoor.selectors import police_waiting_count, queue_counts

register = template.Library()


@register.inclusion_tag("frontdoor/_my_work_section.html", takes_context=True)
def frontdoor_my_work(context: dict[str, Any]) -> dict[str, Any]:
    """Links to report a concern, an unsent draft, my referrals still open, the MASH queue counts."""
    user = context.get("user")
    if user is None or not user.has_perm("frontdoor.report_concern"):
        return {"show": False}
    triage = user.has_perm("frontdoor.triage")
    draft = ContactDraft.objects.filter(user=user).first()
    return {
        "show": True,
        "draft": draft,
        "draft_immediate_danger": bool(draft and draft_says_immediate_danger(draft.data)),
        "open_referrals": Contact.objects.filter(referrer=user, status__in=OPEN_STATUSES).count(),
        "mash": triage,
        "counts": queue_counts(user=user) if triage else {},
        "police": user.has_perm("frontdoor.see_police_queue"),
        "police_waiting": police_waiting_count(user=user),
    }
