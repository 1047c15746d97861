"""Contextual safeguarding: places and spaces, persons of concern, graded links, disruption.

Harm outside the home happens in peer groups, schools, neighbourhoods and online. The
app keeps the contexts (places and spaces, peer groups), the adults and young people
suspected of exploiting children (persons of concern, with their vehicles and phone
numbers), and the links between them and children, each graded with the national
3x5x2 scheme (see :mod:`.grading`). A link is never deleted: it can be disputed or
withdrawn with a reason, and a withdrawn link stays in its history but leaves the
network. Professionals report concerns about a context without naming a child; the
monthly Child Exploitation Disruption Meeting agrees disruption actions.

Children are ``people.Person`` rows. Times are stored in UTC and shown in UK time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .grading import Assessment, HandlingCode, SourceEvaluation


class PlaceKind(models.TextChoices):
    """The kinds of place and space the partnership watches."""

    PARK = "park", "Park or open space"
    SHOPPING_CENTRE = "shopping_centre", "Shopping centre"
    TAKEAWAY = "takeaway", "Takeaway or shop"
    HOTEL = "hotel", "Hotel or short-stay accommodation"
    TRANSPORT_HUB = "transport_hub", "Transport hub (station, bus interchange)"
    SCHOOL = "school", "School or college"
    ADDRESS = "address", "Address"
    BUS_ROUTE = "bus_route", "Bus route"
    ONLINE = "online", "Online platform or group"


class Place(models.Model):
    """A place or space where children may be harmed or exploited."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=PlaceKind.choices)
    description = models.TextField(blank=True)
    location = models.TextField(
        blank=True,
        help_text="A point (latitude, longitude) or an area (one point a line), WGS84 degrees.",
    )
    times_of_concern = models.CharField(max_length=300, blank=True)
    agencies = models.ManyToManyField(
        "core.Agency", blank=True, related_name="+", help_text="The agencies that hold information."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def node_key(self) -> str:
        """Its id in the network."""
        return f"place:{self.pk}"


class PersonOfConcern(models.Model):
    """An adult or young person suspected of exploiting children.

    ``intelligence_notes`` is police-only: only police users read it, and a request
    for it from another agency is refused and audited.
    """

    name = models.CharField(max_length=200, help_text="The name they are known by.")
    aliases = models.TextField(blank=True, help_text="Other names, one a line.")
    approximate_age = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    intelligence_notes = models.TextField(blank=True, help_text="Police only.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    notes_agency = models.ForeignKey(
        "core.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=(
            "The police agency that holds the police-only notes: the recording agency when it "
            "is the police, otherwise the police agency that first wrote notes."
        ),
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "persons of concern"

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        """The aliases, one each."""
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    @property
    def node_key(self) -> str:
        """Its id in the network."""
        return f"person:{self.pk}"


class Vehicle(models.Model):
    """A vehicle linked to a person of concern."""

    registration = models.CharField(max_length=20)
    description = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["registration"]

    def __str__(self) -> str:
        return self.registration

    @property
    def node_key(self) -> str:
        """Its id in the network."""
        return f"vehicle:{self.pk}"


class Phone(models.Model):
    """A phone number linked to a person of concern (a "line")."""

    number = models.CharField(max_length=30)
    description = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def node_key(self) -> str:
        """Its id in the network."""
        return f"phone:{self.pk}"


class PeerGroup(models.Model):
    """A group of young people professionals know as a group (a context, not a gang label)."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def node_key(self) -> str:
        """Its id in the network."""
        return f"group:{self.pk}"


class LinkKind(models.TextChoices):
    """Who or what a link joins."""

    CHILD_CHILD = "child_child", "Child and child"
    CHILD_ADULT = "child_person", "Child and person of concern"
    PERSON_PERSON = "person_person", "Person of concern and person of concern"
    CHILD_PLACE = "child_place", "Child and place"
    PERSON_PLACE = "person_place", "Person of concern and place"
    PERSON_VEHICLE = "person_vehicle", "Person of concern and vehicle"
    PERSON_PHONE = "person_phone", "Person of concern and phone"
    CHILD_GROUP = "child_group", "Child in a peer group"
    PERSON_GROUP = "person_group", "Person of concern and peer group"


# For each kind of link: the field of its first end, and of its second.
LINK_ENDS: dict[str, tuple[str, str]] = {
    LinkKind.CHILD_CHILD: ("child", "other_child"),
    LinkKind.CHILD_ADULT: ("child", "person"),
    LinkKind.PERSON_PERSON: ("person", "other_person"),
    LinkKind.CHILD_PLACE: ("child", "place"),
    LinkKind.PERSON_PLACE: ("person", "place"),
    LinkKind.PERSON_VEHICLE: ("person", "vehicle"),
    LinkKind.PERSON_PHONE: ("person", "phone"),
    LinkKind.CHILD_GROUP: ("child", "group"),
    LinkKind.PERSON_GROUP: ("person", "group"),
}

# The network id's prefix for each end field.
END_PREFIX = {
    "child": "child",
    "other_child": "child",
    "person": "person",
    "other_person": "person",
    "place": "place",
    "vehicle": "vehicle",
    "phone": "phone",
    "group": "group",
}


class LinkStatus(models.TextChoices):
    """A link is never deleted: it is current, disputed or withdrawn."""

    CURRENT = "current", "Current"
    DISPUTED = "disputed", "Disputed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Link(models.Model):
    """A graded piece of intelligence that joins two things in the network.

    The first end is a child or a person of concern; the second is a child, person of
    concern, place, vehicle, phone or peer group. A neighbourhood is found one step at
    a time, with one query a step (``selectors.network_for``).
    """

    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    child = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        PersonOfConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    other_child = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    other_person = models.ForeignKey(
        PersonOfConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    vehicle = models.ForeignKey(
        Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    group = models.ForeignKey(
        PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    summary = models.TextField(help_text="What is known, in a sentence. Never a source's name.")
    source_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    known_on = models.DateField(help_text="The date of the intelligence.")
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    assessment = models.CharField(max_length=1, choices=Assessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=LinkStatus.choices, default=LinkStatus.CURRENT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-known_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source_evaluation__in=["1", "2", "3"])
                & models.Q(assessment__in=["A", "B", "C", "D", "E"])
                & models.Q(handling_code__in=["P", "C"]),
                name="contextual_link_grade_in_scheme",
            ),
            models.CheckConstraint(
                condition=~models.Q(handling_code="C") | ~models.Q(handling_conditions=""),
                name="contextual_link_conditions_for_c",
            ),
        ]
        indexes = [models.Index(fields=["status", "recorded_at"])]

    def __str__(self) -> str:
        return f"Link {self.pk}"

    @property
    def ends(self) -> tuple[str, str]:
        """Its two ends as network ids, for example ``("child:<uuid>", "place:3")``."""
        first, second = LINK_ENDS[self.kind]
        return (
            f"{END_PREFIX[first]}:{getattr(self, first + '_id')}",
            f"{END_PREFIX[second]}:{getattr(self, second + '_id')}",
        )

    @property
    def grade(self) -> str:
        """As written on a report, for example ``1-A-P``."""
        return f"{self.source_evaluation}-{self.assessment}-{self.handling_code}"


class LinkChange(models.Model):
    """A link disputed, withdrawn or restored, with the reason: the link's history."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=20, choices=LinkStatus.choices)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.link_id} {self.status}"


class Correction(models.Model):
    """A correction to a record after it was recorded: what changed, why, who and when.

    ``changes`` holds one entry a field changed, ``{"field", "label", "before", "after"}``,
    so the earlier value is kept, never silently overwritten.
    """

    changes = models.JSONField(default=list)
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-at", "-pk"]

    @property
    def fields(self) -> list[str]:
        """The names of the fields the correction changed."""
        return [entry["field"] for entry in self.changes]


class LinkCorrection(Correction):
    """A link's summary or date corrected after it was recorded (not its ends, nor its grade)."""

    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="corrections")

    def __str__(self) -> str:
        return f"{self.link_id} corrected"


class PlaceChange(Correction):
    """A place or space corrected after it was recorded: the place's history."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="changes")

    def __str__(self) -> str:
        return f"{self.place_id} changed"


class PersonOfConcernChange(Correction):
    """A person of concern corrected after they were recorded: the person's history.

    ``police_only`` says whether the change touched the police-only notes: then the notes'
    earlier and new text, and the reason, are shown to police users only.
    """

    person = models.ForeignKey(PersonOfConcern, on_delete=models.CASCADE, related_name="changes")
    police_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.person_id} changed"


class PeerGroupChange(Correction):
    """A peer group corrected after it was recorded: the group's history."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="changes")

    def __str__(self) -> str:
        return f"{self.group_id} changed"


class ContextKind(models.TextChoices):
    """What a concern about a context is about."""

    PLACE = "place", "A place or space"
    PEER_GROUP = "peer_group", "A peer group"
    SCHOOL = "school", "A school or college"
    ONLINE = "online", "An online space"


class TriageOutcome(models.TextChoices):
    """What the contextual safeguarding team decided about a concern."""

    DISRUPTION_MEETING = "disruption_meeting", "Take to the disruption meeting"
    CONTEXT_ASSESSMENT = "context_assessment", "Assess the context"
    INTELLIGENCE_ONLY = "intelligence_only", "Record as intelligence only"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class ContextConcern(models.Model):
    """A professional's concern about a place, peer group, school or online space.

    A child need not be named: children can be linked later.
    """

    reference = models.CharField(max_length=30, unique=True)
    context_kind = models.CharField(max_length=20, choices=ContextKind.choices)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    group = models.ForeignKey(
        PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    where = models.CharField(
        max_length=300, blank=True, help_text="The context in words, when it is not recorded yet."
    )
    what_happened = models.TextField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=TriageOutcome.choices, blank=True)
    triage_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["reported_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def context_words(self) -> str:
        """The context it is about, as the page names it."""
        if self.place_id:
            return str(self.place)
        if self.group_id:
            return str(self.group)
        return self.where


class ConcernChild(models.Model):
    """A child linked to a concern about a context after it was reported."""

    concern = models.ForeignKey(ContextConcern, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "person"], name="contextual_concern_child_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.person_id}"


class AssessedContext(models.TextChoices):
    """The Contextual Safeguarding Network's three context assessment triangles."""

    SCHOOL = "school", "School"
    PEER_GROUP = "peer_group", "Peer group"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


class ContextAssessment(models.Model):
    """An assessment of one context (level 2: the context is the subject, not a child).

    The triangle's three sides: what happens in the context, who has influence there
    and their capacity to make it safe, and the wider conditions.
    """

    context = models.CharField(max_length=20, choices=AssessedContext.choices)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    group = models.ForeignKey(
        PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    concern = models.ForeignKey(
        ContextConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    harm = models.TextField(help_text="What happens in this context: harm and its dynamics.")
    guardians = models.TextField(
        help_text="Who has influence here, and their capacity to make it safe."
    )
    conditions = models.TextField(help_text="The wider conditions: environment, policy, culture.")
    strengths = models.TextField(blank=True)
    plan = models.TextField(help_text="What will change, and who will change it.")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"{self.get_context_display()} assessment {self.pk}"


class WeightedContext(models.TextChoices):
    """The contexts of a child's life weighed against each other."""

    HOME = "home", "Home and family"
    PEER_GROUP = "peer_group", "Peer group"
    SCHOOL = "school", "School or college"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood and public spaces"
    ONLINE = "online", "Online"


class ContextWeighting(models.Model):
    """Context weighting for a child: which context must change first for safety to increase."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    first = models.CharField(max_length=20, choices=WeightedContext.choices)
    then = models.CharField(max_length=200, blank=True, help_text="The others, in order.")
    why = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.first}"


class DisruptionTool(models.TextChoices):
    """The disruption tools the meeting agrees (Home Office disruption toolkit)."""

    CAWN = "cawn", "Child Abduction Warning Notice (CAWN)"
    CLOSURE_ORDER = "closure_order", "Closure notice or order"
    LICENSING_REVIEW = "licensing_review", "Licensing review"
    PATROLS = "patrols", "Patrols"
    YOUTH_WORK = "youth_work", "Youth work in the place"
    ONLINE_REPORT = "online_report", "Report to an online platform"
    SCHOOL_MEASURES = "school_measures", "School measures"
    TRANSPORT_MEASURES = "transport_measures", "Transport measures"
    OTHER = "other", "Other"


class DisruptionOutcome(models.TextChoices):
    """What an action achieved."""

    NETWORK_DISRUPTED = "network_disrupted", "A network was disrupted"
    OPERATION_DISRUPTED = "operation_disrupted", "An operation was disrupted"
    NO_EFFECT = "no_effect", "No effect seen"
    NOT_DONE = "not_done", "Not done"


class DisruptionAction(models.Model):
    """A disruption action the monthly meeting agreed, owned by one agency."""

    reference = models.CharField(max_length=30, unique=True)
    tool = models.CharField(max_length=30, choices=DisruptionTool.choices)
    description = models.TextField()
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    person = models.ForeignKey(
        PersonOfConcern, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    group = models.ForeignKey(
        PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    children_at_risk_before = models.PositiveIntegerField(default=0)
    children_at_risk_after = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=DisruptionOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Whether the outcome is still to come."""
        return not self.outcome

    @property
    def target_words(self) -> str:
        """What the action is aimed at."""
        return str(self.place or self.person or self.group or "")


class DisruptionActionChange(Correction):
    """A disruption action corrected after it was agreed: the action's history."""

    action = models.ForeignKey(DisruptionAction, on_delete=models.CASCADE, related_name="changes")

    def __str__(self) -> str:
        return f"{self.action_id} changed"
