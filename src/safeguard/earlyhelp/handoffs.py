"""Early help's hand-offs: a lead practitioner to allocate, and stepping up to the MASH.

- A Level 2-3 decision of "early help assessment" opens early help with no lead
  practitioner. The early help team (``TeamPurpose.EARLY_HELP``) gets a work item to
  allocate one, and the team's agency an involvement with each child, so the team can
  open the children at once. A manager in the team chooses the lead on the allocation
  page (:func:`episode_lead_allocate`); the episode gets its lead and the item closes.
- Closing early help as "stepped up to children's social care" reports a concern to
  the Multi-Agency Safeguarding Hub (MASH) through the front door's own service,
  pre-filled from the episode (:func:`step_up_refer`), so the family tells its story once
  and the MASH sees the contact in its queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import diff
from safeguard.core.models import AuditAction, TeamPurpose
from safeguard.frontdoor.models import Consent, Submission
from safeguard.frontdoor.services import ChildDetails, contact_submit
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent, Involvement
from safeguard.people.services import involvement_lead_change, involvement_start
from safeguard.work.models import Priority, WorkItem, WorkKind
from safeguard.work.rules import manages_team
from safeguard.work.selectors import assignable_members
from safeguard.work.services import (
    deadline_for,
    managers_of,
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from .events import EarlyHelpEvent
from .models import Assessment, Episode, SupportRecord
from .taf import taf_meetings

if TYPE_CHECKING:
    from safeguard.core.models import Team, User
    from safeguard.frontdoor.models import Contact
    from safeguard.people.models import Person

EPISODE_SUBJECT = "earlyhelp.episode"
LEAD_ROLE = "Early help lead practitioner"
WAITING_ROLE = "Early help: waiting for a lead practitioner"


def _open_involvement(person: Person, agency_id: int) -> Involvement | None:
    today = timezone.localdate()
    return (
        Involvement.objects.filter(person=person, agency_id=agency_id)
        .exclude(ended__lt=today)
        .order_by("started", "pk")
        .first()
    )


def allocation_item(episode: Episode) -> WorkItem | None:
    """The open work item asking for the episode's lead practitioner, if there is one."""
    return (
        WorkItem.objects.open()
        .filter(
            kind=WorkKind.ALLOCATE_LEAD, subject_type=EPISODE_SUBJECT, subject_id=str(episode.pk)
        )
        .select_related("team", "team__agency")
        .first()
    )


def lead_allocation_ask(
    *, by: User, episode: Episode, children: list[Person], notify: bool = True
) -> WorkItem | None:
    """Ask the early help team to allocate a lead practitioner (inside the decision's transaction).

    Nothing is asked when the episode already has a lead or an allocation is already
    waiting. The team's agency starts working with each child (an involvement without a
    lead yet), so the team's manager and the practitioner they choose can open the children.
    """
    if episode.lead_practitioner_id is not None or allocation_item(episode) is not None:
        return None
    team: Team | None = team_for_purpose(TeamPurpose.EARLY_HELP)
    if team is None:
        if by.agency is None:
            return None
        team = team_receiving_for(by.agency)
    today = timezone.localdate()
    for child in children:
        if _open_involvement(child, team.agency_id) is None:
            involvement_start(
                by=by,
                person=child,
                agency=team.agency,
                started=today,
                role_description=WAITING_ROLE,
            )
    managers = managers_of(team)
    return work_item_create(
        by=by,
        team=team,
        kind=WorkKind.ALLOCATE_LEAD,
        title="Allocate a lead practitioner for early help",
        detail=(
            f"The Multi-Agency Safeguarding Hub (MASH) decided on early help "
            f"({episode.source_reference or episode.reference}). Choose the practitioner who "
            "will lead the Early Help Assessment and the Team Around the Family."
        ),
        subject_type=EPISODE_SUBJECT,
        subject_id=episode.pk,
        subject_url=reverse("earlyhelp:allocate", args=[episode.pk]),
        subject_label=f"Early help {episode.reference}",
        person=children[0] if len(children) == 1 else None,
        deadline=deadline_for("allocate_lead"),
        priority=Priority.STANDARD,
        assignee=managers[0] if managers else None,
        notify=notify,
    )


def can_allocate_lead(user: Any, episode: Episode) -> bool:
    """A manager of the team asked to allocate the episode's lead practitioner."""
    item = allocation_item(episode)
    return item is not None and manages_team(user, item.team)


def lead_candidates(episode: Episode) -> list[User]:
    """Who the manager may choose: the team's members who are working today."""
    item = allocation_item(episode)
    return assignable_members(item.team) if item is not None else []


def episode_lead_allocate(*, by: User, episode: Episode, lead: User) -> Episode:
    """A manager in the early help team gives the family its lead practitioner; the item closes."""
    from .services import _audit, _children, _chronology

    item = allocation_item(episode)
    if item is None:
        raise ValidationError({"lead": "This family is not waiting for a lead practitioner"})
    if not manages_team(by, item.team):
        raise AccessDenied("Only a manager of the team asked can allocate the lead practitioner.")
    if lead not in assignable_members(item.team) or lead.agency is None:
        raise ValidationError(
            {"lead": f"Choose someone in the {item.team.name} who is working today"}
        )
    with transaction.atomic():
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if not locked.is_open:
            raise ValidationError({"lead": "This early help has closed"})
        children = _children(locked)
        for child in children:
            involvement = _open_involvement(child, lead.agency.pk)
            if involvement is None:
                involvement_start(
                    by=by,
                    person=child,
                    agency=lead.agency,
                    started=timezone.localdate(),
                    lead_practitioner=lead,
                    role_description=LEAD_ROLE,
                )
            else:
                involvement_lead_change(by=by, involvement_id=involvement.pk, lead=lead)
                if involvement.role_description == WAITING_ROLE:
                    Involvement.objects.filter(pk=involvement.pk).update(role_description=LEAD_ROLE)
        before = {
            "lead_practitioner": locked.lead_practitioner_id,
            "lead_agency": locked.lead_agency_id,
        }
        locked.lead_practitioner = lead
        if lead.agency_id:
            locked.lead_agency_id = lead.agency_id
        locked.save(update_fields=["lead_practitioner", "lead_agency", "updated_at"])
        _audit(
            by=by,
            action=AuditAction.UPDATE,
            object_type=EarlyHelpEvent.EARLY_HELP_EPISODE,
            object_id=locked.pk,
            children=children,
            changes=diff(
                before,
                {
                    "lead_practitioner": locked.lead_practitioner_id,
                    "lead_agency": locked.lead_agency_id,
                },
            ),
            reason="Lead practitioner allocated",
        )
        _chronology(
            by=by,
            episode=locked,
            children=children,
            category=ChronologyEvent.Category.SUPPORT,
            title=f"Early help lead practitioner allocated ({locked.reference})",
            detail=f"{lead}, {lead.agency}.",
        )
        work_items_close_for(
            by=by,
            subject_type=EPISODE_SUBJECT,
            subject_id=locked.pk,
            kinds=(WorkKind.ALLOCATE_LEAD,),
            outcome=f"{lead} is the lead practitioner",
        )
    return locked


@dataclass(frozen=True)
class StepUp:
    """What the MASH needs that early help does not hold: what the concern is about, and consent."""

    categories: list[str] = field(default_factory=list)
    consent: str = ""
    no_consent_reason: str = ""
    immediate_danger: bool = False


def _latest_assessment(episode: Episode) -> Assessment | None:
    return (
        Assessment.objects.filter(episode=episode, status=Assessment.Status.COMPLETED)
        .order_by("-assessment_date", "-completed_at")
        .first()
    )


def step_up_prefill(episode: Episode, *, note: str = "") -> dict[str, str]:
    """The concern's words, from what early help already knows (so the family tells it once)."""
    assessment = _latest_assessment(episode)
    meetings = taf_meetings().for_episodes([episode.pk])
    meeting = meetings[0] if meetings else None
    lines = [
        f"Early help {episode.reference} (open since {episode.opened_on:%-d %B %Y}) "
        "is stepping up to children's social care."
    ]
    if note.strip():
        lines.append(f"Why: {note.strip()}")
    if assessment is not None:
        if assessment.needs:
            lines.append(f"Needs in the Early Help Assessment: {assessment.needs}")
        if assessment.plan:
            lines.append(f"The plan: {assessment.plan}")
        if assessment.already_known:
            lines.append(f"What was already known: {assessment.already_known}")
    if meeting is not None:
        lines.append(
            f"Latest Team Around the Family meeting ({meeting.held_on:%-d %B %Y}): {meeting.progress}"
        )
    voice = (meeting.child_voice if meeting and meeting.child_voice else "") or (
        assessment.child_voice if assessment else ""
    )
    agencies = sorted(
        {
            r.agency.name
            for r in SupportRecord.objects.filter(episode=episode).select_related("agency")
        }
        | {name for m in meetings for name in m.agency_names}
    )
    return {
        "what_happened": "\n\n".join(lines),
        "child_voice": voice
        or f"Early help {episode.reference} has not recorded the child's voice; ask the lead practitioner.",
        "family_knows": (assessment.family_view if assessment else "")
        or "The family's view is not recorded in early help.",
        "others_involved": ("Agencies supporting the family in early help: " + ", ".join(agencies))
        if agencies
        else "",
    }


def step_up_refer(*, by: User, episode: Episode, step_up: StepUp | None, note: str) -> Contact:
    """Report a concern to the MASH for the episode's children, pre-filled from early help."""
    errors: dict[str, str] = {}
    if step_up is None or not step_up.categories:
        errors["categories"] = "Select what the concern for the MASH is about"
    if step_up is None or step_up.consent not in Consent.values:
        errors["consent"] = "Select whether the family agreed to you referring them to the MASH"
    if errors:
        raise ValidationError(errors)
    assert step_up is not None  # noqa: S101 - checked above
    children = list(episode.children.all())
    prefill = step_up_prefill(episode, note=note)
    return contact_submit(
        by=by,
        children=[ChildDetails(person_id=child.pk) for child in children],
        categories=step_up.categories,
        what_happened=prefill["what_happened"],
        happened_on=None,
        child_voice=prefill["child_voice"],
        immediate_danger=step_up.immediate_danger,
        family_knows=prefill["family_knows"],
        consent=step_up.consent,
        no_consent_reason=step_up.no_consent_reason,
        others_involved=prefill["others_involved"],
        referrer_name=by.get_full_name() or by.username,
        referrer_role=getattr(by, "job_title", "") or "Early help lead practitioner",
        referrer_phone=getattr(by, "phone", "") or "",
        referrer_email=by.email or "no-reply@example.invalid",
        via=Submission.EARLY_HELP,
    )
