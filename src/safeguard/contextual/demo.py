"""Demo data for contextual safeguarding: places, persons of concern, peer groups, a year of disruption.

Runs after the exploitation panel (order 90) so it can link the children the panel
found at risk: seven places and spaces, three persons of concern with vehicles and
phones, two peer groups, graded links over the year, concerns about contexts (some
triaged), a context assessment, and at every past monthly Child Exploitation
Disruption Meeting one or two disruption actions with their outcomes; the next
meeting's agenda then builds itself. Everything goes through the services, so work
items land in the right queues; times are moved back afterwards. Modest volume.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from safeguard.core.models import Team, TeamMembership, TeamPurpose
from safeguard.meetings.models import Meeting
from safeguard.people.access import people_visible_to
from safeguard.people.demo import DemoState, register_demo_extension

from . import services
from .models import (
    ContextConcern,
    DisruptionAction,
    DisruptionOutcome,
    DisruptionTool,
    Link,
    LinkKind,
    PlaceKind,
    TriageOutcome,
)

PLACES = [
    (
        "Coppergate Centre",
        PlaceKind.SHOPPING_CENTRE,
        "53.9576, -1.0805",
        "Weekday evenings after school",
    ),
    (
        "Chicken Shack, Piccadilly",
        PlaceKind.TAKEAWAY,
        "53.9570, -1.0786",
        "Late evenings, Friday and Saturday",
    ),
    (
        "Foss Islands retail park",
        PlaceKind.PARK,
        "53.9600, -1.0700\n53.9615, -1.0672\n53.9590, -1.0650",
        "After dark",
    ),
    ("York railway station", PlaceKind.TRANSPORT_HUB, "53.9580, -1.0930", "Sunday afternoons"),
    ("Number 6 bus route", PlaceKind.BUS_ROUTE, "", "Straight after school"),
    ("Riverside hotel", PlaceKind.HOTEL, "53.9545, -1.0850", "Overnight"),
    ("'Sesh York' group chat", PlaceKind.ONLINE, "", "Any time"),
]
PERSONS = [
    (
        "Kai Ward",
        "K\nKaizer",
        "about 24",
        "Drives a grey hatchback; offers lifts and vapes.",
        "AB12 CDE",
        "07700 900123",
    ),
    (
        "Tyler Moss",
        "T-Money",
        "about 19",
        "Older brother of a pupil; seen handing over packages.",
        "",
        "07700 900456",
    ),
    (
        "Jordan Price",
        "",
        "about 30",
        "Manager at a takeaway; lets young people stay after closing.",
        "YX68 LMN",
        "",
    ),
]
GROUPS = [
    (
        "Young people at the Coppergate benches",
        "A loose group of 13 to 15 year olds who meet after school.",
    ),
    ("Year 10 group chat", "Pupils from two schools who share a group chat."),
]
CONCERNS = [
    (
        300,
        "place",
        "The number 6 bus after school",
        "Older men offering pupils free vapes on the back seats.",
    ),
    (
        200,
        "online",
        "A group chat called 'Sesh York'",
        "Pupils invited to parties by adults they do not know.",
    ),
    (
        90,
        "peer_group",
        "The group at the Coppergate benches",
        "Fights and younger children carrying packages.",
    ),
    (
        20,
        "school",
        "Fulford School gates",
        "A car waits by the gates at home time and children get in.",
    ),
    (
        4,
        "place",
        "Riverside hotel car park",
        "Young people seen going in late at night with adults.",
    ),
]


def _team(state: DemoState) -> None:
    csc = state.agencies.get("cyc-csc")
    if csc is None:
        return
    team, _ = Team.objects.update_or_create(
        slug="contextual-safeguarding",
        defaults={
            "agency": csc,
            "name": "Contextual safeguarding team",
            "purpose": TeamPurpose.CONTEXTUAL_SAFEGUARDING,
            "receives_for_agency": False,
        },
    )
    for username, manager in (("csc.manager", True), ("social.worker", False)):
        user = state.users.get(username)
        if user is not None:
            TeamMembership.objects.get_or_create(
                team=team,
                user=user,
                defaults={"is_manager": manager, "since": state.today - dt.timedelta(days=400)},
            )


def _children(officer: Any, worker: Any) -> list[Any]:
    """Children both the police and social care see, those the panel found at risk first."""
    from safeguard.exploitation.models import PanelDecision, RiskLevel

    both = people_visible_to(worker).filter(pk__in=people_visible_to(officer).values("pk"))
    at_risk = list(
        both.filter(
            pk__in=PanelDecision.objects.exclude(level=RiskLevel.NO_KNOWN_RISK).values("person_id")
        ).order_by("family_name", "given_name")[:8]
    )
    seen = {c.pk for c in at_risk}
    others = [c for c in both.order_by("family_name", "given_name")[:20] if c.pk not in seen]
    return (at_risk + others)[:10]


def _link(
    officer: Any, agency: Any, rng: random.Random, kind: str, days: int, **ends: Any
) -> Link | None:
    source, assessment = rng.choice(
        [("1", "A"), ("1", "B"), ("2", "B"), ("2", "C"), ("3", "C"), ("2", "D")]
    )
    conditions = "Police and social care only" if rng.random() < 0.2 else ""
    link = services.link_record(
        by=officer,
        kind=kind,
        summary=rng.choice(
            [
                "Seen together on several evenings.",
                "Named in a return home interview.",
                "Stop and account recorded.",
                "Reported by a member of staff.",
                "Found in phone contacts after a missing episode.",
            ]
        ),
        source_agency=agency,
        known_on=timezone.localdate() - dt.timedelta(days=days),
        source_evaluation=source,
        assessment=assessment,
        handling_code="C" if conditions else "P",
        handling_conditions=conditions,
        **ends,
    )
    Link.objects.filter(pk=link.pk).update(recorded_at=timezone.now() - dt.timedelta(days=days))
    return link


def _corrections(officer: Any, worker: Any, place: Any, person: Any) -> None:
    """A place and a person of concern corrected after recording: their history of changes."""
    services.place_correct(
        by=worker,
        place=place,
        name=place.name,
        kind=place.kind,
        description=place.description,
        location=place.location,
        times_of_concern=f"{place.times_of_concern}; school holidays all day".lstrip("; "),
        agencies=list(place.agencies.all()),
        reason="Youth workers see the same group there all day in the school holidays.",
    )
    services.person_of_concern_correct(
        by=officer,
        person=person,
        name=person.name,
        aliases=person.aliases,
        approximate_age=person.approximate_age,
        description=person.description,
        intelligence_notes=f"{person.intelligence_notes}\nIntelligence log entry 4099: new vehicle.",
        reason="A new intelligence log entry.",
    )


@register_demo_extension(order=92)
def build(state: DemoState) -> None:  # noqa: PLR0914 - one story, told in order
    """Places, persons of concern, groups, links, concerns and a year of disruption actions."""
    officer = state.users.get("police.officer")
    worker = state.users.get("social.worker")
    teacher = state.users.get("school.dsl")
    if officer is None or worker is None:
        return
    _team(state)
    rng = random.Random(1414)  # noqa: S311 - demo data, not security
    police, csc = officer.agency, worker.agency
    places = [
        services.place_create(
            by=officer, name=name, kind=kind, location=where, times_of_concern=when, agencies=[csc]
        )
        for name, kind, where, when in PLACES
    ]
    persons = [
        services.person_of_concern_create(
            by=officer,
            name=name,
            aliases=aliases,
            approximate_age=age,
            description=about,
            intelligence_notes=f"Intelligence log entries 4{n}17 and 4{n}52. Not to be shared outside the police.",
        )
        for n, (name, aliases, age, about, _car, _phone) in enumerate(PERSONS)
    ]
    groups = [
        services.peer_group_create(by=worker, name=name, description=about)
        for name, about in GROUPS
    ]
    _corrections(officer, worker, places[0], persons[0])
    for person, (*_rest, car, phone) in zip(persons, PERSONS, strict=True):
        if car:
            _link(
                officer,
                police,
                rng,
                LinkKind.PERSON_VEHICLE,
                rng.randint(30, 300),
                person=person,
                vehicle_registration=car,
            )
        if phone:
            _link(
                officer,
                police,
                rng,
                LinkKind.PERSON_PHONE,
                rng.randint(30, 300),
                person=person,
                phone_number=phone,
            )
    _link(officer, police, rng, LinkKind.PERSON_PLACE, 250, person=persons[0], place=places[0])
    _link(officer, police, rng, LinkKind.PERSON_PLACE, 120, person=persons[0], place=places[5])
    _link(officer, police, rng, LinkKind.PERSON_PLACE, 60, person=persons[2], place=places[1])
    _link(
        officer,
        police,
        rng,
        LinkKind.PERSON_PERSON,
        180,
        person=persons[0],
        other_person=persons[1],
    )
    _link(officer, police, rng, LinkKind.PERSON_GROUP, 12, person=persons[1], group=groups[0])
    children = _children(officer, worker)
    half = len(children) // 2
    for n, child in enumerate(children):
        group = groups[0] if n < half else groups[1]
        _link(
            officer, csc, rng, LinkKind.CHILD_GROUP, rng.randint(20, 330), child=child, group=group
        )
        _link(
            officer,
            police,
            rng,
            LinkKind.CHILD_PLACE,
            rng.randint(2, 330),
            child=child,
            place=places[n % 3],
        )
        if n % 3 == 0:
            _link(
                officer,
                police,
                rng,
                LinkKind.CHILD_ADULT,
                rng.randint(2, 200),
                child=child,
                person=persons[n % 2],
            )
        if n % 4 == 1:
            _link(
                officer,
                csc,
                rng,
                LinkKind.CHILD_PLACE,
                rng.randint(2, 60),
                child=child,
                place=places[6],
            )
        if n:
            _link(
                officer,
                csc,
                rng,
                LinkKind.CHILD_CHILD,
                rng.randint(5, 300),
                child=children[n - 1],
                other_child=child,
            )
    _concerns(teacher or worker, worker, places)
    _disruption(
        state=state,
        rng=rng,
        worker=worker,
        places=places,
        persons=persons,
        groups=groups,
        police=police,
        csc=csc,
    )
    if children:
        services.context_weighting_record(
            by=worker,
            person=children[0],
            first="peer_group",
            then=["neighbourhood", "online"],
            why="The older group at the benches draws the child to the retail park at night.",
        )
    services.context_assessment_record(
        by=worker,
        context="neighbourhood",
        place=places[0],
        harm="Younger children are given vapes and asked to carry packages to the retail park.",
        guardians="Centre security are willing; the management company has not shared camera footage.",
        conditions="No youth provision nearby after 5pm; poor lighting on the riverside path.",
        strengths="Two shop managers know the children by name and call the police.",
        plan="Detached youth work on Thursdays; security briefing; lighting review by the council.",
    )


def _concerns(reporter: Any, worker: Any, places: list[Any]) -> None:
    for days, kind, where, what in CONCERNS:
        concern = services.context_concern_report(
            by=reporter, context_kind=kind, where=where, what_happened=what
        )
        if days > 10:
            services.context_concern_triage(
                by=worker,
                concern=concern,
                outcome=TriageOutcome.DISRUPTION_MEETING
                if days > 100
                else TriageOutcome.CONTEXT_ASSESSMENT,
            )
        moved = timezone.now() - dt.timedelta(days=days)
        ContextConcern.objects.filter(pk=concern.pk).update(
            reported_at=moved,
            triaged_at=moved + dt.timedelta(days=1) if days > 10 else None,
            place=places[4] if "bus" in where else None,
        )


def _disruption(
    *,
    state: DemoState,
    rng: random.Random,
    worker: Any,
    places: list[Any],
    persons: list[Any],
    groups: list[Any],
    police: Any,
    csc: Any,
) -> None:
    meetings = list(
        Meeting.objects.filter(kind__slug="child-exploitation-disruption-meeting").order_by(
            "starts_at"
        )
    )
    now = timezone.now()
    plans = [
        (
            DisruptionTool.PATROLS,
            "Evening patrols Thursday to Saturday",
            police,
            {"place": places[0]},
        ),
        (
            DisruptionTool.CAWN,
            "Serve a Child Abduction Warning Notice",
            police,
            {"person": persons[0]},
        ),
        (
            DisruptionTool.LICENSING_REVIEW,
            "Ask the council to review the premises licence",
            csc,
            {"place": places[1]},
        ),
        (
            DisruptionTool.YOUTH_WORK,
            "Detached youth work at the benches",
            csc,
            {"group": groups[0]},
        ),
        (
            DisruptionTool.ONLINE_REPORT,
            "Report the group chat to the platform",
            police,
            {"place": places[6]},
        ),
        (
            DisruptionTool.TRANSPORT_MEASURES,
            "Brief bus drivers and add a marshal",
            csc,
            {"place": places[4]},
        ),
        (DisruptionTool.CLOSURE_ORDER, "Apply for a closure notice", police, {"place": places[5]}),
    ]
    outcomes = [
        DisruptionOutcome.NETWORK_DISRUPTED,
        DisruptionOutcome.OPERATION_DISRUPTED,
        DisruptionOutcome.NO_EFFECT,
        DisruptionOutcome.OPERATION_DISRUPTED,
    ]
    for n, meeting in enumerate(meetings):
        if meeting.starts_at > now:
            break
        tool, what, owner, target = plans[n % len(plans)]
        held = timezone.localtime(meeting.starts_at).date()
        before = rng.randint(2, 6)
        action = services.disruption_action_agree(
            by=worker,
            tool=tool,
            description=what,
            owner_agency=owner,
            due_on=held + dt.timedelta(days=28),
            meeting=meeting,
            children_at_risk_before=before,
            **target,
        )
        DisruptionAction.objects.filter(pk=action.pk).update(agreed_at=meeting.starts_at)
        if held + dt.timedelta(days=28) < state.today:
            services.disruption_action_outcome(
                by=worker,
                action=action,
                outcome=outcomes[n % len(outcomes)],
                notes="Reviewed at the next meeting.",
                children_at_risk_after=max(0, before - rng.randint(0, 3)),
                completed_on=held + dt.timedelta(days=rng.randint(10, 28)),
            )
