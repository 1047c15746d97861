"""Forms of the insight outputs: the census year, a measure's quarterly value, a comparison file."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from safeguard.core.forms import TextField

from .comparison import MAX_BYTES
from .measures import ENTERED
from .types import Period


def _period(value: str, *, quarter: bool) -> Period:
    try:
        period = Period.parse(value)
    except ValueError:
        period = None
    if period is None or period.is_quarter != quarter:
        example = "a quarter, like 2026Q3" if quarter else "a financial year, like 2026-27"
        raise forms.ValidationError(f"Enter {example}")
    return period


class CensusForm(forms.Form):
    """Which collection year to produce."""

    year = TextField(
        max_length=12,
        label="Collection year",
        help_text="A financial year, 1 April to 31 March, like 2026-27.",
        error_messages={"required": "Enter the collection year, like 2026-27"},
    )

    def clean_year(self) -> Period:
        """A financial year."""
        return _period(self.cleaned_data["year"], quarter=False)


class MeasureValueForm(forms.Form):
    """A quarter's value of one entered measure."""

    measure_key = forms.ChoiceField(
        label="Measure",
        choices=[("", "Choose a measure")]
        + [(m.key, f"{m.p.heading}: {m.wording}") for m in ENTERED],
        error_messages={
            "required": "Choose the measure",
            "invalid_choice": "Choose a measure from the list",
        },
    )
    period = TextField(
        max_length=12,
        label="Quarter",
        help_text="For example, 2026Q3 for July to September 2026.",
        error_messages={"required": "Enter the quarter, like 2026Q3"},
    )
    value = TextField(
        max_length=20,
        label="Value",
        help_text="A number. For a percentage, enter 0 to 100 without the % sign.",
        error_messages={"required": "Enter the value"},
    )
    note = TextField(
        max_length=500,
        required=False,
        label="Where the figure comes from (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_period(self) -> Period:
        """A quarter."""
        return _period(self.cleaned_data["period"], quarter=True)

    def clean_value(self) -> Decimal:
        """A number, with thousands separators and a trailing % allowed."""
        text = self.cleaned_data["value"].strip().replace(",", "").removesuffix("%").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Value must be a number, like 42 or 87.5") from None
        if not value.is_finite():
            raise forms.ValidationError("Value must be a number, like 42 or 87.5")
        return value


class ComparisonForm(forms.Form):
    """A comparison file (CSV) and what it holds."""

    description = TextField(
        max_length=200,
        required=False,
        label="What the figures are (optional)",
        help_text="For example 'England and statistical neighbours, published November 2026'.",
    )
    file = forms.FileField(
        label="Upload a comparison file",
        help_text="A CSV file smaller than 2 MB with the columns measure key, period, area, "
        "value in the first row.",
        error_messages={
            "required": "Select a comparison file (CSV)",
            "empty": "The selected file is empty",
        },
    )

    def clean_file(self) -> Any:
        """Refuse a file too big to be a comparison file before reading it."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 2 MB")
        return upload
