"""The dashboard's form: which quarter or financial year, and whether to hide small counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from safeguard.insight.types import Period


def latest_quarter(today: dt.date) -> Period:
    """The last complete calendar quarter before ``today``."""
    return Period.quarter(today.year, (today.month - 1) // 3 + 1).previous()


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """The last eight complete quarters and the last three financial years, newest first."""
    quarters = latest_quarter(today).history(8)
    year = today.year if today.month >= 4 else today.year - 1
    years = [Period.financial_year(year - step) for step in range(3)]
    return [(p.label, f"{p.title} ({p.label})") for p in reversed(quarters)] + [
        (p.label, f"Financial year {p.title} ({p.label})") for p in years
    ]


class PeriodForm(forms.Form):
    """Choose the period the figures cover."""

    period = forms.ChoiceField(
        label="Quarter or financial year",
        error_messages={
            "required": "Choose a quarter or financial year",
            "invalid_choice": "Choose a quarter or financial year from the list",
        },
    )
    published = forms.BooleanField(
        label="Hide small counts, as in the published version",
        required=False,
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = period_choices(today)
