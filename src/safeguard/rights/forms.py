"""Forms for subject access and retention, with GOV.UK error wording."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.errors import InvalidRequest
from safeguard.core.forms import GovukDateField, TextField

from .models import SubjectAccessItem, SubjectAccessRequest
from .subject_access import open_reason_clean

REASON_HELP = (
    "For example, 'Letter from the child's mother received on 3 March asking for a copy'. "
    "It is recorded, and shown to the person in the copy of their record."
)


def _reason(text: str) -> str:
    try:
        return open_reason_clean(text)
    except InvalidRequest as exc:
        raise forms.ValidationError(exc.message) from None


class FindForm(forms.Form):
    """Find the person a request is about, giving the reason (recorded) first."""

    q = forms.CharField(
        label="Find the person the request is about",
        help_text="Name and date of birth, NHS number, or record number",
        max_length=200,
        error_messages={
            "required": "Enter a name and date of birth, an NHS number or a record number"
        },
    )
    reason = TextField(
        label="Why are you looking for this person?",
        help_text=REASON_HELP,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why you are looking for this person"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})

    def clean_reason(self) -> str:
        """A reason in real words."""
        return _reason(self.cleaned_data["reason"])


class SubjectAccessRequestForm(forms.Form):
    """Record who asked for a copy, their relationship to the person, and when it arrived."""

    requester_kind = forms.ChoiceField(
        label="Who asked?",
        choices=SubjectAccessRequest.Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who asked for the copy"},
    )
    requester_name = TextField(
        label="Name of the person who asked",
        max_length=200,
        error_messages={"required": "Enter the name of the person who asked"},
    )
    received_on = GovukDateField(
        label="Date the request was received",
        past_only=True,
        help_text="For example, 27 3 2026. The reply is due one calendar month later.",
    )
    open_reason = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class IdentityForm(forms.Form):
    """What proof of identity was seen, and when it arrived if it had to be asked for."""

    evidence = TextField(
        label="What proof of identity did you see?",
        help_text="For example, 'Passport and a council tax bill in the same name and address, "
        "seen at the front desk'.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the proof of identity you saw"},
    )
    evidence_received_on = GovukDateField(
        label="Date the proof of identity arrived",
        required=False,
        past_only=True,
        help_text="Only if you had to ask for it after the request arrived: the one-month clock "
        "then starts on this date. Leave blank if the proof came with the request.",
    )


class StandingForm(forms.Form):
    """Why this requester may have this person's information; the fields depend on who asked."""

    parental_responsibility_evidence = TextField(
        label="How was parental responsibility confirmed?",
        help_text="For example, 'Birth certificate names her as mother; no court order limits it'.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child_competent = forms.ChoiceField(
        label="Does the child understand their rights well enough to decide for themselves?",
        help_text="Children from about 12 usually do, but judge each child.",
        choices=SubjectAccessRequest.Competence.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    child_view = forms.ChoiceField(
        label="Was the child asked whether they agree to the copy going to the parent?",
        help_text="Record this for a child aged 12 or over, or any child who can decide.",
        choices=SubjectAccessRequest.ChildView.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    child_view_notes = TextField(
        label="What the child said, or why they were not asked",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    authority_evidence = TextField(
        label="What written authority did you see?",
        help_text="For example, 'Signed letter of authority from the person, dated 1 March, "
        "naming the solicitor'.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, requester_kind: str, child: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = SubjectAccessRequest.Requester
        keep: set[str] = set()
        if requester_kind == kinds.SUBJECT and child:
            keep = {"child_competent"}
        elif requester_kind == kinds.PARENT:
            keep = {
                "parental_responsibility_evidence",
                "child_competent",
                "child_view",
                "child_view_notes",
            }
        elif requester_kind == kinds.REPRESENTATIVE:
            keep = {"authority_evidence"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class ExtendForm(forms.Form):
    """Extend the deadline for a complex request, with the reason the requester was told."""

    months = forms.TypedChoiceField(
        label="By how many further months?",
        choices=[(1, "1 month"), (2, "2 months")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select one or two further months"},
    )
    reason = TextField(
        label="Why is the request complex, or why are there many requests?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the request is complex or why there are many requests"
        },
    )
    told_on = GovukDateField(
        label="Date the requester was told about the extension",
        past_only=True,
        help_text="They must be told, with the reason, within the first month.",
    )


class ItemDecisionForm(forms.Form):
    """Release, redact or withhold one record."""

    decision = forms.ChoiceField(
        label="What should happen to this record?",
        choices=SubjectAccessItem.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what to do with this record"},
    )
    redacted_fields = forms.MultipleChoiceField(
        label="If redacting: which parts hold information about other people?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = TextField(
        label="Reasons and notes",
        help_text="Release in full, with information about others: why that is reasonable. "
        "Redact: what was redacted and why. Serious harm: the professional's opinion. "
        "Another exemption: why it applies.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    data_kind = forms.ChoiceField(
        label="If withholding for serious harm: what kind of information is it?",
        choices=SubjectAccessItem.DataKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    professional_name = TextField(
        label="Name of the health or social work professional who gave the opinion",
        required=False,
        max_length=200,
    )
    professional_role = TextField(label="Their role", required=False, max_length=200)
    opinion_on = GovukDateField(
        label="Date of the opinion",
        required=False,
        past_only=True,
        help_text="It must be from the last 6 months.",
    )
    exemption = forms.ChoiceField(
        label="If withholding under another exemption: which one?",
        choices=SubjectAccessItem.Exemption.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, labels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["redacted_fields"].choices = [(label, label) for label in labels]  # type: ignore[attr-defined]
        if not labels:
            del self.fields["redacted_fields"]


class RefuseForm(forms.Form):
    """Why the request is closed without a copy."""

    reason = TextField(
        label="Why is the request being closed without a copy?",
        help_text="For example, 'The child is competent and does not want her father to have a "
        "copy; father told by letter on 4 March'.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the request is closed without a copy"},
    )


class KeepForm(forms.Form):
    """Why a record due for deletion is being kept."""

    reason = TextField(
        label="Why should this record be kept?",
        max_length=2000,
        error_messages={"required": "Enter why the record should be kept"},
    )
