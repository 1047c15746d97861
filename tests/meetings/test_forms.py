"""The times typed on the meetings forms: the shared time-of-day field, with each form's words."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.meetings.forms import ArrangeForm, MoveForm, ScheduleForm

pytestmark = pytest.mark.django_db

START_TIMES = [
    (ArrangeForm, "Start time", "Enter the time the meeting starts"),
    (ScheduleForm, "Start time", "Enter the time the meetings start"),
    (MoveForm, "New start time", "Enter the new time the meeting starts"),
]


class TestTheStartTime:
    @pytest.mark.parametrize(("form_class", "label", "_required"), START_TIMES)
    def test_a_time_that_is_not_one_says_how_to_type_it(self, form_class, label, _required):
        form = form_class({"time": "half past"})
        assert form.errors["time"] == [f"{label} must be a time like 09:30 or 14:00"]

    @pytest.mark.parametrize(("form_class", "_label", "required"), START_TIMES)
    def test_a_start_time_left_out_gets_its_own_message(self, form_class, _label, required):
        assert form_class({"time": " "}).errors["time"] == [required]

    @pytest.mark.parametrize(("form_class", "_label", "_required"), START_TIMES)
    def test_a_time_typed_with_a_dot_is_read(self, form_class, _label, _required):
        form = form_class({"time": "14.30"})
        form.is_valid()
        assert "time" not in form.errors
        assert form.cleaned_data["time"] == dt.time(14, 30)

    def test_the_hint_says_the_24_hour_clock(self):
        assert "Use the 24-hour clock, for example 09:30 or 14:00 (UK time)" in str(MoveForm())


class TestTheTimeTheClockStarted:
    def test_it_is_optional(self):
        form = ArrangeForm({"time": "10:00", "clock_time": ""})
        form.is_valid()
        assert "clock_time" not in form.errors
        assert form.cleaned_data["clock_time"] is None

    def test_a_time_that_is_not_one_names_the_decision(self):
        form = ArrangeForm({"time": "10:00", "clock_time": "25:00"})
        assert form.errors["clock_time"] == [
            "The time of the decision must be a time like 09:30 or 14:00"
        ]
