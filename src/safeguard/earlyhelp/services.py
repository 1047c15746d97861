"""Every change to early help: checked against the access rule, audited, one transaction.

Each service lands on every child's chronology (``people.services.chronology_add``)
and writes one audit event per child, so a child's "who has looked at or changed
this record" page shows early help too. Completing an assessment, holding a
Team Around the Family (TAF) meeting or review, recording a change and closing
tell the Supporting Families team, by email and in the app.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import environ
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import AuditEntry, audit_record_many, diff
from safeguard.core.events import AuditEventType
from safeguard.core.models import Agency, AuditAction, OutboxMessage
from safeguard.core.outbox import outbox_enqueue
from safeguard.core.references import reference_issue
from safeguard.people.access import AccessDenied, can_edit_person
from safeguard.people.models import ChronologyEvent, HouseholdMember, Person
from safeguard.people.services import chronology_add

from .events import EarlyHelpEvent
from .handoffs import StepUp, step_up_refer
from .models import (
    Assessment,
    ClosureReason,
    Episode,
    EpisodeChange,
    EpisodeChild,
    FamilyConsent,
    Notification,
    SupportRecord,
)
from .selectors import (
    assessment_prefill,
    can_change_episode,
    consent_people,
    episode_child_ids,
    episodes_visible_to,
    family_consent,
)
from .taf import TafKind, TafMeeting, taf_meetings

if TYPE_CHECKING:
    from safeguard.core.models import User

logger = logging.getLogger(__name__)

SUPPORTING_FAMILIES_EMAIL_DEFAULT = "supporting.families@example.invalid"
SUPPORTING_FAMILIES_EMAIL_VARIABLE = "SAFEGUARD_SUPPORTING_FAMILIES_EMAIL"
# The first review is due this long after the assessment, unless a TAF meeting sets it.
FIRST_REVIEW_AFTER = dt.timedelta(weeks=6)
# A TAF meeting may set the next review at most this far ahead.
LONGEST_REVIEW_GAP = dt.timedelta(days=183)
SOURCE_TYPE = "early_help_episode"
ASSESSMENT_TEXT_FIELDS = (
    "already_known",
    "family_view",
    "child_voice",
    "needs",
    "strengths",
    "plan",
)
ASSESSMENT_FIELDS = (
    *ASSESSMENT_TEXT_FIELDS,
    "assessment_date",
    "lead_practitioner",
    "child_voice_approach",
)
REQUIRED_TO_COMPLETE = {
    "lead_practitioner": "Select the lead practitioner",
    "assessment_date": "Enter the date of the assessment",
    "family_view": "Enter the family's own view of what is happening and what would help",
    "child_voice": "Enter what the child said and what life is like for them",
    "needs": "Enter the family's needs",
    "plan": "Enter the plan agreed with the family",
}


def supporting_families_address() -> str:
    """Where Supporting Families team emails go: ``SAFEGUARD_SUPPORTING_FAMILIES_EMAIL``."""
    return environ.Env().str(
        SUPPORTING_FAMILIES_EMAIL_VARIABLE, default=SUPPORTING_FAMILIES_EMAIL_DEFAULT
    )


def _today() -> dt.date:
    return timezone.localdate()


def _children(episode: Episode) -> list[Person]:
    return [m.person for m in EpisodeChild.objects.filter(episode=episode).select_related("person")]


def _require_change(by: User, episode: Episode, *, open_only: bool = True) -> None:
    if not can_change_episode(by, episode):
        raise AccessDenied("You cannot change this early help record.")
    if open_only and not episode.is_open:
        raise ValidationError("This early help has closed, so it cannot be changed.")


def _audit(
    *,
    by: User | None,
    action: str,
    object_type: AuditEventType,
    object_id: Any,
    children: Iterable[Person],
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    audit_record_many(
        by=by,
        entries=[
            AuditEntry(
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                person_id=child.pk,
                changes=changes,
                reason=reason,
            )
            for child in children
        ],
    )


def _chronology(
    *,
    by: User,
    episode: Episode,
    children: Iterable[Person],
    category: str,
    title: str,
    detail: str = "",
    occurred_at: dt.datetime | None = None,
) -> None:
    for child in children:
        chronology_add(
            by=by,
            person=child,
            occurred_at=occurred_at or timezone.now(),
            category=category,
            title=title,
            detail=detail,
            source_type=SOURCE_TYPE,
            source_id=str(episode.pk),
            audit=False,
        )


def _at_noon(day: dt.date) -> dt.datetime:
    """A dated event placed at midday UK time, so it sorts on the right day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _notify(*, by: User, episode: Episode, event: str, detail: str = "") -> Notification:
    """Tell the Supporting Families team: an in-app row now, an email through the outbox.

    The message names the episode reference and what happened, never a child,
    so an email that goes astray discloses nothing about the family.
    """
    label = Notification.Event(event).label
    recipient = supporting_families_address()
    subject = f"Early help {episode.reference}: {label}"
    lines = [
        f"Early help reference: {episode.reference}",
        f"What happened: {label}",
        f"Recorded by: {by} ({by.agency})" if getattr(by, "agency", None) else f"Recorded by: {by}",
        f"When: {timezone.localtime():%-d %B %Y %H:%M}",
    ]
    if detail:
        lines.append(detail)
    lines.append("")
    lines.append("Sign in to Safeguard and open early help with this reference to see the details.")
    notification = Notification.objects.create(
        episode=episode,
        event=event,
        recipient=recipient,
        subject=subject,
        body="\n".join(lines),
        created_by=by,
    )
    outbox_enqueue(
        kind="earlyhelp.supporting_families",
        recipients=[recipient],
        subject=subject,
        body=notification.body,
        summary=subject,
        related_type="early_help_notification",
        related_id=notification.pk,
        after_sent="safeguard.earlyhelp.services.notification_emailed",
    )
    return notification


def notification_emailed(message: OutboxMessage) -> None:
    """The outbox sent a notification's email: note when, for the team's in-app list."""
    Notification.objects.filter(pk=int(message.related_id)).update(emailed_at=message.sent_at)


def early_help_from_decision(*, by: User, contact: Any, decision: Any) -> Episode:
    """The front door's hand-off: a threshold decision of "early help assessment" opens early help.

    Runs inside the decision's transaction (``frontdoor/handoffs.py``), so the
    decision and the episode commit together or not at all.
    """
    from .handoffs import lead_allocation_ask

    children = list(contact.children.all())
    episode = early_help_episode_open(
        by=by,
        children=children,
        source_reference=contact.reference,
        reason=decision.message_to_referrer[:500],
    )
    # The early help team allocates a lead practitioner (work item, allocation page).
    lead_allocation_ask(by=by, episode=episode, children=_children(episode))
    return episode


def early_help_episode_open(
    *,
    by: User,
    children: list[Person],
    source_reference: str = "",
    reason: str = "",
) -> Episode:
    """Start early help for a family, or add to the family's open episode.

    The Multi-Agency Safeguarding Hub (MASH) calls this when a threshold
    decision's outcome is "early help assessment". If one of the children
    already has open early help, the others join that episode, so the family
    has one record and tells its story once.
    """
    children = list({c.pk: c for c in children}.values())
    if not children:
        raise ValidationError({"children": "Select at least one child"})
    if by.agency_id is None or not all(can_edit_person(by, child) for child in children):
        raise AccessDenied("You cannot start early help for these children.")
    agency_id: int = by.agency_id
    reason = (reason or "").strip()
    source_reference = (source_reference or "").strip()[:40]
    today = _today()
    with transaction.atomic():
        child_ids = [c.pk for c in children]
        existing = (
            Episode.objects.select_for_update()
            .filter(
                status=Episode.Status.OPEN,
                pk__in=EpisodeChild.objects.filter(person_id__in=child_ids).values("episode_id"),
            )
            .order_by("opened_on")
            .first()
        )
        if existing is not None:
            already = set(episode_child_ids(existing))
            joining = [c for c in children if c.pk not in already]
            EpisodeChild.objects.bulk_create(
                [EpisodeChild(episode=existing, person=c, added_on=today) for c in joining]
            )
            _audit(
                by=by,
                action=AuditAction.UPDATE,
                object_type=EarlyHelpEvent.EARLY_HELP_EPISODE,
                object_id=existing.pk,
                children=children,
                changes={
                    "children_added": [str(c.pk) for c in joining],
                    "source_reference": source_reference,
                },
                reason=reason,
            )
            _chronology(
                by=by,
                episode=existing,
                children=children,
                category=ChronologyEvent.Category.SUPPORT,
                title=f"Early help {existing.reference}: further request for early help",
                detail=" ".join(
                    p
                    for p in (f"From {source_reference}." if source_reference else "", reason)
                    if p
                ),
            )
            return existing
        household_id = (
            HouseholdMember.objects.filter(person_id=children[0].pk, left__isnull=True)
            .values_list("household_id", flat=True)
            .first()
        )
        episode = Episode.objects.create(
            reference=reference_issue(prefix="EH", kind="early_help_episode"),
            household_id=household_id,
            lead_agency_id=agency_id,
            lead_practitioner=None,
            opened_on=today,
            opened_by=by,
            source_reference=source_reference,
            reason=reason,
        )
        EpisodeChild.objects.bulk_create(
            [EpisodeChild(episode=episode, person=c, added_on=today) for c in children]
        )
        _audit(
            by=by,
            action=AuditAction.CREATE,
            object_type=EarlyHelpEvent.EARLY_HELP_EPISODE,
            object_id=episode.pk,
            children=children,
            changes={
                "reference": episode.reference,
                "children": [str(c.pk) for c in children],
                "lead_agency": str(by.agency),
                "source_reference": source_reference,
            },
            reason=reason,
        )
        _chronology(
            by=by,
            episode=episode,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=f"Early help started ({episode.reference})",
            detail=" ".join(
                p for p in (f"From {source_reference}." if source_reference else "", reason) if p
            ),
        )
    return episode


NO_CONSENT_TO_ASSESS = (
    "Record the family's consent to an Early Help Assessment before starting it: "
    "early help is voluntary"
)
CONSENT_WITHDRAWN = (
    "The family has refused or withdrawn consent, so the assessment cannot go ahead. "
    "Record their consent again if they change their mind"
)


def _require_consent_to_assess(episode: Episode) -> None:
    state = family_consent(episode=episode)
    if not state.agreed_to_assessment:
        raise ValidationError(CONSENT_WITHDRAWN if state.blocked else NO_CONSENT_TO_ASSESS)


def assessment_start(*, by: User, episode: Episode) -> Assessment:
    """Start an Early Help Assessment from what is already known, or return the draft in progress.

    Early help is voluntary: a new assessment needs the family's consent to it,
    and nobody's refusal or withdrawal in force (``selectors.family_consent``).
    """
    _require_change(by, episode)
    with transaction.atomic():
        draft = (
            Assessment.objects.select_for_update()
            .filter(episode=episode, status=Assessment.Status.DRAFT)
            .first()
        )
        if draft is not None:
            return draft
        _require_consent_to_assess(episode)
        prefill = assessment_prefill(user=by, episode=episode)
        assessment = Assessment.objects.create(
            episode=episode,
            lead_practitioner=episode.lead_practitioner or by,
            created_by=by,
            prefilled_from=prefill.sources,
            **prefill.values,
        )
        _audit(
            by=by,
            action=AuditAction.CREATE,
            object_type=EarlyHelpEvent.EARLY_HELP_ASSESSMENT,
            object_id=assessment.pk,
            children=_children(episode),
            changes={"status": "draft", "prefilled_from": prefill.sources},
        )
    return assessment


def _snapshot(assessment: Assessment) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(assessment, name) for name in ASSESSMENT_TEXT_FIELDS}
    values["assessment_date"] = assessment.assessment_date
    values["lead_practitioner"] = assessment.lead_practitioner_id
    values["status"] = assessment.status
    values["child_voice_approach"] = assessment.child_voice_approach
    return values


def assessment_save(
    *, by: User, assessment: Assessment, complete: bool = False, **fields: Any
) -> Assessment:
    """Save a draft assessment; with ``complete=True`` check it is whole and complete it.

    A draft may be saved with any part missing, so nothing typed is lost.
    Completing needs the lead practitioner, the date, the family's view, the
    child's voice, the needs and the agreed plan, and tells the Supporting
    Families team.
    """
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown assessment fields: {sorted(unknown)}")
    episode = assessment.episode
    _require_change(by, episode)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_draft:
            raise ValidationError("This assessment has been completed and cannot be changed.")
        before = _snapshot(locked)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        errors: dict[str, str] = {}
        if locked.assessment_date and locked.assessment_date > _today():
            errors["assessment_date"] = "The date of the assessment must be today or in the past"
        lead = locked.lead_practitioner
        if lead is not None and not can_change_episode(lead, episode):
            errors["lead_practitioner"] = (
                "The lead practitioner must be someone who can see all the children"
            )
        if complete:
            for name, message in REQUIRED_TO_COMPLETE.items():
                value = getattr(locked, f"{name}_id" if name == "lead_practitioner" else name)
                if value in (None, "") and name not in errors:
                    errors[name] = message
        if errors:
            raise ValidationError(errors)
        if complete:
            _require_consent_to_assess(episode)
        children = _children(episode)
        if complete:
            locked.status = Assessment.Status.COMPLETED
            locked.completed_at = timezone.now()
            locked.completed_by = by
        locked.save()
        _audit(
            by=by,
            action=AuditAction.UPDATE,
            object_type=EarlyHelpEvent.EARLY_HELP_ASSESSMENT,
            object_id=locked.pk,
            children=children,
            changes=diff(before, _snapshot(locked)),
        )
        if complete:
            assert lead is not None  # noqa: S101 - checked above
            assert locked.assessment_date is not None  # noqa: S101 - checked above
            episode_before = {
                "lead_practitioner": episode.lead_practitioner_id,
                "lead_agency": episode.lead_agency_id,
                "review_due": episode.review_due,
            }
            episode.lead_practitioner = lead
            if lead.agency_id:
                episode.lead_agency_id = lead.agency_id
            if episode.review_due is None:
                episode.review_due = locked.assessment_date + FIRST_REVIEW_AFTER
            episode.save(
                update_fields=["lead_practitioner", "lead_agency", "review_due", "updated_at"]
            )
            _audit(
                by=by,
                action=AuditAction.UPDATE,
                object_type=EarlyHelpEvent.EARLY_HELP_EPISODE,
                object_id=episode.pk,
                children=children,
                changes=diff(
                    episode_before,
                    {
                        "lead_practitioner": episode.lead_practitioner_id,
                        "lead_agency": episode.lead_agency_id,
                        "review_due": episode.review_due,
                    },
                ),
            )
            _chronology(
                by=by,
                episode=episode,
                children=children,
                category=ChronologyEvent.Category.ASSESSMENT,
                title=f"Early Help Assessment completed ({episode.reference})",
                detail=f"Lead practitioner: {lead}, {lead.agency}.",
                occurred_at=_at_noon(locked.assessment_date),
            )
            _notify(
                by=by,
                episode=episode,
                event=Notification.Event.ASSESSMENT_COMPLETED,
                detail=f"Lead practitioner: {lead} ({lead.agency})",
            )
    return locked


def taf_meeting_record(
    *,
    by: User,
    episode: Episode,
    held_on: dt.date,
    next_review_due: dt.date,
    progress: str,
    agencies: Iterable[Agency] = (),
    kind: str | None = None,
    attendees: str = "",
    family_attended: bool = False,
    child_voice: str = "",
    plan_update: str = "",
    child_voice_approach: str = "words",
) -> TafMeeting:
    """Record a Team Around the Family (TAF) meeting or review and when the next review is due."""
    _require_change(by, episode)
    errors: dict[str, str] = {}
    if held_on > _today():
        errors["held_on"] = "The date of the meeting must be today or in the past"
    elif held_on < episode.opened_on:
        errors["held_on"] = (
            f"The date of the meeting must be on or after the day early help started "
            f"({episode.opened_on:%-d %B %Y})"
        )
    if next_review_due <= held_on:
        errors["next_review_due"] = "The next review must be after the meeting"
    elif next_review_due > held_on + LONGEST_REVIEW_GAP:
        errors["next_review_due"] = "The next review must be within 6 months of the meeting"
    if not (progress or "").strip():
        errors["progress"] = "Enter what progress the family has made"
    if kind is not None and kind not in TafKind.values:
        errors["kind"] = "Select whether this was the first meeting or a review"
    agencies = list(agencies)
    # Agencies other than the lead take part only with the family's consent to share with them.
    agreed = family_consent(episode=episode).sharing_agency_ids | {episode.lead_agency_id}
    not_agreed = [a.name for a in agencies if a.pk not in agreed]
    if not_agreed:
        errors["agencies"] = (
            f"The family has not agreed to share information with {', '.join(not_agreed)}. "
            "Untick the agency, or record the family's consent first"
        )
    if errors:
        raise ValidationError(errors)
    store = taf_meetings()
    with transaction.atomic():
        if kind is None:
            kind = TafKind.REVIEW if store.exists(episode) else TafKind.FIRST
        meeting = store.record(
            by=by,
            episode=episode,
            meeting=TafMeeting(
                episode_id=episode.pk,
                kind=kind,
                held_on=held_on,
                agency_ids=[a.pk for a in agencies],
                attendees=attendees.strip(),
                family_attended=family_attended,
                progress=progress.strip(),
                child_voice=child_voice.strip(),
                child_voice_approach=child_voice_approach
                if child_voice_approach in ("words", "present")
                else "words",
                plan_update=plan_update.strip(),
                next_review_due=next_review_due,
                recorded_by=by,
            ),
        )
        before = episode.review_due
        # The latest meeting held sets the next review (recording an older one changes nothing).
        latest = store.for_episodes([episode.pk])
        episode.review_due = latest[0].next_review_due if latest else next_review_due
        episode.save(update_fields=["review_due", "updated_at"])
        children = _children(episode)
        _audit(
            by=by,
            action=AuditAction.CREATE,
            object_type=EarlyHelpEvent.EARLY_HELP_TAF_MEETING,
            object_id=meeting.reference,
            children=children,
            changes={
                "kind": kind,
                "held_on": held_on,
                "agencies": [a.name for a in agencies],
                "review_due": {"before": before, "after": episode.review_due},
            },
        )
        _chronology(
            by=by,
            episode=episode,
            children=children,
            category=ChronologyEvent.Category.MEETING,
            title=f"{meeting.get_kind_display()} ({episode.reference})",
            detail=f"Next review due {next_review_due:%-d %B %Y}.",
            occurred_at=_at_noon(held_on),
        )
        _notify(
            by=by,
            episode=episode,
            event=Notification.Event.REVIEWED,
            detail=f"{meeting.get_kind_display()} held on {held_on:%-d %B %Y}; "
            f"next review due {next_review_due:%-d %B %Y}",
        )
    return meeting


def support_record_add(
    *,
    by: User,
    episode: Episode,
    agency: Agency,
    description: str,
    started: dt.date,
    ended: dt.date | None = None,
    child: Person | None = None,
) -> SupportRecord:
    """Add an agency's support to the family's central record of support."""
    _require_change(by, episode, open_only=False)
    errors: dict[str, str] = {}
    if not (description or "").strip():
        errors["description"] = "Enter what support was given"
    if started > _today():
        errors["started"] = "The date the support started must be today or in the past"
    if ended is not None:
        if ended > _today():
            errors["ended"] = "The date the support ended must be today or in the past"
        elif ended < started:
            errors["ended"] = "The date the support ended must be on or after the date it started"
    if child is not None and child.pk not in set(episode_child_ids(episode)):
        errors["child"] = "Select a child in this family"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = SupportRecord.objects.create(
            episode=episode,
            agency=agency,
            child=child,
            description=description.strip(),
            started=started,
            ended=ended,
            recorded_by=by,
        )
        children = [child] if child is not None else _children(episode)
        _audit(
            by=by,
            action=AuditAction.CREATE,
            object_type=EarlyHelpEvent.EARLY_HELP_SUPPORT,
            object_id=record.pk,
            children=children,
            changes={"agency": agency.name, "started": started, "ended": ended},
        )
        _chronology(
            by=by,
            episode=episode,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=f"Early help support from {agency.name} ({episode.reference})",
            detail=record.description[:500],
            occurred_at=_at_noon(started),
        )
    return record


def episode_change_record(
    *, by: User, episode: Episode, summary: str, happened_on: dt.date
) -> EpisodeChange:
    """Record a change for the family or the plan, and tell the Supporting Families team."""
    _require_change(by, episode)
    errors: dict[str, str] = {}
    if not (summary or "").strip():
        errors["summary"] = "Enter what has changed"
    if happened_on > _today():
        errors["happened_on"] = "The date of the change must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        change = EpisodeChange.objects.create(
            episode=episode, happened_on=happened_on, summary=summary.strip(), recorded_by=by
        )
        children = _children(episode)
        _audit(
            by=by,
            action=AuditAction.CREATE,
            object_type=EarlyHelpEvent.EARLY_HELP_CHANGE,
            object_id=change.pk,
            children=children,
            changes={"happened_on": happened_on},
        )
        _chronology(
            by=by,
            episode=episode,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=f"Early help change recorded ({episode.reference})",
            detail=change.summary[:500],
            occurred_at=_at_noon(happened_on),
        )
        _notify(by=by, episode=episode, event=Notification.Event.CHANGED)
    return change


def episode_close(
    *,
    by: User,
    episode: Episode,
    reason: str,
    closed_on: dt.date,
    note: str = "",
    step_up: StepUp | None = None,
) -> Episode:
    """Close early help with a reason; the Supporting Families team is told.

    Stepping up to children's social care also reports a concern to the MASH, pre-filled
    from the episode (``step_up`` says what it is about and what the family agreed).
    """
    _require_change(by, episode)
    errors: dict[str, str] = {}
    if reason == ClosureReason.STEPPED_UP:
        if step_up is None or not step_up.categories:
            errors["categories"] = "Select what the concern for the MASH is about"
        if step_up is None or not step_up.consent:
            errors["consent"] = "Select whether the family agreed to you referring them to the MASH"
    if reason not in ClosureReason.values:
        errors["reason"] = "Select why early help is closing"
    if closed_on > _today():
        errors["closed_on"] = "The date early help closed must be today or in the past"
    elif closed_on < episode.opened_on:
        errors["closed_on"] = (
            f"The date early help closed must be on or after the day it started "
            f"({episode.opened_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if not locked.is_open:
            raise ValidationError("This early help has already closed.")
        locked.status = Episode.Status.CLOSED
        locked.closure_reason = reason
        locked.closure_note = (note or "").strip()
        locked.closed_on = closed_on
        locked.closed_by = by
        locked.save()
        children = _children(locked)
        label = ClosureReason(reason).label
        _audit(
            by=by,
            action=AuditAction.UPDATE,
            object_type=EarlyHelpEvent.EARLY_HELP_EPISODE,
            object_id=locked.pk,
            children=children,
            changes={
                "status": {"before": "open", "after": "closed"},
                "closure_reason": reason,
                "closed_on": closed_on,
            },
            reason=label,
        )
        _chronology(
            by=by,
            episode=locked,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=f"Early help closed: {label} ({locked.reference})",
            detail=locked.closure_note[:500],
            occurred_at=_at_noon(closed_on),
        )
        if reason == ClosureReason.STEPPED_UP:
            contact = step_up_refer(
                by=by, episode=locked, step_up=step_up, note=locked.closure_note
            )
            locked.stepped_up_to = contact.reference
            locked.save(update_fields=["stepped_up_to"])
            label = f"{label}; concern {contact.reference} sent to the MASH"
        _notify(by=by, episode=locked, event=Notification.Event.CLOSED, detail=f"Reason: {label}")
    return locked


CONSENT_PEOPLE_ERROR = "Select who was asked"


def family_consent_record(
    *,
    by: User,
    episode: Episode,
    person: Person,
    decision: str,
    decided_on: dt.date,
    method: str,
    to_assessment: bool = False,
    to_sharing: bool = False,
    agencies: Iterable[Agency] = (),
    next_step: str = "",
    note: str = "",
) -> FamilyConsent:
    """Record one family member's informed consent to early help, or their refusal.

    Who: a parent or carer with parental responsibility, or a child in the
    episode as a young person competent to decide (``selectors.consent_people``).
    Agreeing means agreeing to the assessment, to sharing with the agencies
    named, or both. A refusal agrees to nothing and records the practitioner's
    next step (a safeguarding concern that remains is reported to the MASH).
    """
    _require_change(by, episode)
    errors: dict[str, str] = {}
    offered = {p.pk: capacity for p, capacity in consent_people(user=by, episode=episode)}
    capacity = offered.get(person.pk)
    if capacity is None:
        errors["person"] = CONSENT_PEOPLE_ERROR
    if decision not in FamilyConsent.Decision.values:
        errors["decision"] = "Select whether they agreed"
    if method not in FamilyConsent.Method.values:
        errors["method"] = "Select how they told you"
    if decided_on > _today():
        errors["decided_on"] = "The date they told you must be today or in the past"
    agencies = list(agencies)
    note = (note or "").strip()
    if decision == FamilyConsent.Decision.GIVEN:
        next_step = ""
        if not (to_assessment or to_sharing):
            errors["agreed_to"] = "Select what they agreed to"
        if to_sharing and not agencies:
            errors["agencies"] = "Select the agencies they agreed to share information with"
        if not to_sharing:
            agencies = []
    elif decision == FamilyConsent.Decision.REFUSED:
        to_assessment = to_sharing = False
        agencies = []
        if next_step not in FamilyConsent.NextStep.values:
            errors["next_step"] = "Select what you will do next"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = FamilyConsent.objects.create(
            episode=episode,
            person=person,
            capacity=capacity or "",
            decision=decision,
            decided_on=decided_on,
            method=method,
            to_assessment=to_assessment,
            to_sharing=to_sharing,
            next_step=next_step,
            note=note,
            recorded_by=by,
        )
        consent.agencies.set(agencies)
        children = _children(episode)
        _audit(
            by=by,
            action=AuditAction.CREATE,
            object_type=EarlyHelpEvent.EARLY_HELP_CONSENT,
            object_id=consent.pk,
            children=children,
            changes={
                "person": str(person.pk),
                "capacity": capacity,
                "decision": decision,
                "decided_on": decided_on,
                "method": method,
                "to_assessment": to_assessment,
                "to_sharing": to_sharing,
                "agencies": [a.name for a in agencies],
                "next_step": next_step,
            },
        )
        given = decision == FamilyConsent.Decision.GIVEN
        _chronology(
            by=by,
            episode=episode,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=(
                f"Consent to early help {'given' if given else 'refused'} ({episode.reference})"
            ),
            detail=consent_summary(consent, agencies),
            occurred_at=_at_noon(decided_on),
        )
    return consent


def consent_summary(consent: FamilyConsent, agencies: Iterable[Agency] | None = None) -> str:
    """What was agreed, in words: "The Early Help Assessment; sharing with A and B"."""
    if consent.decision == FamilyConsent.Decision.REFUSED:
        return f"Next step: {consent.get_next_step_display()}."
    names = [a.name for a in (consent.agencies.all() if agencies is None else agencies)]
    parts = []
    if consent.to_assessment:
        parts.append("the Early Help Assessment")
    if consent.to_sharing:
        parts.append(f"sharing information with {', '.join(names) or 'no agency'}")
    return f"Agreed to {' and '.join(parts)}."


def family_consent_withdraw(
    *, by: User, consent: FamilyConsent, withdrawn_on: dt.date, note: str = ""
) -> FamilyConsent:
    """Record that the person who gave consent has withdrawn it: no further sharing from now on.

    The withdrawal shows on the episode; no new assessment starts, none is
    completed and no agency joins a Team Around the Family meeting until
    consent is given again.
    """
    episode = consent.episode
    _require_change(by, episode)
    errors: dict[str, str] = {}
    if withdrawn_on > _today():
        errors["withdrawn_on"] = "The date consent was withdrawn must be today or in the past"
    elif withdrawn_on < consent.decided_on:
        errors["withdrawn_on"] = (
            f"The date consent was withdrawn must be on or after the day it was given "
            f"({consent.decided_on:%-d %B %Y})"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = FamilyConsent.objects.select_for_update().get(pk=consent.pk)
        if locked.decision != FamilyConsent.Decision.GIVEN or locked.is_withdrawn:
            raise ValidationError("Only consent that is in force can be withdrawn.")
        locked.withdrawn_on = withdrawn_on
        locked.withdrawal_note = (note or "").strip()
        locked.withdrawal_recorded_by = by
        locked.save(update_fields=["withdrawn_on", "withdrawal_note", "withdrawal_recorded_by"])
        children = _children(episode)
        _audit(
            by=by,
            action=AuditAction.UPDATE,
            object_type=EarlyHelpEvent.EARLY_HELP_CONSENT,
            object_id=locked.pk,
            children=children,
            changes={"withdrawn_on": {"before": None, "after": withdrawn_on}},
            reason="Consent withdrawn",
        )
        _chronology(
            by=by,
            episode=episode,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=f"Consent to early help withdrawn ({episode.reference})",
            detail=f"Withdrawn by {locked.person.full_name}. No further sharing.",
            occurred_at=_at_noon(withdrawn_on),
        )
    return locked


def episode_view_record(
    *, by: User, episode: Episode, page: AuditEventType, children: Iterable[Person]
) -> None:
    """Record that a page about this episode named its children to someone."""
    _audit(
        by=by,
        action=AuditAction.VIEW,
        object_type=page,
        object_id=episode.pk,
        children=children,
    )


def assessment_submit(
    *, by: User, assessment: Assessment, complete: bool = False, **fields: Any
) -> Assessment:
    """Save what was typed and, when asked, complete the assessment: one call, one transaction.

    Completing runs in a savepoint inside it, so a refused completion (a ``ValidationError``
    naming what is missing) still keeps the draft that was typed.
    """
    refused: ValidationError | None = None
    with transaction.atomic():
        saved = assessment_save(by=by, assessment=assessment, **fields)
        if complete:
            try:
                with transaction.atomic():
                    saved = assessment_save(by=by, assessment=assessment, complete=True)
            except ValidationError as exc:
                refused = exc
    if refused is not None:
        raise refused
    return saved


__all__ = [
    "SUPPORTING_FAMILIES_EMAIL_DEFAULT",
    "assessment_save",
    "assessment_start",
    "assessment_submit",
    "early_help_episode_open",
    "episode_change_record",
    "episode_close",
    "episodes_visible_to",
    "family_consent_record",
    "family_consent_withdraw",
    "support_record_add",
    "supporting_families_address",
    "taf_meeting_record",
]
