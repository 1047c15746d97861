"""Learning from cases: case reviews and their clocks, 7 point briefings, action plans.

A case review starts when the partnership becomes aware of a serious incident (or a
partner submits a local review, a near miss or good practice). Its clocks run in
working days from awareness: the serious incident notification to the national
Child Safeguarding Practice Review Panel within 5, the rapid review within 15 of the
notification, and a local child safeguarding practice review published within 6
months of its start. Children are linked to a review by someone who may see them and
are known everywhere else by a pseudonym ("Child A"); nothing published may name them.

A 7 point briefing sets out a review's or an audit's learning; once published each
agency confirms it has cascaded it and says how. An action plan holds the actions a
review or audit asks for; each action is a work item in its owner agency's queue.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class Theme(models.Model):
    """A theme from the partnership's managed list (neglect, domestic abuse, ...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReviewKind(models.TextChoices):
    """What sort of review it is; only a serious incident runs the national clocks."""

    SERIOUS_INCIDENT = "serious_incident", "Serious incident (notified to the national panel)"
    LOCAL_MULTI_AGENCY = "local_multi_agency", "Local multi-agency review"
    NEAR_MISS = "near_miss", "Near miss"
    GOOD_PRACTICE = "good_practice", "Good practice"


class LocalReviewDecision(models.TextChoices):
    """The decision after the rapid review on a local child safeguarding practice review."""

    UNDECIDED = "", "Not decided yet"
    LOCAL_REVIEW = "local_review", "Hold a local child safeguarding practice review"
    NO_LOCAL_REVIEW = "no_local_review", "No local review: the rapid review's learning is enough"
    NATIONAL_REVIEW = "national_review", "The national panel will review it"


class CaseDecision(models.TextChoices):
    """What the business unit decides about a case a partner sent for learning."""

    UNDECIDED = "", "Not decided yet"
    TAKE_FORWARD = "take_forward", "Take it forward: gather and publish its learning"
    NOT_PURSUED = "not_pursued", "Do not take it further"


class ReviewStatus(models.TextChoices):
    """Where the review is."""

    OPEN = "open", "Open"
    PUBLISHED = "published", "Learning published"
    CLOSED = "closed", "Closed"


class CaseReview(models.Model):
    """A serious incident, local review, near miss or good-practice case and its clocks."""

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    title = models.CharField(max_length=200, help_text="Never a child's name.")
    summary = models.TextField(blank=True)
    submitted_by_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="case_reviews"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="reviews")
    incident_on = models.DateField(null=True, blank=True)
    aware_on = models.DateField(help_text="When the partnership became aware.")
    notification_due_on = models.DateField(null=True, blank=True)
    notified_on = models.DateField(null=True, blank=True)
    rapid_review_due_on = models.DateField(null=True, blank=True)
    rapid_review_done_on = models.DateField(null=True, blank=True)
    local_review_decision = models.CharField(
        max_length=30, choices=LocalReviewDecision.choices, blank=True
    )
    local_review_decided_on = models.DateField(null=True, blank=True)
    local_review_started_on = models.DateField(null=True, blank=True)
    publication_due_on = models.DateField(null=True, blank=True)
    learning_summary = models.TextField(
        blank=True, help_text="The published learning: pseudonyms only."
    )
    published_on = models.DateField(null=True, blank=True)
    case_decision = models.CharField(
        max_length=20,
        choices=CaseDecision.choices,
        blank=True,
        help_text="The business unit's decision on a case a partner sent.",
    )
    case_decided_on = models.DateField(null=True, blank=True)
    case_decision_reason = models.TextField(
        blank=True, help_text="Why: the partner who sent the case reads this."
    )
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-aware_on", "-created_at"]

    def __str__(self) -> str:
        return self.reference


class ReviewChild(models.Model):
    """A child the review is about, and the pseudonym that stands for them everywhere else."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, related_name="case_reviews"
    )
    pseudonym = models.CharField(max_length=40)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "pseudonym"], name="review_pseudonym_once"),
        ]
        ordering = ["pseudonym"]

    def __str__(self) -> str:
        return f"{self.review.reference}: {self.pseudonym}"


class BriefingStatus(models.TextChoices):
    """Whether a briefing is a draft or published."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Briefing(models.Model):
    """A 7 point briefing: background, good practice, learning, recommendations, next steps."""

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    review = models.ForeignKey(
        CaseReview, on_delete=models.PROTECT, null=True, blank=True, related_name="briefings"
    )
    background = models.TextField(blank=True)
    good_practice = models.TextField(blank=True)
    learning_points = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    reflective_questions = models.TextField(blank=True)
    resources = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=BriefingStatus.choices, default="draft")
    published_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_on", "-created_at"]

    def __str__(self) -> str:
        return self.title

    SECTIONS = (
        ("background", "1. Background"),
        ("good_practice", "2. Good practice"),
        ("learning_points", "3. Learning points"),
        ("recommendations", "4. Recommendations"),
        ("next_steps", "5. Next steps"),
        ("reflective_questions", "6. Questions for your team"),
        ("resources", "7. Resources"),
    )


class Cascade(models.Model):
    """One agency's confirmation that it cascaded a published briefing, and how it used it."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="cascades")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    work_item = models.ForeignKey(
        "work.WorkItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_on = models.DateField(null=True, blank=True)
    how_used = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["briefing", "agency"], name="cascade_once_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.briefing.reference}: {self.agency.name}"


class Subgroup(models.TextChoices):
    """The partnership's subgroups, which monitor action plans quarterly."""

    CASE_REVIEW = "case_review", "Case Review Subgroup"
    PRACTICE = "practice", "Safeguarding and Professional Practice Subgroup"
    LEARNING = "learning", "Learning, Development and Performance Subgroup"
    EXPLOITATION = "exploitation", "Child Exploitation Subgroup"
    VOICE = "voice", "Voice and Involvement Subgroup"


class PlanStatus(models.TextChoices):
    """Whether a plan continues or is signed off."""

    OPEN = "open", "Continuing"
    SIGNED_OFF = "signed_off", "Signed off"


class ActionPlan(models.Model):
    """The actions a review or audit asks for, monitored by a subgroup until signed off."""

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    review = models.ForeignKey(
        CaseReview, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    audit = models.ForeignKey(
        "Audit", on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    subgroup = models.CharField(max_length=30, choices=Subgroup.choices)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default="open")
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return self.reference


class Rag(models.TextChoices):
    """Red, amber, green: how an action stands."""

    RED = "red", "Red: overdue"
    AMBER = "amber", "Amber: due within 4 weeks"
    GREEN = "green", "Green: on track"
    COMPLETE = "complete", "Complete"


class PlanAction(models.Model):
    """One action of a plan: owned by an agency, due on a date, done with evidence."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    work_item = models.ForeignKey(
        "work.WorkItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.plan.reference}: {self.description[:40]}"

    def rag(self, today: dt.date | None = None) -> str:
        """Complete, red (overdue), amber (due within 28 days) or green."""
        day = today or timezone.localdate()
        if self.completed_on is not None:
            return Rag.COMPLETE
        if self.due_on < day:
            return Rag.RED
        if (self.due_on - day).days <= 28:
            return Rag.AMBER
        return Rag.GREEN


class AuditKind(models.TextChoices):
    """Multi-agency thematic audits, single-agency updates and school self-assessments."""

    MULTI_AGENCY = "multi_agency", "Multi-agency audit"
    SINGLE_AGENCY = "single_agency", "Single-agency audit update"
    SCHOOL_SELF_ASSESSMENT = "school_175", "School safeguarding self-assessment (section 175/157)"


class AuditStatus(models.TextChoices):
    """Whether the audit waits for findings."""

    REQUESTED = "requested", "Waiting for agencies' findings"
    CLOSED = "closed", "Findings complete"


class Audit(models.Model):
    """An audit the partnership asks agencies to take part in, with its terms of reference."""

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    title = models.CharField(max_length=200)
    themes = models.ManyToManyField(Theme, blank=True, related_name="audits")
    terms_of_reference = models.TextField()
    voice_plan = models.TextField(
        help_text="How the child's voice and lived experience will be captured."
    )
    sample = models.TextField(help_text="The cases sampled: references only, never names.")
    due_on = models.DateField()
    good_practice = models.TextField(blank=True)
    learning_points = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default="requested")
    agencies = models.ManyToManyField("core.Agency", related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class AuditFinding(models.Model):
    """One agency's findings for an audit."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    work_item = models.ForeignKey(
        "work.WorkItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    findings = models.TextField(blank=True)
    good_practice = models.TextField(blank=True)
    rating = models.CharField(max_length=10, blank=True)  # red, amber, green (self-assessments)
    moderated_rating = models.CharField(max_length=10, blank=True)
    moderation_note = models.TextField(blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audit", "agency"], name="finding_once_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.audit.reference}: {self.agency.name}"


class YouSaidWeDid(models.Model):
    """The Voice and Involvement log: what children and families said, and what changed."""

    heard_on = models.DateField()
    from_whom = models.CharField(
        max_length=200,
        help_text="A group, never a named child: 'Young people at the youth council'.",
    )
    you_said = models.TextField()
    we_did = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-heard_on"]

    def __str__(self) -> str:
        return f"{self.heard_on}: {self.from_whom}"


class Contribution(models.Model):
    """A partner's financial contribution to the partnership for a financial year."""

    year = models.PositiveSmallIntegerField(
        help_text="The year the financial year starts, 2026 for 2026 to 2027."
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    amount_pounds = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "agency"], name="contribution_once_a_year"),
        ]
        ordering = ["-year", "agency__name"]

    def __str__(self) -> str:
        return f"{self.year}: {self.agency.name}"


class ChildDeathSummary(models.Model):
    """The Child Death Overview Panel's yearly summary for the annual report (no case detail)."""

    year = models.PositiveSmallIntegerField(unique=True)
    notifications = models.PositiveIntegerField()
    reviews_completed = models.PositiveIntegerField()
    modifiable_factors = models.PositiveIntegerField(
        help_text="Reviews that found modifiable factors."
    )
    themes = models.TextField(blank=True)
    learning = models.TextField(blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Board(models.Model):
    """The Executive or a subgroup: its members, priorities and work plan."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    is_executive = models.BooleanField(default=False)
    purpose = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_executive", "name"]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """A member of a board: who, from which agency, in what role."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    since = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.agency.name}"


class BoardPriority(models.Model):
    """A priority a board works to in a year."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="priorities")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.title


class PlanItemStatus(models.TextChoices):
    """How a work plan item stands."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"


class WorkPlanItem(models.Model):
    """A line of a board's work plan, towards one of its priorities."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="work_plan")
    priority = models.ForeignKey(
        BoardPriority, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=PlanItemStatus.choices, default="not_started")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
