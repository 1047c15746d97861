"""Early help forms, with GOV.UK error wording. Services repeat every rule that matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.models import Agency, User
from safeguard.frontdoor import categories as concern_categories
from safeguard.frontdoor.models import Consent as MashConsent
from safeguard.frontdoor.models import NoConsentReason, VoiceApproach
from safeguard.people.models import Person

from .handoffs import StepUp
from .models import ClosureReason, FamilyConsent
from .taf import TafKind


class LeadPractitionerChoiceField(forms.ModelChoiceField):
    """A practitioner, shown with their agency."""

    def label_from_instance(self, obj: Any) -> str:
        """'Alex Mercer, Fulford School'."""
        return f"{obj}, {obj.agency}" if getattr(obj, "agency", None) else str(obj)


class ChildChoiceField(forms.ModelChoiceField):
    """A child in the family, shown by name."""

    def to_python(self, value: Any) -> Any:
        """Any value that is not one of the children is 'not a choice', never a UUID lecture."""
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def label_from_instance(self, obj: Any) -> str:
        """The child's name."""
        return obj.full_name


class ChildrenChoiceField(forms.ModelMultipleChoiceField):
    """Children in the family, shown by name and date of birth."""

    def label_from_instance(self, obj: Any) -> str:
        """'Ava Smith, born 17 May 2014'."""
        born = (
            f", born {obj.date_of_birth.day} {obj.date_of_birth:%B %Y}" if obj.date_of_birth else ""
        )
        return f"{obj.full_name}{born}"


class FindChildForm(forms.Form):
    """Find the child to start early help for."""

    q = forms.CharField(
        label="Child's name, date of birth, postcode or NHS number",
        help_text="For example, 'Ava Smith 17/05/2014'.",
        max_length=200,
        error_messages={
            "required": "Enter the child's name, date of birth, postcode or NHS number",
            "max_length": "Search must be 200 characters or fewer",
        },
    )


class EpisodeOpenForm(forms.Form):
    """Which children in the family early help is for, and why."""

    children = ChildrenChoiceField(
        label="Which children is early help for?",
        help_text="Select all that apply. Only children you can see are listed.",
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one child",
            "invalid_choice": "Select children from the list",
            "invalid_pk_value": "Select children from the list",
        },
    )
    reason = TextField(
        label="Why does the family need early help?",
        noun="why the family needs early help",
        help_text="In plain words the family would recognise.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the family needs early help"},
    )

    def __init__(self, *args: Any, children: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["children"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = children


PRESENT_LABEL = "What do the child's presentation, behaviour and interactions show?"
PRESENT_HINT = (
    "The partnership's PRESENT approach for a child who cannot speak for themselves: how "
    "the child looked and was cared for, how they behaved, and how they responded to the "
    "people around them."
)


def _voice_approach_field() -> forms.ChoiceField:
    return forms.ChoiceField(
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


def voice_clean(form: forms.Form, data: dict[str, Any], *, required: str = "") -> None:
    """Put the answer the chosen approach asked for in ``child_voice`` (and which one it was).

    ``required`` is the error for an empty answer (blank: the answer may wait, as in a draft).
    """
    approach = data.pop("voice_approach", "") or VoiceApproach.WORDS
    presentation = (data.pop("child_presentation", "") or "").strip()
    data["child_voice_approach"] = approach
    if approach == VoiceApproach.PRESENT:
        data["child_voice"] = presentation
        if required and not presentation and not form.has_error("child_presentation"):
            form.add_error(
                "child_presentation",
                "Enter what the child's presentation, behaviour and interactions show",
            )
    elif (
        required
        and not (data.get("child_voice") or "").strip()
        and not form.has_error("child_voice")
    ):
        form.add_error("child_voice", required)


def voice_initial(text: str, approach: str) -> dict[str, str]:
    """The initial values of the three voice fields for a stored voice."""
    if approach == VoiceApproach.PRESENT:
        return {"voice_approach": approach, "child_presentation": text, "child_voice": ""}
    return {"voice_approach": approach or VoiceApproach.WORDS, "child_voice": text}


class AssessmentForm(forms.Form):
    """The Early Help Assessment, on one page in sections."""

    lead_practitioner = LeadPractitionerChoiceField(
        label="Lead practitioner",
        help_text="The person who co-ordinates support and is the family's main contact.",
        queryset=User.objects.none(),
        required=False,
        empty_label="Select the lead practitioner",
        error_messages={"invalid_choice": "Select a lead practitioner from the list"},
    )
    assessment_date = GovukDateField(
        label="Date of the assessment",
        help_text="For example, 27 3 2026",
        past_only=True,
        required=False,
    )
    already_known = TextField(
        label="What is already known",
        help_text=(
            "Filled in from the children's records, the agencies working with them and their "
            "chronology, so the family does not have to repeat it. Check it and correct it."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    family_view = TextField(
        label="The family's own view",
        help_text="What the family say is happening, what they want to change and what would help.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    voice_approach = _voice_approach_field()
    child_voice = TextField(
        label="The child's voice: what they said and what life is like for them",
        help_text="In the child's own words where you can. Required to complete the assessment.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    child_presentation = TextField(
        label=PRESENT_LABEL,
        help_text=PRESENT_HINT + " Required to complete the assessment.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    needs = TextField(
        label="Needs",
        help_text="What the children and family need help with.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    strengths = TextField(
        label="Strengths",
        help_text="What is going well and who the family can rely on.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan = TextField(
        label="Plan agreed with the family",
        help_text="Who will do what, by when.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, lead_choices: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_practitioner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = lead_choices

    def clean(self) -> dict[str, Any]:
        """The child's voice goes where its approach says (words, or PRESENT)."""
        data = super().clean() or {}
        voice_clean(self, data)
        return data


def _agency_field(label: str, help_text: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=Agency.objects.filter(active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency that took part"},
    )


class TafMeetingForm(forms.Form):
    """A Team Around the Family (TAF) meeting or review."""

    kind = forms.ChoiceField(
        label="What kind of meeting was it?",
        choices=TafKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this was the first meeting or a review"},
    )
    held_on = GovukDateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2026",
        past_only=True,
        error_messages={"required": "Enter the date of the meeting"},
    )
    agencies = _agency_field(
        "Which agencies took part?", "The members of the Team Around the Family."
    )
    attendees = TextField(
        label="Who came (optional)",
        noun="the list of who came",
        help_text="Names and roles.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    family_attended = forms.BooleanField(label="The family came to the meeting", required=False)
    progress = TextField(
        label="Progress since the last meeting",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what progress the family has made"},
    )
    voice_approach = _voice_approach_field()
    child_voice = TextField(
        label="The child's voice",
        help_text="What the child said about how things are now.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    child_presentation = TextField(
        label=PRESENT_LABEL,
        help_text=PRESENT_HINT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan_update = TextField(
        label="Changes to the plan (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_review_due = GovukDateField(
        label="Date the next review is due",
        help_text="Within 6 months. For example, 27 6 2026",
        future_only=True,
        error_messages={"required": "Enter the date the next review is due"},
    )

    def clean(self) -> dict[str, Any]:
        """The next review is after the meeting."""
        data = super().clean() or {}
        held, due = data.get("held_on"), data.get("next_review_due")
        if isinstance(held, dt.date) and isinstance(due, dt.date) and due <= held:
            self.add_error("next_review_due", "The next review must be after the meeting")
        voice_clean(self, data, required="Enter what the child said about how things are now")
        return data


class SupportRecordForm(forms.Form):
    """Support an agency gave the family, for the central record of support."""

    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        empty_label="Select the agency",
        error_messages={
            "required": "Select the agency that gave the support",
            "invalid_choice": "Select an agency from the list",
        },
    )
    child = ChildChoiceField(
        label="Which child was it for? (optional)",
        help_text="Leave blank if it was for the whole family.",
        queryset=Person.objects.none(),
        required=False,
        empty_label="The whole family",
        error_messages={"invalid_choice": "Select a child in this family"},
    )
    description = TextField(
        label="What support was given",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what support was given"},
    )
    started = GovukDateField(
        label="Date the support started",
        help_text="For example, 27 3 2026",
        past_only=True,
        error_messages={"required": "Enter the date the support started"},
    )
    ended = GovukDateField(
        label="Date the support ended (optional)",
        help_text="Leave blank if it is still going on.",
        past_only=True,
        required=False,
    )

    def __init__(self, *args: Any, children: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["child"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = children

    def clean(self) -> dict[str, Any]:
        """Support ends on or after it starts."""
        data = super().clean() or {}
        started, ended = data.get("started"), data.get("ended")
        if isinstance(started, dt.date) and isinstance(ended, dt.date) and ended < started:
            self.add_error(
                "ended", "The date the support ended must be on or after the date it started"
            )
        return data


class ChangeForm(forms.Form):
    """A change for the family or the plan."""

    happened_on = GovukDateField(
        label="Date of the change",
        help_text="For example, 27 3 2026",
        past_only=True,
        error_messages={"required": "Enter the date of the change"},
    )
    summary = TextField(
        label="What has changed",
        help_text="For example a new partner in the household, a house move or a new lead practitioner.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what has changed"},
    )


class CloseForm(forms.Form):
    """Close early help with a reason."""

    reason = forms.ChoiceField(
        label="Why is early help closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why early help is closing",
            "invalid_choice": "Select why early help is closing",
        },
    )
    closed_on = GovukDateField(
        label="Date early help closed",
        help_text="For example, 27 3 2026",
        past_only=True,
        error_messages={"required": "Enter the date early help closed"},
    )
    note = TextField(
        label="What has changed for the family (optional)",
        noun="what has changed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # Stepping up to children's social care reports a concern to the MASH: these say what
    # it is about and what the family agreed; the rest is pre-filled from early help.
    categories = forms.MultipleChoiceField(
        label=(
            "If stepping up: what is the concern for the Multi-Agency Safeguarding Hub "
            "(MASH) about?"
        ),
        help_text="Select all that apply. What early help knows is added for you.",
        choices=concern_categories.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select what the concern is about from the list"},
    )
    consent = forms.ChoiceField(
        label="If stepping up: did the family agree to you referring them to the MASH?",
        choices=MashConsent.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select whether the family agreed"},
    )
    no_consent_reason = forms.ChoiceField(
        label="If you did not ask, why not?",
        choices=NoConsentReason.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select why you did not ask the family"},
    )
    immediate_danger = forms.BooleanField(
        label="A child is in immediate danger (call 999 as well)", required=False
    )

    def clean(self) -> dict[str, Any]:
        """Stepping up needs what the concern is about and what the family agreed."""
        data = super().clean() or {}
        if data.get("reason") == ClosureReason.STEPPED_UP:
            if not data.get("categories"):
                self.add_error("categories", "Select what the concern for the MASH is about")
            if not data.get("consent"):
                self.add_error(
                    "consent", "Select whether the family agreed to you referring them to the MASH"
                )
            elif data.get("consent") == MashConsent.NOT_ASKED and not data.get("no_consent_reason"):
                self.add_error("no_consent_reason", "Select why you did not ask the family")
        return data

    def step_up(self) -> StepUp | None:
        """What the MASH needs for a step-up (None for other reasons)."""
        data = self.cleaned_data
        if data.get("reason") != ClosureReason.STEPPED_UP:
            return None
        return StepUp(
            categories=list(data.get("categories") or []),
            consent=data.get("consent") or "",
            no_consent_reason=data.get("no_consent_reason") or "",
            immediate_danger=bool(data.get("immediate_danger")),
        )


class LeadAllocateForm(forms.Form):
    """Choose the family's lead practitioner from the team."""

    lead = forms.ModelChoiceField(  # type: ignore[var-annotated]
        label="Who will be the lead practitioner?",
        help_text="People in the team who are working today.",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the lead practitioner",
            "invalid_choice": "Select someone in the team",
        },
    )

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[p.pk for p in people]
        ).order_by("last_name", "first_name")


class ConsentPersonField(forms.ModelChoiceField):
    """Someone in the family who can be asked, with the capacity they answer in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.capacities: dict[Any, str] = {}
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        """Any value that is not one of the people offered is 'not a choice'."""
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def label_from_instance(self, obj: Any) -> str:
        """'Keira Brennan, parent or carer with parental responsibility'."""
        capacity = self.capacities.get(obj.pk, "")
        label = FamilyConsent.Capacity(capacity).label if capacity else ""
        return f"{obj.full_name}, {label[:1].lower()}{label[1:]}" if label else obj.full_name


AGREED_TO = [
    ("assessment", "An Early Help Assessment with the family"),
    ("sharing", "Sharing information with the agencies they name"),
]


class ConsentForm(forms.Form):
    """The family's informed consent to early help, or their refusal and what happens next."""

    person = ConsentPersonField(
        label="Who did you ask?",
        help_text="Ask each parent or carer with parental responsibility. A young person who "
        "understands what early help means can agree for themselves.",
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who you asked",
            "invalid_choice": "Select who you asked from the list",
        },
    )
    decision = forms.ChoiceField(
        label="Did they agree to early help?",
        choices=FamilyConsent.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether they agreed",
            "invalid_choice": "Select whether they agreed",
        },
    )
    agreed_to = forms.MultipleChoiceField(
        label="What did they agree to?",
        help_text="Select all that apply.",
        choices=AGREED_TO,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select what they agreed to from the list"},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Which agencies did they agree to share information with?",
        help_text="Only the agencies they named. The lead agency needs no separate consent.",
        queryset=Agency.objects.filter(active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select agencies from the list"},
    )
    next_step = forms.ChoiceField(
        label="What will you do next?",
        help_text="Early help is voluntary. If a safeguarding concern remains, report it.",
        choices=FamilyConsent.NextStep.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select what you will do next"},
    )
    method = forms.ChoiceField(
        label="How did they tell you?",
        choices=FamilyConsent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how they told you",
            "invalid_choice": "Select how they told you",
        },
    )
    decided_on = GovukDateField(
        label="Date they told you",
        help_text="For example, 27 3 2026",
        past_only=True,
        error_messages={"required": "Enter the date they told you"},
    )
    note = TextField(
        label="Notes (optional)",
        noun="the notes",
        help_text="For example, anything they asked about or did not want shared.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    conditional_reveals = {
        "decision": {
            FamilyConsent.Decision.GIVEN.value: ("agreed_to", "agencies"),
            FamilyConsent.Decision.REFUSED.value: ("next_step",),
        }
    }

    def __init__(self, *args: Any, people: list[tuple[Person, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, ConsentPersonField)  # noqa: S101
        field.capacities = {p.pk: capacity for p, capacity in people}
        field.queryset = Person.objects.filter(pk__in=[p.pk for p, _ in people])
        # Keep the order: the adults first, then the children.
        field.choices = [(p.pk, field.label_from_instance(p)) for p, _ in people]

    def clean(self) -> dict[str, Any]:
        """Agreeing means agreeing to something; sharing needs agencies; refusing needs a next step."""
        data = super().clean() or {}
        decision = data.get("decision")
        agreed = set(data.get("agreed_to") or [])
        if decision == FamilyConsent.Decision.GIVEN:
            if not agreed:
                self.add_error("agreed_to", "Select what they agreed to")
            elif "sharing" in agreed and not data.get("agencies"):
                self.add_error(
                    "agencies", "Select the agencies they agreed to share information with"
                )
        elif decision == FamilyConsent.Decision.REFUSED and not data.get("next_step"):
            self.add_error("next_step", "Select what you will do next")
        return data


class ConsentWithdrawForm(forms.Form):
    """The family member withdraws the consent they gave."""

    withdrawn_on = GovukDateField(
        label="Date they withdrew consent",
        help_text="For example, 27 3 2026",
        past_only=True,
        error_messages={"required": "Enter the date they withdrew consent"},
    )
    note = TextField(
        label="What did they say? (optional)",
        noun="what they said",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
