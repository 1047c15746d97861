"""Contacts to the Multi-Agency Safeguarding Hub (MASH), triage, threshold decisions, police forms.

A *contact* is a concern about one or more children reported by a
professional (on screen or through the partner API). The MASH gathers what
agencies know (information requests), decides a level on the continuum of
need (threshold decision) within one working day, and tells the referrer the
outcome. Police partner forms are separate reports that go to the police
queue (or, for community partner intelligence, the intelligence queue).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Submission(models.TextChoices):
    """How something reached Safeguard."""

    WEB = "web", "Online form"
    API = "api", "Partner system (API)"
    EARLY_HELP = "early_help", "Early help stepped up to children's social care"
    SCREENING = "screening", "A significant incident in an exploitation screening"


class Consent(models.TextChoices):
    """Whether the family agreed to the concern being shared."""

    GIVEN = "given", "Yes, they agreed"
    REFUSED = "refused", "No, they refused"
    NOT_ASKED = "not_asked", "I did not ask them"


class NoConsentReason(models.TextChoices):
    """The three lawful reasons for not asking the family first (the seed's wording)."""

    INCREASE_RISK = (
        "increase_risk",
        ("Asking would put the child, another child, someone else or me at increased risk of harm"),
    )
    UNDERMINE_INVESTIGATION = (
        "undermine_investigation",
        ("Asking might undermine the investigation of a serious crime"),
    )
    DELAY_PROTECTION = (
        "delay_protection",
        ("Waiting for consent would delay protecting the child and put them at further risk"),
    )


class VoiceApproach(models.TextChoices):
    """How the child's voice was heard: their own words, or (pre-verbal or non-verbal) PRESENT.

    The partnership's PRESENT practice guidance and tool capture the voice and lived
    experience of a child who cannot speak for themselves: what the child's
    presentation, behaviour and interactions show.
    """

    WORDS = "words", "The child's own words"
    PRESENT = (
        "present",
        "What the child's presentation, behaviour and interactions show (PRESENT approach)",
    )


VOICE_LABELS: dict[str, str] = {
    VoiceApproach.WORDS: "What the child said and what life is like for them",
    VoiceApproach.PRESENT: (
        "What the child's presentation, behaviour and interactions show "
        "(the child is pre-verbal or non-verbal: PRESENT approach)"
    ),
}


class ContactStatus(models.TextChoices):
    """Where a contact is in the MASH process."""

    RECEIVED = "received", "Received"
    GATHERING = "gathering", "Gathering information"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for a manager's sign-off"
    DECIDED = "decided", "Decided"


class Urgency(models.IntegerChoices):
    """How soon the MASH must decide: lower numbers come first (the work app's priorities)."""

    IMMEDIATE = 1, "Immediate danger"
    URGENT = 2, "Urgent"
    STANDARD = 3, "Standard"


OPEN_STATUSES = (ContactStatus.RECEIVED, ContactStatus.GATHERING, ContactStatus.AWAITING_SIGN_OFF)


class Contact(models.Model):
    """A concern about one or more children reported to the MASH."""

    reference = models.CharField(max_length=32, unique=True)
    received_at = models.DateTimeField(db_index=True)
    submitted_via = models.CharField(
        max_length=10, choices=Submission.choices, default=Submission.WEB
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contacts_made",
        help_text="Who submitted it (a partner system's account for the API).",
    )
    referrer_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="contacts_made"
    )
    referrer_name = models.CharField(max_length=200)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(max_length=254)
    children = models.ManyToManyField(  # type: ignore[var-annotated]
        "people.Person", through="ContactChild", related_name="frontdoor_contacts"
    )
    categories = models.JSONField(default=list, help_text="Concern category codes (categories.py).")
    cin_codes = models.JSONField(
        default=list, help_text="Children in Need census factor codes for the categories."
    )
    what_happened = models.TextField()
    happened_on = models.DateField(null=True, blank=True)
    child_voice = models.TextField(help_text="What the child said and what life is like for them.")
    child_voice_approach = models.CharField(
        max_length=10,
        choices=VoiceApproach.choices,
        default=VoiceApproach.WORDS,
        help_text="Whether the child's voice is their words or, for a pre-verbal or "
        "non-verbal child, what their presentation, behaviour and interactions show.",
    )
    immediate_danger = models.BooleanField(default=False)
    urgency = models.PositiveSmallIntegerField(
        choices=Urgency.choices,
        default=Urgency.STANDARD,
        help_text="Sets the contact's own deadline and its place in the MASH queue.",
    )
    family_knows = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    no_consent_reason = models.CharField(max_length=40, choices=NoConsentReason.choices, blank=True)
    others_involved = models.TextField(blank=True)
    status = models.CharField(
        max_length=30, choices=ContactStatus.choices, default=ContactStatus.RECEIVED
    )
    decision_due_at = models.DateTimeField(db_index=True)
    is_re_referral = models.BooleanField(default=False)
    previous_contacts = models.PositiveIntegerField(default=0)
    received_in_office_hours = models.BooleanField(default=True)
    referrer_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decision_due_at"]
        indexes = [
            models.Index(fields=["status", "decision_due_at"]),
            models.Index(fields=["status", "urgency", "decision_due_at"]),
            models.Index(fields=["referrer_agency", "reference"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(consent="not_asked") | ~Q(no_consent_reason=""),
                name="contact_not_asked_needs_reason",
            ),
            models.CheckConstraint(condition=~Q(child_voice=""), name="contact_has_child_voice"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        """Whether the MASH has still to decide."""
        return self.status in OPEN_STATUSES

    @property
    def child_voice_label(self) -> str:
        """What the child's voice row is called: words, or the PRESENT approach."""
        return VOICE_LABELS.get(self.child_voice_approach, VOICE_LABELS[VoiceApproach.WORDS])


class ContactChild(models.Model):
    """A child named in a contact (linked to the one record for that child)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_children")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    newly_recorded = models.BooleanField(
        default=False, help_text="The contact described a child Safeguard did not know."
    )
    # The child as the reporter described them: what the reporter is shown ("My referrals"),
    # never the record's own details, which may belong to someone they cannot see.
    reported_given_name = models.CharField(max_length=100, blank=True)
    reported_family_name = models.CharField(max_length=100, blank=True)
    reported_date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="child_once_per_contact")
        ]
        indexes = [models.Index(fields=["person", "contact"])]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.contact_id}"

    @property
    def reported_name(self) -> str:
        """The child's name as the reporter gave it."""
        return f"{self.reported_given_name} {self.reported_family_name}".strip()


class ContactDraft(models.Model):
    """A 'Report a concern' journey in progress: saved at every step so nothing is lost."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_draft"
    )
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Draft for {self.user_id}"


class MashEnquiry(models.Model):
    """What the MASH asked an agency, and what the agency said."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="information_requests"
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The answer this entry corrects (answers are never overwritten after a decision).",
    )

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agency_id} for {self.contact_id}"


class Level(models.IntegerChoices):
    """The four levels of the continuum of need."""

    UNIVERSAL = 1, "Level 1: universal need"
    EMERGING = 2, "Level 2: emerging need"
    FAMILY_HELP = 3, "Level 3: family help"
    SPECIALIST = 4, "Level 4: specialist need"


LEVEL_DESCRIPTIONS = {
    1: (
        "The majority of children will have their needs met by a single agency response "
        "including: GPs, pharmacies, schools, libraries, health visitors, sport clubs."
    ),
    2: (
        "Some children and families have emerging needs. Intervention is provided by a single "
        "agency or a co-ordinated response by multiple agencies. Consider Early Help Assessment "
        "delivered by lead practitioner."
    ),
    3: (
        "Children with increased vulnerability and additional needs which require an Early Help "
        "Assessment, a multi agency response. Intervention to be provided via Team around the "
        "Family or Targeted Intervention."
    ),
    4: (
        "Children and young people whose needs are increasingly complex and require specialist "
        "support through Section 17 social work led, Section 47 child protection and children "
        "in our care interventions."
    ),
}


class Outcome(models.TextChoices):
    """What happens next after a threshold decision."""

    ADVICE_NO_FURTHER_ACTION = "advice_nfa", "Advice given and no further action"
    SIGNPOST = "signpost", "Signposted to a support service"
    EARLY_HELP_ASSESSMENT = "early_help_assessment", "Early Help Assessment"
    TARGETED_INTERVENTION = (
        "targeted_intervention",
        ("Targeted intervention or Team Around the Family"),
    )
    SECTION_17 = "section_17", "Section 17 child in need assessment"
    SECTION_47 = "section_47", "Section 47 strategy discussion"
    LOOKED_AFTER = "looked_after", "Child becomes looked after, or police protection"
    POLICE_NOTIFIED = "police_notified", "Police notified"


# Which outcomes each level allows (docs/frontdoor.md has the same table). Anything else is
# an incoherent pair ("level 1, Section 47 strategy discussion") and the MASH is told so.
OUTCOMES_BY_LEVEL: dict[int, tuple[Outcome, ...]] = {
    Level.UNIVERSAL: (Outcome.ADVICE_NO_FURTHER_ACTION, Outcome.SIGNPOST, Outcome.POLICE_NOTIFIED),
    Level.EMERGING: (
        Outcome.ADVICE_NO_FURTHER_ACTION,
        Outcome.SIGNPOST,
        Outcome.EARLY_HELP_ASSESSMENT,
        Outcome.POLICE_NOTIFIED,
    ),
    Level.FAMILY_HELP: (
        Outcome.EARLY_HELP_ASSESSMENT,
        Outcome.TARGETED_INTERVENTION,
        Outcome.POLICE_NOTIFIED,
    ),
    Level.SPECIALIST: (Outcome.SECTION_17, Outcome.SECTION_47, Outcome.LOOKED_AFTER),
}


def outcome_allowed(level: int, outcome: str) -> bool:
    """Whether the outcome makes sense at the level (the table above)."""
    return outcome in OUTCOMES_BY_LEVEL.get(int(level), ())


class ThresholdDecision(models.Model):
    """The MASH's current decision on a contact: a level, an outcome and the reasons.

    Earlier versions (a proposal a manager sent back, a decision a manager amended)
    are kept, unchanged, as :class:`DecisionVersion` rows.
    """

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="decision")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField()
    message_to_referrer = models.TextField(
        help_text="What the referrer is told: what they need to know, not the whole record."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    needs_sign_off = models.BooleanField(default=False)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_note = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    amendment_reason = models.TextField(
        blank=True, help_text="Why a manager amended the decision (the MASH's reasons only)."
    )

    class Meta:
        indexes = [models.Index(fields=["outcome"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="level_one_to_four"
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: level {self.level}"

    @property
    def is_final(self) -> bool:
        """Whether the decision stands (no sign-off needed, or signed off)."""
        return not self.needs_sign_off or self.signed_off_at is not None


class VersionEnd(models.TextChoices):
    """Why a version of a decision stopped being the current one."""

    SENT_BACK = "sent_back", "Sent back by a manager"
    AMENDED = "amended", "Amended by a manager"


class DecisionVersion(models.Model):
    """An earlier version of a threshold decision, kept as it was (append-only)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="decision_versions")
    version = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField()
    message_to_referrer = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    ended = models.CharField(max_length=20, choices=VersionEnd.choices)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField()
    reason = models.TextField(help_text="The manager's reason for sending back or amending.")

    class Meta:
        ordering = ["contact", "version", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="decision_version_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: version {self.version}"


class PoliceFormKind(models.TextChoices):
    """The police partner forms (North Yorkshire Police's online partner forms)."""

    MISSING_PERSON = "missing_person", "Missing person"
    MISSING_RETURNED = "missing_returned", "Missing person: returned"
    MISSING_FURTHER_INFORMATION = (
        "missing_further_information",
        ("Missing person: further information"),
    )
    WELFARE_CHECK = "welfare_check", "Request police help with a welfare check"
    MENTAL_HEALTH_ACT = (
        "mental_health_act",
        ("Request police help with a Mental Health Act assessment"),
    )
    PARTNER_INTELLIGENCE = "partner_intelligence", "Community partner intelligence"


class PoliceFormStatus(models.TextChoices):
    """Where a police form is."""

    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Picked up by the police"


class PoliceForm(models.Model):
    """A form a partner agency sends to the police; intelligence goes to its own queue."""

    reference = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=40, choices=PoliceFormKind.choices, db_index=True)
    received_at = models.DateTimeField(db_index=True)
    submitted_via = models.CharField(
        max_length=10, choices=Submission.choices, default=Submission.WEB
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="police_forms_made"
    )
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="police_forms_made"
    )
    contact_name = models.CharField(max_length=200)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(max_length=254)
    subject_name = models.CharField(max_length=200)
    subject_date_of_birth = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=500, blank=True)
    details = models.TextField()
    answers = models.JSONField(default=dict, blank=True, help_text="The form's own questions.")
    related_reference = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=20, choices=PoliceFormStatus.choices, default=PoliceFormStatus.RECEIVED
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["kind", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_intelligence(self) -> bool:
        """Whether this goes to the intelligence unit rather than the force control room."""
        return self.kind == PoliceFormKind.PARTNER_INTELLIGENCE


class PoliceIntelligenceUser(models.Model):
    """A police officer or analyst who works the community partner intelligence queue.

    Only police agency users with this flag see intelligence; the police queue
    (missing persons, welfare checks, Mental Health Act help) is open to every
    police user with a personal-data role.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="police_intelligence"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Intelligence user {self.user_id}"


class ChallengeStage(models.IntegerChoices):
    """The partnership's escalation pathway for professional challenge."""

    WORKER = 1, "Stage 1: the worker who decided"
    TEAM_MANAGER = 2, "Stage 2: the MASH team manager"
    HEAD_OF_SERVICE = 3, "Stage 3: the head of service"


class ProfessionalChallenge(models.Model):
    """A referrer or partner disagrees with a MASH decision and escalates it, stage by stage."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="challenges")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    stage = models.PositiveSmallIntegerField(
        choices=ChallengeStage.choices, default=ChallengeStage.WORKER
    )
    is_open = models.BooleanField(default=True, help_text="Waiting for the stage's resolution.")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["raised_at"])]

    def __str__(self) -> str:
        return f"Challenge to {self.contact_id} at stage {self.stage}"


class ChallengeStep(models.Model):
    """One stage of a challenge: why it was raised there, and how it was resolved."""

    challenge = models.ForeignKey(
        ProfessionalChallenge, on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.PositiveSmallIntegerField(choices=ChallengeStage.choices)
    reason = models.TextField(help_text="Why the challenger disagrees (or escalates).")
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolution = models.TextField(blank=True)
    decision_changed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["challenge", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "stage"], name="one_step_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id} stage {self.stage}"
