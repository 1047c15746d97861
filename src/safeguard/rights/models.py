"""People's rights: subject access requests and retention of records.

Subject access requests follow UK GDPR Articles 12 and 15, retention Article
5(1)(e). Services: ``subject_access.py`` and ``retention.py``; see
docs/subject-access-and-retention.md. The tables keep the names they had when
these models lived in ``sharing`` (``db_table``), so moving them lost no data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SubjectAccessRequest(models.Model):
    """A request by someone for a copy of everything held about a person.

    The reply is due one calendar month after the request was received (UK GDPR
    Article 12(3)). Each export's files are fingerprinted (SHA-256) so the copy
    sent can be matched later; the export itself is audited as an EXPORT event.
    """

    class Requester(models.TextChoices):
        SUBJECT = "subject", "The person themselves"
        PARENT = "parent", "A parent or carer on the child's behalf"
        REPRESENTATIVE = "representative", "A solicitor or other representative"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        EXPORTED = "exported", "Copy made, being reviewed for redaction"
        COMPLETED = "completed", "Reply sent"

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
    exported_at = models.DateTimeField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    json_sha256 = models.CharField(max_length=64, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "sharing_subjectaccessrequest"
        ordering = ["due_on", "reference"]

    def __str__(self) -> str:
        return self.reference


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
