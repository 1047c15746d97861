"""Demo data for the MASH's own work: urgency, deadlines and the work items on open contacts.

Runs after the front door's contacts (order 20) and the teams (order 15): every
open contact gets its urgency, its own deadline and a "decide" item in the MASH
team; contacts waiting for sign-off give the managers a "sign off" item. Two
contacts reported as immediate danger show both tags (one due within the hour,
amber; one past its two-hour deadline, red); one proposal was sent back with a
reason; one recent Level 4 decision has handed a strategy discussion to the
children's social care assessment team (order 86, :func:`build_hand_off`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safeguard.core.models import Team, TeamPurpose
from safeguard.people.demo import DemoState, register_demo_extension
from safeguard.people.models import Involvement
from safeguard.work.models import WorkKind
from safeguard.work.services import deadline_for, work_item_create

from .models import (
    Contact,
    ContactStatus,
    DecisionVersion,
    Level,
    Outcome,
    ThresholdDecision,
    Urgency,
    VersionEnd,
)
from .services.mash_work import CONTACT_SUBJECT, contact_deadline, contact_url

SENT_BACK_REASON = (
    "The police have not answered yet and school say there were two earlier incidents. "
    "Ask the police, then look again at level 4."
)


@register_demo_extension(order=21)
def build(state: DemoState) -> None:
    """Urgency, deadlines and work items for the demo's open contacts."""
    team = Team.objects.filter(purpose=TeamPurpose.MASH).first()
    if team is None or "mash.worker" not in state.users:
        return
    now = timezone.now()
    worker = state.users["mash.worker"]
    manager = state.users.get("mash.manager", worker)
    Contact.objects.filter(immediate_danger=True).update(urgency=Urgency.IMMEDIATE)
    waiting = list(
        Contact.objects.filter(status__in=[ContactStatus.RECEIVED, ContactStatus.GATHERING])
        .prefetch_related("contact_children__person")
        .order_by("received_at")
    )
    # The two most recent open contacts were reported as immediate danger: one 50 minutes ago
    # (due within the hour: amber), one three hours ago (past its two-hour deadline: red).
    for contact, ago in zip(
        waiting[-2:], (dt.timedelta(hours=3), dt.timedelta(minutes=50)), strict=False
    ):
        contact.received_at = now - ago
        contact.immediate_danger = True
    for contact in waiting + list(Contact.objects.filter(status=ContactStatus.AWAITING_SIGN_OFF)):
        if contact.immediate_danger:
            contact.urgency = Urgency.IMMEDIATE
        contact.decision_due_at = contact_deadline(contact.received_at, contact.urgency)
        contact.save(
            update_fields=["received_at", "immediate_danger", "urgency", "decision_due_at"]
        )
    # One proposal was sent back: the history keeps it and the worker has to decide again.
    sent_back = waiting[0] if waiting else None
    for contact in waiting:
        child = contact.contact_children.all()[0].person if contact.contact_children.all() else None
        if contact == sent_back:
            DecisionVersion.objects.create(
                contact=contact,
                version=1,
                level=Level.SPECIALIST,
                outcome=Outcome.SECTION_17,
                rationale="Several needs across the family; a child in need assessment.",
                message_to_referrer="A social worker will assess the child's needs.",
                decided_by=worker,
                decided_at=now - dt.timedelta(hours=3),
                ended=VersionEnd.SENT_BACK,
                ended_by=manager,
                ended_at=now - dt.timedelta(hours=2),
                reason=SENT_BACK_REASON,
            )
            Contact.objects.filter(pk=contact.pk).update(status=ContactStatus.GATHERING)
            work_item_create(
                by=manager,
                team=team,
                kind=WorkKind.REDO_DECISION,
                title="Decide again: a manager sent the decision back",
                subject_type=CONTACT_SUBJECT,
                subject_id=contact.reference,
                subject_url=contact_url(contact),
                subject_label=contact.reference,
                person=child,
                deadline=deadline_for("redo_decision"),
                priority=contact.urgency,
                assignee=worker,
                detail=(
                    f"{manager}, a Multi-Agency Safeguarding Hub (MASH) manager, "
                    f"sent the decision back: {SENT_BACK_REASON}"
                ),
                notify=False,
            )
            continue
        work_item_create(
            by=contact.referrer,
            team=team,
            kind=WorkKind.DECIDE_CONTACT,
            title="Decide what happens next on a contact",
            subject_type=CONTACT_SUBJECT,
            subject_id=contact.reference,
            subject_url=contact_url(contact),
            subject_label=contact.reference,
            person=child,
            due_at=contact.decision_due_at,
            priority=contact.urgency,
            detail=(
                f"A concern reported to the Multi-Agency Safeguarding Hub (MASH) by "
                f"{contact.referrer_agency}. {contact.get_urgency_display()}."
            ),
            notify=False,
        )
    for decision in ThresholdDecision.objects.filter(
        contact__status=ContactStatus.AWAITING_SIGN_OFF
    ).select_related("contact"):
        contact = decision.contact
        work_item_create(
            by=decision.decided_by,
            team=team,
            kind=WorkKind.SIGN_OFF_DECISION,
            title="Sign off a threshold decision (Level 4)",
            subject_type=CONTACT_SUBJECT,
            subject_id=contact.reference,
            subject_url=contact_url(contact),
            subject_label=contact.reference,
            person=contact.children.order_by("pk").first(),
            deadline=deadline_for("sign_off_decision"),
            priority=contact.urgency,
            assignee=manager,
            detail=(
                f"{decision.decided_by}, in the Multi-Agency Safeguarding Hub (MASH), proposed "
                f"{decision.get_outcome_display().lower()}."
            ),
            notify=False,
        )


@register_demo_extension(order=86)
def build_hand_off(state: DemoState) -> None:
    """The most recent signed-off Section 47 decision gave social care a strategy discussion.

    Runs late (after the subject access and retention demo at 60 and the work demo at 85),
    so the new involvement changes nothing those demos chose.
    """
    csc = Team.objects.filter(purpose=TeamPurpose.SOCIAL_CARE_ASSESSMENT).first()
    decision = (
        ThresholdDecision.objects.filter(
            outcome=Outcome.SECTION_47, contact__status=ContactStatus.DECIDED
        )
        .select_related("contact", "signed_off_by", "decided_by")
        .order_by("-decided_at")
        .first()
    )
    if csc is None or decision is None:
        return
    contact = decision.contact
    for person in contact.children.order_by("pk"):
        Involvement.objects.get_or_create(
            person=person,
            agency=csc.agency,
            ended=None,
            defaults={
                "started": timezone.localdate(),
                "role_description": f"Section 47 strategy discussion ({contact.reference})",
            },
        )
        work_item_create(
            by=decision.signed_off_by or decision.decided_by,
            team=csc,
            kind=WorkKind.SECTION_47_STRATEGY,
            title="Hold a strategy discussion (Section 47) after a threshold decision",
            subject_type=CONTACT_SUBJECT,
            subject_id=contact.reference,
            subject_url=f"/people/{person.pk}/",
            subject_label=contact.reference,
            person=person,
            deadline=deadline_for("section_47_strategy"),
            priority=Urgency.URGENT,
            detail=(
                "The Multi-Agency Safeguarding Hub (MASH) decided level 4: section 47 "
                f"strategy discussion ({contact.reference})."
            ),
            notify=False,
        )
