"""The six-month and renewal dates, for every day of the calendar."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.training.selectors import year_bounds, year_of
from safeguard.training.services import months_after


@settings(max_examples=200)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 60))
def test_adding_months_lands_in_the_right_month_on_the_same_day_or_the_months_last(day, months):
    later = months_after(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(days=1)).day == 1)


def test_six_months_from_the_end_of_august_is_the_end_of_february():
    assert months_after(dt.date(2023, 8, 31), 6) == dt.date(2024, 2, 29)
    assert months_after(dt.date(2022, 8, 31), 6) == dt.date(2023, 2, 28)


@settings(max_examples=100)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_every_date_falls_in_the_partnership_year_that_holds_it(day):
    start, end = year_bounds(year_of(day))
    assert start.date() <= day < end.date()
