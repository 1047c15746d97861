"""The learning app's forms: reviews and their steps, briefings, plans and actions."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms

from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.models import Agency
from safeguard.people.models import Person

from .models import (
    Audit,
    AuditKind,
    BoardPriority,
    Briefing,
    CaseDecision,
    CaseReview,
    LocalReviewDecision,
    ReviewKind,
    Subgroup,
    Theme,
)

UUID_PATTERN = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


class ReviewForm(forms.Form):
    """Open a case review."""

    kind = forms.ChoiceField(
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        label="What kind of review is it?",
        error_messages={"required": "Select what kind of review it is"},
    )
    title = TextField(
        max_length=200,
        label="Title",
        help_text="For example 'Injury to a non-mobile baby, autumn 2026'. Never a child's name.",
        error_messages={"required": "Enter a title for the review"},
    )
    aware_on = GovukDateField(
        label="When did the partnership become aware?", noun="the date of awareness", past_only=True
    )
    incident_on = GovukDateField(
        label="When did it happen? (optional)",
        noun="the date it happened",
        past_only=True,
        required=False,
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Which agency told the partnership?",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency that told the partnership"},
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Themes (optional)",
    )
    summary = TextField(
        label="What happened (for the business unit only, not published)",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Refer to children by role, not by name.",
    )


class NotifiedForm(forms.Form):
    """When the national panel was notified."""

    notified_on = GovukDateField(
        label="When was the national panel notified?",
        noun="the date of the notification",
        past_only=True,
    )


class RapidReviewForm(forms.Form):
    """When the rapid review was completed, and the decision on a local review."""

    done_on = GovukDateField(
        label="When was the rapid review completed?",
        noun="the date the rapid review was completed",
        past_only=True,
    )
    decision = forms.ChoiceField(
        choices=[c for c in LocalReviewDecision.choices if c[0]],
        widget=forms.RadioSelect,
        label="What was decided about a local review?",
        error_messages={"required": "Select the decision on a local review"},
    )


class ConsiderCaseForm(forms.Form):
    """The business unit's decision on a case a partner sent, and why."""

    decision = forms.ChoiceField(
        choices=[c for c in CaseDecision.choices if c[0]],
        widget=forms.RadioSelect,
        label="What will the partnership do with this case?",
        error_messages={"required": "Select whether to take the case forward"},
    )
    reason = TextField(
        label="Why (the partner who sent the case reads this)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Needed when the case is not taken further. Never a child's name.",
    )


class LinkChildForm(forms.Form):
    """Link a child by the address of their record page (or its record number)."""

    person = forms.CharField(
        label="The address of the child's record page",
        help_text="Copy it from the browser's address bar on the child's page, "
        "for example https://…/people/1b2c…/",
        error_messages={"required": "Enter the address of the child's record page"},
    )

    def clean_person(self) -> Person:
        """The child whose record address (or number) was given."""
        found = UUID_PATTERN.search(self.cleaned_data["person"])
        person = (
            Person.objects.filter(pk=uuid.UUID(found.group(0)), merged_into__isnull=True).first()
            if found
            else None
        )
        if person is None:
            raise forms.ValidationError(
                "Enter the address of a child's record page, for example https://…/people/1b2c…/"
            )
        return person


class PublishReviewForm(forms.Form):
    """The learning to publish."""

    learning_summary = TextField(
        label="The learning to publish",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Use the pseudonyms (Child A). Never a name, date of birth or number.",
        error_messages={"required": "Enter the learning to publish"},
    )


class BriefingForm(forms.Form):
    """A 7 point briefing's title, its review and its seven sections."""

    title = TextField(max_length=200, label="Title", error_messages={"required": "Enter a title"})
    review = forms.ModelChoiceField(
        queryset=CaseReview.objects.all(),
        required=False,
        label="The review it comes from (optional)",
        empty_label="Not from a review",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in Briefing.SECTIONS:
            self.fields[name] = TextField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
            )


class CascadeForm(forms.Form):
    """How the agency used a briefing."""

    how_used = TextField(
        label="How did your agency use the briefing?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: discussed in every team meeting in March; added to induction.",
        error_messages={"required": "Say how your agency used the briefing"},
    )


class PlanForm(forms.Form):
    """Start an action plan for a review or an audit."""

    title = TextField(max_length=200, label="Title", error_messages={"required": "Enter a title"})
    subgroup = forms.ChoiceField(
        choices=Subgroup.choices,
        widget=forms.RadioSelect,
        label="Which subgroup monitors it?",
        error_messages={"required": "Select the subgroup that monitors the plan"},
    )
    review = forms.ModelChoiceField(
        queryset=CaseReview.objects.all(),
        required=False,
        label="The review it comes from (optional)",
        empty_label="Not from a review",
    )
    audit = forms.ModelChoiceField(
        queryset=Audit.objects.all(),
        required=False,
        label="The audit it comes from (optional)",
        empty_label="Not from an audit",
    )


class ActionForm(forms.Form):
    """Add an action to a plan."""

    description = TextField(
        label="What must be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what must be done"},
    )
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Which agency owns it?",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency that owns the action"},
    )
    due_on = GovukDateField(label="Due date", noun="the due date", future_only=False)


class EvidenceForm(forms.Form):
    """The evidence that an action is complete."""

    evidence = TextField(
        label="Evidence that the action is complete",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the evidence that the action is complete"},
    )


RAG_CHOICES = [("green", "Green"), ("amber", "Amber"), ("red", "Red")]


class AuditForm(forms.Form):
    """Ask agencies to take part in an audit."""

    kind = forms.ChoiceField(
        choices=AuditKind.choices,
        widget=forms.RadioSelect,
        label="What kind of audit is it?",
        error_messages={"required": "Select what kind of audit it is"},
    )
    title = TextField(max_length=200, label="Title", error_messages={"required": "Enter a title"})
    terms_of_reference = TextField(
        label="Terms of reference",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the terms of reference"},
    )
    voice_plan = TextField(
        label="How will the child's voice and lived experience be captured?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required for a multi-agency audit.",
    )
    sample = TextField(
        label="The cases sampled",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Case references only, never names.",
        error_messages={"required": "Enter the cases sampled"},
    )
    due_on = GovukDateField(label="When are findings due?", noun="the date findings are due")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        label="Which agencies take part?",
        error_messages={"required": "Select at least one agency to take part"},
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Themes (optional)",
    )


class FindingForm(forms.Form):
    """An agency's findings (a school's red, amber or green self-assessment)."""

    findings = TextField(
        label="Your agency's findings",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your agency's findings"},
    )
    good_practice = TextField(
        label="Good practice (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    rating = forms.ChoiceField(
        choices=RAG_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        label="Overall rating (school self-assessments)",
    )


class ModerationForm(forms.Form):
    """The moderation of a school's self-assessment."""

    rating = forms.ChoiceField(
        choices=RAG_CHOICES,
        widget=forms.RadioSelect,
        label="Moderated rating",
        error_messages={"required": "Select red, amber or green"},
    )
    note = TextField(
        label="Moderation note", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AuditCloseForm(forms.Form):
    """The partnership's learning from a completed audit."""

    good_practice = TextField(
        label="Good practice found", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    learning_points = TextField(
        label="Learning points",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the learning points"},
    )


class YouSaidForm(forms.Form):
    """An entry of the Voice and Involvement log."""

    heard_on = GovukDateField(
        label="When was it said?", noun="the date it was said", past_only=True
    )
    from_whom = TextField(
        max_length=200,
        label="Who said it",
        help_text="A group, never a named child: for example 'Young people at the youth council'.",
        error_messages={"required": "Enter who said it"},
    )
    you_said = TextField(
        label="You said",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was said"},
    )
    we_did = TextField(
        label="We did (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ContributionForm(forms.Form):
    """A partner's contribution for a financial year."""

    year = forms.IntegerField(
        label="Financial year starting in April of",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the year the financial year starts"},
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Partner",
        empty_label="Select a partner",
        error_messages={"required": "Select the partner"},
    )
    amount_pounds = forms.DecimalField(
        label="Amount in pounds",
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount",
            "invalid": "Enter the amount as a number, like 12500 or 12500.50",
        },
    )


class ChildDeathForm(forms.Form):
    """The Child Death Overview Panel's yearly summary."""

    year = forms.IntegerField(
        label="Financial year starting in April of",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the year the financial year starts"},
    )
    notifications = forms.IntegerField(
        label="Child deaths notified",
        min_value=0,
        error_messages={"required": "Enter the number of deaths notified"},
    )
    reviews_completed = forms.IntegerField(
        label="Reviews completed",
        min_value=0,
        error_messages={"required": "Enter the number of reviews completed"},
    )
    modifiable_factors = forms.IntegerField(
        label="Reviews that found modifiable factors",
        min_value=0,
        error_messages={"required": "Enter the number of reviews that found modifiable factors"},
    )
    themes = TextField(
        label="Themes (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    learning = TextField(
        label="Learning (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SubmitCaseForm(forms.Form):
    """A partner's case for learning: a near miss, good practice, or a local review request."""

    kind = forms.ChoiceField(
        choices=[
            ("near_miss", "A near miss: harm was narrowly avoided"),
            ("good_practice", "Good practice others could learn from"),
            ("local_multi_agency", "A case that needs a local multi-agency review"),
        ],
        widget=forms.RadioSelect,
        label="What kind of case is it?",
        error_messages={"required": "Select what kind of case it is"},
    )
    title = TextField(
        max_length=200,
        label="Title",
        help_text="Never a child's name.",
        error_messages={"required": "Enter a title"},
    )
    summary = TextField(
        label="What happened and what could be learned",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Refer to children by their role (the older child, the baby), not by name.",
        error_messages={"required": "Say what happened and what could be learned"},
    )


class MemberForm(forms.Form):
    """A member of a board."""

    name = TextField(
        max_length=120, label="Name", error_messages={"required": "Enter the member's name"}
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Agency",
        empty_label="Select an agency",
        error_messages={"required": "Select the member's agency"},
    )
    role = TextField(max_length=120, label="Role (optional)", required=False)


class PriorityForm(forms.Form):
    """A board's priority for a year."""

    year = forms.IntegerField(
        label="Year", min_value=2000, max_value=2100, error_messages={"required": "Enter the year"}
    )
    title = TextField(
        max_length=200, label="Priority", error_messages={"required": "Enter the priority"}
    )


class WorkPlanForm(forms.Form):
    """A line of a board's work plan."""

    description = TextField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what will be done"},
    )
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True),
        label="Which agency leads it?",
        empty_label="Select an agency",
        error_messages={"required": "Select the agency that leads it"},
    )
    due_on = GovukDateField(label="Due date", noun="the due date")
    priority = forms.ModelChoiceField(
        queryset=BoardPriority.objects.none(),
        required=False,
        label="Towards which priority? (optional)",
        empty_label="None",
    )

    def __init__(self, *args: Any, board: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if board is not None:
            self.fields["priority"].queryset = board.priorities.all()  # type: ignore[attr-defined]
