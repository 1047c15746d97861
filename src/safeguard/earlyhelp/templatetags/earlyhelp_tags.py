"""The early help part of 'My work': counts only, so it names no child."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import my_episode_counts

register = template.Library()


@register.inclusion_tag("earlyhelp/_my_work_summary.html", takes_context=True)
def early_help_my_work(context: Any) -> dict[str, Any]:
    """How many families the user's agency supports through early help, and reviews overdue."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("people.see_personal_data"):
        return {"show": False}
    return {"show": True, **my_episode_counts(user=user)}
