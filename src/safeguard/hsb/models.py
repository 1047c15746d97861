"""Harmful sexual behaviour (HSB): concerns on the continuum, roles, AIM assessments, investigations.

A concern places a child's sexual behaviour on Hackett's continuum (normal,
inappropriate, problematic, abusive, violent), with the evidence for the level and
the voice of each child named. A child named in a concern is harmed, or harmed
someone (displayed the behaviour), or both: each role is a :class:`Pathway` of its
own, so the same child can be on both without one hiding the other. The Youth
Justice Service's HSB service completes AIM assessments (case formulations kept as
versions, never a score) for the child who harmed. Police investigations carry their
status, officer, four-weekly support reviews and requests to partners.

Times are stored in UTC and shown in UK time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Level(models.TextChoices):
    """Hackett's continuum of sexual behaviour, from developmentally expected to violent."""

    NORMAL = "normal", "Normal"
    INAPPROPRIATE = "inappropriate", "Inappropriate"
    PROBLEMATIC = "problematic", "Problematic"
    ABUSIVE = "abusive", "Abusive"
    VIOLENT = "violent", "Violent"


# A concern at one of these levels is referred at once (learning point 2).
REFERRAL_LEVELS = frozenset({Level.PROBLEMATIC, Level.ABUSIVE, Level.VIOLENT})


class Light(models.TextChoices):
    """The traffic light of the age-banded examples the practitioner compared the behaviour with."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Role(models.TextChoices):
    """A child's role in a concern; one child can hold both."""

    HARMED = "harmed", "Child harmed"
    HARMING = "harming", "Child who harmed"


class Concern(models.Model):
    """A concern about a child's sexual behaviour, placed on the continuum by a named practitioner."""

    reference = models.CharField(max_length=30, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    noticed_at = models.DateTimeField(help_text="When the behaviour was first noticed.")
    what_happened = models.TextField(help_text="Never another child's name: link them instead.")
    level = models.CharField(max_length=20, choices=Level.choices)
    light = models.CharField(max_length=10, choices=Light.choices)
    age_band = models.CharField(max_length=10)
    evidence = models.TextField(help_text="Why the behaviour sits at this level.")
    immediate_response = models.TextField(
        help_text="What the practitioner did straight away to keep the children safe."
    )
    referred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["recorded_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_referred(self) -> bool:
        """Whether the concern went to the teams that must act (problematic or above)."""
        return self.referred_at is not None


class ConcernChild(models.Model):
    """A child named in a concern, in one role, with their voice."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    voice = models.TextField(help_text="What the child said, in their words.")
    exploitation_signs = models.BooleanField(
        default=False, help_text="There are signs this child may also be being exploited."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "person", "role"], name="hsb_concern_child_role_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.role}"


class ConcernChange(models.Model):
    """One change to a concern after it was recorded: who, when, why, and the fields before and after."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.changed_at:%Y-%m-%d}"


class CaseType(models.TextChoices):
    """Whether the work rests on consent (preventative) or on a court order (statutory)."""

    PREVENTATIVE = "preventative", "Preventative (with consent)"
    STATUTORY = "statutory", "Statutory (court order or conviction)"


class Consent(models.TextChoices):
    """What a child or their parents said about working with the service."""

    NOT_ASKED = "not_asked", "Not asked yet"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"


class PathwayStatus(models.TextChoices):
    """Where a child's pathway stands."""

    REFERRED = "referred", "Referred, waiting for a keyworker"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Pathway(models.Model):
    """One child's pathway in one role: support for a child harmed, the HSB service for a child who harmed."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey("core.Team", on_delete=models.PROTECT, related_name="+")
    first_concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.REFERRED
    )
    case_type = models.CharField(
        max_length=20, choices=CaseType.choices, default=CaseType.PREVENTATIVE
    )
    involvement = models.ForeignKey(
        "people.Involvement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The team's agency working with the child; its lead is the keyworker.",
    )
    child_consent = models.CharField(
        max_length=20, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    parents_consent = models.CharField(
        max_length=20, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    consent_recorded_on = models.DateField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    engagement = models.TextField(blank=True, help_text="How the family is engaging, and why.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    close_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role"],
                condition=~models.Q(status="closed"),
                name="hsb_one_open_pathway_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role}"


class AimTool(models.TextChoices):
    """The AIM Project's assessments the HSB service uses."""

    AIM3 = "aim3", "AIM3"
    AIM3_UNDER_12S = "aim3_under_12s", "AIM3 Under 12s"
    AIM_DIGITAL = "aim_digital", "AIM digital technology assessment"


class AimTrainedPractitioner(models.Model):
    """A practitioner recorded as trained to use an AIM tool (until the training app keeps this)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tool = models.CharField(max_length=20, choices=AimTool.choices)
    trained_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tool"], name="hsb_trained_once_per_tool")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.tool}"


class AimAssessment(models.Model):
    """An AIM assessment of a child who harmed: a case formulation kept as versions."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="assessments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    tool = models.CharField(max_length=20, choices=AimTool.choices)
    case_type = models.CharField(max_length=20, choices=CaseType.choices)
    started_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.tool} {self.started_on}"


class Formulation(models.Model):
    """One version of an AIM case formulation: the five domains, what it means, the plan."""

    assessment = models.ForeignKey(
        AimAssessment, on_delete=models.CASCADE, related_name="formulations"
    )
    version = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    what_changed = models.TextField(blank=True)
    sexual_behaviours = models.TextField()
    non_sexual_behaviours = models.TextField()
    development = models.TextField()
    family_environment = models.TextField()
    self_regulation = models.TextField()
    formulation = models.TextField(help_text="What the pattern means for this child: not a score.")
    plan = models.TextField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "version"], name="hsb_formulation_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} v{self.version}"


class InternetSafetyAdvice(models.Model):
    """Advice about internet use at home given to a child's parents (learning point 5)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField()
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_to = models.CharField(max_length=200)
    parental_controls = models.BooleanField(default=False)
    monitoring = models.BooleanField(default=False)
    devices = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.given_on}"


class LessonsReason(models.TextChoices):
    """Why a child may have missed the online-safety lessons."""

    LOW_ATTENDANCE = "low_attendance", "Low school attendance"
    EDUCATION_GAP = "education_gap", "A gap in education (for example during the pandemic)"


class LessonsFlag(models.TextChoices):
    """Where a missed-lessons flag stands."""

    WAITING = "waiting", "Waiting for the school"
    CONFIRMED = "confirmed", "The school confirmed the lessons"


class OnlineSafetyLessons(models.Model):
    """A child flagged for the Relationships, Sex and Health Education (RSHE) online-safety lessons they missed."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=LessonsReason.choices)
    detail = models.TextField(blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    flagged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=LessonsFlag.choices, default=LessonsFlag.WAITING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation = models.TextField(blank=True)

    class Meta:
        ordering = ["-flagged_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


class InvestigationStatus(models.TextChoices):
    """Where a police investigation stands."""

    OPEN = "open", "Open"
    WITH_PROSECUTOR = "with_prosecutor", "Open: with the Crown Prosecution Service"
    CHARGED = "charged", "Closed: charged"
    NO_FURTHER_ACTION = "no_further_action", "Closed: no further action"
    OUT_OF_COURT = "out_of_court", "Closed: out-of-court outcome"


OPEN_INVESTIGATION = (InvestigationStatus.OPEN, InvestigationStatus.WITH_PROSECUTOR)


class Investigation(models.Model):
    """A police investigation arising from a concern; the family needs support while it lasts."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="investigations")
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The child the family support reviews are about.",
    )
    crime_reference = models.CharField(max_length=40)
    started_on = models.DateField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=30, choices=InvestigationStatus.choices, default=InvestigationStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["started_on"]

    def __str__(self) -> str:
        return self.crime_reference

    @property
    def is_open(self) -> bool:
        """Whether the investigation is still going on."""
        return self.status in OPEN_INVESTIGATION


class SupportReview(models.Model):
    """A review of the support the family has while the investigation goes on (every 4 weeks)."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    support = models.TextField()

    class Meta:
        ordering = ["-reviewed_at"]

    def __str__(self) -> str:
        return f"{self.investigation_id} {self.reviewed_at:%Y-%m-%d}"


class PoliceRequest(models.Model):
    """The police asking a partner agency for information, timed against its deadline."""

    investigation = models.ForeignKey(
        Investigation, on_delete=models.CASCADE, related_name="requests"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["asked_at"]

    def __str__(self) -> str:
        return f"{self.investigation_id} {self.agency_id}"

    @property
    def answered_late(self) -> bool:
        """Whether the answer came after the deadline."""
        return self.answered_at is not None and self.answered_at > self.due_at


class StrategyMeeting(models.Model):
    """A strategy meeting (in the meetings app) arranged about a concern."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="meetings")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    arranged_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.concern_id} {self.meeting_id}"
