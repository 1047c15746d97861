"""The times typed when planning a training session: the shared time-of-day field."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.training.forms import SessionForm

pytestmark = pytest.mark.django_db


class TestASessionsTimes:
    def test_times_that_are_not_times_say_how_to_type_them(self):
        form = SessionForm({"start_time": "nine", "end_time": "25:00"})
        assert form.errors["start_time"] == ["Start time must be a time like 09:30 or 14:00"]
        assert form.errors["end_time"] == ["End time must be a time like 09:30 or 14:00"]

    def test_times_left_out_get_their_own_messages(self):
        form = SessionForm({"start_time": "", "end_time": ""})
        assert form.errors["start_time"] == ["Enter the start time"]
        assert form.errors["end_time"] == ["Enter the end time"]

    def test_typed_times_are_read_and_a_stored_time_shows_as_hours_and_minutes(self):
        form = SessionForm({"start_time": "09.30", "end_time": "12:30"})
        form.is_valid()
        assert form.cleaned_data["start_time"] == dt.time(9, 30)
        assert form.cleaned_data["end_time"] == dt.time(12, 30)
        html = str(SessionForm(initial={"start_time": dt.time(9, 5)}))
        assert 'value="09:05"' in html
        assert "Use the 24-hour clock, for example 09:30 or 14:00 (UK time)" in html
