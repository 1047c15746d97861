"""The partnership's clock: working days, office hours, deadlines and their status.

A working day is Monday to Friday except the bank holidays of England and Wales
(from the ``holidays`` package). Office hours come from ``settings.OFFICE_HOURS``.
Every deadline is one of three kinds (:class:`Clock`):

* ``WORKING_DAYS``: the same clock time on the n-th working day after the clock
  starts (the MASH's one-working-day decision);
* ``WORKING_HOURS``: n hours of office time, carried over evenings, weekends and
  bank holidays (a request to an agency: 4 working hours);
* ``ROUND_THE_CLOCK``: n elapsed hours, whatever the day (immediate danger:
  2 hours; counted in UTC, so a daylight-saving change never adds or loses an hour).

The clock starts when something is received within office hours on a working
day, else when the office next opens. Times are stored in UTC and shown in UK time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import functools
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

UK = ZoneInfo("Europe/London")

# Red/amber/green (RAG): amber when this much time or less is left.
AMBER_WITHIN = dt.timedelta(hours=4)


@functools.lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: dt.date) -> bool:
    """Whether the day is a bank holiday in England and Wales."""
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday, not a bank holiday in England and Wales."""
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after ``day``."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def office_hours(spec: str | None = None) -> tuple[dt.time, dt.time]:
    """Opening and closing times from ``settings.OFFICE_HOURS`` (e.g. ``"08:30-17:00"``)."""
    text = spec if spec is not None else settings.OFFICE_HOURS
    try:
        start_text, end_text = text.split("-")
        start = dt.time.fromisoformat(start_text.strip())
        end = dt.time.fromisoformat(end_text.strip())
    except ValueError as exc:
        raise ValueError(f"Office hours must look like 08:30-17:00, not {text!r}") from exc
    if start >= end:
        raise ValueError("Office hours must open before they close.")
    return start, end


def in_office_hours(at: dt.datetime | None = None) -> bool:
    """Whether the MASH is open (a working day, between opening and closing time)."""
    local = (at or timezone.now()).astimezone(UK)
    start, end = office_hours()
    return is_working_day(local.date()) and start <= local.time() < end


def clock_start(received_at: dt.datetime) -> dt.datetime:
    """When the one-working-day clock starts for something received at ``received_at``."""
    local = received_at.astimezone(UK)
    start, end = office_hours()
    day = local.date()
    if is_working_day(day) and start <= local.time() < end:
        return local
    if is_working_day(day) and local.time() < start:
        return dt.datetime.combine(day, start, tzinfo=UK)
    return dt.datetime.combine(next_working_day(day), start, tzinfo=UK)


class Clock(enum.StrEnum):
    """How a deadline counts time."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    ROUND_THE_CLOCK = "round_the_clock"


def _aware(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("the start of a deadline must be timezone-aware")
    return moment


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same clock time on the ``days``-th working day after the clock starts (UK time)."""
    started = clock_start(_aware(start))
    day = started.date()
    for _ in range(days):
        day = next_working_day(day)
    return dt.datetime.combine(day, started.time().replace(tzinfo=None), tzinfo=UK)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """``hours`` of office time after the clock starts, carried over to the next working day."""
    open_at, close_at = office_hours()
    moment = clock_start(_aware(start))
    remaining = dt.timedelta(hours=hours)
    while True:
        closing = dt.datetime.combine(moment.date(), close_at, tzinfo=UK)
        available = closing - moment
        if remaining <= available:
            return moment + remaining
        remaining -= available
        moment = dt.datetime.combine(next_working_day(moment.date()), open_at, tzinfo=UK)


def add_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """``hours`` of elapsed time, round the clock (counted in UTC), shown in UK time."""
    return (_aware(start).astimezone(dt.UTC) + dt.timedelta(hours=hours)).astimezone(UK)


def due(start: dt.datetime, amount: float, clock: Clock | str) -> dt.datetime:
    """The deadline ``amount`` units of ``clock`` after ``start`` (aware, UK time)."""
    clock = Clock(clock)
    if clock is Clock.WORKING_DAYS:
        return add_working_days(start, int(amount))
    if clock is Clock.WORKING_HOURS:
        return add_working_hours(start, amount)
    return add_hours(start, amount)


def describe_clock(amount: float, clock: Clock | str) -> str:
    """'1 working day', '4 working hours', '2 hours (round the clock)'."""
    clock = Clock(clock)
    number = f"{amount:g}"
    if clock is Clock.WORKING_DAYS:
        return f"{number} working day{'' if amount == 1 else 's'}"
    if clock is Clock.WORKING_HOURS:
        return f"{number} working hour{'' if amount == 1 else 's'}"
    return f"{number} hour{'' if amount == 1 else 's'} (round the clock)"


def rag_status(due_at: dt.datetime, now: dt.datetime | None = None) -> str:
    """'red' when overdue, 'amber' within four hours of the deadline, else 'green'."""
    now = now or timezone.now()
    if now >= due_at:
        return "red"
    if due_at - now <= AMBER_WITHIN:
        return "amber"
    return "green"


RAG_LABELS = {"red": "Overdue", "amber": "Due soon", "green": "On time"}
RAG_TAG_CLASSES = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
}


def describe_interval(delta: dt.timedelta) -> str:
    """'2 days 3 hours', '5 hours 10 minutes', '12 minutes': plain words for a timer."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60

    def unit(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute")


def months_after(day: dt.date, months: int) -> dt.date:
    """The corresponding calendar date ``months`` later (or earlier, if negative).

    When that month is shorter, its last day: received 31 January, due 28 (or 29)
    February; 31 August plus 6 months is 28 (or 29) February. Used for the subject
    access clock (the ICO's rule), training renewals and impact surveys, and the
    publication of local case reviews.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
