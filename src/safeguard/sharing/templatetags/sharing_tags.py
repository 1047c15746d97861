"""'My work' panel for information sharing: alerts to review and overdue requests."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from safeguard.frontdoor.selectors import requests_waiting_count
from safeguard.sharing.models import RequestStatus, SharingRequest
from safeguard.sharing.selectors import unread_alert_count

register = template.Library()


@register.inclusion_tag("sharing/_my_work_panel.html")
def sharing_my_work(user: Any) -> dict[str, Any]:
    """Counts only (no names): emergency accesses to review and requests waiting or overdue."""
    if not user.has_perm("sharing.use_requests"):
        return {"show": False}
    today = timezone.localdate()
    waiting = SharingRequest.objects.filter(to_agency_id=user.agency_id, status=RequestStatus.OPEN)
    return {
        "show": True,
        "alerts": unread_alert_count(user=user),
        # One concept: the MASH's requests for information count with other agencies' requests.
        "waiting": waiting.count() + requests_waiting_count(user=user),
        "overdue": waiting.filter(due_date__lt=today).count(),
    }
