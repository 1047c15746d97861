"""Every write in information sharing: checked, audited, one transaction each.

A decision to share and the access grant it creates commit together or not at
all; so do a break-glass grant, its record and its alerts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import Agency, AuditAction, Role
from safeguard.core.outbox import outbox_enqueue
from safeguard.core.references import reference_issue
from safeguard.core.text import reason_clean
from safeguard.frontdoor.events import FrontdoorEvent
from safeguard.people.access import (
    RECORD_TYPES,
    AccessDenied,
    access_grant_create,
    access_grant_revoke,
    can_view_person,
    sharing_basis,
)
from safeguard.people.models import AccessGrant, ChronologyEvent, Involvement, Person
from safeguard.people.services import chronology_add
from safeguard.work.models import Priority, WorkKind
from safeguard.work.services import (
    deadline_for,
    managers_of,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from .events import SharingEvent
from .models import (
    CONSENT_NEEDING_REASON,
    Alert,
    BreakGlassUse,
    Consent,
    Decision,
    LawfulBasis,
    NoConsentReason,
    Purpose,
    RequestStatus,
    ReviewOutcome,
    SafeguardingLead,
    SharingDecision,
    SharingRequest,
)
from .rules import (
    can_break_glass,
    can_override_refusal,
    can_record_decisions,
    can_review_break_glass,
    can_revoke_grant,
    can_share_about,
    has_standing_basis,
)
from .selectors import shareable_events

if TYPE_CHECKING:
    from safeguard.core.models import User

BREAK_GLASS_HOURS = 24
# What a sharing request's work item is about (a MASH request's is "frontdoor.information_request").
REQUEST_SUBJECT = "sharing.information_request"
BREAK_GLASS_SUBJECT = "sharing.break_glass"
MAX_GRANT_DAYS = 365
MIN_REASON_LENGTH = 20


def _agency_of(by: Any) -> int:
    """The acting user's agency; people without one never reach a sharing service."""
    if by.agency_id is None:
        raise AccessDenied("Only staff of an agency can do this.")
    return int(by.agency_id)


def items_digest(*, items: list[dict[str, Any]], summary: str) -> str:
    """SHA-256 over what was shared: each record's content at the time, and the summary."""
    payload = json.dumps(
        {"items": items, "summary": summary}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after the given UK day, so access lasts the whole of it."""
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_next, timezone.get_default_timezone())


def _validate_decision(
    *,
    by: User,
    person: Person,
    recipient_agency: Agency,
    purpose: str,
    decision: str,
    consent: str,
    no_consent_reason: str,
    lawful_basis: str,
    judgement: str,
    summary: str,
    ends_on: dt.date | None,
) -> None:
    errors: dict[str, str] = {}
    if recipient_agency.pk == by.agency_id:
        errors["recipient_agency"] = "Choose another agency: you cannot share with your own"
    if purpose not in Purpose.values:
        errors["purpose"] = "Select the purpose of sharing"
    if decision not in Decision.values:
        errors["decision"] = "Select whether you are sharing"
    if consent not in Consent.values:
        errors["consent"] = "Select what the child or family said about sharing"
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Select the lawful basis"
    if not judgement.strip():
        errors["judgement"] = "Enter your judgement and the reasons for your decision"
    if decision == Decision.SHARE:
        if consent in CONSENT_NEEDING_REASON and no_consent_reason not in NoConsentReason.values:
            errors["no_consent_reason"] = (
                "Select why you are sharing without consent: one of the three lawful reasons"
            )
        if consent == Consent.REFUSED and not can_override_refusal(by):
            errors["consent"] = (
                "Only your agency's safeguarding lead can share when consent was refused. "
                "Ask them to record this decision"
            )
        if lawful_basis == LawfulBasis.CONSENT and consent != Consent.GIVEN:
            errors["lawful_basis"] = "Consent cannot be the lawful basis when consent was not given"
        if not summary.strip():
            errors["summary"] = "Enter a summary of what you are sharing"
        today = timezone.localdate()
        if ends_on is None:
            errors["ends_on"] = "Enter the date access ends"
        elif ends_on < today:
            errors["ends_on"] = "The date access ends must be today or in the future"
        elif ends_on > today + dt.timedelta(days=MAX_GRANT_DAYS):
            errors["ends_on"] = "The date access ends must be within one year"
    if errors:
        raise ValidationError(errors)


def sharing_decision_record(
    *,
    by: User,
    person: Person,
    recipient_agency: Agency,
    purpose: str,
    decision: str,
    consent: str,
    lawful_basis: str,
    judgement: str,
    no_consent_reason: str = "",
    recipient_name: str = "",
    summary: str = "",
    event_ids: Iterable[uuid.UUID | str] = (),
    ends_on: dt.date | None = None,
    request: SharingRequest | None = None,
) -> SharingDecision:
    """Record a decision to share or not; a share grants the recipient time-limited access.

    The grant, the decision, the chronology entry, the request's answer and the
    audit event commit in one transaction.
    """
    if not can_share_about(by, person, request):
        raise AccessDenied("You cannot record a sharing decision about this person.")
    if consent == Consent.GIVEN:
        no_consent_reason = ""
    _validate_decision(
        by=by,
        person=person,
        recipient_agency=recipient_agency,
        purpose=purpose,
        decision=decision,
        consent=consent,
        no_consent_reason=no_consent_reason,
        lawful_basis=lawful_basis,
        judgement=judgement,
        summary=summary,
        ends_on=ends_on,
    )
    wanted = {str(i) for i in event_ids}
    events: list[ChronologyEvent] = []
    if wanted:
        if not can_view_person(by, person):
            raise ValidationError({"items": "You can only share records your agency holds"})
        events = [e for e in shareable_events(user=by, person=person) if str(e.pk) in wanted]
        if len(events) != len(wanted):
            raise ValidationError(
                {"items": "Select only records your agency holds about this person"}
            )
    if decision == Decision.NOT_SHARE:
        events = []
    snapshot = [
        {
            "type": "chronology_event",
            "id": str(e.pk),
            "record_type": e.record_type,
            "occurred_at": e.occurred_at.isoformat(),
            "title": e.title,
            "detail": e.detail,
        }
        for e in sorted(events, key=lambda e: str(e.pk))
    ]
    digest = items_digest(items=snapshot, summary=summary.strip())
    sensitive = sorted(
        {
            e.record_type
            for e in events
            if RECORD_TYPES.get(e.record_type, None) and RECORD_TYPES[e.record_type].sensitive
        }
    )
    purpose_label = Purpose(purpose).label
    # The grant the sharer's own access rests on (None for an involvement): ending it ends this.
    _, basis_grant = sharing_basis(by, person)
    with transaction.atomic():
        if request is not None:
            request = SharingRequest.objects.select_for_update().get(pk=request.pk)
            if request.status != RequestStatus.OPEN:
                raise ValidationError({"request": "This request has already been answered"})
        reference = reference_issue(prefix="ISD", kind="sharing_decision")
        grant = None
        if decision == Decision.SHARE:
            assert ends_on is not None  # noqa: S101 - validated above
            grant = access_grant_create(
                by=by,
                person=person,
                kind=AccessGrant.Kind.SHARED,
                purpose=f"{purpose_label} ({reference})",
                ends_at=_end_of_day(ends_on),
                agency_id=recipient_agency.pk,
                record_types=sensitive,
                source_reference=reference,
                derived_from=basis_grant,
                # The child's identifying details and the chosen records: nothing more.
                entries=events,
            )
        record = SharingDecision.objects.create(
            reference=reference,
            person=person,
            decided_by=by,
            decided_at=timezone.now(),
            from_agency_id=_agency_of(by),
            recipient_agency=recipient_agency,
            recipient_name=recipient_name.strip(),
            purpose=purpose,
            decision=decision,
            consent=consent,
            no_consent_reason=no_consent_reason if consent in CONSENT_NEEDING_REASON else "",
            lawful_basis=lawful_basis,
            judgement=judgement.strip(),
            summary=summary.strip(),
            items=[{"type": i["type"], "id": i["id"]} for i in snapshot],
            items_sha256=digest,
            record_types=sensitive,
            grant=grant,
            request=request,
        )
        verb = (
            "Information shared with" if decision == Decision.SHARE else "Decided not to share with"
        )
        chronology_add(
            by=by,
            person=person,
            occurred_at=record.decided_at,
            category=ChronologyEvent.Category.DECISION,
            title=f"{verb} {recipient_agency.name}",
            detail=f"Reference {reference}. Purpose: {purpose_label}. {Consent(consent).label}.",
            source_type="sharing_decision",
            source_id=str(record.pk),
            audit=False,
        )
        if request is not None:
            request.status = RequestStatus.ANSWERED
            request.answered_at = record.decided_at
            request.save(update_fields=["status", "answered_at"])
            work_items_close_for(
                by=by,
                subject_type=REQUEST_SUBJECT,
                subject_id=request.pk,
                kinds=(WorkKind.ANSWER_REQUEST,),
                outcome=f"Answered by {by} ({by.agency}): decision {reference}",
            )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=SharingEvent.SHARING_DECISION,
            object_id=record.pk,
            person_id=person.pk,
            changes={
                "reference": reference,
                "decision": decision,
                "recipient_agency": recipient_agency.pk,
                "purpose": purpose,
                "consent": consent,
                "no_consent_reason": record.no_consent_reason,
                "lawful_basis": lawful_basis,
                "items": len(snapshot),
                "entries": [i["id"] for i in snapshot],
                "items_sha256": digest,
                "record_types": sensitive,
                "grant": getattr(grant, "pk", None),
                "request": getattr(request, "reference", None),
            },
            reason=judgement.strip(),
        )
    return record


def sharing_grant_revoke(*, by: User, grant: AccessGrant, reason: str) -> AccessGrant:
    """Take away access early; the holder's next request is refused."""
    if not can_revoke_grant(by, grant):
        raise AccessDenied("You cannot revoke this access.")
    try:
        reason = reason_clean(reason, blank="Enter why you are ending this access")
    except InvalidRequest as exc:
        raise ValidationError(exc.errors) from None
    if grant.revoked_at is not None:
        raise ValidationError({"reason": "This access has already been revoked"})
    return access_grant_revoke(
        by=by, grant=grant, reason=reason.strip(), also=made_under_break_glass(grant)
    )


def made_under_break_glass(grant: AccessGrant) -> list[AccessGrant]:
    """Shares the holder of an emergency access gave about the child inside its window.

    Grants given since the fix record ``derived_from`` (and sharing now needs a standing
    basis); this also catches shares given under emergency access before either existed.
    """
    if grant.kind != AccessGrant.Kind.BREAK_GLASS or grant.user_id is None:
        return []
    window_end = min(grant.ends_at, grant.revoked_at or grant.ends_at)
    return list(
        AccessGrant.objects.filter(
            person_id=grant.person_id,
            granted_by_id=grant.user_id,
            kind=AccessGrant.Kind.SHARED,
            starts_at__gte=grant.starts_at,
            starts_at__lt=window_end,
            revoked_at__isnull=True,
        ).exclude(pk=grant.pk)
    )


def information_request_create(
    *,
    by: User,
    person: Person,
    to_agency: Agency,
    purpose: str,
    asked: str,
    due_date: dt.date,
) -> SharingRequest:
    """Ask another agency for what it knows about a person, by a due date."""
    if not (can_record_decisions(by) and has_standing_basis(by, person)):
        raise AccessDenied("You cannot ask for information about this person.")
    errors: dict[str, str] = {}
    if to_agency.pk == by.agency_id:
        errors["to_agency"] = "Choose another agency: you cannot ask your own"
    if purpose not in Purpose.values:
        errors["purpose"] = "Select the purpose of the request"
    if not asked.strip():
        errors["asked"] = "Enter what information you are asking for"
    if due_date < timezone.localdate():
        errors["due_date"] = "The date it is needed by must be today or in the future"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = SharingRequest.objects.create(
            reference=reference_issue(prefix="IREQ", kind="information_request"),
            person=person,
            from_agency_id=_agency_of(by),
            to_agency=to_agency,
            requested_by=by,
            purpose=purpose,
            asked=asked.strip(),
            due_date=due_date,
            created_at=timezone.now(),
        )
        chronology_add(
            by=by,
            person=person,
            occurred_at=request.created_at,
            category=ChronologyEvent.Category.RECORD,
            title=f"Information requested from {to_agency.name}",
            detail=f"Reference {request.reference}. Needed by {due_date:%-d %B %Y}.",
            source_type="information_request",
            source_id=str(request.pk),
            audit=False,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=FrontdoorEvent.INFORMATION_REQUEST,
            object_id=request.pk,
            person_id=person.pk,
            changes={"to_agency": to_agency.pk, "purpose": purpose, "due_date": due_date},
            reason=asked.strip(),
        )
        work_item_create(
            by=by,
            team=team_receiving_for(to_agency),
            kind=WorkKind.ANSWER_REQUEST,
            title=f"Request for information from {request.from_agency.name}",
            detail=f"{Purpose(purpose).label}: {request.asked}",
            subject_type=REQUEST_SUBJECT,
            subject_id=request.pk,
            subject_url=reverse("sharing:share", args=[person.pk]) + f"?request={request.pk}",
            subject_label=f"Request for information {request.reference}",
            person=person,
            due_at=_end_of_day(due_date),
            priority=Priority.STANDARD,
        )
    return request


def break_glass_recipients(*, by: User, person: Person) -> list[Any]:
    """Who is alerted: the user's agency's safeguarding leads and the record's lead practitioners.

    If nobody is found, the MASH managers are alerted, so that every use reaches a reviewer.
    """
    from safeguard.core.models import User as UserModel

    today = timezone.localdate()
    lead_ids = set(
        SafeguardingLead.objects.filter(agency_id=_agency_of(by)).values_list("user_id", flat=True)
    )
    lead_ids |= set(
        UserModel.objects.filter(
            agency_id=_agency_of(by), roles__code=Role.MASH_MANAGER
        ).values_list("pk", flat=True)
    )
    practitioner_ids = set(
        Involvement.objects.filter(person=person, lead_practitioner__isnull=False)
        .exclude(ended__lt=today)
        .values_list("lead_practitioner_id", flat=True)
    )
    ids = (lead_ids | practitioner_ids) - {by.pk}
    if not ids:
        ids = set(
            UserModel.objects.filter(
                agency__is_mash=True, roles__code=Role.MASH_MANAGER, is_active=True
            ).values_list("pk", flat=True)
        ) - {by.pk}
    return list(UserModel.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _break_glass_emails(*, use: BreakGlassUse, addresses: list[str]) -> None:
    """Email the reviewers a reference and a link, through the outbox: never the child's details."""
    link = getattr(settings, "SITE_URL", "").rstrip("/") + reverse("sharing:reviews")
    outbox_enqueue(
        kind="sharing.break_glass_alert",
        recipients=addresses,
        subject=f"Safeguard: emergency access to review ({use.reference})",
        body=(
            "Someone used emergency access (break-glass) to open a record in Safeguard.\n\n"
            f"Reference: {use.reference}\n\n"
            "Please sign in to Safeguard and review it within one working day:\n"
            f"{link}\n\n"
            "This email deliberately contains no details about the child or the record."
        ),
        summary=f"Emergency access alert {use.reference}",
        related_type="break_glass",
        related_id=use.reference,
    )


def _break_glass_review_work(*, by: User, use: BreakGlassUse, person: Person) -> list[Any]:
    """Give the managers of the child's lead practitioners a work item to review the use.

    One item per team a lead practitioner is in, allocated to its first manager who is
    working (never the user who opened the record). The managers are alerted too, which
    lets them review. Returns the managers given an item.
    """
    from safeguard.core.models import Team

    today = timezone.localdate()
    leads = (
        Involvement.objects.filter(person=person, lead_practitioner__isnull=False)
        .exclude(ended__lt=today)
        .values("lead_practitioner_id")
    )
    teams = Team.objects.filter(active=True, memberships__user_id__in=leads).distinct()
    given: list[Any] = []
    for team in teams.order_by("pk"):
        managers = managers_of(team, exclude=by)
        if not managers:
            continue
        work_item_create(
            by=by,
            team=team,
            kind=WorkKind.REVIEW_BREAK_GLASS,
            title="Review an emergency access to a child your team leads on",
            subject_type=BREAK_GLASS_SUBJECT,
            subject_id=use.pk,
            subject_url=reverse("sharing:review", args=[use.pk]),
            subject_label=f"Emergency access {use.reference}",
            person=person,
            deadline=deadline_for("review_break_glass"),
            priority=Priority.URGENT,
            assignee=managers[0],
        )
        given.append(managers[0])
    return given


def break_glass_open(*, by: User, person: Person, reason: str, password: str) -> BreakGlassUse:
    """Open a record outside the user's access in an emergency, for 24 hours.

    The user re-enters their password (step-up). Their agency's safeguarding
    leads and the record's lead practitioners are alerted at once, in the
    service and by email, with a reference only.
    """
    if not can_break_glass(by):
        raise AccessDenied("You cannot use emergency access.")
    try:
        reason = reason_clean(
            reason,
            min_length=MIN_REASON_LENGTH,
            min_words=2,
            blank="Explain the emergency",
            too_short=f"Explain the emergency in at least {MIN_REASON_LENGTH} characters",
        )
    except InvalidRequest as exc:
        raise ValidationError(exc.errors) from None
    if not by.check_password(password):
        audit_record(
            by=by,
            action=AuditAction.DENY,
            object_type=SharingEvent.BREAK_GLASS,
            object_id=person.pk,
            person_id=person.pk,
            reason="Password not confirmed",
            outcome="denied",
        )
        raise ValidationError({"password": "The password is not correct"})
    if can_view_person(by, person):
        raise ValidationError(
            {"reason": "You can already see this record: you do not need emergency access"}
        )
    now = timezone.now()
    with transaction.atomic():
        grant = access_grant_create(
            by=by,
            person=person,
            kind=AccessGrant.Kind.BREAK_GLASS,
            purpose=reason,
            ends_at=now + dt.timedelta(hours=BREAK_GLASS_HOURS),
            user=by,
            record_types=[],
        )
        reference = reference_issue(prefix="BG", kind="break_glass")
        grant.source_reference = reference
        grant.save(update_fields=["source_reference"])
        use = BreakGlassUse.objects.create(
            reference=reference,
            grant=grant,
            person=person,
            user=by,
            agency_id=_agency_of(by),
            reason=reason,
            opened_at=now,
        )
        recipients = break_glass_recipients(by=by, person=person)
        reviewers = _break_glass_review_work(by=by, use=use, person=person)
        recipients += [r for r in reviewers if r not in recipients]
        Alert.objects.bulk_create(
            [
                Alert(
                    recipient=r,
                    kind=Alert.Kind.BREAK_GLASS,
                    reference=reference,
                    break_glass_use=use,
                    created_at=now,
                )
                for r in recipients
            ]
        )
        audit_record(
            by=by,
            action=AuditAction.ACCESS_REASON,
            object_type=SharingEvent.BREAK_GLASS,
            object_id=use.pk,
            person_id=person.pk,
            changes={
                "reference": reference,
                "grant": grant.pk,
                "alerted": [r.pk for r in recipients],
            },
            reason=reason,
        )
        _break_glass_emails(use=use, addresses=[r.email for r in recipients if r.email])
    return use


def break_glass_review(
    *, by: User, use: BreakGlassUse, outcome: str, note: str = "", end_access: bool = False
) -> BreakGlassUse:
    """Record the reviewer's conclusion; optionally end the emergency access now.

    A "not appropriate" outcome always ends it, and with it everything it led to: every
    grant given on the strength of it (see ``made_under_break_glass``).
    """
    if not can_review_break_glass(by, use):
        raise AccessDenied("You cannot review this emergency access.")
    errors: dict[str, str] = {}
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Select the outcome of your review"
    if outcome in (ReviewOutcome.NOT_APPROPRIATE, ReviewOutcome.UNCLEAR) and not note.strip():
        errors["note"] = "Enter what will happen next"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        use = BreakGlassUse.objects.select_for_update().select_related("grant").get(pk=use.pk)
        if use.reviewed_at is not None:
            raise ValidationError({"outcome": "This emergency access has already been reviewed"})
        now = timezone.now()
        use.reviewed_at = now
        use.reviewed_by = by
        use.outcome = outcome
        use.review_note = note.strip()
        use.save(update_fields=["reviewed_at", "reviewed_by", "outcome", "review_note"])
        Alert.objects.filter(break_glass_use=use, read_at__isnull=True).update(read_at=now)
        work_items_close_for(
            by=by,
            subject_type=BREAK_GLASS_SUBJECT,
            subject_id=use.pk,
            kinds=(WorkKind.REVIEW_BREAK_GLASS,),
            outcome=f"Reviewed by {by}: {ReviewOutcome(outcome).label}",
        )
        end_access = end_access or outcome == ReviewOutcome.NOT_APPROPRIATE
        if end_access:
            access_grant_revoke(
                by=by,
                grant=use.grant,
                reason=f"Ended on review of {use.reference}",
                also=made_under_break_glass(use.grant),
            )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=SharingEvent.BREAK_GLASS,
            object_id=use.pk,
            person_id=use.person_id,
            changes={"outcome": outcome, "ended_access": end_access},
            reason=note.strip(),
        )
    return use


def safeguarding_lead_set(*, by: User | None, agency: Agency, user: Any) -> SafeguardingLead:
    """Name a user as a safeguarding lead for their agency (used by the demo and administrators)."""
    if user.agency_id != agency.pk:
        raise ValidationError({"user": "A safeguarding lead must work for the agency"})
    with transaction.atomic():
        lead, _ = SafeguardingLead.objects.get_or_create(agency=agency, user=user)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=SharingEvent.SAFEGUARDING_LEAD,
            object_id=lead.pk,
            changes={"agency": agency.pk, "user": user.pk},
        )
    return lead


def break_glass_find_record(*, by: User, found: Person | None, by_nhs_number: bool) -> None:
    """Record an exact-identifier search made before asking for emergency access."""
    audit_record(
        by=by,
        action=AuditAction.SEARCH,
        object_type=SharingEvent.BREAK_GLASS_FIND,
        person_id=found.pk if found else None,
        changes={"by": "nhs_number" if by_nhs_number else "name_and_date_of_birth"},
        outcome="ok" if found else "not_found",
    )


def sharing_log_export_refused_record(*, by: User, limit: int) -> None:
    """Record a refused export of the sharing log (too many in an hour)."""
    audit_record(
        by=by,
        action=AuditAction.DENY,
        object_type=SharingEvent.SHARING_LOG,
        reason=f"More than {limit} exports in an hour",
        outcome="refused",
    )


def sharing_log_export_record(*, by: User, rows: int, filters: dict[str, Any]) -> None:
    """Record an export of the sharing log, inside the transaction that read it."""
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type=SharingEvent.SHARING_LOG,
        changes={"rows": rows, "filters": filters},
    )
