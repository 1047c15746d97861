"""The meetings app's forms: arranging, answering, attendance, items, notes, decisions, actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from safeguard.core.fields import TimeOfDayField
from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.models import Agency

from .models import Attendance, ItemKind, MeetingKind, Response


class ArrangeForm(forms.Form):
    """Arrange a one-off meeting."""

    kind = forms.ModelChoiceField(
        queryset=MeetingKind.objects.filter(active=True),
        label="What kind of meeting is it?",
        empty_label="Select a kind of meeting",
        error_messages={"required": "Select what kind of meeting it is"},
    )
    title = TextField(
        max_length=200,
        label="Title",
        help_text="For example 'Strategy meeting, Fulford'. Never a child's name.",
        error_messages={"required": "Enter a title for the meeting"},
    )
    date = GovukDateField(label="Date of the meeting", future_only=True)
    time = TimeOfDayField(
        label="Start time", error_messages={"required": "Enter the time the meeting starts"}
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes",
        min_value=15,
        max_value=480,
        initial=60,
        error_messages={
            "required": "Enter how long the meeting is, in minutes",
            "invalid": "How long must be a number of minutes, like 60",
            "min_value": "A meeting is at least 15 minutes",
            "max_value": "A meeting is at most 480 minutes (8 hours)",
        },
    )
    location = TextField(max_length=200, label="Where", required=False)
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True).order_by("name"),
        label="Which agencies are invited?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency to invite"},
    )
    clock_date = GovukDateField(
        label="Date of the Section 47 decision or strategy discussion",
        help_text="Only for strategy meetings and conferences: their clock starts then.",
        required=False,
        past_only=True,
    )
    clock_time = TimeOfDayField(
        label="Time of the decision or discussion",
        noun="the time of the decision",
        help_text="",
        required=False,
    )


class ResponseForm(forms.Form):
    """An invited agency or person says whether they are coming."""

    response = forms.ChoiceField(
        label="Are you coming?",
        widget=forms.RadioSelect,
        choices=[
            (Response.CONFIRMED, "Yes, we are coming"),
            (Response.APOLOGIES, "No, we send our apologies"),
            (Response.SUBSTITUTE, "Someone else is coming instead"),
        ],
        error_messages={"required": "Select whether you are coming"},
    )
    substitute_name = TextField(
        max_length=120, label="Name and role of the person coming instead", required=False
    )


class AttendanceForm(forms.Form):
    """The chair records who came, agency by agency."""

    def __init__(self, *args: Any, invitations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitations = invitations
        for invitation in invitations:
            who = invitation.agency.name
            if invitation.person is not None:
                who = f"{invitation.person.get_full_name()}, {who}"
            self.fields[f"i{invitation.pk}"] = forms.ChoiceField(
                label=who,
                choices=Attendance.choices,
                initial=invitation.attendance,
            )

    def attendance(self) -> dict[int, str]:
        """Invitation id to attendance."""
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ItemForm(forms.Form):
    """Put a child, a family or a topic on the agenda."""

    kind = forms.ChoiceField(
        label="What is the item about?",
        widget=forms.RadioSelect,
        choices=ItemKind.choices,
        error_messages={"required": "Select what the item is about"},
    )
    title = TextField(
        max_length=200,
        label="Title",
        help_text="What the item is, for example 'Missing three times in October'. Never a name.",
        error_messages={"required": "Enter a title for the item (never a child's name)"},
    )
    person = forms.ChoiceField(label="Child", required=False)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        cast(forms.ChoiceField, self.fields["person"]).choices = [
            ("", "Not about one child (a topic)")
        ] + [(str(p.pk), f"{p.full_name}, born {p.date_of_birth:%-d %B %Y}") for p in people]

    def chosen_person(self) -> Any:
        """The child chosen, if any."""
        return self.people.get(self.cleaned_data.get("person") or "")


class NotesForm(forms.Form):
    """The chair's notes for an item (saved as a draft while the meeting runs)."""

    discussion = TextField(label="Discussion", required=False, widget=forms.Textarea)
    child_voice = TextField(
        label="The child's voice",
        help_text="What the child said, what they want and how they feel, in their words.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    worried_about = TextField(
        label="What are we worried about?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    working_well = TextField(
        label="What is working well?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    needs_to_happen = TextField(
        label="What needs to happen?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    safety_scale = forms.ChoiceField(
        label="Safety scale",
        help_text="0 means the child will certainly be harmed; 10 means safe enough to close.",
        required=False,
        choices=[("", "Not scored")] + [(str(n), str(n)) for n in range(11)],
    )


class DecisionForm(forms.Form):
    """A decision on an item."""

    text = TextField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the decision"},
    )


class OwnerChoiceMixin(forms.Form):
    """An owner is a person (``u<id>``) or an agency (``a<id>``)."""

    owner = forms.ChoiceField(label="Who owns the action?", required=False)
    due_on = GovukDateField(label="Due date", required=False)

    def __init__(self, *args: Any, users: list[Any], agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {f"u{u.pk}": u for u in users}
        self.agencies = {f"a{a.pk}": a for a in agencies}
        cast(forms.ChoiceField, self.fields["owner"]).choices = [
            ("", "Not decided yet"),
            ("People", [(k, f"{u.get_full_name()}, {u.agency}") for k, u in self.users.items()]),
            ("Agencies", [(k, a.name) for k, a in self.agencies.items()]),
        ]

    def owners(self) -> tuple[Any, Any]:
        """The person and the agency chosen (one of them, or neither)."""
        key = self.cleaned_data.get("owner") or ""
        return self.users.get(key), self.agencies.get(key)


class ActionForm(OwnerChoiceMixin):
    """An action on an item."""

    description = TextField(
        label="What needs to be done?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what needs to be done"},
    )
    field_order = ["description", "owner", "due_on"]


class ActionUpdateForm(OwnerChoiceMixin):
    """Give an action its owner and due date."""


class ItemInviteForm(forms.Form):
    """Invite an agency for one item only (a partner who knows just this child)."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Agency",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency to invite for this item"},
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies


WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")]
WEEKS_OF_MONTH = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (5, "Last")]


class ScheduleForm(forms.Form):
    """Set up a recurring meeting: weekly on a weekday, or monthly on the n-th weekday."""

    kind = forms.ModelChoiceField(
        queryset=MeetingKind.objects.filter(active=True),
        label="What kind of meeting is it?",
        empty_label="Select a kind of meeting",
        error_messages={"required": "Select what kind of meeting it is"},
    )
    title = TextField(
        max_length=200,
        label="Title",
        help_text="For example 'Child Exploitation Risk Assessment Panel, York'. Never a child's name.",
        error_messages={"required": "Enter a title for the meetings"},
    )
    frequency = forms.ChoiceField(
        label="How often does it meet?",
        widget=forms.RadioSelect,
        choices=[("weekly", "Every week"), ("monthly", "Once a month")],
        error_messages={"required": "Select how often it meets"},
    )
    weekday = forms.TypedChoiceField(
        label="On which day of the week?",
        choices=WEEKDAYS,
        coerce=int,
        error_messages={"required": "Select the day of the week"},
    )
    week_of_month = forms.TypedChoiceField(
        label="Which week of the month? (monthly meetings only)",
        choices=[("", "Select a week"), *WEEKS_OF_MONTH],
        coerce=int,
        empty_value=None,
        required=False,
    )
    time = TimeOfDayField(
        label="Start time", error_messages={"required": "Enter the time the meetings start"}
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes",
        min_value=15,
        max_value=480,
        initial=60,
        error_messages={
            "required": "Enter how long the meetings are, in minutes",
            "invalid": "How long must be a number of minutes, like 60",
            "min_value": "A meeting is at least 15 minutes",
            "max_value": "A meeting is at most 480 minutes (8 hours)",
        },
    )
    starts_on = GovukDateField(label="First date", future_only=True)
    ends_on = GovukDateField(
        label="Last date (optional)",
        help_text="Leave blank to set up a year of meetings.",
        required=False,
        future_only=True,
    )
    location = TextField(max_length=200, label="Where", required=False)
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True).order_by("name"),
        label="Which agencies are invited?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency to invite"},
    )

    def clean(self) -> dict[str, Any]:
        """A monthly meeting names its week; the last date is after the first."""
        data = super().clean() or {}
        if data.get("frequency") == "monthly" and not data.get("week_of_month"):
            self.add_error("week_of_month", "Select which week of the month it meets")
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last date must be on or after the first date")
        return data


class CancelForm(forms.Form):
    """Cancel a meeting, saying why (invitees are told)."""

    reason = TextField(
        max_length=2000,
        label="Why is the meeting cancelled?",
        help_text="Every invited agency is told by email. Never a child's name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the meeting is cancelled"},
    )


class MoveForm(forms.Form):
    """Move a meeting to a new date and time (invitees are told, with the updated calendar file)."""

    date = GovukDateField(label="New date", future_only=True)
    time = TimeOfDayField(
        label="New start time", error_messages={"required": "Enter the new time the meeting starts"}
    )
    reason = TextField(
        max_length=2000,
        label="Why is it moving? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
