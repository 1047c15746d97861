"""The "Report a concern" question pages: their order, forms, and the saved draft's shape.

A draft is JSON: ``{"children": [...], "answers": {step: {field: value}}}``.
Each child is ``{"person_id": "..."}`` (a record the referrer can see) or
``{"new": {...}}`` (a description). Dates are stored as ISO text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms

from safeguard.core.forms import GovukDateField

from . import forms as fd_forms
from .models import Consent, NoConsentReason, VoiceApproach
from .services import ChildDetails


@dataclass(frozen=True)
class Step:
    """One question page."""

    slug: str
    title: str
    form: type[forms.Form]


STEPS: tuple[Step, ...] = (
    Step("concern", "What is the concern about?", fd_forms.ConcernForm),
    Step("what-happened", "What happened, and when?", fd_forms.WhatHappenedForm),
    Step(
        "child-voice",
        "What is life like for the child?",
        fd_forms.ChildVoiceForm,
    ),
    Step("danger", "Is the child in immediate danger?", fd_forms.DangerForm),
    Step("family", "What does the family know about your concern?", fd_forms.FamilyForm),
    Step("consent", "Did the family agree to you sharing this concern?", fd_forms.ConsentForm),
    Step("others", "Who else is involved?", fd_forms.OthersForm),
    Step("you", "Your contact details", fd_forms.ReferrerForm),
)
STEP_BY_SLUG = {s.slug: s for s in STEPS}


def next_slug(slug: str) -> str | None:
    """The step after ``slug`` (None after the last)."""
    slugs = [s.slug for s in STEPS]
    index = slugs.index(slug)
    return slugs[index + 1] if index + 1 < len(slugs) else None


def previous_slug(slug: str) -> str | None:
    """The step before ``slug`` (None before the first: go back to the children)."""
    slugs = [s.slug for s in STEPS]
    index = slugs.index(slug)
    return slugs[index - 1] if index > 0 else None


def to_json(value: Any) -> Any:
    """Cleaned form data as JSON."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def initial_for(step: Step, stored: dict[str, Any]) -> dict[str, Any]:
    """A step form's initial values from the draft (dates back to dates)."""
    initial = {}
    for name, field in step.form.base_fields.items():
        if name in stored:
            value = stored[name]
            initial[name] = _date(value) if isinstance(field, GovukDateField) else value
    return initial


def first_missing(data: dict[str, Any]) -> str | None:
    """The first step not answered yet ('children' when no child is named)."""
    if not data.get("children"):
        return "children"
    answers = data.get("answers", {})
    for step in STEPS:
        if step.slug not in answers:
            return step.slug
    return None


def child_details(entry: dict[str, Any]) -> ChildDetails:
    """One draft child as the service's ``ChildDetails``."""
    if entry.get("person_id"):
        return ChildDetails(person_id=uuid.UUID(str(entry["person_id"])))
    new = entry.get("new", {})
    return ChildDetails(
        given_name=str(new.get("given_name", "")),
        family_name=str(new.get("family_name", "")),
        date_of_birth=_date(new.get("date_of_birth")),
        sex=str(new.get("sex", "unknown")),
        nhs_number=str(new.get("nhs_number", "")),
        postcode=str(new.get("postcode", "")),
    )


def submission_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    """The draft's answers as keyword arguments for ``contact_submit``."""
    answers = data.get("answers", {})
    merged: dict[str, Any] = {}
    for step in STEPS:
        merged.update(answers.get(step.slug, {}))
    return {
        "children": [child_details(c) for c in data.get("children", [])],
        "categories": list(merged.get("categories", [])),
        "what_happened": merged.get("what_happened", ""),
        "happened_on": _date(merged.get("happened_on")),
        "child_voice": (
            merged.get("child_presentation", "")
            if merged.get("voice_approach") == VoiceApproach.PRESENT
            else merged.get("child_voice", "")
        ),
        "child_voice_approach": merged.get("voice_approach") or VoiceApproach.WORDS,
        "immediate_danger": merged.get("immediate_danger") == "yes",
        "family_knows": merged.get("family_knows", ""),
        "consent": merged.get("consent", ""),
        "no_consent_reason": merged.get("no_consent_reason", ""),
        "others_involved": merged.get("others_involved", ""),
        "referrer_name": merged.get("referrer_name", ""),
        "referrer_role": merged.get("referrer_role", ""),
        "referrer_phone": merged.get("referrer_phone", ""),
        "referrer_email": merged.get("referrer_email", ""),
    }


# Under this age a child is taken to be pre-verbal: the child's-voice question starts on
# PRESENT (what the child's presentation, behaviour and interactions show); the referrer
# can change it.
PRE_VERBAL_UNDER_MONTHS = 24


def _months_old(born: dt.date, today: dt.date) -> int:
    return (today.year - born.year) * 12 + today.month - born.month - (today.day < born.day)


def voice_approach_for(data: dict[str, Any], today: dt.date) -> str:
    """PRESENT when every child named is known to be under two; otherwise the child's words."""
    from safeguard.people.models import Person

    births: list[dt.date | None] = []
    ids = [str(c["person_id"]) for c in data.get("children", []) if c.get("person_id")]
    known = dict(Person.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
    for entry in data.get("children", []):
        if entry.get("person_id"):
            births.append(known.get(uuid.UUID(str(entry["person_id"]))))
        else:
            births.append(_date(entry.get("new", {}).get("date_of_birth")))
    if births and all(
        b is not None and _months_old(b, today) < PRE_VERBAL_UNDER_MONTHS for b in births
    ):
        return VoiceApproach.PRESENT
    return VoiceApproach.WORDS


def consent_text(consent: str, reason: str) -> str:
    """Consent in words for 'Check your answers'."""
    if consent == Consent.NOT_ASKED:
        label = NoConsentReason(reason).label if reason in NoConsentReason.values else ""
        return f"I did not ask them: {label}" if label else "I did not ask them"
    return Consent(consent).label if consent in Consent.values else ""


def draft_says_immediate_danger(data: dict[str, Any]) -> bool:
    """Whether an unsent draft says the child is in immediate danger (My work flags it)."""
    return (data.get("answers", {}).get("danger", {}) or {}).get("immediate_danger") == "yes"
