"""Recurring meetings fall on working days at the same UK clock time, whatever the season."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.clock import UK, is_bank_holiday, is_working_day
from safeguard.meetings.schedules import nth_weekday, occurrences

starts = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31))
weekdays = st.integers(min_value=0, max_value=4)
times = st.sampled_from([dt.time(9, 30), dt.time(10, 0), dt.time(14, 0), dt.time(0, 30)])


class TestWeeklySchedules:
    @settings(max_examples=60, deadline=None)
    @given(start=starts, weekday=weekdays, time=times)
    def test_every_meeting_is_on_a_working_day_at_the_same_uk_time(self, start, weekday, time):
        dates = occurrences(
            frequency="weekly",
            weekday=weekday,
            start_time=time,
            starts_on=start,
            until=start + dt.timedelta(days=370),
        )
        assert len(dates) >= 52
        for occurrence in dates:
            assert occurrence.starts_at.tzinfo == dt.UTC
            local = occurrence.starts_at.astimezone(UK)
            assert is_working_day(local.date())
            assert local.time() == time
            if occurrence.moved_from is None:
                assert local.weekday() == weekday
            else:
                assert is_bank_holiday(occurrence.moved_from)
                assert 0 < (local.date() - occurrence.moved_from).days <= 4

    def test_easter_monday_moves_to_the_tuesday(self):
        dates = occurrences(
            frequency="weekly",
            weekday=0,
            start_time=dt.time(10, 0),
            starts_on=dt.date(2026, 3, 30),
            until=dt.date(2026, 4, 13),
        )
        local = [o.starts_at.astimezone(UK).date() for o in dates]
        assert local == [dt.date(2026, 3, 30), dt.date(2026, 4, 7), dt.date(2026, 4, 13)]
        assert dates[1].moved_from == dt.date(2026, 4, 6)

    def test_ten_oclock_is_nine_utc_in_summer_and_ten_in_winter(self):
        dates = occurrences(
            frequency="weekly",
            weekday=2,
            start_time=dt.time(10, 0),
            starts_on=dt.date(2026, 3, 18),
            until=dt.date(2026, 4, 1),
        )
        hours = [o.starts_at.hour for o in dates]
        assert hours == [10, 10, 9]  # British Summer Time starts on 29 March 2026


class TestMonthlySchedules:
    @settings(max_examples=60, deadline=None)
    @given(start=starts, weekday=weekdays, week=st.integers(min_value=1, max_value=5), time=times)
    def test_one_meeting_a_month_on_a_working_day(self, start, weekday, week, time):
        dates = occurrences(
            frequency="monthly",
            weekday=weekday,
            week_of_month=week,
            start_time=time,
            starts_on=start,
            until=start + dt.timedelta(days=365),
        )
        assert 11 <= len(dates) <= 13
        nominal = [o.moved_from or o.starts_at.astimezone(UK).date() for o in dates]
        assert len({(d.year, d.month) for d in nominal}) == len(dates)
        for occurrence in dates:
            local = occurrence.starts_at.astimezone(UK)
            assert is_working_day(local.date())
            assert local.time() == time

    def test_the_last_monday_of_may_is_a_bank_holiday_so_it_moves(self):
        assert nth_weekday(2026, 5, 0, 5) == dt.date(2026, 5, 25)
        dates = occurrences(
            frequency="monthly",
            weekday=0,
            week_of_month=5,
            start_time=dt.time(10, 0),
            starts_on=dt.date(2026, 5, 1),
            until=dt.date(2026, 5, 31),
        )
        assert [o.starts_at.astimezone(UK).date() for o in dates] == [dt.date(2026, 5, 26)]
