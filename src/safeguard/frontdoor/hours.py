"""Working days, office hours and the one-working-day decision deadline.

A working day is Monday to Friday except the bank holidays of England and
Wales (from the ``holidays`` package). The Multi-Agency Safeguarding Hub
(MASH) decides on a contact within one working day:

* received on a working day within office hours: due at the same clock time
  on the next working day;
* received before office hours on a working day: the clock starts when the
  office opens that day;
* received after office hours, at a weekend or on a bank holiday: the clock
  starts when the office opens on the next working day.

Outside office hours the Emergency Duty Team (EDT) takes urgent concerns.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

UK = ZoneInfo("Europe/London")
EMERGENCY_DUTY_TEAM_PHONE = "0300 131 2131"
MASH_PHONE = "01904 551900"
MASH_EMAIL = "MASH@york.gov.uk"

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


def decision_due(received_at: dt.datetime) -> dt.datetime:
    """The decision deadline: one working day after the clock starts (UK time, aware)."""
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    started = clock_start(received_at)
    due_day = next_working_day(started.date())
    return dt.datetime.combine(due_day, started.time().replace(tzinfo=None), tzinfo=UK)


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
