"""Forms for the front door: one question per page, GOV.UK error wording."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.forms import GovukDateField, TextField
from safeguard.people.identifiers import (
    is_valid_nhs_number,
    is_valid_postcode,
    normalise_nhs_number,
)
from safeguard.people.models import Sex

from . import categories
from .models import Consent, Level, NoConsentReason, Outcome, PoliceFormKind, Urgency, VoiceApproach

YES_NO = [("yes", "Yes"), ("no", "No")]


class TelInput(forms.TextInput):
    """A phone number box: ``type="tel"`` brings up the phone keypad (GOV.UK telephone numbers)."""

    input_type = "tel"


def _about_you(autocomplete: str) -> dict[str, str]:
    """Attributes for a box about the person filling in the form (WCAG 2.2 success criterion 1.3.5).

    ``autocomplete`` lets browsers and assistive technology fill in and label it; names,
    phone numbers and email addresses are not spell-checked (as GOV.UK does).
    """
    return {"autocomplete": autocomplete, "spellcheck": "false"}


EMAIL_ERRORS = {
    "invalid": "Enter an email address in the correct format, like name@example.com",
    "max_length": "Email address must be 254 characters or fewer",
}


class ChildSearchForm(forms.Form):
    """Find a child already known to your agency."""

    q = forms.CharField(
        label="Search for the child",
        help_text="Name, date of birth, postcode or NHS number",
        required=False,
        max_length=200,
        error_messages={"max_length": "Search must be 200 characters or fewer"},
    )


class NewChildForm(forms.Form):
    """Describe a child who is not on Safeguard yet."""

    given_name = TextField(
        label="Given name",
        max_length=100,
        error_messages={"required": "Enter the child's given name"},
    )
    family_name = TextField(
        label="Family name",
        max_length=100,
        error_messages={"required": "Enter the child's family name"},
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        past_only=True,
        help_text="For example, 27 3 2012. Leave blank if you do not know.",
    )
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        initial=Sex.UNKNOWN,
        error_messages={
            "required": "Select the child's sex, or 'Not known'",
            "invalid_choice": "Select the child's sex, or 'Not known'",
        },
    )
    nhs_number = forms.CharField(
        label="NHS number (if you know it)",
        required=False,
        max_length=20,
        help_text="10 digits, for example 943 476 5919",
        error_messages={"max_length": "NHS number must be 10 digits"},
    )
    postcode = forms.CharField(
        label="Postcode (if you know it)",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a real postcode, like YO1 7HH"},
    )

    def clean_nhs_number(self) -> str:
        """Check the NHS number's check digit."""
        value = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if value and not is_valid_nhs_number(value):
            raise forms.ValidationError("Enter a real NHS number, like 943 476 5919")
        return value

    def clean_postcode(self) -> str:
        """Check the postcode has the right shape."""
        value = self.cleaned_data.get("postcode", "").strip()
        if value and not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like YO1 7HH")
        return value


class ConcernForm(forms.Form):
    """What the concern is about."""

    categories = forms.MultipleChoiceField(
        label="What is the concern about?",
        help_text="Select all that apply.",
        choices=categories.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select what the concern is about",
            "invalid_choice": "Select what the concern is about from the list",
        },
    )


class WhatHappenedForm(forms.Form):
    """What happened and when."""

    what_happened = TextField(
        label="What happened?",
        noun="what happened",
        help_text="Describe what you saw, heard or were told, in the words used if you can.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter what happened"},
    )
    happened_on = GovukDateField(
        label="When did it happen?",
        noun="the date it happened",
        past_only=True,
        help_text="For example, 27 3 2025. If it happened over time, give the most recent date.",
        error_messages={"required": "Enter the date it happened"},
    )


class ChildVoiceForm(forms.Form):
    """The child's voice: required on every contact; PRESENT for a child who cannot speak.

    A pre-verbal or non-verbal child cannot say what life is like for them, so the
    question follows the partnership's PRESENT approach instead: what the child's
    presentation, behaviour and interactions show. The page shows the question that
    fits (GOV.UK conditional reveal); the record keeps which was used.
    """

    voice_approach = forms.ChoiceField(
        label="Can the child tell you in words what life is like for them?",
        help_text="Babies, very young children and children who do not use words cannot.",
        choices=[
            (VoiceApproach.WORDS, "Yes"),
            (VoiceApproach.PRESENT, "No, the child is pre-verbal or non-verbal"),
        ],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select whether the child can tell you in words"},
    )
    child_voice = TextField(
        label="What did the child say, and what is life like for them?",
        noun="what the child said",
        help_text="Use the child's own words where you can.",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    child_presentation = TextField(
        label="What do the child's presentation, behaviour and interactions show?",
        help_text=(
            "Describe what you saw: how the child looked and was cared for, how they "
            "behaved, and how they responded to the people around them."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        """The answer the chosen approach asks for is required."""
        data = super().clean() or {}
        approach = data.get("voice_approach") or VoiceApproach.WORDS
        data["voice_approach"] = approach
        if approach == VoiceApproach.PRESENT:
            if not (data.get("child_presentation") or "").strip() and not self.has_error(
                "child_presentation"
            ):
                self.add_error(
                    "child_presentation",
                    "Enter what the child's presentation, behaviour and interactions show",
                )
        elif not (data.get("child_voice") or "").strip() and not self.has_error("child_voice"):
            self.add_error(
                "child_voice", "Enter what the child said and what life is like for them"
            )
        return data


class DangerForm(forms.Form):
    """Immediate danger."""

    immediate_danger = forms.ChoiceField(
        label="Is the child in immediate danger?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the child is in immediate danger",
            "invalid_choice": "Select yes if the child is in immediate danger",
        },
    )


class FamilyForm(forms.Form):
    """What the family knows."""

    family_knows = TextField(
        label="What does the family know about your concern?",
        noun="what the family knows",
        help_text="For example, what you have told the parents or carers and how they reacted.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the family knows about your concern"},
    )


class ConsentForm(forms.Form):
    """Consent, or the lawful reason for not asking (asked only when the family was not asked)."""

    conditional_reveals = {"consent": {Consent.NOT_ASKED.value: ("no_consent_reason",)}}

    consent = forms.ChoiceField(
        label="Did the family agree to you sharing this concern?",
        choices=Consent.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the family agreed to you sharing this concern",
            "invalid_choice": "Select whether the family agreed to you sharing this concern",
        },
    )
    no_consent_reason = forms.ChoiceField(
        label="Why did you not ask the family?",
        help_text="You do not need consent when asking would put someone at risk, undermine a "
        "serious-crime investigation or delay protecting the child.",
        choices=NoConsentReason.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select why you did not ask the family"},
    )

    def clean(self) -> dict[str, Any]:
        """A reason is required when the family was not asked."""
        data = super().clean() or {}
        if data.get("consent") == Consent.NOT_ASKED and not data.get("no_consent_reason"):
            self.add_error("no_consent_reason", "Select why you did not ask the family")
        if data.get("consent") != Consent.NOT_ASKED:
            data["no_consent_reason"] = ""
        return data


class OthersForm(forms.Form):
    """Others involved."""

    others_involved = TextField(
        label="Who else is involved? (optional)",
        noun="who else is involved",
        help_text="Other adults, children or professionals, and how to reach them if you know.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class ReferrerForm(forms.Form):
    """How the MASH can reach the referrer."""

    referrer_name = TextField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs=_about_you("name")),
        error_messages={"required": "Enter your name"},
    )
    referrer_role = TextField(
        label="Your role",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    referrer_phone = forms.CharField(
        label="Phone number",
        max_length=40,
        widget=TelInput(attrs=_about_you("tel")),
        error_messages={
            "required": "Enter a phone number we can call you on",
            "max_length": "Phone number must be 40 characters or fewer",
        },
    )
    referrer_email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs=_about_you("email")),
        help_text="We will send the receipt and the outcome here.",
        error_messages={"required": "Enter your email address", **EMAIL_ERRORS},
    )


class InformationRequestForm(forms.Form):
    """Ask an agency what it knows."""

    agency = forms.ModelChoiceField(  # type: ignore[var-annotated]
        label="Agency",
        queryset=None,
        error_messages={
            "required": "Select the agency you are asking",
            "invalid_choice": "Select the agency you are asking",
        },
    )
    question = TextField(
        label="What are you asking?",
        noun="what you are asking",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you are asking"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from safeguard.core.models import Agency

        self.fields["agency"].queryset = Agency.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]


class InformationAnswerForm(forms.Form):
    """What the agency said."""

    answer = TextField(
        label="What did the agency tell you?",
        noun="what the agency told you",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the agency told you"},
    )


class RequestReplyForm(forms.Form):
    """The asked agency's answer to a request for information."""

    answer = TextField(
        label="What does your agency know?",
        help_text=(
            "What your agency knows about the children and their family that helps the MASH "
            "decide: recent contact, incidents, concerns, who works with them. Say if you "
            "know nothing."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what your agency knows"},
    )


class ThresholdDecisionForm(forms.Form):
    """A level on the continuum of need, what happens next and why."""

    level = forms.TypedChoiceField(
        label="Level on the continuum of need",
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a level on the continuum of need",
            "invalid_choice": "Select a level on the continuum of need",
        },
    )
    outcome = forms.ChoiceField(
        label="What happens next?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what happens next",
            "invalid_choice": "Select what happens next",
        },
    )
    rationale = TextField(
        label="Why did you make this decision?",
        noun="why you made this decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter why you made this decision"},
    )
    message_to_referrer = TextField(
        label="What should the referrer be told?",
        noun="the message for the referrer",
        help_text="Only what they need to know to support the child. They will not see your reasons.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the referrer should be told"},
    )
    confirm_awaited = forms.BooleanField(
        label="Decide without waiting for the agencies that have not answered",
        required=False,
    )


class SignOffForm(forms.Form):
    """A manager agrees, or sends the decision back."""

    action = forms.ChoiceField(
        label="Do you agree with this decision?",
        choices=[("approve", "Yes, sign it off"), ("return", "No, send it back")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you agree with this decision",
            "invalid_choice": "Select whether you agree with this decision",
        },
    )
    note = TextField(
        label="Why are you sending it back?",
        noun="the note",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    conditional_reveals = {"action": {"return": ("note",)}}

    def clean(self) -> dict[str, Any]:
        """A reason is needed to send a decision back."""
        data = super().clean() or {}
        if data.get("action") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why you are sending the decision back")
        return data


MISSING_KINDS = [
    (PoliceFormKind.MISSING_PERSON, "They are missing now"),
    (PoliceFormKind.MISSING_RETURNED, "They have come back (returned)"),
    (
        PoliceFormKind.MISSING_FURTHER_INFORMATION,
        "I have more information about someone already reported",
    ),
]


class PoliceFormBase(forms.Form):
    """What every police partner form asks."""

    subject_name = TextField(
        label="Name of the person this is about",
        max_length=200,
        error_messages={"required": "Enter the name of the person this is about"},
    )
    subject_date_of_birth = GovukDateField(
        label="Their date of birth",
        required=False,
        past_only=True,
        help_text="For example, 27 3 2010. Leave blank if you do not know.",
    )
    location = TextField(
        label="Where are they, or where were they last seen?",
        noun="where they are",
        max_length=500,
        required=False,
    )
    details = TextField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the details"},
    )
    contact_name = TextField(
        label="Your name",
        max_length=200,
        widget=forms.TextInput(attrs=_about_you("name")),
        error_messages={"required": "Enter your name"},
    )
    contact_phone = forms.CharField(
        label="Your phone number",
        max_length=40,
        widget=TelInput(attrs=_about_you("tel")),
        required=False,
        error_messages={"max_length": "Phone number must be 40 characters or fewer"},
    )
    contact_email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs=_about_you("email")),
        help_text="We will send the receipt here.",
        error_messages={"required": "Enter your email address", **EMAIL_ERRORS},
    )

    extra_fields: tuple[str, ...] = ()

    def answers(self) -> dict[str, str]:
        """The form's own questions, for the record."""
        return {name: str(self.cleaned_data.get(name) or "") for name in self.extra_fields}


class MissingPersonForm(PoliceFormBase):
    """Missing person, returned, or further information."""

    kind = forms.ChoiceField(
        label="What are you telling the police?",
        choices=MISSING_KINDS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you are telling the police",
            "invalid_choice": "Select what you are telling the police",
        },
    )
    last_seen = TextField(
        label="When were they last seen, or when did they come back?",
        noun="when they were last seen",
        max_length=200,
        required=False,
    )
    related_reference = forms.CharField(
        label="Police reference for the missing report (if you have it)",
        max_length=40,
        required=False,
        error_messages={"max_length": "Reference must be 40 characters or fewer"},
    )
    field_order = [
        "kind",
        "subject_name",
        "subject_date_of_birth",
        "last_seen",
        "location",
        "details",
        "related_reference",
    ]
    extra_fields = ("last_seen",)


class WelfareCheckForm(PoliceFormBase):
    """Ask the police to check on someone's welfare."""

    why_police = TextField(
        label="Why do you need the police rather than your own service?",
        noun="why you need the police",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you need the police"},
    )
    extra_fields = ("why_police",)


class MentalHealthActForm(PoliceFormBase):
    """Ask the police to help with a Mental Health Act assessment."""

    assessment_when = TextField(
        label="When and where is the assessment planned?",
        noun="when and where the assessment is planned",
        max_length=500,
        error_messages={"required": "Enter when and where the assessment is planned"},
    )
    risks = TextField(
        label="What risks should officers know about?",
        noun="the risks",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the risks officers should know about"},
    )
    extra_fields = ("assessment_when", "risks")


class PartnerIntelligenceForm(PoliceFormBase):
    """Community partner intelligence (goes straight to the intelligence unit)."""

    source_grading = forms.ChoiceField(
        label="How do you know this?",
        choices=[
            ("seen", "I saw or heard it myself"),
            ("told_reliable", "Someone I trust told me"),
            ("told_unknown", "Someone told me and I do not know if it is right"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you know this",
            "invalid_choice": "Select how you know this",
        },
    )
    extra_fields = ("source_grading",)


POLICE_FORMS: dict[str, tuple[type[PoliceFormBase], str, str]] = {
    # slug: (form, title, kind (for forms with one kind))
    "missing-person": (MissingPersonForm, "Missing person", ""),
    "welfare-check": (
        WelfareCheckForm,
        "Request police help with a welfare check",
        PoliceFormKind.WELFARE_CHECK,
    ),
    "mental-health-act": (
        MentalHealthActForm,
        "Request police help with a Mental Health Act assessment",
        PoliceFormKind.MENTAL_HEALTH_ACT,
    ),
    "partner-intelligence": (
        PartnerIntelligenceForm,
        "Community partner intelligence",
        PoliceFormKind.PARTNER_INTELLIGENCE,
    ),
}


def police_answers_shown(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """A police form's own answers as people read them: the question, and the label of a code.

    The record keeps codes (``told_reliable``); pages show "Someone I trust told me".
    """
    fields: dict[str, forms.Field] = {}
    for form_class, _title, _kind in POLICE_FORMS.values():
        fields.update(form_class.base_fields)
    shown = []
    for name, value in (answers or {}).items():
        field = fields.get(name)
        label = str(field.label) if field is not None and field.label else name.replace("_", " ")
        text = str(value)
        choices = dict(getattr(field, "choices", None) or []) if field is not None else {}
        text = str(choices.get(text, text))
        shown.append((label, text))
    return shown


class AmendDecisionForm(ThresholdDecisionForm):
    """A manager corrects a final decision and says why (the earlier version is kept)."""

    reason = TextField(
        label="Why are you amending the decision?",
        help_text="This stays with the MASH. The referrer is told the new outcome, not why.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are amending the decision"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """An amendment is of a decision already made: no question about awaited answers."""
        super().__init__(*args, **kwargs)
        del self.fields["confirm_awaited"]


class UrgencyForm(forms.Form):
    """The MASH changes how urgent a contact is; its deadline follows."""

    urgency = forms.TypedChoiceField(
        label="How urgent is this contact?",
        choices=Urgency.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how urgent the contact is",
            "invalid_choice": "Select how urgent the contact is",
        },
    )
    reason = TextField(
        label="Why has the urgency changed?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why the urgency has changed"},
    )


class CorrectionForm(forms.Form):
    """A correction to an agency's answer, kept beside the original."""

    correction = TextField(
        label="What is the correction?",
        help_text="The original answer stays as it was; the correction is shown beside it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the correction"},
    )


class ChallengeForm(forms.Form):
    """A referrer or partner disagrees with a decision (or escalates their challenge)."""

    reason = TextField(
        label="Why do you disagree with the decision?",
        help_text="Say what you know that makes you think the decision is wrong.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you disagree with the decision"},
    )


class ChallengeResolveForm(forms.Form):
    """How this stage of the escalation pathway resolved a challenge."""

    resolution = TextField(
        label="How have you resolved the challenge?",
        help_text="The person who raised it is sent this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter how you have resolved the challenge"},
    )
    decision_changed = forms.BooleanField(
        label="The decision has been or will be amended", required=False
    )
