"""The shared field factories (core/fields.py): one line per field, GOV.UK wording, one set of checks."""

from __future__ import annotations

import datetime as dt

from django import forms

from safeguard.core.fields import (
    TIME_HELP,
    TimeOfDayField,
    long_text,
    radios,
    reason_field,
    short_text,
)


class ChangeForm(forms.Form):
    what = long_text("What happened", "Enter what happened", help_text="In your own words.")
    notes = long_text("Anything else", required=False)
    given_to = short_text("Who was it given to?", "Enter who it was given to", max_length=20)
    colour = radios(
        [("red", "Red"), ("green", "Green")],
        label="Which colour?",
        required_message="Select the colour",
    )
    reason = reason_field("Why are you changing it?", "Enter why you are changing it")
    at = TimeOfDayField(label="At what time? (optional)", required=False)
    starts = TimeOfDayField(label="Start time", error_messages={"required": "Enter the start time"})


GOOD = {
    "what": "A push in the playground",
    "given_to": "Mother",
    "colour": "red",
    "reason": "The date was wrong",
    "starts": "14:00",
}


def _errors(**changed: str) -> dict[str, list[str]]:
    form = ChangeForm({**GOOD, **changed})
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


class TestFreeText:
    def test_a_missing_answer_gets_its_own_enter_message(self) -> None:
        errors = _errors(what="", given_to="", reason="  ")
        assert errors["what"] == ["Enter what happened"]
        assert errors["given_to"] == ["Enter who it was given to"]
        assert errors["reason"] == ["Enter why you are changing it"]

    def test_an_optional_answer_may_be_left_out(self) -> None:
        assert "notes" not in _errors(notes="")

    def test_too_long_an_answer_says_the_limit(self) -> None:
        assert _errors(what="x" * 5001)["what"] == [
            "What happened must be 5,000 characters or fewer"
        ]
        assert _errors(given_to="x" * 21)["given_to"] == [
            "Your answer must be 20 characters or fewer"
        ]

    def test_invisible_control_characters_are_refused(self) -> None:
        assert _errors(reason="wrong\x07 date")["reason"] == [
            "Remove the invisible control characters from this text"
        ]

    def test_long_text_is_a_text_area_and_short_text_one_line(self) -> None:
        html = str(ChangeForm())
        assert '<textarea name="what"' in html
        assert '<input type="text" name="given_to"' in html
        assert "In your own words." in html

    def test_the_reason_is_always_required(self) -> None:
        assert reason_field().required is True
        assert _errors(reason="")["reason"]


class TestRadios:
    def test_no_choice_gets_its_own_select_message(self) -> None:
        assert _errors(colour="")["colour"] == ["Select the colour"]

    def test_they_render_as_govuk_radios(self) -> None:
        assert 'class="govuk-radios__input"' in str(ChangeForm())


class TestTimeOfDay:
    def test_a_typed_time_becomes_a_time(self) -> None:
        form = ChangeForm({**GOOD, "at": "09.30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["at"] == dt.time(9, 30)
        assert form.cleaned_data["starts"] == dt.time(14, 0)

    def test_an_optional_time_left_out_is_none(self) -> None:
        form = ChangeForm(GOOD)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["at"] is None

    def test_a_time_that_is_not_one_says_how_to_type_it(self) -> None:
        # A question as the label is never pasted into the message.
        assert _errors(at="half past nine")["at"] == ["The time must be a time like 09:30 or 14:00"]
        assert _errors(starts="25:00")["starts"] == [
            "Start time must be a time like 09:30 or 14:00"
        ]

    def test_a_required_time_left_out_gets_its_message(self) -> None:
        assert _errors(starts="")["starts"] == ["Enter the start time"]

    def test_the_hint_says_the_24_hour_clock_and_a_stored_time_shows_as_hours_and_minutes(
        self,
    ) -> None:
        html = str(ChangeForm(initial={"at": dt.time(7, 5)}))
        assert TIME_HELP in html
        assert 'value="07:05"' in html

    def test_a_translated_hint_is_shown_in_the_active_language(self) -> None:
        from django.utils.translation import gettext_lazy

        class EventTimes(forms.Form):
            start = TimeOfDayField(label="Start time", help_text=gettext_lazy("Type it as 14:00"))

        assert "Type it as 14:00" in str(EventTimes())
