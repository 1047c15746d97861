"""The partnership's clock: working hours, working days and round-the-clock deadlines.

Stored in UTC, shown in UK time; the property tests run across the daylight-saving
changes of several years.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.clock import (
    Clock,
    add_hours,
    add_working_days,
    add_working_hours,
    clock_start,
    describe_clock,
    due,
    is_working_day,
    office_hours,
)

UK = ZoneInfo("Europe/London")
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=dt.datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=UK)


class TestWorkingHours:
    def test_four_working_hours_in_the_morning_are_due_the_same_afternoon(self):
        assert add_working_hours(at(2025, 3, 4, 9, 0), 4) == at(2025, 3, 4, 13, 0)

    def test_hours_left_at_closing_carry_over_to_the_next_morning(self):
        # 15:30 Tuesday + 4 h: 1 h 30 min on Tuesday (closes 17:00), 2 h 30 min on Wednesday.
        assert add_working_hours(at(2025, 3, 4, 15, 30), 4) == at(2025, 3, 5, 11, 0)

    def test_a_friday_evening_request_is_due_on_monday(self):
        assert add_working_hours(at(2025, 3, 7, 19, 0), 4) == at(2025, 3, 10, 12, 30)

    def test_bank_holidays_do_not_count(self):
        # Good Friday and Easter Monday 2025 are 18 and 21 April.
        assert add_working_hours(at(2025, 4, 17, 16, 0), 2) == at(2025, 4, 22, 9, 30)


class TestRoundTheClock:
    def test_two_hours_on_a_sunday_night_are_two_hours(self):
        assert add_hours(at(2025, 3, 9, 23, 0), 2) == at(2025, 3, 10, 1, 0)

    def test_the_spring_change_does_not_add_an_hour(self):
        # Clocks go forward at 01:00 GMT on 30 March 2025: 00:30 GMT + 2 h is 03:30 BST.
        start = dt.datetime(2025, 3, 30, 0, 30, tzinfo=dt.UTC)
        assert add_hours(start, 2) == dt.datetime(2025, 3, 30, 3, 30, tzinfo=UK)
        assert add_hours(start, 2) - start == dt.timedelta(hours=2)

    def test_the_autumn_change_does_not_lose_an_hour(self):
        start = dt.datetime(2025, 10, 26, 0, 0, tzinfo=dt.UTC)
        assert add_hours(start, 2) - start == dt.timedelta(hours=2)


class TestDue:
    def test_each_clock_is_described_in_words(self):
        assert describe_clock(1, Clock.WORKING_DAYS) == "1 working day"
        assert describe_clock(4, Clock.WORKING_HOURS) == "4 working hours"
        assert describe_clock(2, "round_the_clock") == "2 hours (round the clock)"

    def test_a_naive_start_is_refused(self):
        with pytest.raises(ValueError, match="timezone-aware"):
            due(dt.datetime(2025, 3, 4, 10, 0), 1, Clock.WORKING_DAYS)  # noqa: DTZ001

    @settings(max_examples=300, deadline=None)
    @given(moments, st.integers(min_value=1, max_value=40))
    def test_working_hours_end_within_office_hours_on_a_working_day(self, start, hours):
        result = add_working_hours(start, hours)
        opening, closing = office_hours()
        local = result.astimezone(UK)
        assert is_working_day(local.date())
        assert opening <= local.time() <= closing
        assert result > start

    @settings(max_examples=300, deadline=None)
    @given(moments, st.integers(min_value=1, max_value=40))
    def test_working_hours_count_exactly_the_office_time_between(self, start, hours):
        result = add_working_hours(start, hours).astimezone(UK)
        opening, closing = office_hours()
        counted = dt.timedelta()
        moment = clock_start(start)
        while moment.date() < result.date():
            counted += dt.datetime.combine(moment.date(), closing, tzinfo=UK) - moment
            day = moment.date() + dt.timedelta(days=1)
            while not is_working_day(day):
                day += dt.timedelta(days=1)
            moment = dt.datetime.combine(day, opening, tzinfo=UK)
        counted += result - moment
        assert counted == dt.timedelta(hours=hours)

    @settings(max_examples=300, deadline=None)
    @given(moments, st.integers(min_value=1, max_value=72))
    def test_round_the_clock_is_elapsed_time_whatever_the_season(self, start, hours):
        assert add_hours(start, hours) - start == dt.timedelta(hours=hours)

    @settings(max_examples=200, deadline=None)
    @given(moments, st.integers(min_value=1, max_value=5))
    def test_working_days_land_on_a_working_day_at_the_clock_start_time(self, start, days):
        result = add_working_days(start, days).astimezone(UK)
        assert is_working_day(result.date())
        assert result.time() == clock_start(start).astimezone(UK).time()
