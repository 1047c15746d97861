"""Forms for contextual safeguarding pages; the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguard.core.fields import long_text, short_text
from safeguard.core.forms import GovukDateField
from safeguard.core.models import Agency
from safeguard.people.models import Person

from .grading import Assessment, HandlingCode, SourceEvaluation
from .models import (
    AssessedContext,
    ContextKind,
    DisruptionOutcome,
    DisruptionTool,
    LinkKind,
    LinkStatus,
    PeerGroup,
    PersonOfConcern,
    Place,
    PlaceKind,
    TriageOutcome,
    WeightedContext,
)
from .selectors import GRADE_CHOICES, MAX_STEPS

NOT_VISIBLE = "You cannot name a child whose record you cannot see: ask the Multi-Agency Safeguarding Hub (MASH)"


class ChildChoiceField(forms.ModelChoiceField):
    """A child the user may see, shown with their date of birth."""

    def label_from_instance(self, obj: Any) -> str:
        """Name and date of birth, so two children with one name can be told apart."""
        born = f", born {obj.date_of_birth:%-d %B %Y}" if obj.date_of_birth else ""
        return f"{obj.given_name} {obj.family_name}{born}"


class PlaceForm(forms.Form):
    """A place or space of concern."""

    name = short_text("Name of the place or space", "Enter the name of the place")
    kind = forms.ChoiceField(
        choices=PlaceKind.choices,
        widget=forms.RadioSelect,
        label="What kind of place is it?",
        error_messages={"required": "Select the kind of place"},
    )
    location = long_text(
        "Where is it? (optional)",
        "",
        required=False,
        help_text=(
            "A point as latitude, longitude (for example 53.9590, -1.0815), or an area as "
            "several points, one a line."
        ),
    )
    times_of_concern = short_text(
        "Times of concern (optional)",
        required=False,
        help_text="For example: weekday evenings after 6pm, Saturday afternoons.",
        max_length=300,
    )
    description = long_text("What is known about it (optional)", "", required=False)
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Other agencies that hold information (optional)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]


class PersonOfConcernForm(forms.Form):
    """An adult or young person suspected of exploiting children."""

    name = short_text("Name they are known by", "Enter the name the person is known by")
    aliases = long_text("Other names (optional)", "", required=False, help_text="One a line.")
    approximate_age = short_text("Age or age range (optional)", required=False, max_length=40)
    description = long_text("Description (optional)", "", required=False)
    intelligence_notes = long_text(
        "Intelligence notes (police only)",
        "",
        required=False,
        help_text="Only police users can read these.",
    )

    def __init__(self, *args: Any, police: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not police:
            del self.fields["intelligence_notes"]


CHANGE_REASON_HELP = "This is kept in the history of changes with your name and the date."


def change_reason() -> forms.CharField:
    """The required "Why are you making this change?" of every form that corrects a record."""
    return long_text(
        "Why are you making this change?",
        "Enter why you are making this change",
        help_text=CHANGE_REASON_HELP,
    )


class PlaceChangeForm(PlaceForm):
    """A place corrected after it was recorded: every answer again, and why it changed."""

    reason = change_reason()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].label = "Agencies that hold information (optional)"


class PersonOfConcernChangeForm(PersonOfConcernForm):
    """A person of concern corrected after they were recorded, and why."""

    reason = change_reason()


class PeerGroupForm(forms.Form):
    """A peer group."""

    name = short_text(
        "Name for the group",
        "Enter a name for the group",
        help_text="A neutral description, for example 'Young people at the skate park'. Not a gang name.",
    )
    description = long_text("What is known about the group (optional)", "", required=False)


class PeerGroupChangeForm(PeerGroupForm):
    """A peer group corrected after it was recorded, and why."""

    reason = change_reason()


class LinkForm(forms.Form):
    """A graded link between two things."""

    kind = forms.ChoiceField(
        choices=LinkKind.choices,
        widget=forms.RadioSelect,
        label="What does the link join?",
        error_messages={"required": "Select what the link joins"},
    )
    child = ChildChoiceField(
        queryset=Person.objects.none(),
        label="Child",
        required=False,
        empty_label="Select the child",
        error_messages={"invalid_choice": NOT_VISIBLE},
    )
    other_child = ChildChoiceField(
        queryset=Person.objects.none(),
        label="Other child",
        required=False,
        empty_label="Select the other child",
        error_messages={"invalid_choice": NOT_VISIBLE},
    )
    person = forms.ModelChoiceField(
        queryset=PersonOfConcern.objects.none(),
        label="Person of concern",
        required=False,
        empty_label="Select the person of concern",
    )
    other_person = forms.ModelChoiceField(
        queryset=PersonOfConcern.objects.none(),
        label="Other person of concern",
        required=False,
        empty_label="Select the other person of concern",
    )
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(), label="Place", required=False, empty_label="Select the place"
    )
    group = forms.ModelChoiceField(
        queryset=PeerGroup.objects.none(),
        label="Peer group",
        required=False,
        empty_label="Select the peer group",
    )
    vehicle_registration = short_text("Vehicle registration", required=False, max_length=20)
    phone_number = short_text("Phone number", required=False, max_length=30)
    summary = long_text(
        "What is known",
        "Enter what is known about the link",
        help_text="In a sentence. Never the name of the person who gave the information.",
    )
    source_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Which agency did the information come from?",
        empty_label="Select the agency",
        error_messages={"required": "Select the agency the information came from"},
    )
    known_on = GovukDateField(label="Date of the information", past_only=True)
    source_evaluation = forms.ChoiceField(
        choices=SourceEvaluation.choices,
        widget=forms.RadioSelect,
        label="Source evaluation",
        error_messages={
            "required": "Select the source evaluation (1, 2 or 3)",
            "invalid_choice": "Source evaluation must be 1, 2 or 3",
        },
    )
    assessment = forms.ChoiceField(
        choices=Assessment.choices,
        widget=forms.RadioSelect,
        label="Intelligence assessment",
        error_messages={
            "required": "Select the intelligence assessment (A to E)",
            "invalid_choice": "Intelligence assessment must be A, B, C, D or E",
        },
    )
    handling_code = forms.ChoiceField(
        choices=HandlingCode.choices,
        widget=forms.RadioSelect,
        label="Handling code",
        error_messages={
            "required": "Select the handling code (P or C)",
            "invalid_choice": "Handling code must be P or C",
        },
    )
    handling_conditions = long_text(
        "Conditions for sharing",
        "",
        required=False,
        help_text="Needed for handling code C: who may receive it and what they may do with it.",
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        children = people.order_by("family_name", "given_name")
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["other_child"].queryset = children  # type: ignore[attr-defined]
        persons = PersonOfConcern.objects.defer("intelligence_notes").order_by("name")
        self.fields["person"].queryset = persons  # type: ignore[attr-defined]
        self.fields["other_person"].queryset = persons  # type: ignore[attr-defined]
        self.fields["place"].queryset = Place.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["group"].queryset = PeerGroup.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["source_agency"].queryset = Agency.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Handling code C needs its conditions."""
        data = super().clean() or {}
        if (
            data.get("handling_code") == HandlingCode.CONDITIONS
            and not (data.get("handling_conditions") or "").strip()
        ):
            self.add_error(
                "handling_conditions",
                "Enter the conditions for sharing: handling code C needs them",
            )
        return data


class LinkStatusForm(forms.Form):
    """Dispute, withdraw or restore a link."""

    status = forms.ChoiceField(
        choices=[
            (LinkStatus.DISPUTED, "Dispute it: the information may be wrong"),
            (LinkStatus.WITHDRAWN, "Withdraw it: it leaves the network but stays in its history"),
            (LinkStatus.CURRENT, "Restore it as current"),
        ],
        widget=forms.RadioSelect,
        label="What do you want to do with the link?",
        error_messages={"required": "Select what to do with the link"},
    )
    reason = long_text("Reason", "Enter the reason")


class NetworkForm(forms.Form):
    """How far the network reaches, and the weakest grade it uses."""

    steps = forms.TypedChoiceField(
        choices=[(n, f"{n} step{'s' if n > 1 else ''}") for n in range(1, MAX_STEPS + 1)],
        coerce=int,
        initial=2,
        required=False,
        label="How many steps from the start",
        error_messages={"invalid_choice": f"Choose 1 to {MAX_STEPS} steps"},
    )
    grade = forms.ChoiceField(
        choices=GRADE_CHOICES,
        required=False,
        label="Use only links graded at or above",
        help_text="Source evaluation (1 to 3) and intelligence assessment (A to E).",
        error_messages={"invalid_choice": "Choose a grade from the list: 1-A (strongest) to 3-E"},
    )


class ContextConcernForm(forms.Form):
    """A concern about a context, with no child named."""

    context_kind = forms.ChoiceField(
        choices=ContextKind.choices,
        widget=forms.RadioSelect,
        label="What is your concern about?",
        error_messages={"required": "Select what the concern is about"},
    )
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label="A place already recorded (optional)",
        empty_label="Not in the list, or not a place",
    )
    where = short_text(
        "Where or who is it about?",
        required=False,
        help_text="For example: the number 6 bus after school; a group chat; the park by the river.",
        max_length=300,
    )
    what_happened = long_text(
        "What has happened, or what worries you?",
        "Enter what has happened or what worries you",
        help_text="You do not need to name a child. If you know a child is at risk now, call the MASH.",
        rows=5,
    )

    def __init__(self, *args: Any, show_places: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if show_places:
            self.fields["place"].queryset = Place.objects.order_by("name")  # type: ignore[attr-defined]
        else:
            del self.fields["place"]

    def clean(self) -> dict[str, Any]:
        """A place or words saying where."""
        data = super().clean() or {}
        if not data.get("place") and not (data.get("where") or "").strip():
            self.add_error(
                "where", "Say where or who the concern is about: the place, group or space"
            )
        return data


class TriageForm(forms.Form):
    """What happens next on a concern about a context."""

    outcome = forms.ChoiceField(
        choices=TriageOutcome.choices,
        widget=forms.RadioSelect,
        label="What happens next?",
        error_messages={"required": "Select what happens next"},
    )
    notes = long_text("Notes (optional)", "", required=False)


class LinkChildForm(forms.Form):
    """Link a child to a concern about a context."""

    child = ChildChoiceField(
        queryset=Person.objects.none(),
        label="Child",
        empty_label="Select the child",
        error_messages={"required": "Select the child", "invalid_choice": NOT_VISIBLE},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = people.order_by("family_name", "given_name")  # type: ignore[attr-defined]


class AssessmentForm(forms.Form):
    """A context assessment: the triangle's three sides and the plan."""

    context = forms.ChoiceField(
        choices=AssessedContext.choices,
        widget=forms.RadioSelect,
        label="Which context are you assessing?",
        error_messages={"required": "Select the context assessed"},
    )
    harm = long_text(
        "What happens in this context?",
        "Enter what happens in this context",
        help_text="The harm, and how it happens: who, when, how often.",
    )
    guardians = long_text(
        "Who has influence here, and can they make it safe?",
        "Enter who has influence here and their capacity",
        help_text="For example: staff, managers, security, drivers, moderators, neighbours.",
    )
    conditions = long_text(
        "What wider conditions shape it?",
        "Enter the wider conditions",
        help_text="Environment, policies, culture and structures.",
    )
    strengths = long_text("Strengths and sources of safety (optional)", "", required=False)
    plan = long_text(
        "What will change, and who will change it?",
        "Enter what will change, and who will change it",
    )


class WeightingForm(forms.Form):
    """Context weighting for a child."""

    first = forms.ChoiceField(
        choices=WeightedContext.choices,
        widget=forms.RadioSelect,
        label="Which context must change first for the child to be safer?",
        error_messages={"required": "Select the context that must change first"},
    )
    then = forms.MultipleChoiceField(
        choices=WeightedContext.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Other contexts that must change (optional)",
    )
    why = long_text("Why this context first?", "Enter why this context must change first")


class ActionForm(forms.Form):
    """A disruption action."""

    tool = forms.ChoiceField(
        choices=DisruptionTool.choices,
        widget=forms.RadioSelect,
        label="Disruption tool",
        error_messages={"required": "Select the disruption tool"},
    )
    description = long_text("What will be done", "Enter what will be done")
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(),
        required=False,
        label="Place (optional)",
        empty_label="No place",
    )
    person = forms.ModelChoiceField(
        queryset=PersonOfConcern.objects.none(),
        required=False,
        label="Person of concern (optional)",
        empty_label="No person of concern",
    )
    group = forms.ModelChoiceField(
        queryset=PeerGroup.objects.none(),
        required=False,
        label="Peer group (optional)",
        empty_label="No peer group",
    )
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Which agency owns the action?",
        empty_label="Select the agency",
        error_messages={"required": "Select the agency that owns the action"},
    )
    due_on = GovukDateField(label="Due by", future_only=False)
    children_at_risk_before = forms.IntegerField(
        min_value=0,
        label="Children assessed at risk in this context now",
        help_text="A number. Recorded again with the outcome, to see what changed.",
        error_messages={
            "required": "Enter how many children are assessed at risk now (0 or more)",
            "invalid": "Enter a whole number, like 3",
            "min_value": "The number of children must be 0 or more",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["person"].queryset = PersonOfConcern.objects.defer(  # type: ignore[attr-defined]
            "intelligence_notes"
        ).order_by("name")  # type: ignore[attr-defined]
        self.fields["group"].queryset = PeerGroup.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["owner_agency"].queryset = Agency.objects.filter(active=True).order_by("name")  # type: ignore[attr-defined]


class LinkChangeForm(forms.Form):
    """What a link says is known, or the date of the information, corrected, and why."""

    summary = long_text(
        "What is known",
        "Enter what is known about the link",
        help_text="In a sentence. Never the name of the person who gave the information.",
    )
    known_on = GovukDateField(label="Date of the information", past_only=True)
    reason = change_reason()


class ActionChangeForm(ActionForm):
    """What was agreed for a disruption action, corrected, and why.

    The owning agency and the due date are not here: the owning team's work item carries them.
    """

    reason = change_reason()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["owner_agency"]
        del self.fields["due_on"]
        self.fields[
            "children_at_risk_before"
        ].label = "Children assessed at risk in this context when the action was agreed"
        self.fields["children_at_risk_before"].help_text = ""


class OutcomeForm(forms.Form):
    """What a disruption action achieved."""

    outcome = forms.ChoiceField(
        choices=DisruptionOutcome.choices,
        widget=forms.RadioSelect,
        label="What did the action achieve?",
        error_messages={"required": "Select what the action achieved"},
    )
    notes = long_text("What happened", "Enter what happened")
    children_at_risk_after = forms.IntegerField(
        min_value=0,
        label="Children assessed at risk in this context now",
        error_messages={
            "required": "Enter how many children are assessed at risk now (0 or more)",
            "invalid": "Enter a whole number, like 3",
            "min_value": "The number of children must be 0 or more",
        },
    )
