"""Helpers the front door's steps share: text checks and emails through the outbox."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from safeguard.core.forms import MAX_TEXT
from safeguard.core.models import Agency
from safeguard.core.outbox import outbox_enqueue

logger = logging.getLogger(__name__)


def _text(
    value: str | None,
    *,
    name: str,
    label: str,
    errors: dict[str, str],
    required: bool = True,
    max_length: int = MAX_TEXT,
) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        errors[name] = f"Enter {label}"
    elif len(text) > max_length:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {max_length:,} characters or fewer"
    return text


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _mash_agencies() -> list[Agency]:
    return list(Agency.objects.filter(is_mash=True, active=True))


def _send(
    *, kind: str, subject: str, body: str, to: str, about: str, reference: str, summary: str
) -> None:
    """Put an email in the outbox; it leaves after this transaction commits (core.outbox)."""
    outbox_enqueue(
        kind=kind,
        recipients=[to],
        subject=subject,
        body=body,
        summary=summary,
        related_type=about,
        related_id=reference,
    )
