"""Multi-agency training: courses, sessions, bookings, the register, evaluations and impact.

A **course** (Working Together A, Developing an Understanding of Harmful Sexual
Behaviour...) runs as **sessions**, each virtual or in person with a trainer and a
capacity. A **booking** holds a place or a place on the waiting list; the register
the trainer ticks on the day records who came. Coming to a course that trains in a
**skill** (AIM3 assessment...) writes a **training record** that other apps ask
through ``selectors.trained_in``. Attendees **evaluate** the course straight after
and answer an **impact survey** six months later (with an optional manager stage).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from safeguard.core.models import AgencyKind


class Skill(models.Model):
    """Something a person can be trained in, such as using the AIM3 assessment."""

    demo_keep = True  # configuration, seeded by a migration: reloading the demo keeps it

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    renew_after_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty when the training never needs renewing."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A multi-agency course the partnership offers."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    audience = models.TextField(help_text="Who the course is for.")
    learning_outcomes = models.TextField(help_text="One outcome a line.")
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    impact_asks_manager = models.BooleanField(
        default=False, help_text="The six-month impact survey also asks the learner's manager."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def outcomes(self) -> list[str]:
        """The learning outcomes, one a line."""
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]


class Mode(models.TextChoices):
    """How a session is delivered."""

    VIRTUAL = "virtual", "Online"
    IN_PERSON = "in_person", "In person"


class Session(models.Model):
    """One running of a course: when, how, who trains and how many places."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=20, choices=Mode.choices)
    joining_link = models.URLField(blank=True)
    venue = models.CharField(max_length=300, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    capacity = models.PositiveIntegerField()
    open_to_public = models.BooleanField(
        default=False, help_text="People without an account may book by email (events)."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    register_taken_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course.title}, {self.starts_at:%d %B %Y}"

    @property
    def reference(self) -> str:
        """A short reference for emails and certificates."""
        return f"TRN-{self.pk:05d}"


class BookingStatus(models.TextChoices):
    """Where a booking stands. Only BOOKED holds a place."""

    BOOKED = "booked", "Booked"
    WAITING = "waiting", "On the waiting list"
    NOT_ATTENDING = "not_attending", "Not attending (gave apologies)"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.WAITING)


class Booking(models.Model):
    """A place (or a place on the waiting list) on a session, for a member of staff or by email.

    Cancelling withdraws the booking; "not attending" records that the learner told
    us they cannot come. Both free the place for the waiting list, and reports count
    them apart (and apart from people who were booked but did not come).
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_bookings",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    agency_name = models.CharField(max_length=200, blank=True)
    sector = models.CharField(max_length=40, choices=AgencyKind.choices, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    evaluation_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "learner"],
                condition=Q(status__in=["booked", "waiting"]) & Q(learner__isnull=False),
                name="training_one_active_booking_per_learner",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=["booked", "waiting"]) & Q(learner__isnull=True),
                name="training_one_active_booking_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.session_id}"


class TrainingRecord(models.Model):
    """That someone is trained in a skill, from when, and until when it needs renewing."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="records")
    trained_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="training_record"
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    renewal_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["skill__name", "-trained_on"]

    def __str__(self) -> str:
        return f"{self.learner_id} trained in {self.skill_id}"


class Rating(models.IntegerChoices):
    """How a learner rates one element of the course."""

    POOR = 1, "Poor"
    FAIR = 2, "Fair"
    GOOD = 3, "Good"
    VERY_GOOD = 4, "Very good"


class Likelihood(models.IntegerChoices):
    """How likely the learner is to change the way they do things."""

    VERY_UNLIKELY = 1, "Very unlikely"
    UNLIKELY = 2, "Unlikely"
    NOT_SURE = 3, "Not sure"
    LIKELY = 4, "Likely"
    VERY_LIKELY = 5, "Very likely"


# The four elements every course is rated on (the annual report's "four elements").
ELEMENTS: list[tuple[str, str]] = [
    ("content", "The content of the course"),
    ("trainer", "The trainer"),
    ("materials", "The materials and resources"),
    ("quality", "The overall quality"),
]


class Evaluation(models.Model):
    """What an attendee thought straight after the session."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="evaluation")
    ratings = models.JSONField(help_text="Element code to rating (1 poor to 4 very good).")
    likelihood = models.PositiveSmallIntegerField(choices=Likelihood.choices)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Evaluation of booking {self.booking_id}"


class SurveyStatus(models.TextChoices):
    """Where a six-month impact survey stands."""

    NOT_YET = "not_yet", "Not open yet"
    OPEN = "open", "Waiting for the learner"
    MANAGER = "manager", "Waiting for the manager"
    ANSWERED = "answered", "Answered"
    EXPIRED = "expired", "Expired without an answer"


class PracticeChange(models.TextChoices):
    """Whether practice changed because of the training."""

    A_LOT = "a_lot", "Yes, a lot"
    A_LITTLE = "a_little", "Yes, a little"
    NO = "no", "No"


class ImpactSurvey(models.Model):
    """The impact survey six months after the course, for each attendee."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="impact")
    opens_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.NOT_YET
    )
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    practice_changed = models.CharField(max_length=20, choices=PracticeChange.choices, blank=True)
    example = models.TextField(blank=True)
    learner_answered_at = models.DateTimeField(null=True, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_saw_change = models.CharField(max_length=20, choices=PracticeChange.choices, blank=True)
    manager_comments = models.TextField(blank=True)
    manager_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opens_on", "pk"]

    def __str__(self) -> str:
        return f"Impact survey for booking {self.booking_id}"


class ElearningRecord(models.Model):
    """One learner's registration (and completion) on the e-learning platform, from its CSV."""

    email = models.EmailField()
    course = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=AgencyKind.choices)
    registered_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["course", "registered_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["email", "course"], name="training_one_elearning_row"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.email}"
