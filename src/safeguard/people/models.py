"""Persons, their names, addresses, households, relationships, involvements and chronology.

Everything else in Safeguard hangs off a :class:`Person`. Reads go through
``selectors.py`` (filtered by ``access.py``); writes go through ``services.py``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .identifiers import normalise_nhs_number, normalise_postcode


class Sex(models.TextChoices):
    """Sex as recorded by agencies (registered at birth, or as the agency holds it)."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """England and Wales 2021 census ethnic groups."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = (
        "black_african",
        "Black, Black British, Black Welsh, Caribbean or African: African",
    )
    BLACK_CARIBBEAN = (
        "black_caribbean",
        ("Black, Black British, Black Welsh, Caribbean or African: Caribbean"),
    )
    BLACK_OTHER = (
        "black_other",
        "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    )
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or Multiple: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        ("Mixed or Multiple: White and Black Caribbean"),
    )
    MIXED_OTHER = "mixed_other", "Mixed or Multiple: Other Mixed or Multiple"
    WHITE_BRITISH = "white_british", ("White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    NOT_KNOWN = "not_known", "Not known"
    DECLINED = "declined", "Prefers not to say"


class Person(models.Model):
    """A child or an adult known to the partnership: one person, one record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(
        max_length=100, blank=True, help_text="In the person's own words, where known."
    )
    ethnicity = models.CharField(
        max_length=40, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN
    )
    first_language = models.CharField(max_length=80, blank=True)
    send = models.TextField(
        "Special educational needs and disabilities (SEND)",
        blank=True,
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    unique_pupil_number = models.CharField(
        "Unique Pupil Number (UPN)", max_length=13, blank=True, db_index=True
    )
    police_reference = models.CharField(max_length=50, blank=True)
    current_school = models.ForeignKey(
        "core.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupils",
    )
    # Search keys kept beside the names so that fuzzy search needs no full scan.
    given_name_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    family_name_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    search_text = models.CharField(max_length=400, blank=True, editable=False)
    current_postcode = models.CharField(max_length=8, blank=True, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        editable=False,
        help_text="Set when a person confirmed this record is the same person as another.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Given and family names, as people are addressed."""
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: object) -> int | None:
        """Age in whole years on a day."""
        import datetime as dt

        if self.date_of_birth is None or not isinstance(day, dt.date):
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def refresh_search_keys(self, postcode: str | None = None) -> None:
        """Recompute the phonetic and text keys used by search."""
        from .search import name_key, normalise_text

        self.given_name_key = name_key(self.given_name)
        self.family_name_key = name_key(self.family_name)
        self.search_text = normalise_text(
            f"{self.given_name} {self.middle_names} {self.family_name}"
        )[:400]
        self.nhs_number = normalise_nhs_number(self.nhs_number) if self.nhs_number else ""
        if postcode is not None:
            self.current_postcode = normalise_postcode(postcode)


class OtherName(models.Model):
    """Another name a person is or was known by: alias, nickname, previous surname."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Also known as"
        NICKNAME = "nickname", "Nickname"
        PREVIOUS = "previous", "Previous name"
        STREET = "street", "Street name"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    given_name_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    family_name_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class Address(models.Model):
    """Where a person lives or lived: the address history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-moved_in"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        """Whether the person still lives here."""
        return self.moved_out is None


class Household(models.Model):
    """People who live together. Access through a household member reaches the whole household."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, help_text="For example, 'Smith household, Acomb'.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class HouseholdMember(models.Model):
    """A person's membership of a household, from a date and (when they leave) to a date."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household_members")
    joined = models.DateField(null=True, blank=True)
    left = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(left__isnull=True),
                name="one_current_membership_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id}"


class RelationshipKind(models.TextChoices):
    """How one person is related to another (read: ``person`` is the ``kind`` of ``other``)."""

    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Brother or sister"
    PARENTS_PARTNER = "parents_partner", "Partner of a parent"
    SIGNIFICANT_ADULT = "significant_adult", "Other significant adult"
    CHILD = "child", "Child"


INVERSE_RELATIONSHIP = {
    RelationshipKind.PARENT: RelationshipKind.CHILD,
    RelationshipKind.CHILD: RelationshipKind.PARENT,
    RelationshipKind.CARER: RelationshipKind.CHILD,
    RelationshipKind.SIBLING: RelationshipKind.SIBLING,
    RelationshipKind.PARENTS_PARTNER: RelationshipKind.CHILD,
    RelationshipKind.SIGNIFICANT_ADULT: RelationshipKind.CHILD,
}


class Relationship(models.Model):
    """``person`` is the ``kind`` of ``other``: e.g. Jane is the parent of Tom."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_from")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"], name="unique_relationship"),
            models.CheckConstraint(condition=~Q(person=models.F("other")), name="not_self_related"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} of {self.other_id}"


class Involvement(models.Model):
    """An agency working with a person, from a date until it ends.

    An open involvement is what gives an agency's staff a legitimate
    relationship with the person (and their household): see ``access.py``.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="involvements")
    started = models.DateField()
    ended = models.DateField(null=True, blank=True)
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_involvements",
    )
    role_description = models.CharField(
        max_length=200, blank=True, help_text="For example, 'allocated social worker' or 'pupil'."
    )

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["agency", "ended"])]

    def __str__(self) -> str:
        return f"{self.agency_id} with {self.person_id}"

    @property
    def is_open(self) -> bool:
        """Whether the agency is still working with the person."""
        return self.ended is None


class AccessGrant(models.Model):
    """Access to one person outside an involvement: shared, break-glass, or a MASH look-up.

    Grants are created only through ``access.py`` services (the sharing app
    calls them); each is time-limited, purpose-bound and can be revoked.
    """

    class Kind(models.TextChoices):
        SHARED = "shared", "Shared by another agency"
        MASH_CONTACT = (
            "mash_contact",
            "Named in a contact the Multi-Agency Safeguarding Hub (MASH) is triaging",
        )
        MASH_LOOKUP = (
            "mash_lookup",
            "Multi-Agency Safeguarding Hub (MASH) look-up with a recorded reason",
        )
        BREAK_GLASS = "break_glass", "Emergency access (break-glass)"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_grants")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_grants",
    )
    purpose = models.TextField()
    record_types = models.JSONField(
        default=list, blank=True, help_text="Sensitive record types this grant opens, if any."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grants_given",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    source_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(user__isnull=False),
                name="grant_has_a_holder",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="grant_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} grant on {self.person_id}"


class ChronologyEvent(models.Model):
    """One dated entry in a person's single, multi-agency chronology.

    Every part of Safeguard writes here (through ``chronology_add``), so a
    practitioner sees one timeline whichever agency recorded the event.
    """

    class Category(models.TextChoices):
        CONTACT = "contact", "Contact or referral"
        DECISION = "decision", "Decision"
        ASSESSMENT = "assessment", "Assessment"
        MEETING = "meeting", "Meeting"
        MISSING = "missing", "Missing episode"
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health"
        POLICE = "police", "Police"
        SUPPORT = "support", "Support or service"
        RECORD = "record", "Change to the record"
        NOTE = "note", "Note"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField()
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    record_type = models.CharField(
        max_length=40,
        default="general",
        help_text="Sensitivity of what this event describes (see access.RECORD_TYPES).",
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-created_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"])]

    def __str__(self) -> str:
        return self.title


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
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"

    @property
    def is_active(self) -> bool:
        """Whether the two people are still merged."""
        return self.unmerged_at is None
