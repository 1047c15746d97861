"""GOV.UK Design System rendering for Django forms, and fields with GOV.UK error wording.

Every form renders its fields through ``templates/forms/govuk_field.html``;
pages show an error summary at the top with ``{% error_summary form %}``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from .text import has_control_characters

MAX_TEXT = 10_000


class GovukRenderer(TemplatesSetting):
    """Render forms and fields with GOV.UK Design System markup."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: three boxes for day, month and year."""

    # Rendered by templates/forms/govuk_field.html, which includes this with the bound field.
    template_name = "forms/widgets/date_input.html"
    input_type = "govuk_date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        """Split a date into its parts for redisplay."""
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        """Return the three typed parts as text, exactly as typed."""
        return [
            str(data.get(f"{name}_{part}", "") or "").strip() for part in ("day", "month", "year")
        ]


# The dates any form accepts, unless a field narrows them: no year 1, no year 9999.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
_ASCII_DIGITS = re.compile(r"[0-9]{1,4}")
DATE_PARTS = ("day", "month", "year")


def _noun_from_label(label: Any, fallback: str) -> str:
    """What an answer is, as a message can name it: the label unless it is a question.

    GOV.UK error messages name the thing ("Enter the date it happened"), never paste
    a question ("Enter when did it happen?"). A label that ends in "?" is a question,
    so the caller's ``noun`` or the fallback is used instead.
    """
    text = str(label or "").strip()
    if text.endswith(" (optional)"):
        text = text[: -len(" (optional)")].strip()
    if not text or text.endswith("?"):
        return fallback
    return text


def _sentence(noun: str) -> str:
    return f"{noun[:1].upper()}{noun[1:]}"


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages.

    ``noun`` names the date in messages ("the date it happened"); without it the
    label is used, unless the label is a question. Each error says which boxes are
    wrong (``params["parts"]``), so only those are highlighted: all three when the
    whole date is missing or out of range (GOV.UK date input pattern).
    """

    widget = DateInputWidget

    def __init__(
        self,
        *,
        past_only: bool = False,
        future_only: bool = False,
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
        noun: str = "",
        **kwargs: Any,
    ) -> None:
        self.past_only = past_only
        self.future_only = future_only
        self.earliest = earliest or EARLIEST_DATE
        self.latest = latest or LATEST_DATE
        self.noun = noun
        super().__init__(**kwargs)

    def _name(self) -> str:
        return _sentence(self.noun or _noun_from_label(self.label, "The date"))

    def _error(
        self, message: str, code: str, parts: tuple[str, ...] = DATE_PARTS
    ) -> ValidationError:
        return ValidationError(message, code=code, params={"parts": parts})

    def to_python(self, value: Any) -> dt.date | None:
        """Turn the three parts into a date, or say precisely what is wrong."""
        if isinstance(value, dt.date):
            return value
        if not value or not any(value):
            return None
        name = self._name()
        day, month, year = (list(value) + ["", "", ""])[:3]
        typed = dict(zip(DATE_PARTS, (day, month, year), strict=True))
        missing = tuple(p for p in DATE_PARTS if not typed[p])
        if missing:
            raise self._error(
                f"{name} must include a {' and a '.join(missing)}", "incomplete", missing
            )
        # Only the digits 0 to 9: other scripts' digits (and superscripts) are not dates here.
        wrong = tuple(p for p in DATE_PARTS if not _ASCII_DIGITS.fullmatch(typed[p]))
        if wrong:
            raise self._error(f"{name} must be a real date", "invalid", wrong)
        if len(year) != 4:
            raise self._error("Year must include 4 numbers", "invalid_year", ("year",))
        if not 1 <= int(month) <= 12:
            raise self._error(f"{name} must be a real date", "invalid", ("month",))
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise self._error(f"{name} must be a real date", "invalid", ("day",)) from None
        return date

    def validate(self, value: dt.date | None) -> None:
        """Check the date is given when required and lies in the allowed range."""
        if value is None:
            if self.required:
                message = self.error_messages["required"]
                if message == forms.Field.default_error_messages["required"]:
                    noun = self.noun or _noun_from_label(self.label, "the date")
                    message = f"Enter {noun[:1].lower()}{noun[1:]}"
                raise self._error(str(message), "required")
            return
        today = timezone.localdate()
        if self.past_only and value > today:
            raise self._error(f"{self._name()} must be today or in the past", "future")
        if self.future_only and value < today:
            raise self._error(f"{self._name()} must be today or in the future", "past")
        if value < self.earliest:
            raise self._error(
                f"{self._name()} must be after {self.earliest:%-d %B %Y}", "too_early"
            )
        if value > self.latest:
            first_after = self.latest + dt.timedelta(days=1)
            raise self._error(f"{self._name()} must be before {first_after:%-d %B %Y}", "too_late")

    def prepare_value(self, value: Any) -> Any:
        """Redisplay exactly what was typed, or the parts of a stored date."""
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return value


def date_error_parts(errors: Any) -> tuple[str, ...]:
    """Which boxes of a date input to highlight for these errors (all three unless told)."""
    parts: list[str] = []
    for error in getattr(errors, "as_data", list)():
        named = (getattr(error, "params", None) or {}).get("parts") or DATE_PARTS
        parts.extend(p for p in named if p not in parts)
    return tuple(p for p in DATE_PARTS if p in parts)


def control_characters_refuse(value: str) -> None:
    """Refuse invisible control characters (line breaks and tabs are fine).

    NUL has its own message from Django's ``ProhibitNullCharactersValidator``.
    """
    if isinstance(value, str) and has_control_characters(value.replace("\x00", "")):
        raise ValidationError(
            "Remove the invisible control characters from this text", code="control_characters"
        )


class TextField(forms.CharField):
    """Free text with a sensible maximum, so an accidental paste of a novel is refused clearly.

    ``noun`` names the answer in messages when the label is a question.

    NUL and other control characters are refused with a GOV.UK message, never stored.
    """

    default_validators = [control_characters_refuse]

    def __init__(self, *, max_length: int = MAX_TEXT, noun: str = "", **kwargs: Any) -> None:
        name = _sentence(noun or _noun_from_label(kwargs.get("label"), "Your answer"))
        messages = {
            "max_length": f"{name} must be {max_length:,} characters or fewer",
            "null_characters_not_allowed": "Remove the invisible null characters from this text",
        }
        messages.update(kwargs.get("error_messages") or {})
        kwargs["error_messages"] = messages
        super().__init__(max_length=max_length, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        """Leave ``maxlength`` off so the server, not the browser, tells people the limit."""
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs
