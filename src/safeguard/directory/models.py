"""The services directory (Open Referral UK), news, events, campaigns, the newsletter, visit counts.

Nothing here is about a child: the directory holds organisations and services, the
news part holds what the partnership publishes, and the newsletter holds the email
addresses people gave to receive it. Visit counts are one number per page per day,
with no address, cookie or anything else that could tell two visitors apart.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ServiceStatus(models.TextChoices):
    """Open Referral UK's service statuses (HSDS 3.0 enumeration)."""

    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "No longer runs"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Organisation(models.Model):
    """An organisation that runs services (HSDS ``organization``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service families, children or professionals can use (HSDS ``service``).

    Eligibility is an age range (``minimum_age`` to ``maximum_age``, in years,
    inclusive) and the needs it helps with; ``maximum_age_with_disability`` raises
    the upper age for a disabled young person (the Family Information Service:
    0 to 19, or up to 25 with a disability).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    description = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=30, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age_with_disability = models.PositiveSmallIntegerField(null=True, blank=True)
    needs = models.JSONField(default=list, blank=True)
    application_process = models.TextField(
        blank=True, help_text="How to refer, or how to get help from the service."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def age_range(self) -> str:
        """The ages the service is for, in words."""
        low, high = self.minimum_age, self.maximum_age
        if low is None and high is None:
            text = "All ages"
        elif high is None:
            text = f"Aged {low} and over"
        elif low is None or low == 0:
            text = f"Up to {high}"
        else:
            text = f"Aged {low} to {high}"
        if self.maximum_age_with_disability:
            text += f" (up to {self.maximum_age_with_disability} with a disability)"
        return text


class ServiceArea(models.Model):
    """Where a service is available (HSDS ``service_area``), e.g. City of York."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceContact(models.Model):
    """A named contact point for a service (HSDS ``contact``): a team or a role, not a child."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phone(models.Model):
    """A phone number of a service or one of its contacts (HSDS ``phone``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(
        ServiceContact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class PageVisit(models.Model):
    """How many times a public page was opened on one day: nothing about who opened it."""

    path = models.CharField(max_length=200)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["path", "day"], name="one_count_a_day")]
        ordering = ["-day", "path"]

    def __str__(self) -> str:
        return f"{self.path} {self.day}: {self.count}"


# News, events, awareness days, campaigns -------------------------------------------------


class NewsCategory(models.TextChoices):
    """What a news item is about."""

    PARTNERSHIP = "partnership", "Partnership news"
    TRAINING = "training", "Training and briefings"
    AWARENESS = "awareness", "Awareness days and campaigns"
    PRACTICE = "practice", "Practice guidance"
    STRATEGY = "strategy", "Strategies and reports"


class NewsItem(models.Model):
    """A news item the partnership publishes; public from its publish date."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField()
    category = models.CharField(max_length=20, choices=NewsCategory.choices)
    published_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    """What kind of event it is."""

    EVENT = "event", "Event"
    BRIEFING = "briefing", "Briefing session"
    CONFERENCE = "conference", "Conference"


class PublicEvent(models.Model):
    """An event or briefing session people can register an interest in.

    ``training_course`` names a course of the training app (issue 17) once that app
    takes bookings for this event; until then registrations are interest only (see
    ``safeguard.directory.booking``).
    """

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.EVENT)
    description = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, help_text="A place, or 'Online'.")
    audience = models.CharField(max_length=300, blank=True)
    places = models.PositiveSmallIntegerField(null=True, blank=True)
    training_course = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class EventInterest(models.Model):
    """Someone registered an interest in an event (a professional, not a child)."""

    event = models.ForeignKey(PublicEvent, on_delete=models.CASCADE, related_name="interests")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    registered_at = models.DateTimeField()

    class Meta:
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_interest_an_address")
        ]

    def __str__(self) -> str:
        return f"{self.event} interest"


class AwarenessDay(models.Model):
    """A national awareness day or week in the partnership's calendar."""

    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    """Where a campaign reaches people."""

    SOCIAL_MEDIA = "social_media", "Social media"
    WEBSITE = "website", "Partnership website"
    NEWSLETTER = "newsletter", "Newsletter"
    SCHOOLS = "schools", "Schools and colleges"
    POSTERS = "posters", "Posters and leaflets"
    RADIO = "radio", "Local radio and press"
    EVENTS = "events", "Events and briefings"


class Campaign(models.Model):
    """An awareness campaign run for one of the partnership's subgroups, with its evaluation."""

    title = models.CharField(max_length=200)
    subgroup = models.CharField(max_length=200)
    aims = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    channels = models.JSONField(default=list)
    evaluation_report = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "title"]

    def __str__(self) -> str:
        return self.title


# Newsletter --------------------------------------------------------------------------------


class SubscriberStatus(models.TextChoices):
    """Where a newsletter sign-up stands."""

    PENDING = "pending", "Waiting for the address to be confirmed"
    CONFIRMED = "confirmed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Subscriber(models.Model):
    """An email address that signed up to the newsletter (double opt-in).

    ``token_version`` goes into every confirmation and unsubscribe link; it moves on
    when the address unsubscribes, so an old confirmation link cannot sign it up again.
    """

    email = models.EmailField(unique=True)
    status = models.CharField(
        max_length=20, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    token_version = models.PositiveIntegerField(default=1)
    signed_up_at = models.DateTimeField()
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return f"Subscriber {self.pk}"


class IssueStatus(models.TextChoices):
    """Whether a newsletter issue is still being edited."""

    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"


class NewsletterIssue(models.Model):
    """One month's newsletter: composed from news and events, edited, then sent."""

    month = models.DateField(help_text="The first day of the month the issue is for.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=IssueStatus.choices, default=IssueStatus.DRAFT)
    composed_at = models.DateTimeField()
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month", "-pk"]

    def __str__(self) -> str:
        return self.subject
