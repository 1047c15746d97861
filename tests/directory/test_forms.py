"""The times typed for an event: the shared time-of-day field, each error beside its own box."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.core.clock import UK
from safeguard.directory.forms import EventForm

pytestmark = pytest.mark.django_db


def _event(**change: str) -> dict[str, str]:
    return {
        "title": "Briefing",
        "kind": "briefing",
        "description": "About.",
        "date_day": "1",
        "date_month": "6",
        "date_year": "2030",
        "start": "14:00",
        "end": "15:30",
        "location": "Online",
        **change,
    }


class TestAnEventsTimes:
    def test_the_times_become_the_start_and_end_in_uk_time(self):
        form = EventForm(_event(start="14.00"))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["starts_at"] == dt.datetime(2030, 6, 1, 14, 0, tzinfo=UK)
        assert form.cleaned_data["ends_at"] == dt.datetime(2030, 6, 1, 15, 30, tzinfo=UK)

    def test_a_bad_end_time_is_shown_beside_the_end_time(self):
        form = EventForm(_event(end="half three"))
        assert form.errors["end"] == ["End time must be a time like 09:30 or 14:00"]
        assert "start" not in form.errors

    def test_a_bad_start_time_is_shown_beside_the_start_time(self):
        form = EventForm(_event(start="25:00"))
        assert form.errors["start"] == ["Start time must be a time like 09:30 or 14:00"]
        assert "end" not in form.errors

    def test_times_left_out_get_their_own_messages(self):
        form = EventForm(_event(start="", end=""))
        assert form.errors["start"] == ["Enter a start time"]
        assert form.errors["end"] == ["Enter an end time"]
