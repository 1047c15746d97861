"""Agency records, imports, the linkage model, the review queue and merges of people.

Each agency's own record of a person is linked to one :class:`~safeguard.people.models.Person`.
The tables keep the names they had when these models lived in ``people``
(``db_table``), so moving them lost no data and needed no table renames.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from safeguard.people.models import Person, Sex


class LinkStatus(models.TextChoices):
    """How an agency's record came to be linked to a person (or why it is not yet)."""

    AUTO_LINKED = "auto_linked", "Linked automatically"
    CONFIRMED = "confirmed", "Linked by a person"
    NEW_PERSON = "new_person", "New person"
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"


class RecordImport(models.Model):
    """One upload of an agency's extract: mapped, previewed, then confirmed.

    While an import waits for confirmation the file's bytes are kept here (in
    the database, never under the web root) and cleared once it is imported.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        MAPPED = "mapped", "Columns matched"
        IMPORTED = "imported", "Imported"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="record_imports"
    )
    file_name = models.CharField(max_length=200)
    file_kind = models.CharField(max_length=10)
    file_sha256 = models.CharField(max_length=64)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "people_recordimport"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.agency_id}"


class AgencyRecord(models.Model):
    """One agency's own record of a person, as the agency holds it, linked to one Person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="agency_records"
    )
    agency_record_id = models.CharField("The agency's own reference", max_length=100)
    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth_text = models.CharField("Date of birth as given", max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    unique_pupil_number = models.CharField("Unique Pupil Number (UPN)", max_length=13, blank=True)
    police_reference = models.CharField(max_length=50, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    given_name_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    family_name_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="agency_records"
    )
    link_status = models.CharField(
        max_length=20, choices=LinkStatus.choices, default=LinkStatus.AWAITING_REVIEW
    )
    match_probability = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=60, blank=True)
    record_import = models.ForeignKey(
        RecordImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "people_agencyrecord"
        ordering = ["agency_id", "agency_record_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "agency_record_id"], name="one_record_per_agency_id"
            )
        ]
        indexes = [models.Index(fields=["link_status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.agency_record_id}"

    @property
    def full_name(self) -> str:
        """Given and family names as the agency holds them."""
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def percent(self) -> str:
        """The match probability as people read it, or '' when there was none."""
        if self.match_probability is None:
            return ""
        value = self.match_probability * 100
        if value >= 99.95:
            return "over 99.9%" if value < 100 else "100%"
        return f"{value:.1f}%".replace(".0%", "%")


class LinkageModel(models.Model):
    """A trained record-linkage model (Splink settings with its estimated weights), by version."""

    version = models.CharField(max_length=60, unique=True)
    model_json = models.TextField()
    trained_on = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "people_linkagemodel"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version


class LinkReview(models.Model):
    """A possible match a person must decide: an agency record against a person, or two people."""

    class Kind(models.TextChoices):
        RECORD = "record", "Agency record and person"
        PEOPLE = "people", "Possible duplicate people"

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting review"
        CONFIRMED = "confirmed", "Same person"
        REJECTED = "rejected", "Not the same person"
        SUPERSEDED = "superseded", "No longer needed"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RECORD)
    record = models.ForeignKey(
        AgencyRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="For two people: the one the other would be merged into.",
    )
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    matched_row = models.CharField(
        max_length=40,
        blank=True,
        help_text="Which of the candidate's rows matched best: 'p:<person>' or 'r:<agency record>'.",
    )
    model_version = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "people_linkreview"
        ordering = ["status", "-match_probability", "created_at"]
        indexes = [models.Index(fields=["status", "-match_probability"])]

    def __str__(self) -> str:
        return f"review {self.pk} ({self.status})"

    @property
    def percent(self) -> str:
        """The likelihood as people read it: '80%', '99.9%' (never a rounded-up '100%')."""
        value = self.match_probability * 100
        if value >= 99.95:
            return "over 99.9%" if value < 100 else "100%"
        return f"{value:.1f}%".replace(".0%", "%")


class PersonMerge(models.Model):
    """Person ``merged`` was merged into ``survivor``; ``moved`` remembers every row that moved.

    Unmerging moves exactly those rows back, so both people get their own
    records and chronology again.
    """

    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges_given")
    moved = models.JSONField(default=dict)
    review = models.ForeignKey(
        LinkReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    reason = models.TextField(blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        db_table = "people_personmerge"
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        """Whether the two people are still merged."""
        return self.unmerged_at is None
