"""Every write about harmful sexual behaviour: concerns, pathways, consent, advice and lessons.

Each service checks access, changes state, writes the audit event and hands work on
(work items) in one transaction: all or nothing. AIM assessments and police
investigations have their own modules (``assessments.py``, ``investigations.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import Clock
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import Agency, AgencyKind, AuditAction, Team, TeamPurpose
from safeguard.core.references import reference_issue
from safeguard.people.access import access_grant_create, can_edit_person
from safeguard.people.models import AccessGrant, Involvement, Person
from safeguard.people.services import involvement_lead_change, involvement_start
from safeguard.work.models import Priority, WorkItem, WorkKind
from safeguard.work.services import (
    Deadline,
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from . import chronology
from .events import HsbEvent
from .guidance import age_band_for
from .models import (
    REFERRAL_LEVELS,
    CaseType,
    Concern,
    ConcernChange,
    ConcernChild,
    Consent,
    InternetSafetyAdvice,
    LessonsFlag,
    LessonsReason,
    Level,
    Light,
    OnlineSafetyLessons,
    Pathway,
    PathwayStatus,
    Role,
)
from .rules import can_view_child

if TYPE_CHECKING:
    from safeguard.core.models import User

REFERENCE_PREFIX = (
    "SBC"  # sexual behaviour concern (not "HSB": references appear unexpanded in queues)
)
# How long the team a concern is referred to may open the child's record.
GRANT_DAYS = 90
# Which team's pathway each role starts: the HSB service for a child who harmed,
# children's social care for a child harmed (each falls back to the MASH).
ROLE_TEAM_PURPOSE = {
    Role.HARMING: TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR,
    Role.HARMED: TeamPurpose.SOCIAL_CARE_ASSESSMENT,
}
# Deadlines for this app's work (an installation overrides them in settings.WORK_DEADLINES).
DEADLINES: dict[str, Deadline] = {
    "hsb_safeguarding_response": Deadline(4, Clock.WORKING_HOURS),
    "hsb_safeguarding_response_violent": Deadline(2, Clock.ROUND_THE_CLOCK),
    "hsb_referral": Deadline(1, Clock.WORKING_DAYS),
    "hsb_review_support": Deadline(5, Clock.WORKING_DAYS),
    "hsb_online_safety_lessons": Deadline(20, Clock.WORKING_DAYS),
    "hsb_exploitation_screening": Deadline(1, Clock.WORKING_DAYS),
}


def deadline(key: str) -> Deadline:
    """The deadline for a kind of work (settings first, then the defaults above)."""
    configured = getattr(settings, "WORK_DEADLINES", {}) or {}
    if key in configured:
        amount, clock = configured[key]
        return Deadline(float(amount), Clock(clock))
    return DEADLINES[key]


def _invalid(message: str, *, field: str | None = None) -> InvalidRequest:
    return InvalidRequest(message, errors={field: message} if field else None)


def _site(path: str) -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def concern_url(concern: Concern) -> str:
    """The concern's page."""
    return reverse("hsb:concern", kwargs={"reference": concern.reference})


def child_url(person: Any) -> str:
    """The child's harmful sexual behaviour page (both roles)."""
    return reverse("hsb:child", kwargs={"person_id": getattr(person, "pk", person)})


# --- Concerns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedChild:
    """A child named in a concern, their role and their voice."""

    person: Person
    role: str
    voice: str
    exploitation_signs: bool = False


def _check_concern(
    *,
    by: User,
    noticed_at: dt.datetime,
    what_happened: str,
    level: str,
    light: str,
    evidence: str,
    immediate_response: str,
    children: list[NamedChild],
) -> None:
    errors: dict[str, str] = {}
    if level not in Level.values:
        errors["level"] = "Select where the behaviour sits on the continuum"
    elif not evidence.strip():
        errors["evidence"] = (
            f"Enter the evidence for placing the behaviour at '{Level(level).label.lower()}'"
        )
    if light not in Light.values:
        errors["light"] = "Select the colour of the examples the behaviour is most like"
    if not what_happened.strip():
        errors["what_happened"] = "Enter what happened"
    if not immediate_response.strip():
        errors["immediate_response"] = "Enter what you did straight away to keep the children safe"
    if noticed_at > timezone.now():
        errors["noticed_at"] = "The date the behaviour was noticed must be today or in the past"
    if not children:
        errors["child"] = "Select the child the concern is about"
    for n, named in enumerate(children):
        field = "child" if n == 0 else "other_child"
        if not can_view_child(by, named.person):
            errors[field] = (
                "You cannot name a child whose record you cannot see: ask the Multi-Agency Safeguarding Hub (MASH)"
            )
        elif named.role not in Role.values:
            errors[f"{field}_role"] = "Select the child's role"
        elif not named.voice.strip():
            errors[f"{field}_voice"] = "Enter the child's voice: what they said, in their words"
    if len(children) == 2 and children[0].person.pk == children[1].person.pk:
        if children[0].role == children[1].role:
            errors["other_child"] = "The other child must be a different child or a different role"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)


def concern_record(
    *,
    by: User,
    noticed_at: dt.datetime,
    what_happened: str,
    level: str,
    light: str,
    evidence: str,
    immediate_response: str,
    children: Iterable[NamedChild],
) -> Concern:
    """Place a concern on the continuum; at problematic or above, refer every child at once."""
    if not by.has_perm("hsb.record_concern"):
        raise Forbidden("You cannot record a concern.")
    named = list(children)
    _check_concern(
        by=by,
        noticed_at=noticed_at,
        what_happened=what_happened,
        level=level,
        light=light,
        evidence=evidence,
        immediate_response=immediate_response,
        children=named,
    )
    if by.agency is None:
        raise Forbidden("Your account is not in an agency.")
    now = timezone.now()
    with transaction.atomic():
        concern = Concern.objects.create(
            reference=reference_issue(prefix=REFERENCE_PREFIX, kind="hsb_concern"),
            recorded_by=by,
            agency=by.agency,
            recorded_at=now,
            noticed_at=noticed_at,
            what_happened=what_happened.strip(),
            level=level,
            light=light,
            age_band=age_band_for(named[0].person.date_of_birth, timezone.localdate()),
            evidence=evidence.strip(),
            immediate_response=immediate_response.strip(),
        )
        ConcernChild.objects.bulk_create(
            [
                ConcernChild(
                    concern=concern,
                    person=n.person,
                    role=n.role,
                    voice=n.voice.strip(),
                    exploitation_signs=n.exploitation_signs,
                )
                for n in named
            ]
        )
        for n in named:
            audit_record(
                by=by,
                action=AuditAction.CREATE,
                object_type=HsbEvent.HSB_CONCERN,
                object_id=concern.reference,
                person_id=n.person.pk,
                changes={
                    "level": level,
                    "light": light,
                    "role": n.role,
                    "exploitation_signs": n.exploitation_signs,
                },
            )
            chronology.concern_recorded(
                by=by, concern=concern, person=n.person, role_label=Role(n.role).label
            )
        if level in REFERRAL_LEVELS:
            _refer(by=by, concern=concern, named=named, now=now)
        _ask_for_screening(by=by, concern=concern, named=named)
    return concern


# --- Exploitation: a child at risk of both ------------------------------------------------------


def screening_url_for(person: Any) -> str:
    """Exploitation's page to screen this child (its own form, service and access checks)."""
    return reverse("exploitation:panel-screen", kwargs={"person_id": getattr(person, "pk", person)})


def _ask_for_screening(*, by: User, concern: Concern, named: list[NamedChild]) -> None:
    """Ask the MASH to screen each child with signs of exploitation (exploitation's own screening).

    One "Screen a child for exploitation" work item per child (never two open at once);
    recording a screening in the exploitation app closes it (``hsb.apps`` listens for it).
    The MASH gets the access it needs to screen, as for a referral.
    """
    flagged = {n.person.pk: n.person for n in named if n.exploitation_signs}
    if not flagged:
        return
    mash = _team(TeamPurpose.MASH)
    for person in flagged.values():
        if (
            WorkItem.objects.open()
            .filter(kind=WorkKind.HSB_EXPLOITATION_SCREENING, person=person)
            .exists()
        ):
            continue
        _grant(
            by=by, person=person, agency=mash.agency, concern=concern, why="exploitation screening"
        )
        work_item_create(
            by=by,
            team=mash,
            kind=WorkKind.HSB_EXPLOITATION_SCREENING,
            title="Screen a child for exploitation: signs in a sexual behaviour concern",
            detail=(
                f"The practitioner who recorded {concern.reference} saw signs the child may also be "
                "being exploited. Complete the exploitation screening."
            ),
            subject_type=HsbEvent.HSB_EXPLOITATION,
            subject_id=person.pk,
            subject_url=screening_url_for(person),
            subject_label=concern.reference,
            person=person,
            deadline=deadline("hsb_exploitation_screening"),
            priority=Priority.URGENT,
        )


def screening_recorded(*, screening: Any) -> int:
    """A child was screened for exploitation: close the HSB request to screen them (if any)."""
    return work_items_close_for(
        by=screening.screened_by,
        subject_type=HsbEvent.HSB_EXPLOITATION,
        subject_id=screening.person_id,
        kinds=(WorkKind.HSB_EXPLOITATION_SCREENING,),
        outcome=f"Screened for exploitation: {screening.reference}",
    )


def _grant(*, by: User, person: Person, agency: Agency, concern: Concern, why: str) -> None:
    access_grant_create(
        by=by,
        person=person,
        kind=AccessGrant.Kind.SHARED,
        purpose=f"Harmful sexual behaviour concern {concern.reference}: {why}",
        ends_at=timezone.now() + dt.timedelta(days=GRANT_DAYS),
        agency_id=agency.pk,
        source_reference=concern.reference,
    )


def _team(purpose: str) -> Team:
    team = team_for_purpose(purpose) or team_for_purpose(TeamPurpose.MASH)
    if team is None:
        raise _invalid(
            "The partnership has no team to refer this concern to: tell the Multi-Agency Safeguarding Hub (MASH)"
        )
    return team


def _refer(*, by: User, concern: Concern, named: list[NamedChild], now: dt.datetime) -> None:
    """Every child first gets a safeguarding response (the MASH); then each role its pathway."""
    mash = _team(TeamPurpose.MASH)
    violent = concern.level == Level.VIOLENT
    seen: set[Any] = set()
    for n in named:
        if n.person.pk in seen:
            continue
        seen.add(n.person.pk)
        _grant(by=by, person=n.person, agency=mash.agency, concern=concern, why="safeguarding")
        work_item_create(
            by=by,
            team=mash,
            kind=WorkKind.HSB_SAFEGUARDING_RESPONSE,
            title=f"Safeguarding response: {concern.get_level_display().lower()} sexual behaviour",
            detail=(
                "Every child in a harmful sexual behaviour concern gets a safeguarding "
                "response first, whatever their role."
            ),
            subject_type=HsbEvent.HSB_CONCERN,
            subject_id=concern.reference,
            subject_url=concern_url(concern),
            subject_label=concern.reference,
            person=n.person,
            deadline=deadline(
                "hsb_safeguarding_response_violent" if violent else "hsb_safeguarding_response"
            ),
            priority=Priority.IMMEDIATE if violent else Priority.URGENT,
        )
    for n in named:
        pathway = _pathway_open(by=by, concern=concern, person=n.person, role=n.role)
        if pathway is None:
            continue
        if pathway.team.agency_id != mash.agency_id:
            _grant(
                by=by,
                person=n.person,
                agency=pathway.team.agency,
                concern=concern,
                why=pathway.get_role_display().lower(),
            )
        work_item_create(
            by=by,
            team=pathway.team,
            kind=WorkKind.HSB_REFERRAL,
            title=f"Harmful sexual behaviour referral: {pathway.get_role_display().lower()}",
            detail=f"Allocate a keyworker. Level: {concern.get_level_display()}.",
            subject_type=HsbEvent.HSB_PATHWAY,
            subject_id=pathway.pk,
            subject_url=child_url(n.person),
            subject_label=concern.reference,
            person=n.person,
            deadline=deadline("hsb_referral"),
            priority=Priority.URGENT,
        )
    concern.referred_at = now
    concern.save(update_fields=["referred_at"])


def _pathway_open(*, by: User, concern: Concern, person: Person, role: str) -> Pathway | None:
    """Open the child's pathway in the role, or None when one is already open."""
    if (
        Pathway.objects.filter(person=person, role=role)
        .exclude(status=PathwayStatus.CLOSED)
        .exists()
    ):
        return None
    team = _team(ROLE_TEAM_PURPOSE[Role(role)])
    pathway = Pathway.objects.create(person=person, role=role, team=team, first_concern=concern)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=HsbEvent.HSB_PATHWAY,
        object_id=pathway.pk,
        person_id=person.pk,
        changes={"role": role, "team": team.name, "concern": concern.reference},
    )
    chronology.pathway_opened(by=by, pathway=pathway)
    return pathway


# --- Changing a concern after it is recorded ----------------------------------------------------

EDITABLE = ("noticed_at", "what_happened", "level", "light", "evidence", "immediate_response")


def can_change_concern(user: Any, concern: Concern) -> bool:
    """The recording agency's practitioners correct a concern (and the MASH, who refer it)."""
    if not user.has_perm("hsb.record_concern"):
        return False
    return bool(user.agency_id == concern.agency_id or getattr(user.agency, "is_mash", False))


def _snapshot(concern: Concern) -> dict[str, Any]:
    values = {name: getattr(concern, name) for name in EDITABLE}
    values["noticed_at"] = concern.noticed_at.isoformat()
    return values


def concern_update(
    *,
    by: User,
    concern: Concern,
    noticed_at: dt.datetime,
    what_happened: str,
    level: str,
    light: str,
    evidence: str,
    immediate_response: str,
    reason: str,
) -> Concern:
    """Correct a concern: the reason is required, and the fields before and after are kept.

    Raising the level to problematic or above refers the concern then (learning point
    2); lowering it never un-refers it (the referral happened and stays on record).
    """
    if not can_change_concern(by, concern):
        raise Forbidden("Only the agency that recorded the concern, or the MASH, changes it.")
    rows = list(concern.children.select_related("person"))
    if not any(can_view_child(by, row.person) for row in rows):
        raise Forbidden("You cannot see any child in this concern.")
    named = [
        NamedChild(row.person, row.role, row.voice, row.exploitation_signs)
        for row in rows
        if can_view_child(by, row.person)
    ]
    _check_concern(
        by=by,
        noticed_at=noticed_at,
        what_happened=what_happened,
        level=level,
        light=light,
        evidence=evidence,
        immediate_response=immediate_response,
        children=named,
    )
    if not reason.strip():
        raise _invalid("Enter why you are changing the concern", field="reason")
    with transaction.atomic():
        concern = Concern.objects.select_for_update().get(pk=concern.pk)
        before = _snapshot(concern)
        level_before = concern.level
        concern.noticed_at = noticed_at
        concern.what_happened = what_happened.strip()
        concern.level = level
        concern.light = light
        concern.evidence = evidence.strip()
        concern.immediate_response = immediate_response.strip()
        after = _snapshot(concern)
        changed = {k for k in EDITABLE if before[k] != after[k]}
        if not changed:
            raise _invalid("Nothing has changed: change a field, or go back", field="reason")
        concern.save(update_fields=list(EDITABLE))
        ConcernChange.objects.create(
            concern=concern,
            changed_by=by,
            reason=reason.strip(),
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
        )
        for row in rows:
            audit_record(
                by=by,
                action=AuditAction.UPDATE,
                object_type=HsbEvent.HSB_CONCERN,
                object_id=concern.reference,
                person_id=row.person_id,
                reason=reason.strip(),
                changes={k: {"before": before[k], "after": after[k]} for k in sorted(changed)},
            )
        if "level" in changed:
            for row in {r.person_id: r for r in rows}.values():
                chronology.concern_changed(
                    by=by, concern=concern, person=row.person, level_before=level_before
                )
        if level in REFERRAL_LEVELS and not concern.is_referred:
            _refer(
                by=by,
                concern=concern,
                named=[NamedChild(r.person, r.role, r.voice) for r in rows],
                now=timezone.now(),
            )
    return concern


# --- Pathways: keyworker, consent and engagement ---------------------------------------------


def _require_team(by: User, pathway: Pathway, *, manager: bool = False) -> None:
    from safeguard.core.models import TeamMembership

    members = TeamMembership.objects.filter(team=pathway.team, user_id=by.pk)
    if manager:
        members = members.filter(is_manager=True)
    if not members.exists():
        raise Forbidden(
            "Only the team's managers allocate a keyworker."
            if manager
            else "Only the team working with the child records this."
        )


def pathway_keyworker_set(*, by: User, pathway: Pathway, keyworker: User) -> Pathway:
    """Allocate (or change) the child's keyworker: the lead practitioner of the team's involvement.

    The keyworker is the involvement's lead, so an absence or a closed account sends the
    child to the work app's re-allocation queue like every other child someone leads on.
    """
    _require_team(by, pathway, manager=True)
    if pathway.status == PathwayStatus.CLOSED:
        raise _invalid("This pathway is closed")
    if keyworker.agency_id != pathway.team.agency_id or not keyworker.is_active:
        raise _invalid(f"Choose someone in {pathway.team.agency.name}", field="keyworker")
    with transaction.atomic():
        involvement = (
            Involvement.objects.filter(pk=pathway.involvement_id).first()
            if pathway.involvement_id
            else None
        )
        if involvement is None or not involvement.is_open:
            involvement = involvement_start(
                by=by,
                person=pathway.person,
                agency=pathway.team.agency,
                started=timezone.localdate(),
                lead_practitioner=keyworker,
                role_description=f"Harmful sexual behaviour keyworker ({pathway.get_role_display().lower()})",
            )
            pathway.involvement = involvement
        elif involvement.lead_practitioner_id != keyworker.pk:
            involvement_lead_change(by=by, involvement_id=involvement.pk, lead=keyworker)
        pathway.status = PathwayStatus.OPEN
        pathway.save(update_fields=["involvement", "status"])
        work_items_close_for(
            by=by,
            subject_type=HsbEvent.HSB_PATHWAY,
            subject_id=pathway.pk,
            kinds=(WorkKind.HSB_REFERRAL,),
            outcome=f"{keyworker} is the keyworker",
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=HsbEvent.HSB_PATHWAY,
            object_id=pathway.pk,
            person_id=pathway.person_id,
            changes={"keyworker": keyworker.username},
        )
    return pathway


def pathway_consent_record(
    *,
    by: User,
    pathway: Pathway,
    case_type: str,
    child_consent: str,
    parents_consent: str,
    engagement: str = "",
    recorded_on: dt.date | None = None,
) -> Pathway:
    """Record whether the work is statutory and, if not, the child's and parents' consent."""
    _require_team(by, pathway)
    if not can_edit_person(by, pathway.person):
        raise Forbidden("You cannot change this child's record.")
    errors: dict[str, str] = {}
    if case_type not in CaseType.values:
        errors["case_type"] = "Select whether the work is preventative or statutory"
    if child_consent not in Consent.values:
        errors["child_consent"] = "Select what the child said"
    if parents_consent not in Consent.values:
        errors["parents_consent"] = "Select what the parents said"
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        errors["recorded_on"] = "The date consent was recorded must be today or in the past"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        before = {
            "case_type": pathway.case_type,
            "child_consent": pathway.child_consent,
            "parents_consent": pathway.parents_consent,
        }
        pathway.case_type = case_type
        pathway.child_consent = child_consent
        pathway.parents_consent = parents_consent
        pathway.engagement = engagement.strip()
        pathway.consent_recorded_on = recorded_on
        pathway.consent_recorded_by = by
        pathway.save()
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=HsbEvent.HSB_CONSENT,
            object_id=pathway.pk,
            person_id=pathway.person_id,
            changes={
                "before": before,
                "case_type": case_type,
                "child_consent": child_consent,
                "parents_consent": parents_consent,
            },
        )
    return pathway


# --- Internet safety at home and missed online-safety lessons --------------------------------


def internet_advice_record(
    *,
    by: User,
    person: Person,
    given_on: dt.date,
    given_to: str,
    parental_controls: bool,
    monitoring: bool,
    devices: str,
    notes: str = "",
) -> InternetSafetyAdvice:
    """Record internet safety advice given to a child's parents: when, by whom, about what."""
    if not can_edit_person(by, person):
        raise Forbidden("You cannot change this child's record.")
    errors: dict[str, str] = {}
    if given_on > timezone.localdate():
        errors["given_on"] = "The date the advice was given must be today or in the past"
    if not given_to.strip():
        errors["given_to"] = (
            "Enter who the advice was given to, for example 'Mother and stepfather'"
        )
    if not devices.strip():
        errors["devices"] = "Enter the devices in the home you talked about"
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        advice = InternetSafetyAdvice.objects.create(
            person=person,
            given_on=given_on,
            given_by=by,
            given_to=given_to.strip(),
            parental_controls=parental_controls,
            monitoring=monitoring,
            devices=devices.strip(),
            notes=notes.strip(),
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_INTERNET_ADVICE,
            object_id=advice.pk,
            person_id=person.pk,
            changes={"parental_controls": parental_controls, "monitoring": monitoring},
        )
    return advice


def schools_of(person: Person) -> list[Agency]:
    """The schools and colleges working with the child now (where missed lessons can be made up)."""
    kinds = (AgencyKind.EDUCATION_SCHOOL, AgencyKind.EDUCATION_COLLEGE)
    ids = Involvement.objects.filter(
        person=person, ended__isnull=True, agency__kind__in=kinds
    ).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids, active=True).order_by("name"))


def lessons_flag(
    *, by: User, person: Person, school: Agency, reason: str, detail: str = ""
) -> OnlineSafetyLessons:
    """Flag a child who missed the RSHE online-safety lessons: the school is asked to confirm them."""
    if not can_edit_person(by, person):
        raise Forbidden("You cannot change this child's record.")
    if reason not in LessonsReason.values:
        raise _invalid("Select why the child may have missed the lessons", field="reason")
    if school.pk not in {s.pk for s in schools_of(person)}:
        raise _invalid("Select a school that is working with the child now", field="school")
    with transaction.atomic():
        flag = OnlineSafetyLessons.objects.create(
            person=person, school=school, reason=reason, detail=detail.strip(), flagged_by=by
        )
        work_item_create(
            by=by,
            team=team_receiving_for(school),
            kind=WorkKind.HSB_ONLINE_SAFETY_LESSONS,
            title="Confirm online-safety lessons for a pupil who missed them",
            detail=(
                f"{LessonsReason(reason).label}. Relationships, Sex and Health Education "
                "(RSHE) online-safety lessons: confirm when the pupil has had them."
            ),
            subject_type=HsbEvent.HSB_LESSONS,
            subject_id=flag.pk,
            subject_url=reverse("hsb:lessons-confirm", kwargs={"flag_id": flag.pk}),
            subject_label="Online-safety lessons",
            person=person,
            deadline=deadline("hsb_online_safety_lessons"),
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=HsbEvent.HSB_LESSONS,
            object_id=flag.pk,
            person_id=person.pk,
            changes={"school": school.name, "reason": reason},
        )
    return flag


def lessons_confirm(
    *, by: User, flag: OnlineSafetyLessons, confirmation: str
) -> OnlineSafetyLessons:
    """The school confirms the child has had the online-safety lessons they missed."""
    if by.agency_id != flag.school_id:
        raise Forbidden("Only the school confirms the lessons.")
    if flag.status == LessonsFlag.CONFIRMED:
        raise _invalid("The school has already confirmed these lessons")
    if not confirmation.strip():
        raise _invalid("Enter which lessons the pupil had and when", field="confirmation")
    with transaction.atomic():
        flag.status = LessonsFlag.CONFIRMED
        flag.confirmed_by = by
        flag.confirmed_at = timezone.now()
        flag.confirmation = confirmation.strip()
        flag.save()
        work_items_close_for(
            by=by,
            subject_type=HsbEvent.HSB_LESSONS,
            subject_id=flag.pk,
            kinds=(WorkKind.HSB_ONLINE_SAFETY_LESSONS,),
            outcome="The school confirmed the lessons",
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=HsbEvent.HSB_LESSONS,
            object_id=flag.pk,
            person_id=flag.person_id,
            changes={"status": LessonsFlag.CONFIRMED},
        )
    return flag


# --- Closing a pathway ---------------------------------------------------------------------------


def can_close_pathway(user: Any, pathway: Pathway) -> bool:
    """The team's managers and the child's keyworker close a pathway."""
    from safeguard.core.models import TeamMembership

    if pathway.involvement is not None and pathway.involvement.lead_practitioner_id == user.pk:
        return True
    return TeamMembership.objects.filter(
        team_id=pathway.team_id, user_id=user.pk, is_manager=True
    ).exists()


def pathway_close(*, by: User, pathway: Pathway, reason: str) -> Pathway:
    """Close a child's pathway in one role: the team's managers or the keyworker, with a reason.

    Its open work (a referral waiting for a keyworker) is cancelled and the team's
    involvement with the child ends when no other open pathway of the child uses it.
    """
    if not can_close_pathway(by, pathway):
        raise Forbidden("Only the team's managers or the child's keyworker close the pathway.")
    if not can_view_child(by, pathway.person):
        raise Forbidden("You cannot see this child's record.")
    if not reason.strip():
        raise _invalid("Enter why the pathway is closing", field="reason")
    with transaction.atomic():
        pathway = (
            Pathway.objects.select_for_update().select_related("team", "person").get(pk=pathway.pk)
        )
        if pathway.status == PathwayStatus.CLOSED:
            raise _invalid("This pathway is already closed")
        before = pathway.status
        pathway.status = PathwayStatus.CLOSED
        pathway.closed_at = timezone.now()
        pathway.closed_by = by
        pathway.close_reason = reason.strip()
        pathway.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
        work_items_close_for(
            by=by,
            subject_type=HsbEvent.HSB_PATHWAY,
            subject_id=pathway.pk,
            outcome="The pathway closed",
            cancel=True,
        )
        involvement = pathway.involvement
        if (
            involvement is not None
            and involvement.is_open
            and not Pathway.objects.filter(involvement=involvement)
            .exclude(status=PathwayStatus.CLOSED)
            .exists()
        ):
            from safeguard.people.services import involvement_end

            involvement_end(by=by, involvement=involvement, ended=timezone.localdate())
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=HsbEvent.HSB_PATHWAY,
            object_id=pathway.pk,
            person_id=pathway.person_id,
            reason=reason.strip(),
            changes={"status": {"before": before, "after": PathwayStatus.CLOSED}},
        )
        chronology.pathway_closed(by=by, pathway=pathway)
    return pathway
