"""People's rights: subject access requests and retention of records.

Subject access requests follow UK GDPR Articles 12 and 15, retention Article
5(1)(e). Services: ``subject_access.py`` and ``retention.py``; see
docs/subject-access-and-retention.md. The tables keep the names they had when
these models lived in ``sharing`` (``db_table``), so moving them lost no data.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models


class SubjectAccessRequest(models.Model):
    """A request by someone for a copy of everything held about a person.

    The reply is due one calendar month after the clock starts (UK GDPR Article 12(3)):
    the day the request arrived, or the day the proof of identity arrived when it had to
    be asked for; it can be extended by up to two further months with a recorded reason.
    Before the copy is released the requester's identity and standing are checked, every
    record in the copy is decided (release, redact, withhold) and a second manager signs
    off. The released files are kept with their SHA-256 fingerprints, so the copy sent
    can be matched later; every step is audited.
    """

    class Requester(models.TextChoices):
        SUBJECT = "subject", "The person themselves"
        PARENT = "parent", "A parent or carer with parental responsibility, for a child"
        REPRESENTATIVE = (
            "representative",
            "Someone acting with the person's written authority, such as a solicitor",
        )

    class Status(models.TextChoices):
        RECEIVED = "received", "Received: checks and review under way"
        SIGNED_OFF = "signed_off", "Signed off: ready to release"
        RELEASED = "released", "Copy released"
        COMPLETED = "completed", "Reply sent"
        REFUSED = "refused", "Closed without a copy"

    class Competence(models.TextChoices):
        COMPETENT = "competent", "Yes, the child understands their rights and can decide"
        NOT_COMPETENT = "not_competent", "No, the child is too young or cannot understand"

    class ChildView(models.TextChoices):
        CONSENTS = "consents", "The child was asked and agrees"
        OBJECTS = "objects", "The child was asked and does not agree"
        NOT_ASKED = "not_asked", "The child was not asked"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=32, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="subject_access_requests"
    )
    requester_kind = models.CharField(max_length=20, choices=Requester.choices)
    requester_name = models.CharField(max_length=200)
    received_on = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Why a handler opened a person they had no other basis to see, to record the request.
    open_reason = models.TextField(blank=True)
    # Identity: what proof was seen, by whom, when; when it had to be asked for, its arrival
    # starts the clock.
    identity_evidence = models.TextField(blank=True)
    identity_evidence_received_on = models.DateField(null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    # Standing: may this requester have this person's information?
    parental_responsibility_evidence = models.TextField(blank=True)
    child_competent = models.CharField(max_length=20, choices=Competence.choices, blank=True)
    child_view = models.CharField(max_length=20, choices=ChildView.choices, blank=True)
    child_view_notes = models.TextField(blank=True)
    authority_evidence = models.TextField(blank=True)
    standing_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    standing_checked_at = models.DateTimeField(null=True, blank=True)
    # Extension by up to two further months (Article 12(3)), told to the requester in time.
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extension_told_on = models.DateField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    extended_at = models.DateTimeField(null=True, blank=True)
    # The second manager's sign-off, cleared by any later change to a check or decision.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The copy released: the files themselves and their fingerprints.
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exported_at = models.DateTimeField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    json_sha256 = models.CharField(max_length=64, blank=True)
    copy_pdf = models.BinaryField(null=True, blank=True, editable=False)
    copy_json = models.BinaryField(null=True, blank=True, editable=False)
    completed_on = models.DateField(null=True, blank=True)
    refused_reason = models.TextField(blank=True)

    class Meta:
        db_table = "sharing_subjectaccessrequest"
        ordering = ["due_on", "reference"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Still being worked on: not yet replied to or closed."""
        return self.status not in (self.Status.COMPLETED, self.Status.REFUSED)

    @property
    def clock_starts_on(self) -> dt.date:
        """The day the one-month clock started: receipt, or the later arrival of proof of identity."""
        later = self.identity_evidence_received_on
        return max(self.received_on, later) if later else self.received_on


class SubjectAccessItem(models.Model):
    """One record the copy would hold, and the decision about releasing it.

    Items come from the person-linked data registry (``subject_access_collect``). The
    fingerprint of the record's content when it was decided is kept: if the record
    changes before release, it must be decided again. The disclosure log (who has looked
    at the record) grows while the request is handled, so it is decided as one item
    (``item_key`` ``*``) covering every entry up to the release.
    """

    class Decision(models.TextChoices):
        RELEASE = "release", "Release in full"
        REDACT = "redact", "Release with information about other people redacted"
        SERIOUS_HARM = "serious_harm", "Withhold: likely to cause serious harm"
        EXEMPT = "exempt", "Withhold: another exemption applies"

    class DataKind(models.TextChoices):
        HEALTH = "health", "Health data (Schedule 3, Part 2)"
        SOCIAL_WORK = "social_work", "Social work data (Schedule 3, Part 3)"
        EDUCATION = "education", "Education data (Schedule 3, Part 4)"

    class Exemption(models.TextChoices):
        CRIME = "crime", "Prevention or detection of crime (Schedule 2, Part 1, paragraph 2)"
        LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege (Schedule 2, Part 4)"
        CHILD_ABUSE = (
            "child_abuse",
            "Child abuse data, not in the child's best interests (Schedule 3, Part 5)",
        )
        THIRD_PARTY = (
            "third_party",
            "Information about other people that cannot be redacted (Schedule 2, Part 3)",
        )
        OTHER = "other", "Another exemption (give the reason)"

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="items"
    )
    section = models.CharField(max_length=100)
    section_title = models.CharField(max_length=200)
    item_key = models.CharField(max_length=100)
    record_type = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    third_party = models.BooleanField(default=False)
    review_notes = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    redacted_fields = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    data_kind = models.CharField(max_length=20, choices=DataKind.choices, blank=True)
    professional_name = models.CharField(max_length=200, blank=True)
    professional_role = models.CharField(max_length=200, blank=True)
    opinion_on = models.DateField(null=True, blank=True)
    exemption = models.CharField(max_length=20, choices=Exemption.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "section", "item_key"], name="one_review_item_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.item_key}"

    @property
    def is_released(self) -> bool:
        """Whether the record goes into the copy (in full or redacted)."""
        return self.decision in (self.Decision.RELEASE, self.Decision.REDACT)


class RetentionRule(models.Model):
    """How long one type of record is kept before it is reviewed for deletion.

    The defaults are seeded by a data migration and need the partnership's
    information governance sign-off before real use (``signed_off_by``).
    A record is due for review on the LATER of the dates the rule gives.
    """

    demo_keep = True  # configuration: reloading the demo keeps it

    record_type = models.CharField(max_length=60, unique=True)
    label = models.CharField(max_length=200)
    until_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Keep until the person's birthday at this age."
    )
    years_after_end = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Keep for this many years after the last agency stopped working with the "
        "person (or, for single records, after the record's date).",
    )
    explanation = models.TextField(blank=True)
    signed_off_by = models.CharField(max_length=200, blank=True)
    signed_off_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "sharing_retentionrule"
        ordering = ["record_type"]

    def __str__(self) -> str:
        return self.label


class RetentionDeletion(models.Model):
    """A proposal to delete a record whose retention period has ended (two-person rule).

    One person proposes, a different person approves, and approval deletes the
    record. Only identifiers are kept here, never names, so this row is no
    personal data once the record is gone.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for a second person to approve"
        DELETED = "deleted", "Approved and deleted"
        CANCELLED = "cancelled", "Kept: not deleted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="deletions")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        db_table = "sharing_retentiondeletion"
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "object_id"],
                condition=models.Q(status="proposed"),
                name="one_open_retention_deletion_per_record",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("proposed_by")),
                name="retention_deletion_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.object_id}: {self.status}"
