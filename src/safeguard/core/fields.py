"""Field factories many forms share, so each form declares a field in one line.

Free text (a long answer, a short line), the reason for a change, radios, and a time
of day typed beside a :class:`~safeguard.core.forms.GovukDateField`. Each carries the
GOV.UK error wording its caller gives ("Enter why the pathway is closing"), and the
checks live here once: free text refuses control characters and says its limit
(:class:`~safeguard.core.forms.TextField`); a time says how to type it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from .forms import TextField, _noun_from_label, _sentence

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LONG_TEXT = 5000
SHORT_TEXT = 200
TIME_HELP = "Use the 24-hour clock, for example 09:30 or 14:00 (UK time)"


def _required(message: str) -> dict[str, str]:
    return {"required": message} if message else {}


def long_text(
    label: str,
    required_message: str = "",
    *,
    help_text: str = "",
    required: bool = True,
    rows: int = 3,
    max_length: int = LONG_TEXT,
) -> TextField:
    """A free-text answer in a text area: required unless told, with its own 'Enter ...' message."""
    return TextField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=_required(required_message),
    )


def short_text(
    label: str,
    required_message: str = "",
    *,
    help_text: str = "",
    required: bool = True,
    max_length: int = SHORT_TEXT,
) -> TextField:
    """A one-line free-text answer (a name, a reference, who something was given to)."""
    return TextField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        error_messages=_required(required_message),
    )


def reason_field(
    label: str = "Reason",
    required_message: str = "Enter the reason",
    *,
    help_text: str = "",
) -> TextField:
    """Why something is changed, closed or withdrawn: always required, kept with the change."""
    return long_text(label, required_message, help_text=help_text)


def radios(
    choices: Iterable[tuple[Any, Any]],
    *,
    label: str,
    required_message: str = "",
    help_text: str = "",
    required: bool = True,
) -> forms.ChoiceField:
    """One answer from a short list, shown as GOV.UK radios, with its own 'Select ...' message."""
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        label=label,
        help_text=help_text,
        required=required,
        error_messages=_required(required_message),
    )


class TimeOfDayField(forms.Field):
    """A time typed on the 24-hour clock ("09:30", "09.30" or "14:00"), as a ``datetime.time``.

    ``noun`` names the time in the message for a time that is not one ("The time must be
    a time like 09:30 or 14:00"); without it the label is used unless it is a question.
    An empty optional answer is ``None``.
    """

    widget = forms.TextInput

    def __init__(
        self, *, noun: str = "", help_text: StrOrPromise = TIME_HELP, **kwargs: Any
    ) -> None:
        self.noun = noun
        super().__init__(help_text=help_text, **kwargs)

    def to_python(self, value: Any) -> dt.time | None:
        """Read the typed time, or say how to type one."""
        if isinstance(value, dt.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return dt.time.fromisoformat(text.replace(".", ":"))
        except ValueError:
            name = _sentence(self.noun or _noun_from_label(self.label, "The time"))
            raise ValidationError(
                f"{name} must be a time like 09:30 or 14:00", code="invalid"
            ) from None

    def prepare_value(self, value: Any) -> Any:
        """Show a stored time as hours and minutes; redisplay what was typed as typed."""
        if isinstance(value, dt.time):
            return f"{value:%H:%M}"
        return value
