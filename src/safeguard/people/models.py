"""Persons, their names, addresses, households, relationships, involvements and chronology.

Everything else in Safeguard hangs off a :class:`Person`. Reads go through
``selectors.py`` (filtered by ``access.py``); writes go through ``services.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

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
    """How one person is related to another.

    Read a stored row as "``person`` is the ``kind`` of ``other``": Jane (person) is the
    *parent* of Tom (other). Every kind has exactly one inverse (:data:`INVERSE_RELATIONSHIP`),
    stored as the row the other way round (Tom is the *child* of Jane), so each person's page
    names their relatives in their own terms. Labels are nouns naming the relative.
    """

    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    CARER = "carer", "Carer"
    CARED_FOR = "cared_for", "Cared-for child"
    SIBLING = "sibling", "Brother or sister"
    PARENTS_PARTNER = "parents_partner", "Partner of a parent"
    PARTNERS_CHILD = "partners_child", "Child of a partner"
    SIGNIFICANT_ADULT = "significant_adult", "Other significant adult"
    SIGNIFICANT_ADULT_TO = "significant_adult_to", "Child they are a significant adult for"

    @classmethod
    def responsibility_kinds(cls) -> set[str]:
        """Kinds whose ``person`` may hold parental responsibility for ``other``."""
        return {cls.PARENT, cls.CARER, cls.PARENTS_PARTNER, cls.SIGNIFICANT_ADULT}


INVERSE_RELATIONSHIP = {
    RelationshipKind.PARENT: RelationshipKind.CHILD,
    RelationshipKind.CHILD: RelationshipKind.PARENT,
    RelationshipKind.CARER: RelationshipKind.CARED_FOR,
    RelationshipKind.CARED_FOR: RelationshipKind.CARER,
    RelationshipKind.SIBLING: RelationshipKind.SIBLING,
    RelationshipKind.PARENTS_PARTNER: RelationshipKind.PARTNERS_CHILD,
    RelationshipKind.PARTNERS_CHILD: RelationshipKind.PARENTS_PARTNER,
    RelationshipKind.SIGNIFICANT_ADULT: RelationshipKind.SIGNIFICANT_ADULT_TO,
    RelationshipKind.SIGNIFICANT_ADULT_TO: RelationshipKind.SIGNIFICANT_ADULT,
}
"""Every kind's inverse: if A is the ``kind`` of B, B is the ``INVERSE_RELATIONSHIP[kind]`` of A."""


class Relationship(models.Model):
    """``person`` is the ``kind`` of ``other``: e.g. Jane is the parent of Tom.

    ``parental_responsibility`` means ``person`` holds it for ``other``, so it is only set on a
    row whose kind is one of :meth:`RelationshipKind.responsibility_kinds`.
    """

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


class Visibility(models.TextChoices):
    """Who may read a chronology entry (beside its sensitivity, ``record_type``).

    The recording agency always reads its own entries; the others read an entry when their
    agency is one the visibility names (see ``access.VISIBILITY_KINDS``) and the access rule
    lets them see the person's whole record, or when a share named the entry.
    """

    EVERYONE = "everyone", "Every agency with access to the child"
    RECORDING_AGENCY = "recording_agency", "The recording agency only"
    MASH_AND_SOCIAL_CARE = (
        "mash_social_care",
        "The Multi-Agency Safeguarding Hub (MASH) and children's social care only",
    )
    POLICE = "police", "Police only"
    HEALTH = "health", "Health only"


class AccessGrant(models.Model):
    """Access to one person outside an involvement: shared, break-glass, or a MASH look-up.

    Grants are created only through ``access.py`` services (the sharing app
    calls them); each is time-limited, purpose-bound and can be revoked. A grant
    of chosen entries (``Scope.ENTRIES``, what a sharing decision gives) opens the
    person's identifying details and those entries only, never the whole record.
    """

    class Scope(models.TextChoices):
        WHOLE = "whole", "The whole record"
        ENTRIES = "entries", "The child's identifying details and the chosen records only"

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
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived",
        help_text="The grant its giver held when giving it; ending that grant ends this one.",
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.WHOLE)
    entries: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "ChronologyEvent", through="GrantedEntry", related_name="granted_by_grants", blank=True
    )

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
    visibility = models.CharField(
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.EVERYONE,
        help_text="Who may read this entry (see Visibility); the recording agency always may.",
    )
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-created_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"])]

    def __str__(self) -> str:
        return self.title


class GrantedEntry(models.Model):
    """One chronology entry a grant of chosen entries opens (what a sharing decision chose)."""

    grant = models.ForeignKey(AccessGrant, on_delete=models.CASCADE, related_name="granted_entries")
    event = models.ForeignKey(ChronologyEvent, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "event"], name="one_row_per_granted_entry")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} under grant {self.grant_id}"
