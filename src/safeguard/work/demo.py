"""Demo data for work: teams, queues in every state, and an absent worker's re-allocation.

The queues hold waiting, in-progress, done, cancelled and overdue items, and an absent
social worker's work and children wait for her manager to re-allocate them.

Teams are made first (order 15), so the front door and early help demos can hand
work to them; the items and the absence come last (order 85), once there are
children and contacts to point at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from safeguard.core.clock import Clock
from safeguard.core.models import Team, TeamMembership, TeamPurpose
from safeguard.people.demo import DemoState, register_demo_extension
from safeguard.people.models import Involvement

from .models import Absence, AbsenceKind, Priority, WorkItem, WorkKind, WorkStatus
from .services import Deadline, work_item_create, work_reallocate_for

# slug, agency slug, name, purpose, receives for the agency, [(username, is manager)]
TEAMS: list[tuple[str, str, str, str, bool, list[tuple[str, bool]]]] = [
    (
        "mash",
        "cyc-mash",
        "Multi-Agency Safeguarding Hub (MASH) team",
        TeamPurpose.MASH,
        True,
        [("mash.manager", True), ("mash.worker", False)],
    ),
    (
        "csc-assessment",
        "cyc-csc",
        "Children's social care assessment team",
        TeamPurpose.SOCIAL_CARE_ASSESSMENT,
        True,
        [("csc.manager", True), ("social.worker", False), ("social.worker2", False)],
    ),
    (
        "early-help",
        "cyc-csc",
        "Early help team (Supporting Families)",
        TeamPurpose.EARLY_HELP,
        False,
        [("csc.manager", True), ("earlyhelp.worker", False)],
    ),
    (
        "emergency-duty",
        "cyc-csc",
        "Emergency Duty Team",
        TeamPurpose.EMERGENCY_DUTY,
        False,
        [("csc.manager", True), ("social.worker", False)],
    ),
    (
        "police-safeguarding",
        "nyp",
        "Police safeguarding hub",
        TeamPurpose.POLICE_SAFEGUARDING,
        True,
        [("police.sergeant", True), ("police.officer", False)],
    ),
    (
        "fulford-safeguarding",
        "fulford-school",
        "Fulford School safeguarding office",
        TeamPurpose.SAFEGUARDING_OFFICE,
        True,
        [("school.dsl", True)],
    ),
    (
        "school-nursing-safeguarding",
        "hcv",
        "Health visiting and school nursing safeguarding team",
        TeamPurpose.SAFEGUARDING_OFFICE,
        True,
        [("health.nurse", True)],
    ),
    (
        "yjs-hsb",
        "yjs",
        "Harmful sexual behaviour service",
        TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR,
        True,
        [("yjs.worker", True)],
    ),
]


@register_demo_extension(order=15)
def build_teams(state: DemoState) -> None:
    """The partnership's teams and who is in them."""
    today = state.today
    for slug, agency_slug, name, purpose, receives, members in TEAMS:
        team, _ = Team.objects.update_or_create(
            slug=slug,
            defaults={
                "agency": state.agencies[agency_slug],
                "name": name,
                "purpose": purpose,
                "receives_for_agency": receives,
                "email": "",
            },
        )
        for username, is_manager in members:
            user = state.users.get(username)
            if user is None:
                continue
            TeamMembership.objects.update_or_create(
                team=team,
                user=user,
                defaults={"is_manager": is_manager},
                create_defaults={"is_manager": is_manager, "since": today - dt.timedelta(days=400)},
            )


@register_demo_extension(order=85)
def build_work(state: DemoState) -> None:
    """Queues with work in every state, an overdue item, and an absent worker's re-allocation."""
    rng = state.rng
    now = timezone.now()
    csc = Team.objects.get(slug="csc-assessment")
    police = Team.objects.get(slug="police-safeguarding")
    manager = state.users["csc.manager"]
    away = state.users["social.worker2"]
    worker = state.users["social.worker"]
    children = [c for c in state.children_made if c.merged_into_id is None]
    if len(children) < 8:
        return
    picks = rng.sample(children, 8)

    # Casey Dunn leads on three children in care proceedings and has open work; she is off sick.
    for child in picks[:3]:
        Involvement.objects.update_or_create(
            person=child,
            agency=csc.agency,
            ended=None,
            defaults={
                "started": state.today - dt.timedelta(days=rng.randrange(30, 300)),
                "lead_practitioner": away,
                "role_description": "Allocated social worker",
            },
        )

    def item(child: Any, title: str, label: str, days: int, **kwargs: Any) -> WorkItem:
        after = kwargs.pop("after", None)
        made = work_item_create(
            by=kwargs.pop("by", manager),
            team=kwargs.pop("team", csc),
            kind=WorkKind.OTHER,
            title=title,
            subject_type="person",
            subject_id=child.pk,
            subject_label=label,
            person=child,
            deadline=kwargs.pop("deadline", Deadline(days, Clock.WORKING_DAYS)),
            notify=False,
            **kwargs,
        )
        if after:  # the state a real week would have left it in
            WorkItem.objects.filter(pk=made.pk).update(**after)
        return made

    item(
        picks[0],
        "Complete the child in need review visit",
        "Child in need review",
        3,
        assignee=away,
    )

    # Sam Okafor: one item in progress, one done, one cancelled; one overdue waits in the queue.
    for child in picks[3:6]:
        Involvement.objects.get_or_create(
            person=child,
            agency=csc.agency,
            ended=None,
            defaults={"started": state.today - dt.timedelta(days=20), "lead_practitioner": worker},
        )
    item(
        picks[3],
        "Visit the family and see the child alone",
        "Home visit",
        2,
        assignee=worker,
        after={"status": WorkStatus.IN_PROGRESS, "started_at": now - dt.timedelta(hours=3)},
    )
    item(
        picks[4],
        "Ask the school for the last term's attendance",
        "Attendance check",
        5,
        assignee=worker,
        after={
            "status": WorkStatus.DONE,
            "closed_at": now - dt.timedelta(days=1),
            "closed_by": worker,
            "outcome": "Attendance 88%; the school will send weekly figures.",
        },
    )
    item(
        picks[5],
        "Arrange a joint visit with health visiting",
        "Joint visit",
        5,
        after={
            "status": WorkStatus.CANCELLED,
            "closed_at": now - dt.timedelta(hours=20),
            "closed_by": manager,
            "outcome": "The family moved to Leeds; the case was transferred.",
        },
    )
    item(
        picks[5],
        "Write up the strategy discussion notes",
        "Strategy discussion notes",
        1,
        priority=Priority.URGENT,
        after={"created_at": now - dt.timedelta(days=4), "due_at": now - dt.timedelta(hours=26)},
    )

    # The police queue: an urgent item waiting, due in the next few hours.
    item(
        picks[6],
        "Check for recent call-outs to the address",
        "Address check",
        0,
        by=state.users["mash.manager"],
        team=police,
        deadline=Deadline(3, Clock.ROUND_THE_CLOCK),
        priority=Priority.URGENT,
    )

    # Casey is off sick from yesterday: her work and children go to Jordan Hale to re-allocate.
    if not Absence.objects.filter(user=away).filter(Q(ends_on__isnull=True)).exists():
        Absence.objects.create(
            user=away,
            kind=AbsenceKind.SICKNESS,
            starts_on=state.today - dt.timedelta(days=1),
            ends_on=None,
            recorded_by=manager,
            reallocated_at=now,
        )
        work_reallocate_for(by=manager, user=away, why=f"{away} is away (sickness)")
