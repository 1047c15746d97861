import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.frontdoor.hours import (
    clock_start,
    decision_due,
    in_office_hours,
    is_working_day,
    next_working_day,
    office_hours,
    rag_status,
)

UK = ZoneInfo("Europe/London")
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=dt.datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=UK)


class TestDecisionDue:
    def test_weekday_in_office_hours_is_due_same_time_next_day(self):
        assert decision_due(at(2025, 3, 4, 10, 15)) == at(2025, 3, 5, 10, 15)

    def test_friday_is_due_monday(self):
        assert decision_due(at(2025, 3, 7, 14)) == at(2025, 3, 10, 14)

    def test_saturday_starts_monday_morning_due_tuesday_morning(self):
        assert decision_due(at(2025, 3, 8, 11)) == at(2025, 3, 11, 8, 30)

    def test_after_hours_starts_next_morning(self):
        assert decision_due(at(2025, 3, 4, 18)) == at(2025, 3, 6, 8, 30)

    def test_before_hours_starts_that_morning(self):
        assert decision_due(at(2025, 3, 4, 7)) == at(2025, 3, 5, 8, 30)

    def test_christmas_eve_skips_christmas_boxing_day_and_the_weekend(self):
        # 2025: Christmas Thursday, Boxing Day Friday.
        assert decision_due(at(2025, 12, 24, 12)) == at(2025, 12, 29, 12)

    def test_easter_thursday_skips_good_friday_to_easter_monday(self):
        # 2025: Good Friday 18 April, Easter Monday 21 April.
        assert decision_due(at(2025, 4, 17, 9)) == at(2025, 4, 22, 9)

    def test_early_may_bank_holiday(self):
        assert not is_working_day(dt.date(2025, 5, 5))
        assert decision_due(at(2025, 5, 2, 16)) == at(2025, 5, 6, 16)

    def test_naive_time_is_refused(self):
        with pytest.raises(ValueError, match="aware"):
            decision_due(dt.datetime(2025, 3, 4, 10))  # noqa: DTZ001

    @settings(max_examples=300, deadline=None)
    @given(moments)
    def test_deadline_is_exactly_one_working_day_after_the_clock_starts(self, received):
        due = decision_due(received)
        started = clock_start(received)
        assert due > received
        assert is_working_day(due.date())
        assert due.date() == next_working_day(started.date())
        day = started.date() + dt.timedelta(days=1)
        while day < due.date():
            assert not is_working_day(day)
            day += dt.timedelta(days=1)
        # The longest run without a working day (Christmas + weekend) is short.
        assert due - received < dt.timedelta(days=8)

    @settings(max_examples=200, deadline=None)
    @given(moments)
    def test_within_office_hours_keeps_the_clock_time(self, received):
        local = received.astimezone(UK)
        if in_office_hours(received):
            due = decision_due(received)
            assert (due.hour, due.minute, due.second) == (local.hour, local.minute, local.second)
            assert is_working_day(local.date())
        else:
            start, _ = office_hours()
            assert clock_start(received).time() == start


class TestOfficeHours:
    def test_reads_the_setting(self, settings):
        settings.OFFICE_HOURS = "09:00-16:30"
        assert office_hours() == (dt.time(9), dt.time(16, 30))
        assert not in_office_hours(at(2025, 3, 4, 8, 45))
        assert in_office_hours(at(2025, 3, 4, 9, 0))
        assert not in_office_hours(at(2025, 3, 4, 16, 30))

    def test_bank_holiday_is_outside_office_hours(self):
        assert not in_office_hours(at(2025, 8, 25, 11))

    def test_bad_setting_is_refused(self):
        with pytest.raises(ValueError, match="08:30-17:00"):
            office_hours("half past eight")


class TestRag:
    def test_red_amber_green(self):
        due = at(2025, 3, 5, 10)
        assert rag_status(due, due + dt.timedelta(minutes=1)) == "red"
        assert rag_status(due, due - dt.timedelta(hours=3)) == "amber"
        assert rag_status(due, due - dt.timedelta(hours=10)) == "green"
