"""Multi-agency meetings: kinds, schedules, meetings, invitations, agenda, minutes and actions.

A meeting kind carries the partnership's rules for it (who chairs, which agencies
must be invited, quorum, how often, the clock it runs to, the domain that supplies
its agenda). A schedule generates the dates of a recurring meeting. Each meeting
invites agencies (optionally for some agenda items only) and named people, records
attendance by agency, and its agenda items hold the discussion, the child's voice,
the Signs of Safety mapping, decisions and actions. Actions become work items when
the minutes are finalised; outcomes go to every invited agency, attended or not.

Times are stored in UTC and shown in UK time.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.core.clock import Clock
from safeguard.frontdoor.models import VoiceApproach


class Frequency(models.TextChoices):
    """How often a kind of meeting meets."""

    ONE_OFF = "one_off", "One-off (arranged when needed)"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class ClockStart(models.TextChoices):
    """What starts a meeting kind's clock."""

    NONE = "", "No clock"
    SECTION_47_DECISION = "section_47_decision", "A Section 47 decision"
    STRATEGY_DISCUSSION = "strategy_discussion", "The strategy discussion"


class MeetingKind(models.Model):
    """A kind of meeting and its rules; the partnership adds kinds as its meetings change."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    chair_role = models.CharField(
        max_length=40, blank=True, help_text="The role code of who chairs (blank: anyone)."
    )
    chair_team_purpose = models.CharField(
        max_length=40, blank=True, help_text="The purpose of the team that chairs, if any."
    )
    required_agency_kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds of agency that must be invited."
    )
    quorum = models.PositiveSmallIntegerField(
        default=0, help_text="How many agencies must attend for decisions to stand."
    )
    clock_starts = models.CharField(
        max_length=40, choices=ClockStart.choices, blank=True, default=ClockStart.NONE
    )
    clock_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    clock = models.CharField(
        max_length=20, blank=True, choices=[(c.value, c.value) for c in Clock], default=""
    )
    signs_of_safety = models.BooleanField(
        default=False, help_text="Whether items record the Signs of Safety mapping."
    )
    agenda_supplier = models.CharField(
        max_length=60, blank=True, help_text="The key of the domain that supplies the agenda."
    )
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Schedule(models.Model):
    """A recurring meeting: weekly on a weekday, or monthly on the n-th (or last) weekday."""

    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="schedules")
    title = models.CharField(max_length=200)
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(help_text="0 is Monday.")
    week_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 to 4, or 5 for the last; monthly only."
    )
    start_time = models.TimeField(help_text="UK time.")
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_schedules"
    )
    agencies = models.ManyToManyField("core.Agency", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    """Where a meeting stands."""

    SCHEDULED = "scheduled", "Scheduled"
    FINALISED = "finalised", "Minutes finalised"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One meeting: when, who chairs, who is invited, its agenda and minutes."""

    reference = models.CharField(max_length=30, unique=True)
    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="meetings")
    schedule = models.ForeignKey(
        Schedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(max_length=200, help_text="Never a child's name.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    moved_from = models.DateField(
        null=True, blank=True, help_text="The date it would have been, before a bank holiday."
    )
    sequence = models.PositiveIntegerField(
        default=0,
        help_text="How many times it was moved or cancelled (the calendar file's SEQUENCE).",
    )
    cancelled_reason = models.TextField(blank=True)
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    clock_started_at = models.DateTimeField(
        null=True, blank=True, help_text="The decision or discussion the kind's clock runs from."
    )
    due_by = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    episode = models.ForeignKey(
        "earlyhelp.Episode",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The early help episode a Team Around the Family meeting is for.",
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["chair", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_finalised(self) -> bool:
        """Whether the minutes are finalised (nothing more can change)."""
        return self.status == MeetingStatus.FINALISED

    @property
    def is_changeable(self) -> bool:
        """Whether the chair can still cancel or move it (not cancelled, minutes not final)."""
        return self.status == MeetingStatus.SCHEDULED

    @property
    def held_late(self) -> bool:
        """Whether the meeting is after the moment the kind's clock says it was due."""
        return self.due_by is not None and self.starts_at > self.due_by


class Response(models.TextChoices):
    """What an invited agency or person said they would do."""

    AWAITING = "awaiting", "Not answered yet"
    CONFIRMED = "confirmed", "Coming"
    APOLOGIES = "apologies", "Sent apologies"
    SUBSTITUTE = "substitute", "Sending someone else"


class Attendance(models.TextChoices):
    """Who came, recorded by the chair: the partnership measures this by agency."""

    NOT_RECORDED = "not_recorded", "Not recorded"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Apologies"
    SUBSTITUTE = "substitute", "Sent a substitute"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


# Attendance that counts towards the quorum.
PRESENT = (Attendance.ATTENDED, Attendance.SUBSTITUTE)


class Invitation(models.Model):
    """An agency (and optionally a named person in it) invited to a meeting, or to some items."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    items: models.ManyToManyField[AgendaItem, Any] = models.ManyToManyField(
        "AgendaItem", blank=True, related_name="invitations", help_text="Blank: every item."
    )
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.AWAITING)
    substitute_name = models.CharField(max_length=120, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.NOT_RECORDED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agency__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agency"],
                condition=models.Q(person__isnull=True),
                name="meetings_one_agency_invitation",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(person__isnull=False),
                name="meetings_one_person_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} to {self.meeting_id}"


class ItemKind(models.TextChoices):
    """What an agenda item is about."""

    CHILD = "child", "A child"
    FAMILY = "family", "A family"
    TOPIC = "topic", "A topic"


class AgendaItem(models.Model):
    """One item on a meeting's agenda, with its discussion, the child's voice and the mapping."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_items",
        help_text="The child (for a family, the child the family is known through).",
    )
    title = models.CharField(max_length=200, help_text="A topic, or a reference: never a name.")
    discussion = models.TextField(blank=True)
    child_voice = models.TextField(blank=True, help_text="What the child said, wants and feels.")
    child_voice_approach = models.CharField(
        max_length=10,
        choices=VoiceApproach.choices,
        default=VoiceApproach.WORDS,
        help_text="The child's words, or (pre-verbal or non-verbal) the PRESENT approach.",
    )
    worried_about = models.TextField(blank=True)
    working_well = models.TextField(blank=True)
    needs_to_happen = models.TextField(blank=True)
    safety_scale = models.PositiveSmallIntegerField(null=True, blank=True)
    notes_saved_at = models.DateTimeField(null=True, blank=True)
    notes_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supplied_by = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting_id} item {self.order}"

    @property
    def is_about_a_person(self) -> bool:
        """Whether only people who may see the child may see the item."""
        return self.person_id is not None


class Decision(models.Model):
    """One decision recorded against an item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Action(models.Model):
    """An action agreed on an item: an owner (a person or an agency), a due date, a work item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    owner_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    work_item = models.OneToOneField(
        "work.WorkItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_label(self) -> str:
        """Who owns the action, in words."""
        if self.owner_user is not None:
            return self.owner_user.get_full_name() or self.owner_user.username
        if self.owner_agency is not None:
            return self.owner_agency.name
        return "No owner yet"


class OutcomeNotice(models.Model):
    """The outcome of a meeting sent to one invited agency, and when someone there opened it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="notice")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    work_item = models.OneToOneField(
        "work.WorkItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Outcome of {self.meeting_id} for {self.agency_id}"


class FamilyStage(models.TextChoices):
    """The first Team Around the Family meeting, or a review (as early help records it)."""

    FIRST = "first", "First Team Around the Family meeting"
    REVIEW = "review", "Team Around the Family review"


class FamilyMeeting(models.Model):
    """What a Team Around the Family meeting adds to a meeting: early help's review cycle.

    The meeting's family item holds the progress (discussion), the child's voice and
    the plan update (what needs to happen); the agencies that took part are its
    invitations, marked attended. Early help sees these through ``earlyhelp/taf.py``.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="family"
    )
    stage = models.CharField(max_length=10, choices=FamilyStage.choices)
    family_attended = models.BooleanField(default=False)
    attendees = models.TextField(blank=True, help_text="Names and roles of who came.")
    next_review_due = models.DateField()

    def __str__(self) -> str:
        return f"{self.get_stage_display()} ({self.meeting_id})"
