"""The training app's forms: booking, changing a booking, the register, evaluation, surveys."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.fields import TimeOfDayField
from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.models import User

from .models import ELEMENTS, Likelihood, Mode, PracticeChange, Rating, Skill


class BookForForm(forms.Form):
    """A manager books a place for someone in their team."""

    learner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who in your team is coming?",
        empty_label="Select a person",
        error_messages={"required": "Select who in your team is coming"},
    )

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["learner"]
        field.queryset = User.objects.filter(pk__in=[m.pk for m in members])  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class BookingEndForm(forms.Form):
    """Cancel a booking, or say the learner cannot attend."""

    CHOICES = [
        ("not_attending", "I cannot attend (send apologies and free the place)"),
        ("cancel", "Cancel the booking (booked by mistake or no longer needed)"),
    ]
    what = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.RadioSelect,
        label="What do you want to do?",
        error_messages={"required": "Select whether you cannot attend or want to cancel"},
    )
    reason = TextField(
        max_length=500,
        label="Reason (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvaluationForm(forms.Form):
    """The evaluation straight after the course."""

    likelihood = forms.TypedChoiceField(
        choices=Likelihood.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How likely are you to change the way you do things because of this training?",
        error_messages={"required": "Say how likely you are to change the way you work"},
    )
    comments = TextField(
        max_length=3000,
        label="Anything else you want to tell us about the course? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = {}
        for code, label in ELEMENTS:
            fields[f"rating_{code}"] = forms.TypedChoiceField(
                choices=Rating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                label=f"How would you rate {label.lower()}?",
                error_messages={"required": f"Rate {label.lower()}"},
            )
        # Ratings first, then the rest.
        self.fields = {**fields, **self.fields}  # type: ignore[assignment]

    def ratings(self) -> dict[str, int]:
        """Element code to rating."""
        return {code: self.cleaned_data[f"rating_{code}"] for code, _ in ELEMENTS}


class ImpactForm(forms.Form):
    """The learner's six-month impact survey."""

    practice_changed = forms.ChoiceField(
        choices=PracticeChange.choices,
        widget=forms.RadioSelect,
        label="Has the training changed the way you work with children and families?",
        error_messages={"required": "Say whether the training changed the way you work"},
    )
    example = TextField(
        max_length=3000,
        label="Give an example (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ImpactManagerForm(forms.Form):
    """The manager's stage of the impact survey."""

    saw_change = forms.ChoiceField(
        choices=PracticeChange.choices,
        widget=forms.RadioSelect,
        label="Have you seen their practice change since the training?",
        error_messages={"required": "Say whether you have seen practice change"},
    )
    comments = TextField(
        max_length=3000,
        label="What have you seen? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CourseForm(forms.Form):
    """Add or change a course (the business unit)."""

    title = TextField(
        max_length=200, label="Title", error_messages={"required": "Enter the course's title"}
    )
    summary = TextField(
        max_length=2000,
        label="Summary (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = TextField(
        max_length=2000,
        label="Who is the course for?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say who the course is for"},
    )
    learning_outcomes = TextField(
        max_length=4000,
        label="Learning outcomes",
        help_text="One outcome a line.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter at least one learning outcome"},
    )
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.all(),
        required=False,
        label="What does the course train people in? (optional)",
        help_text="Coming to the course records this training, with its renewal date.",
        empty_label="Nothing recorded",
    )
    impact_asks_manager = forms.BooleanField(
        required=False, label="The six-month impact survey also asks the learner's manager"
    )


class SessionForm(forms.Form):
    """Plan a session of a course (the business unit)."""

    date = GovukDateField(label="Date of the session", future_only=True)
    start_time = TimeOfDayField(
        label="Start time", error_messages={"required": "Enter the start time"}
    )
    end_time = TimeOfDayField(label="End time", error_messages={"required": "Enter the end time"})
    mode = forms.ChoiceField(
        choices=Mode.choices,
        widget=forms.RadioSelect,
        label="How is it delivered?",
        error_messages={"required": "Select online or in person"},
    )
    joining_link = forms.URLField(
        assume_scheme="https",
        required=False,
        label="Joining link (for online sessions)",
        error_messages={"invalid": "Enter a joining link starting with https://"},
    )
    venue = TextField(max_length=300, required=False, label="Venue (for sessions in person)")
    capacity = forms.IntegerField(
        min_value=1,
        max_value=500,
        label="How many places?",
        error_messages={
            "required": "Enter how many places the session has",
            "invalid": "Places must be a number, like 20",
            "min_value": "A session needs at least 1 place",
            "max_value": "A session has at most 500 places",
        },
    )
    trainer = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
        required=False,
        label="Trainer (optional)",
        empty_label="Not chosen yet",
    )
    open_to_public = forms.BooleanField(
        required=False, label="Open to people without an account (a public event or briefing)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class CapacityForm(forms.Form):
    """Change how many places a session has."""

    capacity = forms.IntegerField(
        min_value=1,
        max_value=500,
        label="How many places?",
        error_messages={
            "required": "Enter how many places the session has",
            "invalid": "Places must be a number, like 20",
            "min_value": "A session needs at least 1 place",
            "max_value": "A session has at most 500 places",
        },
    )


class ElearningForm(forms.Form):
    """Upload the e-learning platform's CSV."""

    file = forms.FileField(
        label="The e-learning platform's spreadsheet file (CSV)",
        help_text="Columns: email, course, sector, registered_on, completed_on.",
        error_messages={"required": "Choose the spreadsheet file (CSV) to upload"},
    )

    def clean_file(self) -> str:
        """The file's text (UTF-8), at most 5 MB."""
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be 5 MB or smaller")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file must be a spreadsheet file (CSV) saved as UTF-8"
            ) from None


class TrainingRecordForm(forms.Form):
    """Record training done elsewhere."""

    learner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
        label="Who was trained?",
        empty_label="Select a person",
        error_messages={"required": "Select who was trained"},
    )
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.all(),
        label="Trained in",
        empty_label="Select the training",
        error_messages={"required": "Select what they were trained in"},
    )
    trained_on = GovukDateField(label="Date of the training", past_only=True)
    note = TextField(max_length=300, required=False, label="Where, or who trained them (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
