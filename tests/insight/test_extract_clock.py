"""The extract's one-working-day deadlines, worked out for a whole column, equal ``core.clock``.

Random instants, many of them within days of a daylight-saving change or a bank holiday,
with random office hours: each due moment must be exactly what ``clock.add_working_days``
gives for the same receipt, one at a time.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core import clock
from safeguard.insight.extract import TS, decision_due, uk_date

UTC = dt.UTC
# Clock changes (01:00 UTC) and bank holidays the deadlines must step around.
EDGES = [
    dt.datetime(2025, 3, 30, 1, tzinfo=UTC),
    dt.datetime(2025, 10, 26, 1, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 1, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 1, tzinfo=UTC),
    dt.datetime(2027, 3, 28, 1, tzinfo=UTC),
    dt.datetime(2026, 12, 24, 17, tzinfo=UTC),  # Christmas, Boxing Day (Saturday), 28 December
    dt.datetime(2026, 4, 2, 12, tzinfo=UTC),  # Easter: Good Friday to Easter Monday
    dt.datetime(2026, 8, 28, 16, tzinfo=UTC),  # the summer bank holiday weekend
]
near_an_edge = st.builds(
    lambda edge, seconds: edge + dt.timedelta(seconds=seconds),
    st.sampled_from(EDGES),
    st.integers(min_value=-4 * 86_400, max_value=4 * 86_400),
)
anywhere = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=dt.datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
instants = st.one_of(near_an_edge, anywhere).map(
    lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000)
)
office_hours = st.sampled_from(["08:30-17:00", "09:00-17:30", "00:30-23:30", "07:00-19:00"])


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


class TestTheOneWorkingDayDeadline:
    @settings(max_examples=60, deadline=None)
    @given(received=st.lists(instants, min_size=1, max_size=40), hours=office_hours)
    def test_the_column_equals_the_clock_for_every_receipt(self, received, hours):
        with override_settings(OFFICE_HOURS=hours):
            column = decision_due(pa.array([_naive(moment) for moment in received], type=TS))
            expected = [_naive(clock.add_working_days(moment, 1)) for moment in received]
        assert column.to_pylist() == expected

    def test_a_missing_receipt_has_no_deadline(self):
        monday = dt.datetime(2026, 7, 6, 9, tzinfo=UTC)  # 10:00 in the UK (summer time)
        received = pa.array([None, _naive(monday)], type=TS)
        assert decision_due(received).to_pylist() == [None, _naive(monday + dt.timedelta(days=1))]

    @settings(max_examples=60, deadline=None)
    @given(moments=st.lists(instants, min_size=1, max_size=40))
    def test_the_uk_date_of_a_moment_is_the_date_on_a_uk_clock(self, moments):
        column = uk_date(pa.array([_naive(moment) for moment in moments], type=TS))
        assert column.to_pylist() == [moment.astimezone(clock.UK).date() for moment in moments]
