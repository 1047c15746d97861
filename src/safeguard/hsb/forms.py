"""Forms for harmful sexual behaviour pages; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.fields import TimeOfDayField, long_text, radios, reason_field, short_text
from safeguard.core.forms import GovukDateField
from safeguard.core.models import Agency, User
from safeguard.people.models import Person

from .assessments import FORMULATION_FIELDS
from .models import (
    AimTool,
    CaseType,
    Consent,
    InvestigationStatus,
    LessonsReason,
    Level,
    Light,
    Role,
)

NOT_VISIBLE = "You cannot name a child whose record you cannot see: ask the Multi-Agency Safeguarding Hub (MASH)"


class ChildChoiceField(forms.ModelChoiceField):
    """A child the user may see, shown with their date of birth."""

    def label_from_instance(self, obj: Any) -> str:
        """Name and date of birth, so two children with one name can be told apart."""
        born = f", born {obj.date_of_birth:%-d %B %Y}" if obj.date_of_birth else ""
        return f"{obj.given_name} {obj.family_name}{born}"


class UserChoiceField(forms.ModelChoiceField):
    """A member of staff, by name."""

    def label_from_instance(self, obj: Any) -> str:
        """Their name and agency."""
        return f"{obj.get_full_name() or obj.username}, {obj.agency.name if obj.agency else ''}".rstrip(
            ", "
        )


class ConcernForm(forms.Form):
    """A concern about a child's sexual behaviour, placed on the continuum."""

    child = ChildChoiceField(
        queryset=Person.objects.none(),
        label="Child",
        empty_label="Select the child",
        error_messages={
            "required": "Select the child the concern is about",
            "invalid_choice": NOT_VISIBLE,
        },
    )
    child_role = radios(
        Role.choices,
        label="What is the child's role?",
        help_text="A child can be both: record the concern twice, once in each role.",
        required_message="Select the child's role",
    )
    child_voice = long_text(
        "The child's voice",
        "Enter the child's voice: what they said, in their words",
        help_text="What the child said about what happened, in their own words.",
    )
    child_exploited = forms.BooleanField(
        label="There are signs this child may also be being exploited",
        help_text="The Multi-Agency Safeguarding Hub (MASH) is asked to screen the child for exploitation.",
        required=False,
    )
    other_child = ChildChoiceField(
        queryset=Person.objects.none(),
        label="Another child involved (optional)",
        empty_label="No other child, or not known",
        required=False,
        error_messages={"invalid_choice": NOT_VISIBLE},
    )
    other_role = radios(Role.choices, label="What is the other child's role?", required=False)
    other_voice = long_text("The other child's voice", required=False)
    other_exploited = forms.BooleanField(
        label="There are signs the other child may also be being exploited",
        required=False,
    )
    noticed_on = GovukDateField(label="When was the behaviour noticed?", past_only=True)
    noticed_time = TimeOfDayField(label="At what time? (optional)", required=False)
    what_happened = long_text(
        "What happened",
        "Enter what happened",
        help_text="Never name another child here: link them above.",
    )
    level = radios(
        Level.choices,
        label="Where does the behaviour sit on the continuum?",
        required_message="Select where the behaviour sits on the continuum",
    )
    light = radios(
        Light.choices,
        label="Which colour of examples for the child's age is it most like?",
        required_message="Select the colour of the examples the behaviour is most like",
    )
    evidence = long_text(
        "Evidence for the level",
        "Enter the evidence for the level you chose",
        help_text="For example: how often, any force or coercion, the ages and abilities, secrecy, distress.",
    )
    immediate_response = long_text(
        "What did you do straight away to keep the children safe?",
        "Enter what you did straight away to keep the children safe",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = people.order_by("family_name", "given_name")
        self.fields["child"].queryset = queryset  # type: ignore[attr-defined]
        self.fields["other_child"].queryset = queryset  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Another child needs a role and their voice."""
        data = super().clean() or {}
        if data.get("other_child"):
            if not data.get("other_role"):
                self.add_error("other_role", "Select the other child's role")
            if not (data.get("other_voice") or "").strip():
                self.add_error(
                    "other_voice", "Enter the other child's voice: what they said, in their words"
                )
        return data


class ConcernEditForm(forms.Form):
    """Correct a concern after it was recorded: the children stay as they were named."""

    noticed_on = GovukDateField(label="When was the behaviour noticed?", past_only=True)
    noticed_time = TimeOfDayField(label="At what time? (optional)", required=False)
    what_happened = long_text(
        "What happened",
        "Enter what happened",
        help_text="Never name another child here.",
    )
    level = radios(
        Level.choices,
        label="Where does the behaviour sit on the continuum?",
        help_text="Raising it to problematic or above refers the concern now.",
        required_message="Select where the behaviour sits on the continuum",
    )
    light = radios(
        Light.choices,
        label="Which colour of examples for the child's age is it most like?",
        required_message="Select the colour of the examples the behaviour is most like",
    )
    evidence = long_text(
        "Evidence for the level",
        "Enter the evidence for the level you chose",
    )
    immediate_response = long_text(
        "What did you do straight away to keep the children safe?",
        "Enter what you did straight away to keep the children safe",
    )
    reason = reason_field(
        "Why are you changing the concern?",
        "Enter why you are changing the concern",
        help_text="Everyone who can see the concern sees what changed, when, by whom and why.",
    )


class CloseForm(forms.Form):
    """Close a pathway."""

    reason = reason_field(
        "Why is the pathway closing?",
        "Enter why the pathway is closing",
        help_text="For example: the plan's goals are met, the family moved away, or another service took over.",
    )


class KeyworkerForm(forms.Form):
    """Allocate a keyworker."""

    keyworker = UserChoiceField(
        queryset=User.objects.none(),
        label="Keyworker",
        empty_label="Select a keyworker",
        error_messages={"required": "Select the keyworker"},
    )

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keyworker"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(agency=agency, is_active=True)
            .select_related("agency")
            .order_by("last_name", "first_name")
        )


class ConsentForm(forms.Form):
    """Consent and engagement."""

    case_type = radios(
        CaseType.choices,
        label="Is the work preventative or statutory?",
        required_message="Select whether the work is preventative or statutory",
    )
    child_consent = radios(
        Consent.choices,
        label="Does the child agree to work with the service?",
        required_message="Select what the child said",
    )
    parents_consent = radios(
        Consent.choices,
        label="Do the parents agree?",
        required_message="Select what the parents said",
    )
    engagement = long_text(
        "How is the family engaging?",
        required=False,
        help_text="Feelings of shame, disbelief or mistrust of agencies, and what helps.",
    )


def _formulation_fields(form: forms.Form) -> None:
    for name, label in FORMULATION_FIELDS:
        form.fields[name] = long_text(label, f"Enter {label[0].lower()}{label[1:].split(':')[0]}")


class AssessmentForm(forms.Form):
    """Start an AIM assessment."""

    tool = radios(
        AimTool.choices,
        label="Which AIM assessment?",
        required_message="Select the AIM assessment",
    )
    case_type = radios(
        CaseType.choices,
        label="Is the case preventative or statutory?",
        required_message="Select whether the case is preventative or statutory",
    )
    started_on = GovukDateField(label="Date the assessment started", past_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _formulation_fields(self)


class FormulationForm(forms.Form):
    """A new version of the case formulation."""

    what_changed = long_text(
        "What has changed?",
        "Enter what has changed since the last version",
        help_text="For example progress made, or a new worry at home or school.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _formulation_fields(self)


class InternetAdviceForm(forms.Form):
    """Internet safety advice given to the parents."""

    given_on = GovukDateField(label="Date the advice was given", past_only=True)
    given_to = short_text(
        "Who was the advice given to?",
        "Enter who the advice was given to",
        help_text="For example 'Mother and stepfather'.",
    )
    parental_controls = forms.BooleanField(label="Parental controls", required=False)
    monitoring = forms.BooleanField(label="Ways of monitoring internet use", required=False)
    devices = short_text(
        "Which devices in the home did you talk about?",
        "Enter the devices in the home you talked about",
        help_text="For example phones, tablets, games consoles, smart televisions.",
        max_length=300,
    )
    notes = long_text("Anything else", required=False)


class LessonsForm(forms.Form):
    """Flag missed online-safety lessons."""

    school = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="School",
        empty_label="Select the school",
        error_messages={
            "required": "Select the school",
            "invalid_choice": "Select a school working with the child",
        },
    )
    reason = radios(
        LessonsReason.choices,
        label="Why may the child have missed the lessons?",
        required_message="Select why the child may have missed the lessons",
    )
    detail = long_text("What the school needs to know", required=False)

    def __init__(self, *args: Any, schools: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in schools]
        )


class ConfirmLessonsForm(forms.Form):
    """The school confirms the lessons."""

    confirmation = long_text(
        "Which lessons did the pupil have, and when?",
        "Enter which lessons the pupil had and when",
    )


class InvestigationForm(forms.Form):
    """The police record an investigation."""

    person = ChildChoiceField(
        queryset=Person.objects.none(),
        label="Child",
        empty_label="Select the child",
        error_messages={"required": "Select the child", "invalid_choice": NOT_VISIBLE},
    )
    crime_reference = short_text("Crime reference", "Enter the crime reference", max_length=40)
    started_on = GovukDateField(label="Date the investigation started", past_only=True)
    officer = UserChoiceField(
        queryset=User.objects.none(),
        label="Officer in the case",
        empty_label="Select the officer",
        error_messages={"required": "Select the officer in the case"},
    )

    def __init__(self, *args: Any, people: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["officer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            agency=agency, is_active=True
        ).select_related("agency")


class StatusForm(forms.Form):
    """The investigation's status."""

    status = radios(
        InvestigationStatus.choices,
        label="Status",
        required_message="Select the investigation's status",
    )


class ReviewForm(forms.Form):
    """A review of the family's support."""

    support = long_text(
        "What support does the family have, and what will change?",
        "Enter what support the family has and what will change",
    )


class RequestForm(forms.Form):
    """A police request to a partner."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(active=True).order_by("name"),
        label="Agency asked",
        empty_label="Select the agency",
        error_messages={"required": "Select the agency you are asking"},
    )
    question = long_text("What do you need?", "Enter what you are asking for")
    due_on = GovukDateField(label="Answer needed by", future_only=True)


class AnswerForm(forms.Form):
    """A partner's answer to the police."""

    answer = long_text("Your answer", "Enter your answer")


class StrategyForm(forms.Form):
    """Arrange a strategy meeting about a concern."""

    date = GovukDateField(label="Date of the meeting", future_only=True)
    time = TimeOfDayField(label="Start time", error_messages={"required": "Enter the start time"})
    location = short_text("Where", required=False)
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True).order_by("name"),
        label="Which agencies are invited?",
        help_text="Every agency invited gets the outcome, whether it comes or not.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency to invite"},
    )


class TrainedForm(forms.Form):
    """Record a practitioner trained to use an AIM tool."""

    user = UserChoiceField(
        queryset=User.objects.none(),
        label="Practitioner",
        empty_label="Select the practitioner",
        error_messages={"required": "Select the practitioner"},
    )
    tool = radios(
        AimTool.choices,
        label="Trained to use",
        required_message="Select the AIM tool",
    )
    trained_on = GovukDateField(label="Date of the training", past_only=True)
    valid_until = GovukDateField(label="Valid until (optional)", required=False)

    def __init__(self, *args: Any, agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).select_related("agency")
        if agency is not None:
            users = users.filter(agency=agency)
        self.fields["user"].queryset = users.order_by("last_name")  # type: ignore[attr-defined]


class FiguresForm(forms.Form):
    """The period the figures cover."""

    start = GovukDateField(label="From", required=False)
    end = GovukDateField(label="To", required=False)
