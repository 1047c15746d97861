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


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK error messages."""

    widget = DateInputWidget

    def __init__(
        self,
        *,
        past_only: bool = False,
        future_only: bool = False,
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        self.past_only = past_only
        self.future_only = future_only
        self.earliest = earliest or EARLIEST_DATE
        self.latest = latest or LATEST_DATE
        super().__init__(**kwargs)

    def _name(self) -> str:
        return str(self.label or "Date")

    def to_python(self, value: Any) -> dt.date | None:
        """Turn the three parts into a date, or say precisely what is wrong."""
        if isinstance(value, dt.date):
            return value
        if not value or not any(value):
            return None
        name = self._name()
        day, month, year = (list(value) + ["", "", ""])[:3]
        missing = [p for p, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise ValidationError(
                f"{name} must include a {' and a '.join(missing)}", code="incomplete"
            )
        # Only the digits 0 to 9: other scripts' digits (and superscripts) are not dates here.
        if not all(_ASCII_DIGITS.fullmatch(part) for part in (day, month, year)):
            raise ValidationError(f"{name} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{name} must be a real date", code="invalid") from None
        return date

    def validate(self, value: dt.date | None) -> None:
        """Check the date is given when required and lies in the allowed range."""
        if value is None:
            if self.required:
                raise ValidationError(f"Enter {self._name().lower()}", code="required")
            return
        today = timezone.localdate()
        if self.past_only and value > today:
            raise ValidationError(f"{self._name()} must be today or in the past", code="future")
        if self.future_only and value < today:
            raise ValidationError(f"{self._name()} must be today or in the future", code="past")
        if value < self.earliest:
            raise ValidationError(
                f"{self._name()} must be after {self.earliest:%-d %B %Y}", code="too_early"
            )
        if value > self.latest:
            first_after = self.latest + dt.timedelta(days=1)
            raise ValidationError(
                f"{self._name()} must be before {first_after:%-d %B %Y}", code="too_late"
            )

    def prepare_value(self, value: Any) -> Any:
        """Redisplay exactly what was typed, or the parts of a stored date."""
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return value


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

    NUL and other control characters are refused with a GOV.UK message, never stored.
    """

    default_validators = [control_characters_refuse]

    def __init__(self, *, max_length: int = MAX_TEXT, **kwargs: Any) -> None:
        messages = {
            "max_length": f"{kwargs.get('label', 'This')} must be {max_length:,} characters or fewer",
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
