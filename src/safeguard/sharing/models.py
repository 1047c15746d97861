"""Information sharing: decisions to share or not, requests between agencies, break-glass.

Every decision follows the seven golden rules: what was shared, with whom, why,
on what lawful basis, what the family said (consent) and, where consent was not
sought or was refused, which of the three lawful reasons applied. A decision
not to share is recorded with the same care. Rules that must never be broken
are database constraints, not only form validation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Purpose(models.TextChoices):
    """Why information is shared (the purpose the grant is bound to)."""

    SAFEGUARDING_ASSESSMENT = "safeguarding_assessment", "Safeguarding assessment or triage"
    CHILD_PROTECTION = "child_protection", "Child protection enquiry (Section 47)"
    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting or discussion"
    CRIMINAL_INVESTIGATION = "criminal_investigation", "Police investigation"
    EXPLOITATION_PANEL = "exploitation_panel", "Child exploitation risk assessment panel"
    EARLY_HELP = "early_help", "Early help or Team Around the Family"
    HEALTH_CARE = "health_care", "Health care"
    EDUCATION = "education", "Education and school safeguarding"


class Decision(models.TextChoices):
    """Whether information was shared."""

    SHARE = "share", "Share"
    NOT_SHARE = "not_share", "Do not share"


class Consent(models.TextChoices):
    """What the child or family said about sharing."""

    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class NoConsentReason(models.TextChoices):
    """The three lawful reasons to share without consent (Contextual Safeguarding Strategy)."""

    RISK_OF_HARM = (
        "risk_of_harm",
        "Asking would increase the risk of harm to the child, another person or the referrer",
    )
    UNDERMINE_INVESTIGATION = (
        "undermine_investigation",
        "Asking could undermine the investigation of a serious crime",
    )
    DELAY = "delay", "The delay in asking would put the child at further risk of harm"


class LawfulBasis(models.TextChoices):
    """The legal basis the sharing relies on (UK GDPR and the Data Protection Act 2018)."""

    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        "Public task (UK GDPR Article 6(1)(e)) and safeguarding of children "
        "(Data Protection Act 2018 Schedule 1 paragraph 18)",
    )
    LEGAL_OBLIGATION = (
        "legal_obligation",
        "Legal obligation (UK GDPR Article 6(1)(c)), for example Children Act 1989 Section 47",
    )
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Article 6(1)(d))"
    CONSENT = "consent", "Consent (UK GDPR Article 6(1)(a))"
    LAW_ENFORCEMENT = (
        "law_enforcement",
        "Preventing or detecting crime (Data Protection Act 2018 Part 3 and Schedule 1 paragraph 10)",
    )


CONSENT_NEEDING_REASON = (Consent.REFUSED, Consent.NOT_SOUGHT, Consent.WITHDRAWN)


class RequestStatus(models.TextChoices):
    """Where a request for information between agencies has got to."""

    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SharingRequest(models.Model):
    """One agency asks another for what it knows about a person, by a due date."""

    reference = models.CharField(max_length=32, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="information_requests"
    )
    from_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="requests_made"
    )
    to_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="requests_received"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    asked = models.TextField(help_text="What information is asked for, and why.")
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [
            models.Index(fields=["to_agency", "status", "due_date"]),
            models.Index(fields=["from_agency", "status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(asked=""), name="request_says_what_is_asked"),
            models.CheckConstraint(
                condition=~Q(from_agency=models.F("to_agency")),
                name="request_between_two_agencies",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SharingDecision(models.Model):
    """A recorded decision to share, or not to share, information about a person."""

    reference = models.CharField(max_length=32, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="sharing_decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    from_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="sharing_decisions_made"
    )
    recipient_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="sharing_decisions_received"
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="The person at the agency, where known."
    )
    purpose = models.CharField(max_length=40, choices=Purpose.choices)
    decision = models.CharField(max_length=20, choices=Decision.choices)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    no_consent_reason = models.CharField(max_length=40, choices=NoConsentReason.choices, blank=True)
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    judgement = models.TextField(help_text="The practitioner's judgement and reasons.")
    summary = models.TextField(
        blank=True, help_text="A written summary of what was shared (or asked for)."
    )
    items = models.JSONField(
        default=list, blank=True, help_text="Records shared: a list of {type, id}."
    )
    items_sha256 = models.CharField(max_length=64)
    record_types = models.JSONField(
        default=list, blank=True, help_text="Sensitive record types the share opened."
    )
    grant = models.ForeignKey(
        "people.AccessGrant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_decisions",
    )
    request = models.ForeignKey(
        SharingRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["decided_at"]),
            models.Index(fields=["person", "-decided_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(judgement=""), name="decision_has_judgement"),
            models.CheckConstraint(condition=~Q(purpose=""), name="decision_has_purpose"),
            models.CheckConstraint(condition=~Q(lawful_basis=""), name="decision_has_lawful_basis"),
            models.CheckConstraint(
                condition=Q(items_sha256__regex=r"^[0-9a-f]{64}$"), name="decision_items_hashed"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["share", "not_share"]), name="decision_is_known"
            ),
            models.CheckConstraint(
                condition=Q(consent__in=["given", "refused", "not_sought", "withdrawn"]),
                name="decision_consent_is_known",
            ),
            # Sharing without consent needs one of the three lawful reasons.
            models.CheckConstraint(
                condition=Q(decision="not_share") | Q(consent="given") | ~Q(no_consent_reason=""),
                name="share_without_consent_has_reason",
            ),
            # A share always opens a grant, and always says what was shared.
            models.CheckConstraint(
                condition=Q(decision="not_share") | Q(grant__isnull=False),
                name="share_has_grant",
            ),
            models.CheckConstraint(
                condition=Q(decision="not_share") | ~Q(summary=""),
                name="share_has_summary",
            ),
            models.CheckConstraint(
                condition=Q(decision="share") | Q(grant__isnull=True),
                name="not_share_has_no_grant",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SafeguardingLead(models.Model):
    """A named safeguarding lead for an agency: alerted to break-glass use, may override refusals.

    MASH managers are treated as safeguarding leads for their own agency too.
    """

    agency = models.ForeignKey("core.Agency", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "user"], name="one_lead_row_per_user_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} leads {self.agency_id}"


class ReviewOutcome(models.TextChoices):
    """What the reviewer concluded about an emergency access."""

    APPROPRIATE = "appropriate", "Appropriate: a genuine emergency"
    NOT_APPROPRIATE = "not_appropriate", "Not appropriate: to be followed up with the practitioner"
    UNCLEAR = "unclear", "Unclear: more information needed from the practitioner"


class BreakGlassUse(models.Model):
    """A practitioner opened a record outside their access in an emergency (break-glass)."""

    reference = models.CharField(max_length=32, unique=True)
    grant = models.OneToOneField(
        "people.AccessGrant", on_delete=models.PROTECT, related_name="break_glass_use"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="break_glass_uses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(max_length=30, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["opened_at"]), models.Index(fields=["reviewed_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_has_reason"),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True) | ~Q(outcome=""),
                name="break_glass_review_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Alert(models.Model):
    """An in-app alert to one user. Carries a reference only, never a child's details."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", "Emergency access (break-glass) to review"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sharing_alerts"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reference = models.CharField(max_length=32)
    break_glass_use = models.ForeignKey(
        BreakGlassUse, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
