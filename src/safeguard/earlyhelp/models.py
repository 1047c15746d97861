"""Early help: episodes, Early Help Assessments, support; its meetings live in `meetings`.

An :class:`Episode` is one period of early help for a family: a group of
children (usually brothers and sisters), optionally linked to the
``people.Household`` they live in. The children, not the household, decide who
may see it: a user sees an episode only when they may see every child in it
(see ``selectors.episodes_visible_to``). Reads go through ``selectors.py``;
writes through ``services.py``. Team Around the Family (TAF) meetings are kept
by the meetings app; early help reaches them through ``taf.py`` (the meetings app
registers its store there at start-up).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguard.frontdoor.models import VoiceApproach


class ClosureReason(models.TextChoices):
    """Why an episode of early help ended, as the Supporting Families team counts them."""

    NEEDS_MET = "needs_met", "All needs met"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    STEPPED_DOWN = "stepped_down", "Stepped down to universal services"
    DECLINED = "declined", "Family declined"
    MOVED_AWAY = "moved_away", "Moved away"


class Episode(models.Model):
    """One period of early help for a family, from opening to closure with a reason."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=32, unique=True)
    children: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "people.Person", through="EpisodeChild", related_name="early_help_episodes"
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="early_help_episodes",
    )
    lead_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="early_help_episodes_led"
    )
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="early_help_episodes_led",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    source_reference = models.CharField(
        max_length=40, blank=True, help_text="For example the MASH contact reference."
    )
    reason = models.TextField(blank=True)
    review_due = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stepped_up_to = models.CharField(
        max_length=32,
        blank=True,
        help_text="The MASH contact made when early help stepped up to children's social care.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "reference"]
        indexes = [
            models.Index(fields=["status", "review_due"]),
            models.Index(fields=["lead_agency", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(closure_reason=""),
                name="closed_episode_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Whether the family is still receiving early help."""
        return self.status == self.Status.OPEN

    def review_overdue_on(self, day: dt.date) -> bool:
        """Whether the Team Around the Family review was due before ``day`` and the episode is open."""
        return self.is_open and self.review_due is not None and self.review_due < day

    @property
    def review_overdue(self) -> bool:
        """Whether the review is overdue today (UK time)."""
        return self.review_overdue_on(timezone.localdate())


class EpisodeChild(models.Model):
    """A child in an episode of early help."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    added_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "person"], name="one_membership_per_child")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.episode_id}"


class Assessment(models.Model):
    """An Early Help Assessment: what life is like for the family, their needs and the plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETED = "completed", "Completed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="early_help_assessments_led",
    )
    assessment_date = models.DateField(null=True, blank=True)
    already_known = models.TextField(
        blank=True, help_text="What agencies already knew, pre-filled so the family tells it once."
    )
    family_view = models.TextField(blank=True)
    child_voice = models.TextField(blank=True)
    child_voice_approach = models.CharField(
        max_length=10,
        choices=VoiceApproach.choices,
        default=VoiceApproach.WORDS,
        help_text="The child's words, or (pre-verbal or non-verbal) the PRESENT approach.",
    )
    needs = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    prefilled_from = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Early Help Assessment {self.pk} ({self.status})"

    @property
    def is_draft(self) -> bool:
        """Whether the assessment can still be changed."""
        return self.status == self.Status.DRAFT


class SupportRecord(models.Model):
    """Support an agency gave the family, for the central record of support."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="support_records")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField()
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.description[:40]}"


class EpisodeChange(models.Model):
    """A change in the family's circumstances or the plan, which the Supporting Families team hears about."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="changes")
    happened_on = models.DateField()
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-created_at"]

    def __str__(self) -> str:
        return self.summary[:60]


class Notification(models.Model):
    """A message to the Supporting Families team: kept in-app as well as emailed.

    It carries the episode reference and what happened, never a child's name,
    so an email sent to the wrong place discloses nothing about a family.
    """

    class Event(models.TextChoices):
        ASSESSMENT_COMPLETED = "assessment_completed", "Early Help Assessment completed"
        REVIEWED = "reviewed", "Team Around the Family meeting or review held"
        CHANGED = "changed", "Change recorded"
        CLOSED = "closed", "Early help closed"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=30, choices=Event.choices)
    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject


class FamilyConsent(models.Model):
    """One family member's informed consent to early help, or their refusal, and any withdrawal.

    Early help is voluntary. Before an Early Help Assessment is started, each
    parent or carer with parental responsibility (or a young person competent to
    decide for themselves) is asked; the record says who, when, how, and what
    they agreed to: the assessment, and sharing with the agencies named. A
    withdrawal stops further sharing. Read with ``selectors.family_consent``.
    """

    class Capacity(models.TextChoices):
        PARENT = "parent", "Parent or carer with parental responsibility"
        YOUNG_PERSON = "young_person", "The young person, competent to decide for themselves"

    class Decision(models.TextChoices):
        GIVEN = "given", "Agreed"
        REFUSED = "refused", "Refused"

    class Method(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        WRITING = "writing", "In writing"

    class NextStep(models.TextChoices):
        REPORT_CONCERN = (
            "report_concern",
            "A safeguarding concern remains: report it to the Multi-Agency Safeguarding Hub (MASH)",
        )
        OFFER_AGAIN = "offer_again", "Offer early help again later"
        UNIVERSAL = "universal", "Signpost the family to universal services"
        CLOSE = "close", "Close early help: the family declined"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    capacity = models.CharField(max_length=20, choices=Capacity.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_on = models.DateField()
    method = models.CharField(max_length=10, choices=Method.choices)
    to_assessment = models.BooleanField(default=False)
    to_sharing = models.BooleanField(default=False)
    agencies = models.ManyToManyField("core.Agency", related_name="+", blank=True)
    next_step = models.CharField(max_length=20, choices=NextStep.choices, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_note = models.TextField(blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision="refused") | ~models.Q(next_step=""),
                name="refused_consent_has_next_step",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="refused")
                | models.Q(to_assessment=False, to_sharing=False),
                name="refused_consent_agrees_to_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_on}"

    @property
    def is_withdrawn(self) -> bool:
        """Whether consent given here was later withdrawn."""
        return self.withdrawn_on is not None
