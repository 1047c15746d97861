"""When recurring meetings fall: weekly or monthly dates, moved off weekends' and bank holidays.

Pure date arithmetic (no database): a schedule meets on a weekday, every week or on
the n-th (or last) such weekday of each month, at a UK clock time. A date that falls
on a bank holiday of England and Wales moves to the next working day. Each start is
returned in UTC, so a meeting at 10:00 stays at 10:00 UK time across daylight-saving
changes (09:00 or 10:00 UTC).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from safeguard.core.clock import UK, is_working_day, next_working_day

LAST = 5  # week_of_month meaning "the last one in the month"
MAX_OCCURRENCES = 400


@dataclass(frozen=True)
class Occurrence:
    """One date of a schedule: when it starts (UTC) and the date it moved from, if it moved."""

    starts_at: dt.datetime
    moved_from: dt.date | None = None


def nth_weekday(year: int, month: int, weekday: int, week_of_month: int) -> dt.date:
    """The n-th ``weekday`` of the month (1 to 4), or the last one (5)."""
    days = [
        day
        for day in calendar.Calendar().itermonthdates(year, month)
        if day.month == month and day.weekday() == weekday
    ]
    return days[-1] if week_of_month >= LAST else days[week_of_month - 1]


def _nominal_dates(
    frequency: str, weekday: int, week_of_month: int | None, starts_on: dt.date, until: dt.date
) -> list[dt.date]:
    dates: list[dt.date] = []
    if frequency == "weekly":
        day = starts_on + dt.timedelta(days=(weekday - starts_on.weekday()) % 7)
        while day <= until and len(dates) < MAX_OCCURRENCES:
            dates.append(day)
            day += dt.timedelta(days=7)
        return dates
    if frequency == "monthly":
        year, month = starts_on.year, starts_on.month
        while len(dates) < MAX_OCCURRENCES:
            day = nth_weekday(year, month, weekday, week_of_month or 1)
            if day > until:
                break
            if day >= starts_on:
                dates.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return dates
    raise ValueError(f"A schedule repeats weekly or monthly, not {frequency!r}")


def occurrences(
    *,
    frequency: str,
    weekday: int,
    start_time: dt.time,
    starts_on: dt.date,
    until: dt.date,
    week_of_month: int | None = None,
) -> list[Occurrence]:
    """Every meeting date from ``starts_on`` to ``until``, moved off days that are not working days."""
    if not 0 <= weekday <= 6:  # noqa: PLR2004 - Monday to Sunday
        raise ValueError("weekday is 0 (Monday) to 6 (Sunday)")
    result = []
    for nominal in _nominal_dates(frequency, weekday, week_of_month, starts_on, until):
        day = nominal if is_working_day(nominal) else next_working_day(nominal)
        local = dt.datetime.combine(day, start_time, tzinfo=UK)
        result.append(
            Occurrence(
                starts_at=local.astimezone(dt.UTC), moved_from=None if day == nominal else nominal
            )
        )
    return result
