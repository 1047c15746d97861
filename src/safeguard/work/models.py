"""Work items: every hand-off between people, teams and agencies, and absences that move work.

A work item says which team must act, optionally who in it, what must be done
(from a fixed list), about what (the subject, with a link back), by when (a due
moment from the partnership's clock), how urgent it is, and where it stands.
If a decision, request or meeting outcome does not create one, nobody will act
on it. Titles never name a child: the queue shows the child's name from the
person link, and only to those the access rule lets see the child.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.core.clock import Clock


class WorkKind(models.TextChoices):
    """What must be done. Each app's hand-offs use these; add new kinds here."""

    DECIDE_CONTACT = "decide_contact", "Decide what happens next on a contact"
    SIGN_OFF_DECISION = "sign_off_decision", "Sign off a threshold decision"
    REDO_DECISION = "redo_decision", "Decide again: a manager sent the decision back"
    ANSWER_REQUEST = "answer_request", "Answer a request for information"
    SECTION_17_ASSESSMENT = "section_17_assessment", "Start a child and family assessment"
    SECTION_47_STRATEGY = "section_47_strategy", "Hold a strategy discussion (Section 47)"
    LOOKED_AFTER = "looked_after", "Arrange care or police protection"
    ALLOCATE_LEAD = "allocate_lead", "Allocate a lead practitioner"
    ACTION_POLICE_FORM = "action_police_form", "Action a form from a partner"
    REVIEW_BREAK_GLASS = "review_break_glass", "Review an emergency access (break-glass)"
    REALLOCATE_WORK = "reallocate_work", "Re-allocate work from someone who is away"
    REALLOCATE_CHILD = "reallocate_child", "Re-allocate a child's lead practitioner"
    RESOLVE_CHALLENGE = "resolve_challenge", "Resolve a professional challenge"
    READ_OUTCOME = "read_outcome", "Read a changed outcome"
    MEETING_ACTION = "meeting_action", "Complete an action from a meeting"
    CASE_REVIEW_STEP = "case_review_step", "Take a case review to its next step"
    CONFIRM_CASCADE = "confirm_cascade", "Confirm a 7 point briefing was cascaded"
    PLAN_ACTION = "plan_action", "Complete an action of a partnership action plan"
    AUDIT_FINDINGS = "audit_findings", "Send your agency's findings for a partnership audit"
    EXPLOITATION_REFER_NOW = "exploitation_refer_now", "Act on a significant exploitation incident"
    SIGN_OFF_PANEL_DECISION = "sign_off_panel_decision", "Sign off a risk panel decision"
    EXPLOITATION_REVIEW = "exploitation_review", "Review a child's exploitation plan"
    NRM_DECISION = "nrm_decision", "Make a National Referral Mechanism decision"
    HEALTH_FLAG = "health_flag", "Note a child flagged to health services"
    HSB_SAFEGUARDING_RESPONSE = (
        "hsb_safeguarding_response",
        "Safeguard the children in a harmful sexual behaviour concern",
    )
    HSB_REFERRAL = "hsb_referral", "Allocate a keyworker for a harmful sexual behaviour referral"
    HSB_REVIEW_SUPPORT = (
        "hsb_review_support",
        "Review support for a family during a police investigation",
    )
    HSB_ONLINE_SAFETY_LESSONS = (
        "hsb_online_safety_lessons",
        "Confirm a child's missed online-safety lessons",
    )
    HSB_POLICE_REQUEST = (
        "hsb_police_request",
        "Answer a police request about harmful sexual behaviour",
    )
    HSB_EXPLOITATION_SCREENING = (
        "hsb_exploitation_screening",
        "Screen a child for exploitation (signs in a sexual behaviour concern)",
    )
    OTHER = "other", "Other work"
    RETURN_INTERVIEW = "return_interview", "Offer a return home interview"
    READ_SCHOOL_NOTICE = "read_school_notice", "Read a notice about a missing pupil"
    MISSING_STRATEGY = "missing_strategy", "Hold a strategy discussion: repeatedly missing"
    TRIAGE_CONTEXT_CONCERN = "triage_context_concern", "Triage a concern about a place or group"
    DISRUPTION_ACTION = "disruption_action", "Carry out a disruption action"
    CASE_DECISION = "case_decision", "Read the decision on a case you sent for learning"
    TRAINING_IMPACT_SURVEY = "training_impact_survey", "Answer a training impact survey"
    TRAINING_IMPACT_MANAGER = (
        "training_impact_manager",
        "Say whether someone's practice changed after training",
    )
    TRAINING_RENEWAL = "training_renewal", "Renew training before it runs out"


# Work that is done on the page it links to (answering the request, signing off the
# decision): the item closes itself then, and cannot be ticked off by hand.
CLOSES_ITSELF = frozenset(
    {
        WorkKind.DECIDE_CONTACT,
        WorkKind.SIGN_OFF_DECISION,
        WorkKind.REDO_DECISION,
        WorkKind.ANSWER_REQUEST,
        WorkKind.ALLOCATE_LEAD,
        WorkKind.ACTION_POLICE_FORM,
        WorkKind.REVIEW_BREAK_GLASS,
        WorkKind.REALLOCATE_WORK,
        WorkKind.REALLOCATE_CHILD,
        WorkKind.RESOLVE_CHALLENGE,
        WorkKind.CASE_REVIEW_STEP,
        WorkKind.CONFIRM_CASCADE,
        WorkKind.PLAN_ACTION,
        WorkKind.AUDIT_FINDINGS,
        WorkKind.RETURN_INTERVIEW,
        WorkKind.READ_SCHOOL_NOTICE,
        WorkKind.SIGN_OFF_PANEL_DECISION,
        WorkKind.NRM_DECISION,
        WorkKind.HSB_REFERRAL,
        WorkKind.HSB_REVIEW_SUPPORT,
        WorkKind.HSB_ONLINE_SAFETY_LESSONS,
        WorkKind.HSB_POLICE_REQUEST,
        WorkKind.HSB_EXPLOITATION_SCREENING,
        WorkKind.TRIAGE_CONTEXT_CONCERN,
        WorkKind.DISRUPTION_ACTION,
        WorkKind.CASE_DECISION,
        WorkKind.TRAINING_IMPACT_SURVEY,
        WorkKind.TRAINING_IMPACT_MANAGER,
        WorkKind.TRAINING_RENEWAL,
    }
)


class Priority(models.IntegerChoices):
    """How urgent: lower numbers come first in every queue."""

    IMMEDIATE = 1, "Immediate danger"
    URGENT = 2, "Urgent"
    STANDARD = 3, "Standard"


class WorkStatus(models.TextChoices):
    """Where a work item stands."""

    WAITING = "waiting", "Waiting"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (WorkStatus.WAITING, WorkStatus.IN_PROGRESS)


class WorkItemQuerySet(models.QuerySet["WorkItem"]):
    """Work items, with the questions every queue asks."""

    def open(self) -> WorkItemQuerySet:
        """Items still to do (waiting or in progress)."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: object = None) -> WorkItemQuerySet:
        """Open items past their due moment."""
        return self.open().filter(due_at__lt=now or timezone.now())


class WorkItem(models.Model):
    """One thing one team (or one person in it) must do, by when, about what."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("core.Team", on_delete=models.PROTECT, related_name="work_items")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_items",
    )
    kind = models.CharField(max_length=40, choices=WorkKind.choices)
    title = models.CharField(max_length=200, help_text="Never a child's name.")
    detail = models.TextField(blank=True, help_text="What the team needs to know to act.")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_items",
        help_text="The child (or adult) the work is about, if any.",
    )
    subject_type = models.CharField(max_length=80, help_text="What the work is about.")
    subject_id = models.CharField(max_length=64)
    subject_url = models.CharField(max_length=300, blank=True)
    subject_label = models.CharField(
        max_length=120, blank=True, help_text="A reference, never a name."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    clock = models.CharField(max_length=20, choices=[(c.value, c.value) for c in Clock])
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.STANDARD)
    status = models.CharField(max_length=20, choices=WorkStatus.choices, default=WorkStatus.WAITING)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(blank=True, help_text="What was done, or why it was cancelled.")
    escalated_at = models.DateTimeField(null=True, blank=True)
    reallocation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reallocations",
    )

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["team", "status", "priority", "due_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label or self.subject_id}"

    @property
    def is_open(self) -> bool:
        """Whether the item is still to do."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, now: object = None) -> bool:
        """Whether the item is open and past its due moment."""
        return self.is_open and self.due_at < (now or timezone.now())  # type: ignore[operator]


class AbsenceKind(models.TextChoices):
    """Why someone is away."""

    LEAVE = "leave", "Annual leave"
    SICKNESS = "sickness", "Sickness"
    LEFT = "left", "Left the team or agency"
    OTHER = "other", "Other absence"


class Absence(models.Model):
    """Someone is away: their open work and the children they lead on go to their manager."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank when not known.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    reallocated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the work was put in the manager's queue."
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.user_id} away from {self.starts_on}"

    def covers(self, day: object) -> bool:
        """Whether the absence includes the day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)  # type: ignore[operator]
