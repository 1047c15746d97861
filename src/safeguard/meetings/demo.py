"""Demo data for meetings: a year of the weekly panel, the monthly disruption meeting, strategy meetings.

Runs after the children, teams and early help exist (order 80); early help's demo
has already put its Team Around the Family meetings here (``earlyhelp/taf.py``),
each agency that took part marked attended. Past meetings have
realistic attendance (most agencies come, some send apologies, a few do not come);
the last two panels' minutes are final, so their actions are open work and their
outcomes went to every invited agency, some opened and some not yet.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.people.access import people_visible_to
from safeguard.people.demo import DemoState, register_demo_extension

from . import services
from .kinds import kind
from .models import Attendance, ItemKind, Meeting, MeetingStatus

PANEL_AGENCIES = ["cyc-csc", "nyp", "hny-icb", "hcv", "yjs", "fulford-school"]
DISRUPTION_AGENCIES = ["cyc-csc", "nyp", "yjs"]
VOICES = [
    "Says she only goes to the retail park to see friends and does not want to be moved.",
    "Told his youth worker he is scared of the older boys but 'owes them'.",
    "Wants her mum to stop shouting; likes her new form tutor.",
    "Did not want to talk today; drew a picture of home with his dog.",
]
TOPICS = ["Hotspot: the retail park after school", "Trends in missing episodes this month"]


def _agencies(state: DemoState, slugs: list[str]) -> list[Any]:
    return [state.agencies[s] for s in slugs if s in state.agencies]


def _rng(state: DemoState) -> random.Random:
    """Our own random numbers, so later demo extensions get the same ones as without meetings."""
    return random.Random(f"meetings-{state.children}")  # noqa: S311 - made-up demo data


def _attendance(state: DemoState, meeting: Meeting, rng: random.Random) -> None:
    values = {}
    for invitation in meeting.invitations.all():
        roll = rng.random()
        values[invitation.pk] = (
            Attendance.ATTENDED
            if roll < 0.75
            else Attendance.APOLOGIES
            if roll < 0.88
            else Attendance.SUBSTITUTE
            if roll < 0.94
            else Attendance.DID_NOT_ATTEND
        )
    services.attendance_record(by=meeting.chair, meeting=meeting, attendance=values)


def _run(
    state: DemoState, meeting: Meeting, children: list[Any], owners: list[Any], rng: random.Random
) -> None:
    """Put two children and a topic on the agenda, record the discussion and finalise."""
    chair = meeting.chair
    picked = rng.sample(children, k=min(2, len(children)))
    for n, child in enumerate(picked):
        item = services.item_add(
            by=chair,
            meeting=meeting,
            kind=ItemKind.CHILD,
            title=["Missing three times this month", "Seen with older adults"][n % 2],
            person=child,
        )
        services.item_notes_save(
            by=chair,
            item=item,
            notes={
                "discussion": "Partners shared what they know; risk has risen since the last panel.",
                "child_voice": rng.choice(VOICES),
            },
        )
        services.decision_add(by=chair, item=item, text="Keep at high risk; review next week.")
        owner = rng.choice(owners)
        services.action_add(
            by=chair,
            item=item,
            description="Share the latest intelligence with the social worker.",
            owner_user=owner,
            due_on=meeting.starts_at.date() + dt.timedelta(days=rng.choice([7, 14, 21])),
        )
    topic = services.item_add(
        by=chair, meeting=meeting, kind=ItemKind.TOPIC, title=rng.choice(TOPICS)
    )
    services.decision_add(by=chair, item=topic, text="Ask for a joint patrol plan.")
    _attendance(state, meeting, rng)
    services.minutes_finalise(by=chair, meeting=meeting)


@register_demo_extension(order=80)
def build(state: DemoState) -> None:
    """Weekly panels, monthly disruption meetings and strategy meetings with their outcomes."""
    chair = state.users.get("panel.chair")
    if chair is None or "cyc-csc" not in state.agencies:
        return
    today = timezone.localdate()
    rng = _rng(state)
    panel = kind("child-exploitation-risk-assessment-panel")
    disruption = kind("child-exploitation-disruption-meeting")
    strategy = kind("strategy-meeting")
    weekly = services.schedule_create(
        by=chair,
        kind=panel,
        title="Child Exploitation Risk Assessment Panel (CERAP)",
        weekday=2,
        start_time=dt.time(10, 0),
        starts_on=today - dt.timedelta(weeks=52),
        ends_on=today + dt.timedelta(weeks=6),
        agencies=_agencies(state, PANEL_AGENCIES),
        location="West Offices, York, and online",
    )
    monthly = services.schedule_create(
        by=chair,
        kind=disruption,
        title="Child Exploitation Disruption Meeting",
        weekday=3,
        week_of_month=1,
        start_time=dt.time(14, 0),
        starts_on=today - dt.timedelta(days=365),
        ends_on=today + dt.timedelta(days=90),
        agencies=_agencies(state, DISRUPTION_AGENCIES),
        location="Fulford Road police station",
    )
    children = list(people_visible_to(chair).filter(date_of_birth__isnull=False)[:12])
    owners = [
        u
        for u in (state.users.get(n) for n in ("police.officer", "school.dsl", "social.worker"))
        if u is not None
    ]
    past = list(weekly.meetings.filter(ends_at__lt=timezone.now()).order_by("starts_at"))
    held = past[:-2] + list(monthly.meetings.filter(ends_at__lt=timezone.now()))
    for meeting in held:
        # Older panels and disruption meetings: attendance recorded, minutes kept on paper.
        _attendance(state, meeting, rng)
    Meeting.objects.filter(pk__in=[m.pk for m in held]).update(
        status=MeetingStatus.FINALISED, finalised_at=timezone.now(), finalised_by=chair
    )
    if children and owners:
        for meeting in past[-2:]:
            _run(state, meeting, children, owners, rng)
        # Most agencies have opened the last outcome; one has not yet.
        readers = [state.users.get(n) for n in ("social.worker", "police.officer", "yjs.worker")]
        for reader in readers:
            if reader is not None and past:
                services.outcome_open(by=reader, meeting=past[-1])
    social_worker = state.users.get("social.worker")
    if social_worker is not None:
        _past_strategy_meetings(state, social_worker, strategy, today, rng)
        decision = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(11, 0), tzinfo=UK)
        for offset, hour in ((1, 15), (8, 11)):
            day = today + dt.timedelta(days=offset)
            while day.weekday() >= 5:  # noqa: PLR2004 - Saturday and Sunday
                day += dt.timedelta(days=1)
            services.meeting_arrange(
                by=social_worker,
                kind=strategy,
                title="Strategy meeting (Section 47)",
                starts_at=dt.datetime.combine(day, dt.time(hour, 0), tzinfo=UK),
                agencies=_agencies(state, ["cyc-csc", "nyp", "hny-icb", "fulford-school"]),
                clock_started_at=decision if offset == 1 else None,
                location="Online",
            )


def _past_strategy_meetings(
    state: DemoState, chair: Any, strategy: Any, today: dt.date, rng: random.Random
) -> None:
    """A strategy meeting about every five weeks over the year, held on time, attendance kept."""
    agencies = _agencies(state, ["cyc-csc", "nyp", "hny-icb", "fulford-school"])
    held = []
    for weeks_ago in range(50, 0, -5):
        day = today - dt.timedelta(weeks=weeks_ago, days=rng.randrange(0, 3))
        while day.weekday() >= 5:  # noqa: PLR2004 - Saturday and Sunday
            day += dt.timedelta(days=1)
        starts_at = dt.datetime.combine(day, dt.time(11, 0), tzinfo=UK)
        held.append(
            services.meeting_arrange(
                by=chair,
                kind=strategy,
                title="Strategy meeting (Section 47)",
                starts_at=starts_at,
                agencies=agencies,
                clock_started_at=starts_at - dt.timedelta(hours=20),
                location="Online",
            )
        )
    for meeting in held:
        _attendance(state, meeting, rng)
    Meeting.objects.filter(pk__in=[m.pk for m in held]).update(
        status=MeetingStatus.FINALISED, finalised_at=timezone.now(), finalised_by=chair
    )
