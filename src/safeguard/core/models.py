"""Agencies, the people who use Safeguard, their roles, and the append-only audit log.

``core`` knows nothing of the safeguarding domain: it identifies who did what,
for which agency, and keeps a tamper-evident record of it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models


class AgencyKind(models.TextChoices):
    """The kinds of agency in a Safeguarding Children Partnership."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH_ICB = "health_icb", "Health: Integrated Care Board (ICB)"
    HEALTH_HOSPITAL = "health_hospital", "Health: hospital trust"
    HEALTH_GP = "health_gp", "Health: GP practice"
    HEALTH_VISITING = "health_visiting", "Health: health visiting and school nursing"
    HEALTH_MENTAL = "health_mental", "Health: mental health"
    EDUCATION_SCHOOL = "education_school", "Education: school"
    EDUCATION_COLLEGE = "education_college", "Education: college"
    EDUCATION_EARLY_YEARS = "education_early_years", "Education: early years"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY = "voluntary", "Voluntary sector"
    HOUSING = "housing", "Housing"
    PROBATION = "probation", "Probation"

    @classmethod
    def health_kinds(cls) -> set[str]:
        """The kinds that are part of the health service."""
        return {v for v in cls.values if v.startswith("health_")}

    @classmethod
    def education_kinds(cls) -> set[str]:
        """The kinds that are schools, colleges or early years settings."""
        return {v for v in cls.values if v.startswith("education_")}


class Agency(models.Model):
    """An organisation in the partnership whose staff use Safeguard."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    statutory_partner = models.BooleanField(
        default=False,
        help_text="One of the three statutory partners: local authority, police, health ICB.",
    )
    is_mash = models.BooleanField(
        "Runs the Multi-Agency Safeguarding Hub (MASH)",
        default=False,
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role a user holds; what it allows is decided in the access policy, not here."""

    PRACTITIONER = "practitioner"
    MASH_WORKER = "mash_worker"
    MASH_MANAGER = "mash_manager"
    PANEL_CHAIR = "panel_chair"
    ANALYST = "analyst"
    BUSINESS_UNIT = "business_unit"
    SYSTEM_ADMINISTRATOR = "system_administrator"

    CHOICES = [
        (PRACTITIONER, "Practitioner"),
        (MASH_WORKER, "Multi-Agency Safeguarding Hub (MASH) worker"),
        (MASH_MANAGER, "Multi-Agency Safeguarding Hub (MASH) manager"),
        (PANEL_CHAIR, "Panel chair"),
        (ANALYST, "Analyst (figures only, never a named child)"),
        (BUSINESS_UNIT, "Partnership business unit"),
        (SYSTEM_ADMINISTRATOR, "System administrator (accounts only, no children's records)"),
    ]

    # Roles that open children's records, and the role that manages accounts: a grant of
    # one takes effect only once a second system administrator approves it (RoleApproval).
    NEEDS_SECOND_APPROVAL = frozenset(
        {PRACTITIONER, MASH_WORKER, MASH_MANAGER, PANEL_CHAIR, SYSTEM_ADMINISTRATOR}
    )

    code = models.CharField(max_length=40, primary_key=True, choices=CHOICES)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Someone who signs in. Belongs to exactly one agency and holds one or more roles."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def role_codes(self) -> frozenset[str]:
        """The codes of the roles this user holds in effect, cached for the request.

        A role in :attr:`Role.NEEDS_SECOND_APPROVAL` counts only once a second system
        administrator has approved it (:class:`RoleApproval`); until then it grants
        nothing, wherever the question is asked. One query.
        """
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            if self.pk:
                approved = RoleApproval.objects.filter(
                    user_id=self.pk, approved_at__isnull=False
                ).values("role_id")
                cached = frozenset(
                    self.roles.filter(
                        ~models.Q(code__in=Role.NEEDS_SECOND_APPROVAL)
                        | models.Q(code__in=models.Subquery(approved))
                    ).values_list("code", flat=True)
                )
            else:
                cached = frozenset()
            self._role_codes = cached
        return cached

    def pending_role_codes(self) -> frozenset[str]:
        """Roles given to this user that still wait for a second administrator's approval."""
        if not self.pk:
            return frozenset()
        return frozenset(self.roles.values_list("code", flat=True)) - self.role_codes()

    def has_role(self, *codes: str) -> bool:
        """Whether the user holds any of the given roles."""
        return bool(self.role_codes().intersection(codes))

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Ask the permission table (each app's ``rules.py``) for its permissions.

        A permission in the table is answered by the table alone: being a superuser
        or holding a Django model permission of the same name never widens it.
        """
        import rules

        if rules.perm_exists(perm):
            return bool(self.is_active and rules.has_perm(perm, self, obj))
        return super().has_perm(perm, obj)


class TeamPurpose(models.TextChoices):
    """What a team is for: how work finds the team that must act on it."""

    MASH = "mash", "Multi-Agency Safeguarding Hub (MASH)"
    SOCIAL_CARE_ASSESSMENT = "social_care_assessment", "Children's social care assessment team"
    EARLY_HELP = "early_help", "Early help (Supporting Families)"
    EMERGENCY_DUTY = "emergency_duty", "Emergency Duty Team (out of hours)"
    POLICE_SAFEGUARDING = "police_safeguarding", "Police safeguarding hub"
    POLICE_INTELLIGENCE = "police_intelligence", "Police intelligence unit"
    HARMFUL_SEXUAL_BEHAVIOUR = "harmful_sexual_behaviour", "Harmful sexual behaviour service"
    CONTEXTUAL_SAFEGUARDING = (
        "contextual_safeguarding",
        "Contextual safeguarding and exploitation team",
    )
    SAFEGUARDING_OFFICE = "safeguarding_office", "The agency's safeguarding office"
    PARTNERSHIP = "partnership", "Partnership business unit"
    OTHER = "other", "Other"


class Team(models.Model):
    """A team in an agency: its members, its managers and its queue of work.

    Each agency has one team that receives what is sent to the agency as a whole
    (``receives_for_agency``): requests for information, outcomes, invitations.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    purpose = models.CharField(max_length=40, choices=TeamPurpose.choices)
    receives_for_agency = models.BooleanField(
        default=False, help_text="Receives requests and hand-offs sent to the agency as a whole."
    )
    email = models.EmailField(blank=True, help_text="The team's shared mailbox, if it has one.")
    active = models.BooleanField(default=True)
    members: models.ManyToManyField[User, TeamMembership] = models.ManyToManyField(
        "User", through="TeamMembership", related_name="teams", blank=True
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency"),
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(receives_for_agency=True),
                name="one_receiving_team_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoleApproval(models.Model):
    """A second system administrator's approval of a role that opens children's records.

    An administrator who gives an account such a role (or the system administrator role)
    records the grant; the role takes effect when a different administrator, who is not
    the account holder, approves it. Until then :meth:`User.role_codes` leaves it out, so
    no page, list or API call treats the account as holding it. ``basis`` says how the
    approval came about: a second administrator, or set-up (the demo, the accounts that
    existed when the rule came in).
    """

    SECOND_ADMINISTRATOR = "second_administrator"
    SET_UP = "set_up"
    BASIS_CHOICES = [
        (SECOND_ADMINISTRATOR, "Approved by a second administrator"),
        (SET_UP, "Approved at set-up (demo data or an account that existed before approvals)"),
    ]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_approvals")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    basis = models.CharField(max_length=40, choices=BASIS_CHOICES, blank=True)

    class Meta:
        ordering = ["approved_at", "-granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_approval_per_user_role"),
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("granted_by")),
                name="approver_is_not_the_granter",
            ),
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("user")),
                name="approver_is_not_the_account_holder",
            ),
        ]

    def __str__(self) -> str:
        state = "approved" if self.approved_at else "waiting for approval"
        return f"{self.role_id} for {self.user} ({state})"

    @property
    def pending(self) -> bool:
        """Whether the role still waits for a second administrator."""
        return self.approved_at is None


class TeamMembership(models.Model):
    """A user in a team; managers allocate the team's work and receive its escalations."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="memberships")
    is_manager = models.BooleanField(default=False)
    since = models.DateField()

    class Meta:
        ordering = ["team", "-is_manager", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.team_id}"


class AuditAction(models.TextChoices):
    """What happened, from a fixed list so that reports can count it."""

    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    VIEW = "view", "Viewed"
    LIST = "list", "Shown in a list or search"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    DENY = "deny", "Refused access"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Set up two-factor sign-in"
    ACCESS_REASON = "access_reason", "Gave a reason to look at a record"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Audit events, with the question "which events are about this person?"."""

    def about(self, person_id: Any) -> AuditEventQuerySet:
        """Events about the person: their own page, or a list that named them among others."""
        # One IN over a UNION of two indexed look-ups: an OR of the two would make
        # PostgreSQL scan the whole log.
        own = AuditEvent.objects.filter(person_id=person_id).order_by().values("pk")
        named = AuditSubject.objects.filter(person_id=person_id).order_by().values("event_id")
        return self.filter(pk__in=own.union(named))


class AuditEvent(models.Model):
    """One entry in the hash-chained, append-only audit log.

    Rows are never updated or deleted: database triggers refuse both (see the
    migration). Each row's ``hash`` is SHA-256 over the previous row's hash and
    this row's canonical content, so altering, removing, inserting or reordering
    any row breaks the chain at that row; ``safeguard verify_audit`` finds it.
    Identifiers are stored as text, not foreign keys, so that deleting a record
    under a retention rule keeps its audit trail.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True)
    agency_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="The person this event is about, if any."
    )
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, default="ok")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["person_id", "action", "occurred_at"]),
            # Everything that happened to one record, newest first (who read the police-only notes).
            models.Index(fields=["object_type", "object_id", "sequence"]),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type} {self.object_id}"

    def people_named(self) -> set[Any]:
        """Everyone the event is about: its ``person_id`` and, for a list, everyone it named."""
        named = set(self.subjects.values_list("person_id", flat=True))
        if self.person_id:
            named.add(self.person_id)
        return named


class AuditSubject(models.Model):
    """One person a list event named: the index behind "who has looked at this record".

    A list page (search results, a queue) writes ONE audit event naming everyone it
    showed, not one event per person; each person named gets a row here. The names
    are part of the event's hashed content (``safeguard.core.audit.event_content``),
    so adding or removing a row breaks the chain at that event, and these rows are
    append-only like the events (triggers, and the SQLite guard).
    """

    pk = models.CompositePrimaryKey("event_id", "person_id")
    # No database constraint, as the events hold no foreign keys either: the hash, not a
    # constraint, ties the names to their event (and a constraint would change how the
    # append-only table answers TRUNCATE).
    event = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, related_name="subjects", db_constraint=False
    )
    person_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["person_id", "event"], name="core_auditsubject_person")]

    def __str__(self) -> str:
        return f"#{self.event_id} {self.person_id}"


class ReferenceNumber(models.Model):
    """Every reference number ever issued, so that none is issued twice."""

    value = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=40)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.value


class OutboxStatus(models.TextChoices):
    """Where a message is on its way out."""

    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: no more tries"


class OutboxMessage(models.Model):
    """An email a service decided to send, written in the service's own transaction.

    It leaves only after that transaction commits (see ``safeguard.core.outbox``),
    so a rollback sends nothing and a slow mail server never holds a write open.
    ``summary`` names only references, never a person, so it can be shown to
    administrators who see no personal data; ``subject`` and ``body`` are the email.
    """

    kind = models.CharField(max_length=60)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    summary = models.CharField(max_length=300, blank=True)
    related_type = models.CharField(max_length=80, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    after_sent = models.CharField(
        max_length=200,
        blank=True,
        help_text="Dotted path of a function called with the message once it is sent.",
    )
    headers = models.JSONField(
        default=dict, blank=True, help_text="Extra email headers, e.g. List-Unsubscribe."
    )
    status = models.CharField(
        max_length=20, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class OutboxDelivery(models.Model):
    """One attempt to send an outbox message, and what happened: the delivery log."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField()
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["message_id", "attempt"]

    def __str__(self) -> str:
        return f"{self.message_id} attempt {self.attempt}: {'sent' if self.succeeded else 'failed'}"
