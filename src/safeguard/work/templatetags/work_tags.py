"""Tags for showing work: its due status and its priority as GOV.UK tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html

from safeguard.core.clock import RAG_LABELS, RAG_TAG_CLASSES, describe_interval, rag_status

from ..models import Priority

register = template.Library()

PRIORITY_TAGS = {
    Priority.IMMEDIATE: "govuk-tag--red",
    Priority.URGENT: "govuk-tag--orange",
    Priority.STANDARD: "govuk-tag--grey",
}


@register.simple_tag
def due_tag(item: Any, now: Any = None) -> str:
    """'Overdue by 2 hours', 'Due soon' or 'On time' as a coloured tag, from the item's own clock."""
    if not item.is_open:
        return format_html(
            '<strong class="govuk-tag govuk-tag--grey">{}</strong>', item.get_status_display()
        )
    now = now or timezone.now()
    status = rag_status(item.due_at, now)
    label = RAG_LABELS[status]
    if status == "red":
        label = f"Overdue by {describe_interval(now - item.due_at)}"
    elif status == "amber":
        label = f"Due in {describe_interval(item.due_at - now)}"
    return format_html('<strong class="govuk-tag {}">{}</strong>', RAG_TAG_CLASSES[status], label)


@register.simple_tag
def priority_tag(item: Any) -> str:
    """The item's priority as a tag: immediate danger red, urgent orange, standard grey."""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        PRIORITY_TAGS.get(item.priority, "govuk-tag--grey"),
        item.get_priority_display(),
    )
