"""Reads for the front door, filtered by who is asking, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from safeguard.people.models import Person

from .hours import RAG_LABELS, RAG_TAG_CLASSES, describe_interval, rag_status
from .models import (
    OPEN_STATUSES,
    ChallengeStep,
    Contact,
    ContactChild,
    ContactStatus,
    DecisionVersion,
    MashEnquiry,
    PoliceForm,
    PoliceFormKind,
    PoliceFormStatus,
    ProfessionalChallenge,
    ThresholdDecision,
)
from .rules import can_answer_request, can_see_intelligence, can_see_police_queue, can_triage

QUEUE_PAGE_SIZE = 50
# A person reported missing now: flagged urgent and first in the police queue.
URGENT_KINDS = (PoliceFormKind.MISSING_PERSON,)


def _with_children(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    return queryset.prefetch_related(
        Prefetch(
            "contact_children",
            queryset=ContactChild.objects.select_related("person").order_by("pk"),
        )
    )


@dataclass
class QueueRow:
    """One contact in the MASH queue, with its timer and RAG (red, amber, green) status."""

    contact: Contact
    children: list[Person]
    age: str
    timer: str
    rag: str
    rag_label: str
    rag_class: str


def _row(contact: Contact, now: dt.datetime) -> QueueRow:
    rag = rag_status(contact.decision_due_at, now)
    remaining = contact.decision_due_at - now
    timer = (
        f"Overdue by {describe_interval(remaining)}"
        if remaining.total_seconds() <= 0
        else f"{describe_interval(remaining)} left"
    )
    return QueueRow(
        contact=contact,
        children=[cc.person for cc in contact.contact_children.all()],
        age=describe_interval(now - contact.received_at),
        timer=timer,
        rag=rag,
        rag_label=RAG_LABELS[rag],
        rag_class=RAG_TAG_CLASSES[rag],
    )


def queue_order(queryset: QuerySet[Contact], now: dt.datetime) -> QuerySet[Contact]:
    """Urgency first (immediate danger, urgent, standard), then overdue, then the deadline."""
    return queryset.annotate(
        overdue_rank=Case(
            When(decision_due_at__lte=now, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "overdue_rank", "decision_due_at", "pk")


def mash_queue(
    *, user: Any, status: str = "open", page: int = 1, now: dt.datetime | None = None
) -> tuple[list[QueueRow], int]:
    """Open contacts, most urgent first (a page of 50) and how many there are in all."""
    if not can_triage(user):
        return [], 0
    statuses = (
        [ContactStatus.AWAITING_SIGN_OFF]
        if status == "sign_off"
        else [ContactStatus.RECEIVED, ContactStatus.GATHERING]
    )
    queryset = Contact.objects.filter(status__in=statuses).select_related("referrer_agency")
    total = queryset.count()
    page = max(1, page)
    start = (page - 1) * QUEUE_PAGE_SIZE
    now = now or timezone.now()
    contacts = list(_with_children(queue_order(queryset, now))[start : start + QUEUE_PAGE_SIZE])
    return [_row(c, now) for c in contacts], total


def queue_counts(*, user: Any) -> dict[str, int]:
    """How many contacts wait for a decision and for sign-off."""
    if not can_triage(user):
        return {"open": 0, "sign_off": 0}
    waiting = Contact.objects.filter(
        status__in=[ContactStatus.RECEIVED, ContactStatus.GATHERING]
    ).count()
    sign_off = Contact.objects.filter(status=ContactStatus.AWAITING_SIGN_OFF).count()
    return {"open": waiting, "sign_off": sign_off}


@dataclass
class ContactPage:
    """Everything the triage page shows."""

    contact: Contact
    children: list[ContactChild]
    requests: list[MashEnquiry]
    decision: ThresholdDecision | None
    previous: list[Contact]
    row: QueueRow
    versions: list[DecisionVersion]
    challenges: list[ProfessionalChallenge]

    @property
    def sent_back(self) -> DecisionVersion | None:
        """The manager's send-back the worker has still to act on (the contact is open again)."""
        if self.decision is not None or not self.contact.is_open or not self.versions:
            return None
        last = self.versions[-1]
        return last if last.ended == "sent_back" else None

    @property
    def evidence_locked(self) -> bool:
        """Whether a decision was ever proposed: answers are then corrected, never changed."""
        return self.decision is not None or bool(self.versions)

    @property
    def awaited(self) -> list[MashEnquiry]:
        """Requests still waiting for an answer."""
        return [r for r in self.requests if r.answered_at is None and r.corrects_id is None]


def contact_for_triage(*, user: Any, reference: str) -> ContactPage | None:
    """A contact for the MASH triage page, or None (the page then says 'not found')."""
    if not can_triage(user):
        return None
    contact = (
        _with_children(Contact.objects.filter(reference=reference))
        .select_related("referrer_agency", "referrer")
        .first()
    )
    if contact is None:
        return None
    requests = list(
        MashEnquiry.objects.filter(contact=contact).select_related(
            "agency", "requested_by", "answered_by", "corrects"
        )
    )
    versions = list(
        DecisionVersion.objects.filter(contact=contact)
        .select_related("decided_by", "signed_off_by", "ended_by")
        .order_by("version", "pk")
    )
    decision = (
        ThresholdDecision.objects.filter(contact=contact)
        .select_related("decided_by", "signed_off_by")
        .first()
    )
    child_ids = [cc.person_id for cc in contact.contact_children.all()]
    previous = list(
        Contact.objects.filter(contact_children__person_id__in=child_ids)
        .exclude(pk=contact.pk)
        .filter(received_at__lt=contact.received_at)
        .select_related("decision", "referrer_agency")
        .distinct()
        .order_by("-received_at")[:20]
    )
    return ContactPage(
        contact=contact,
        children=list(contact.contact_children.all()),
        requests=requests,
        decision=decision,
        previous=previous,
        row=_row(contact, timezone.now()),
        versions=versions,
        challenges=challenges_on(contact),
    )


def my_referrals(*, user: Any, limit: int = 100) -> list[Contact]:
    """The concerns this user reported, newest first, with their outcome once decided."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        _with_children(Contact.objects.filter(referrer=user))
        .select_related("decision")
        .order_by("-received_at")[:limit]
    )


def referral_for_referrer(*, user: Any, reference: str) -> Contact | None:
    """One of the user's own referrals (never anyone else's)."""
    return (
        _with_children(Contact.objects.filter(referrer=user, reference=reference))
        .select_related("decision")
        .first()
    )


def contact_status_for_agency(*, agency_id: int, reference: str) -> Contact | PoliceForm | None:
    """A contact or police form submitted by this agency, looked up by reference; else None."""
    contact = (
        Contact.objects.filter(reference=reference, referrer_agency_id=agency_id)
        .select_related("decision")
        .first()
    )
    if contact is not None:
        return contact
    return PoliceForm.objects.filter(reference=reference, agency_id=agency_id).first()


@dataclass
class PoliceQueueRow:
    """One form in a police queue, with how long it has waited and whether it is urgent."""

    form: PoliceForm
    waiting: str
    urgent: bool
    actioned: bool


def police_queue(
    *, user: Any, intelligence: bool = False, limit: int = 100
) -> list[PoliceQueueRow]:
    """Forms for the police: unactioned first (a person missing now first, then the oldest).

    Actioned forms follow, most recent first. The force queue, or the intelligence
    queue for intelligence users.
    """
    if intelligence:
        if not can_see_intelligence(user):
            return []
        queryset = PoliceForm.objects.filter(kind=PoliceFormKind.PARTNER_INTELLIGENCE)
    else:
        if not can_see_police_queue(user):
            return []
        queryset = PoliceForm.objects.exclude(kind=PoliceFormKind.PARTNER_INTELLIGENCE)
    waiting = Q(status=PoliceFormStatus.RECEIVED)
    ordered = queryset.select_related("agency").annotate(
        actioned_rank=Case(When(waiting, then=Value(0)), default=Value(1)),
        urgent_rank=Case(When(waiting & Q(kind__in=URGENT_KINDS), then=Value(0)), default=Value(1)),
        # Waiting forms oldest first; actioned ones newest first.
        waiting_order=Case(
            When(waiting, then=F("received_at")), default=Value(None), output_field=DateTimeField()
        ),
    )
    forms = list(
        ordered.order_by(
            "actioned_rank",
            "urgent_rank",
            F("waiting_order").asc(nulls_last=True),
            "-received_at",
        )[:limit]
    )
    now = timezone.now()
    return [
        PoliceQueueRow(
            form=form,
            waiting=describe_interval(now - form.received_at),
            urgent=form.kind in URGENT_KINDS and form.status == PoliceFormStatus.RECEIVED,
            actioned=form.status != PoliceFormStatus.RECEIVED,
        )
        for form in forms
    ]


def police_waiting_count(*, user: Any) -> int:
    """How many forms in the user's police queue nobody has actioned yet."""
    if not can_see_police_queue(user):
        return 0
    return (
        PoliceForm.objects.exclude(kind=PoliceFormKind.PARTNER_INTELLIGENCE)
        .filter(status=PoliceFormStatus.RECEIVED)
        .count()
    )


def police_form_for_user(*, user: Any, reference: str) -> PoliceForm | None:
    """One police form, if the user works its queue or sent it."""
    form = (
        PoliceForm.objects.filter(reference=reference)
        .select_related("agency", "submitted_by")
        .first()
    )
    if form is None:
        return None
    if form.submitted_by_id == getattr(user, "pk", None):
        return form
    if form.is_intelligence:
        return form if can_see_intelligence(user) else None
    return form if can_see_police_queue(user) else None


def my_police_forms(*, user: Any, limit: int = 50) -> list[PoliceForm]:
    """The police forms this user sent."""
    return list(PoliceForm.objects.filter(submitted_by=user).order_by("-received_at")[:limit])


def contacts_with_outcome(outcome: str) -> QuerySet[Contact]:
    """Decided contacts with this outcome (e.g. 'early_help_assessment'), for other apps' services.

    Callers filter further by their own access rule; the queryset carries the
    decision and the linked children.
    """
    return (
        _with_children(
            Contact.objects.filter(decision__outcome=outcome, status=ContactStatus.DECIDED)
        )
        .select_related("decision", "referrer_agency")
        .order_by("-received_at")
    )


def open_statuses() -> tuple[str, ...]:
    """The statuses of contacts still waiting for the MASH."""
    return tuple(str(s) for s in OPEN_STATUSES)


def request_for_answer(*, user: Any, request_id: int) -> MashEnquiry | None:
    """A MASH request for information, for the agency it was sent to (else None: not found)."""
    request = (
        MashEnquiry.objects.filter(pk=request_id)
        .select_related("contact", "agency", "requested_by", "answered_by")
        .first()
    )
    if request is None or not can_answer_request(user, request):
        return None
    return request


def request_children(request: MashEnquiry) -> list[ContactChild]:
    """The children a request is about: the asked agency needs their names to look them up."""
    return list(
        ContactChild.objects.filter(contact_id=request.contact_id)
        .select_related("person")
        .order_by("pk")
    )


def requests_for_agency(
    *, user: Any, include_answered: bool = False, limit: int = 100
) -> list[MashEnquiry]:
    """The MASH's requests for information to the user's agency, waiting ones oldest first."""
    if getattr(user, "agency_id", None) is None or not getattr(user, "is_authenticated", False):
        return []
    queryset = MashEnquiry.objects.filter(agency_id=user.agency_id).select_related(
        "contact", "requested_by", "answered_by"
    )
    if not include_answered:
        queryset = queryset.filter(answered_at__isnull=True)
    return list(
        queryset.order_by(F("answered_at").desc(nulls_first=True), "requested_at", "pk")[:limit]
    )


def requests_waiting_count(*, user: Any) -> int:
    """How many MASH requests for information wait for an answer from the user's agency."""
    if getattr(user, "agency_id", None) is None:
        return 0
    return MashEnquiry.objects.filter(agency_id=user.agency_id, answered_at__isnull=True).count()


def challenges_on(contact: Contact) -> list[ProfessionalChallenge]:
    """The professional challenges to a contact's decision, each with its stages."""
    return list(
        ProfessionalChallenge.objects.filter(contact=contact)
        .select_related("raised_by", "raised_by_agency")
        .prefetch_related(
            Prefetch("steps", queryset=ChallengeStep.objects.select_related("resolved_by"))
        )
        .order_by("raised_at", "pk")
    )


def challenge_counts(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[str, int]:
    """Professional challenges raised in a period, for the partnership's data set (figures only).

    ``raised``: challenges raised; ``reached_stage_2`` and ``reached_stage_3``: how many
    were escalated that far; ``open``: still waiting for a stage's answer;
    ``decision_changed``: challenges where a stage changed the decision.
    """
    challenges = ProfessionalChallenge.objects.all()
    if since is not None:
        challenges = challenges.filter(raised_at__gte=since)
    if until is not None:
        challenges = challenges.filter(raised_at__lt=until)
    return {
        "raised": challenges.count(),
        "reached_stage_2": challenges.filter(stage__gte=2).count(),
        "reached_stage_3": challenges.filter(stage__gte=3).count(),
        "open": challenges.filter(is_open=True).count(),
        "decision_changed": challenges.filter(steps__decision_changed=True).distinct().count(),
    }
