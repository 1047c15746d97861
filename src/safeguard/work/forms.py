"""The work app's forms: allocating, finishing and cancelling work, absences and teams."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.models import Agency, TeamPurpose

from .models import AbsenceKind


class AssignForm(forms.Form):
    """A manager gives an item to someone in the team."""

    assignee = forms.ChoiceField(
        label="Who should do this?", error_messages={"required": "Select who should do this"}
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", "Select a person")] + [
            (str(m.pk), f"{m.get_full_name() or m.username}, {m.job_title}".rstrip(", "))
            for m in members
        ]


class LeadForm(AssignForm):
    """A manager chooses a child's new lead practitioner."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].label = "Who should be the new lead practitioner?"
        self.fields["assignee"].error_messages["required"] = "Select the new lead practitioner"


class CompleteForm(forms.Form):
    """What was done."""

    outcome = TextField(
        label="What was done?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was done"},
    )


class CancelForm(forms.Form):
    """Why the work no longer needs doing."""

    reason = TextField(
        label="Why does this work no longer need doing?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why this work no longer needs doing"},
    )


class AbsenceForm(forms.Form):
    """Someone is away."""

    kind = forms.ChoiceField(
        label="Why are they away?",
        choices=AbsenceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why they are away"},
    )
    starts_on = GovukDateField(label="First day away", help_text="For example, 27 3 2026")
    ends_on = GovukDateField(
        label="Last day away (optional)",
        required=False,
        help_text="Leave blank if you do not know yet.",
    )


class CloseAccountForm(forms.Form):
    """Close an account for good."""

    reason = TextField(
        label="Why is the account being closed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'left the council on 30 November'.",
        error_messages={"required": "Enter why the account is being closed"},
    )


class TeamForm(forms.Form):
    """Set up a team."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        empty_label="Select the agency",
        error_messages={"required": "Select the agency"},
    )
    name = forms.CharField(
        label="Team name",
        max_length=200,
        help_text="Write it in full, for example 'Children's social care assessment team'.",
        error_messages={"required": "Enter the team's name"},
    )
    purpose = forms.ChoiceField(
        label="What is the team for?",
        choices=[("", "Select what the team is for"), *TeamPurpose.choices],
        error_messages={"required": "Select what the team is for"},
    )
    receives_for_agency = forms.BooleanField(
        label="This team receives requests and hand-offs sent to the agency as a whole",
        required=False,
    )
    email = forms.EmailField(
        label="Team mailbox (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.gov.uk"},
    )


class MemberForm(forms.Form):
    """Add someone to a team."""

    user = forms.ChoiceField(
        label="Who should join the team?", error_messages={"required": "Select who should join"}
    )
    is_manager = forms.BooleanField(label="They manage the team", required=False)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {str(u.pk): u for u in candidates}
        cast(forms.ChoiceField, self.fields["user"]).choices = [("", "Select a person")] + [
            (str(u.pk), f"{u.get_full_name() or u.username}, {u.job_title}".rstrip(", "))
            for u in candidates
        ]
