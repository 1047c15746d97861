"""Forms for sharing decisions, requests, break-glass and reviews (GOV.UK wording)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.models import Agency
from safeguard.people.access import RECORD_TYPES
from safeguard.people.models import ChronologyEvent

from .models import Consent, Decision, LawfulBasis, NoConsentReason, Purpose, ReviewOutcome


def _agency_choices(exclude_id: int | None) -> list[tuple[str, str]]:
    rows = Agency.objects.filter(active=True).order_by("name")
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return [("", "Select an agency")] + [(str(a.pk), a.name) for a in rows]


def _event_label(event: ChronologyEvent) -> str:
    kind = RECORD_TYPES.get(event.record_type)
    sensitive = f" [{kind.label}]" if kind is not None and kind.sensitive else ""
    return f"{timezone.localtime(event.occurred_at):%-d %b %Y}: {event.title}{sensitive}"


class ShareForm(forms.Form):
    """Share with an agency, or record a decision not to share."""

    recipient_agency = forms.ChoiceField(
        label="Which agency is this decision about sharing with?",
        error_messages={"required": "Select the agency"},
    )
    recipient_name = forms.CharField(
        label="Person at that agency (optional)",
        required=False,
        max_length=200,
        help_text="For example, the officer in the case or the named nurse.",
    )
    purpose = forms.ChoiceField(
        label="Purpose of sharing",
        choices=[("", "Select a purpose"), *Purpose.choices],
        error_messages={"required": "Select the purpose of sharing"},
    )
    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are sharing"},
    )
    consent = forms.ChoiceField(
        label="Consent from the child or family",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the child or family said about sharing"},
    )
    no_consent_reason = forms.ChoiceField(
        label="If you are sharing without consent, why?",
        choices=NoConsentReason.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only these three reasons allow sharing without consent. Leave blank if consent was given.",
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis"},
    )
    judgement = TextField(
        label="Your judgement and reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Base it on the facts of the case: why sharing (or not) is necessary and proportionate.",
        error_messages={"required": "Enter your judgement and the reasons for your decision"},
    )
    summary = TextField(
        label="Summary of what you are sharing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Share only what is relevant and accurate. Leave out details of people who could be harmed.",
    )
    items = forms.MultipleChoiceField(
        label="Records you are sharing",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Records your agency holds. Sensitive records are marked; "
            "sharing one lets the agency see that kind of record."
        ),
    )
    ends_on = GovukDateField(
        label="Access ends on",
        noun="the date access ends",
        required=False,
        future_only=True,
        help_text="Sharing gives the agency access until the end of this day. For example, 27 3 2026.",
    )

    def __init__(
        self,
        *args: Any,
        own_agency_id: int | None,
        events: list[ChronologyEvent],
        fixed_agency: Agency | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["recipient_agency"]).choices = _agency_choices(
            own_agency_id
        )
        cast(forms.ChoiceField, self.fields["items"]).choices = [
            (str(e.pk), _event_label(e)) for e in events
        ]
        if not events:
            del self.fields["items"]
        if fixed_agency is not None:
            self.fields["recipient_agency"].initial = str(fixed_agency.pk)
        if not self.is_bound:
            self.fields["ends_on"].initial = timezone.localdate() + dt.timedelta(days=30)

    def clean_recipient_agency(self) -> Agency:
        """The chosen agency, which must exist and be active."""
        value = self.cleaned_data["recipient_agency"]
        agency = (
            Agency.objects.filter(pk=value, active=True).first() if str(value).isdigit() else None
        )
        if agency is None:
            raise forms.ValidationError("Select the agency")
        return agency


class RequestForm(forms.Form):
    """Ask another agency for information about a person."""

    to_agency = forms.ChoiceField(
        label="Which agency are you asking?", error_messages={"required": "Select the agency"}
    )
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=[("", "Select a purpose"), *Purpose.choices],
        error_messages={"required": "Select the purpose of the request"},
    )
    asked = TextField(
        label="What information do you need, and why?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what information you are asking for"},
    )
    due_date = GovukDateField(
        label="Needed by",
        noun="the date it is needed by",
        future_only=True,
        help_text="For example, 27 3 2026. Police requests should be answered at the soonest opportunity.",
    )

    def __init__(self, *args: Any, own_agency_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_agency"]).choices = _agency_choices(own_agency_id)

    def clean_to_agency(self) -> Agency:
        """The chosen agency."""
        value = self.cleaned_data["to_agency"]
        agency = (
            Agency.objects.filter(pk=value, active=True).first() if str(value).isdigit() else None
        )
        if agency is None:
            raise forms.ValidationError("Select the agency")
        return agency


class BreakGlassForm(forms.Form):
    """Emergency access: a reason and the user's password again."""

    reason = TextField(
        label="What is the emergency?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Your reason is recorded, and your safeguarding lead and "
            "the child's lead practitioner are told straight away."
        ),
        error_messages={"required": "Enter what the emergency is"},
    )
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Enter your password again to confirm it is you.",
        error_messages={"required": "Enter your password"},
    )


class RevokeForm(forms.Form):
    """End access before its end date."""

    reason = TextField(
        label="Why are you ending this access?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are ending this access"},
    )


class ReviewForm(forms.Form):
    """Record the outcome of reviewing an emergency access."""

    outcome = forms.ChoiceField(
        label="Outcome of your review",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of your review"},
    )
    note = TextField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if the access was not appropriate or is unclear: say what happens next.",
    )
    end_access = forms.BooleanField(
        label="End the emergency access now",
        help_text=(
            "A 'not appropriate' outcome always ends it, and any access given on the strength of it"
        ),
        required=False,
    )


class LogFilterForm(forms.Form):
    """Filters for the Information Sharing log."""

    agency = forms.ChoiceField(label="Agency", required=False)
    purpose = forms.ChoiceField(
        label="Purpose", required=False, choices=[("", "Any purpose"), *Purpose.choices]
    )
    consent = forms.ChoiceField(
        label="Consent", required=False, choices=[("", "Any"), *Consent.choices]
    )
    decision = forms.ChoiceField(
        label="Decision", required=False, choices=[("", "Any"), *Decision.choices]
    )
    date_from = GovukDateField(label="From", noun="the start date", required=False)
    date_to = GovukDateField(label="To", noun="the end date", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [("", "Any agency")] + [
            (str(a.pk), a.name) for a in Agency.objects.order_by("name")
        ]

    def clean(self) -> dict[str, Any]:
        """The period must run forwards."""
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error(
                "date_to", "The end of the period must be the same as or after the start"
            )
        return data


class BreakGlassFindForm(forms.Form):
    """Identify one record exactly before asking for emergency access: no browsing, no partial matches."""

    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    date_of_birth = GovukDateField(label="Date of birth", required=False, past_only=True)

    def clean(self) -> dict[str, Any]:
        """Either a real NHS number, or first name, last name and date of birth together."""
        from safeguard.people.identifiers import is_valid_nhs_number, normalise_nhs_number

        data = super().clean() or {}
        nhs = (data.get("nhs_number") or "").strip()
        if nhs:
            if not is_valid_nhs_number(nhs):
                self.add_error("nhs_number", "Enter a real NHS number, like 943 476 5919")
            else:
                data["nhs_number"] = normalise_nhs_number(nhs)
            return data
        if self.errors:
            return data
        if not (data.get("given_name") and data.get("family_name") and data.get("date_of_birth")):
            raise forms.ValidationError(
                "Enter an NHS number, or the first name, last name and date of birth"
            )
        return data
