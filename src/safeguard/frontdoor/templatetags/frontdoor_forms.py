"""Template helpers for front door pages: codes shown as the words people chose."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.frontdoor.forms import police_answers_shown

register = template.Library()


@register.filter
def police_answers(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """A police form's own questions and answers, with readable labels for codes."""
    return police_answers_shown(answers)
