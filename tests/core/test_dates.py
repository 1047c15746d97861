"""Dates typed into any form: a sensible range, the digits 0 to 9, GOV.UK error wording."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.forms import EARLIEST_DATE, LATEST_DATE, GovukDateField


class _Form(forms.Form):
    when = GovukDateField(label="Date of birth")


def _errors(day: str, month: str, year: str) -> list[str]:
    form = _Form({"when_day": day, "when_month": month, "when_year": year})
    form.is_valid()
    return form.errors.get("when", [])


class TestDatesAcceptYearOneYear9999AndNonAsciiDigits:
    """Finding: dates accepted year 1, year 9999 and non-ASCII digits."""

    def test_year_one_is_refused(self):
        assert _errors("1", "1", "0001") == ["Date of birth must be after 1 January 1900"]

    def test_year_9999_is_refused(self):
        assert _errors("31", "12", "9999") == ["Date of birth must be before 1 January 2100"]

    @pytest.mark.parametrize(
        ("day", "month", "year"),
        [
            ("\u0661\u0662", "3", "2015"),  # Arabic-Indic digits
            ("12", "\u0663", "2015"),
            ("12", "3", "\u0968\u0966\u0967\u096b"),  # Devanagari 2015
            ("\u00b2", "3", "2015"),  # a superscript two
            ("\uff11\uff12", "3", "2015"),  # full-width digits
        ],
    )
    def test_digits_other_than_0_to_9_are_refused(self, day, month, year):
        assert _errors(day, month, year) == ["Date of birth must be a real date"]

    def test_the_range_ends_are_accepted(self):
        for date in (EARLIEST_DATE, LATEST_DATE):
            form = _Form(
                {
                    "when_day": str(date.day),
                    "when_month": str(date.month),
                    "when_year": str(date.year),
                }
            )
            assert form.is_valid(), form.errors
            assert form.cleaned_data["when"] == date

    @given(st.text(min_size=1, max_size=4), st.text(min_size=1, max_size=4), st.text(max_size=6))
    def test_any_typing_gives_a_date_in_range_or_a_message_never_a_crash(self, d, m, y):
        form = _Form({"when_day": d, "when_month": m, "when_year": y})
        if form.is_valid():
            value = form.cleaned_data["when"]
            assert EARLIEST_DATE <= value <= LATEST_DATE
            assert all(part.isascii() for part in (d.strip(), m.strip(), y.strip()))
        else:
            assert form.errors["when"]

    @given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
    def test_every_real_date_is_accepted_exactly_when_in_range(self, date):
        form = _Form(
            {
                "when_day": str(date.day),
                "when_month": str(date.month),
                "when_year": f"{date.year:04d}",
            }
        )
        assert form.is_valid() == (EARLIEST_DATE <= date <= LATEST_DATE)
