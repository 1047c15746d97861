"""Forms for finding and adding people, with GOV.UK error wording."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.errors import InvalidRequest
from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.text import reason_clean

from .access import LOOK_UP_REASON_LENGTH
from .identifiers import is_valid_nhs_number, is_valid_postcode, is_valid_upn, normalise_nhs_number
from .models import Ethnicity, Sex
from .search import MAX_QUERY_LENGTH, ParsedQuery, QueryError, parse_query


def _look_up_reason(text: str) -> str:
    """A reason to look beyond one's contacts: at least 10 visible characters, in words."""
    try:
        return reason_clean(
            text,
            min_length=LOOK_UP_REASON_LENGTH,
            min_words=2,
            blank="Enter why you need to look at this record",
            too_short=f"Reason must be at least {LOOK_UP_REASON_LENGTH} characters",
        )
    except InvalidRequest as exc:
        raise forms.ValidationError(exc.message) from None


class SearchForm(forms.Form):
    """One box: a name, date of birth, postcode or NHS number."""

    q = forms.CharField(
        label="Name, date of birth, postcode or NHS number",
        help_text="For example, 'Jayden Smith 14/03/2012', 'YO24 3AB' or '943 476 5919'.",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": f"Search must be {MAX_QUERY_LENGTH} characters or fewer"},
    )
    reason = forms.CharField(
        label="Why do you need to search all records? (Multi-Agency Safeguarding Hub staff only)",
        help_text="Only fill this in to look beyond the children in your contacts. It is recorded.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Reason must be 500 characters or fewer"},
    )

    def __init__(self, *args: Any, allow_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        if not allow_reason:
            del self.fields["reason"]

    def clean_q(self) -> ParsedQuery | None:
        """Parse the query, or say exactly what is wrong with it."""
        text = self.cleaned_data.get("q", "")
        if not text.strip():
            return None
        try:
            return parse_query(text)
        except QueryError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_reason(self) -> str:
        """A reason, when given, must say something."""
        reason = self.cleaned_data.get("reason", "")
        if not reason.strip():
            return ""
        return _look_up_reason(reason)


class LookUpReasonForm(forms.Form):
    """The reason a MASH worker gives to open a record outside their contacts."""

    reason = TextField(
        label="Why do you need to look at this record?",
        help_text="For example, 'Checking for previous contacts before deciding on a referral'.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you need to look at this record"},
    )

    def clean_reason(self) -> str:
        """Ask for a real reason."""
        return _look_up_reason(self.cleaned_data["reason"])


class PersonForm(forms.Form):
    """A person's details."""

    given_name = TextField(
        label="Given name", max_length=100, error_messages={"required": "Enter a given name"}
    )
    family_name = TextField(
        label="Family name", max_length=100, error_messages={"required": "Enter a family name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        past_only=True,
        help_text="For example, 27 3 2012. Leave blank if not known.",
    )
    date_of_birth_estimated = forms.BooleanField(
        label="The date of birth is an estimate", required=False
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, widget=forms.RadioSelect, initial=Sex.UNKNOWN
    )
    gender = TextField(label="Gender (in the person's own words)", max_length=100, required=False)
    ethnicity = forms.ChoiceField(
        label="Ethnic group", choices=Ethnicity.choices, initial=Ethnicity.NOT_KNOWN
    )
    first_language = TextField(label="First language", max_length=80, required=False)
    send = TextField(
        label="Special educational needs and disabilities (SEND)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        help_text="10 digits, for example 943 476 5919",
        error_messages={"max_length": "NHS number must be 10 digits"},
    )
    unique_pupil_number = forms.CharField(
        label="Unique Pupil Number (UPN)",
        required=False,
        max_length=20,
        help_text="A letter and 12 characters, for example A123456789012",
        error_messages={"max_length": "Unique Pupil Number must be 13 characters"},
    )
    police_reference = TextField(label="Police reference", max_length=50, required=False)

    def clean_nhs_number(self) -> str:
        """Check the NHS number's check digit."""
        value = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if value and not is_valid_nhs_number(value):
            raise forms.ValidationError("Enter a real NHS number, like 943 476 5919")
        return value

    def clean_unique_pupil_number(self) -> str:
        """Check the Unique Pupil Number's check letter."""
        value = self.cleaned_data.get("unique_pupil_number", "").replace(" ", "").upper()
        if value and not is_valid_upn(value):
            raise forms.ValidationError("Enter a real Unique Pupil Number, like A123456789012")
        return value


class NewPersonForm(PersonForm):
    """A new person, with where they live now."""

    address_line_1 = TextField(label="Address line 1", max_length=200, required=False)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        error_messages={"max_length": "Enter a real postcode, like YO1 7HH"},
    )

    field_order = [
        "given_name",
        "family_name",
        "date_of_birth",
        "date_of_birth_estimated",
        "sex",
        "address_line_1",
        "postcode",
    ]

    def clean_postcode(self) -> str:
        """Check the postcode has the right shape."""
        value = self.cleaned_data.get("postcode", "").strip()
        if value and not is_valid_postcode(value):
            raise forms.ValidationError("Enter a real postcode, like YO1 7HH")
        return value
