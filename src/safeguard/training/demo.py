"""Demo data for training: a year of courses close to the annual report's figures, and this year.

The last full partnership year (1 April to 31 March) runs the four courses of the
annual report: Working Together A (8 sessions, 160 attendees, 126 evaluations, 76%
likely to change practice), Working Together B (8, 159, 117, 79%), Developing an
Understanding of Harmful Sexual Behaviour (10, 63) and the Child Death Review
advanced training (3, 28); e-learning registrations and completions by sector
(1,709 and 1,354). Delegates book by name and email (the history before the
service started), so no accounts are made for them. This year's sessions so far
follow the same pattern; the next weeks' sessions have bookings, one is full with a
waiting list. Demo accounts have their own training: a booking, a place on a
waiting list, an evaluation to give, an impact survey to answer, a manager's stage
to answer, and AIM3 training records (the harmful sexual behaviour app's assessors).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK
from safeguard.core.models import AgencyKind, AuditAction
from safeguard.people.demo import DemoState, register_demo_extension

from . import services
from .events import TrainingEvent
from .models import (
    Booking,
    BookingStatus,
    Course,
    ElearningRecord,
    Evaluation,
    ImpactSurvey,
    Mode,
    PracticeChange,
    Session,
    Skill,
    SurveyStatus,
    TrainingRecord,
)
from .selectors import year_of

# slug, title, audience, outcomes, skill, asks manager, sessions, attendees, evaluations, likely
COURSES: list[tuple[str, str, str, str, str | None, bool, int, int, int, int, int]] = [
    (
        "working-together-a",
        "Safeguarding Children: Working Together A",
        "Everyone who works or volunteers with children in the city, in any agency.",
        "Recognise the signs of abuse and neglect\nKnow what to do and who to tell when worried "
        "about a child\nUnderstand the roles of the agencies in the partnership",
        "safeguarding_awareness",
        False,
        8,
        160,
        126,
        96,
        24,
    ),
    (
        "working-together-b",
        "Safeguarding Children: Shared Responsibilities and Procedures - Working Together B",
        "Practitioners who have done Working Together A and work directly with children and families.",
        "Use the partnership's procedures and thresholds\nContribute to strategy discussions and "
        "child protection conferences\nShare information lawfully and in time",
        None,
        True,
        8,
        159,
        117,
        92,
        24,
    ),
    (
        "harmful-sexual-behaviour",
        "Developing an Understanding of Harmful Sexual Behaviour",
        "Practitioners in schools, health, youth justice and social care.",
        "Place behaviour on the continuum from healthy to harmful\nKnow when to use the AIM3 "
        "assessment and who is trained to\nRefer to the harmful sexual behaviour service",
        None,
        True,
        10,
        63,
        0,
        0,
        8,
    ),
    (
        "child-death-review",
        "The Child Death Review: Advanced Training for Professionals",
        "Health, police and social care professionals who take part in child death reviews.",
        "Know the child death review process\nSupport families through it\nLearn from "
        "modifiable factors",
        None,
        False,
        3,
        28,
        0,
        0,
        12,
    ),
    (
        "aim3-assessment",
        "Using the AIM3 assessment",
        "Practitioners in the harmful sexual behaviour service who will assess children.",
        "Use the AIM3 model to assess children who display harmful sexual behaviour\nWrite an "
        "AIM3 assessment and plan",
        "aim3",
        True,
        0,
        0,
        0,
        0,
        10,
    ),
]

# E-learning by sector in the last full year: registered, completed (total 1,709 and 1,354).
ELEARNING: list[tuple[str, int, int]] = [
    (AgencyKind.EDUCATION_SCHOOL, 642, 523),
    (AgencyKind.EDUCATION_EARLY_YEARS, 388, 301),
    (AgencyKind.EDUCATION_COLLEGE, 96, 71),
    (AgencyKind.CHILDRENS_SOCIAL_CARE, 171, 139),
    (AgencyKind.HEALTH_HOSPITAL, 118, 92),
    (AgencyKind.HEALTH_VISITING, 64, 52),
    (AgencyKind.VOLUNTARY, 139, 101),
    (AgencyKind.HOUSING, 47, 40),
    (AgencyKind.POLICE, 44, 35),
]
FIRST = "Amy Ben Cara Dev Eli Fay Gus Hana Ian Jas Kai Lola Max Nia Oli Pia Raj Sue Tom Uma".split()
LAST = "Reed Shah Ford Lowe Hart Bond Nash Pike Rowe Sims Tate Vale Wade Yeo Bell Cole".split()


def _rng(state: DemoState) -> random.Random:
    return random.Random(f"training-{state.children}")  # noqa: S311 - made-up demo data


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:  # noqa: PLR2004 - Saturday and Sunday
        day += dt.timedelta(days=1)
    return day


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


def _rating(rng: random.Random) -> int:
    roll = rng.random()
    return 4 if roll < 0.5 else 3 if roll < 0.86 else 2 if roll < 0.97 else 1  # noqa: PLR2004


def _delegate(rng: random.Random, agencies: list[Any], n: int) -> dict[str, Any]:
    agency = rng.choice(agencies)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}.{n}@example.invalid",
        "agency_name": agency.name,
        "sector": agency.kind,
    }


def _past_sessions(
    *,
    state: DemoState,
    course: Course,
    trainer: Any,
    days: list[dt.date],
    attendees: list[int],
    evaluations: int,
    likely: int,
    rng: random.Random,
    counter: list[int],
) -> None:
    """Sessions held, with delegates who came, did not, sent apologies or cancelled."""
    agencies = list(state.agencies.values())
    today = state.today
    came: list[Booking] = []
    for day, count in zip(days, attendees, strict=True):
        starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=UK)
        session = Session.objects.create(
            course=course,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            mode=Mode.VIRTUAL,
            joining_link=f"https://zoom.example.org/j/{8800000 + day.toordinal()}",
            trainer=trainer,
            capacity=max(count + 3, course_capacity(course)),
            register_taken_at=starts + dt.timedelta(hours=3),
            created_at=starts - dt.timedelta(days=60),
        )
        rows = []
        # Who came, who did not (a tenth), apologies and cancellations.
        outcomes = (
            [("came", True)] * count
            + [("no_show", False)] * max(1, count // 10)
            + [("apologies", None)] * max(1, count // 12)
            + [("cancelled", None)] * max(1, count // 15)
        )
        for what, attended in outcomes:
            counter[0] += 1
            status = {
                "apologies": BookingStatus.NOT_ATTENDING,
                "cancelled": BookingStatus.CANCELLED,
            }.get(what, BookingStatus.BOOKED)
            rows.append(
                Booking(
                    session=session,
                    status=status,
                    attended=attended if status == BookingStatus.BOOKED else None,
                    created_at=starts - dt.timedelta(days=rng.randint(8, 50)),
                    ended_at=starts - dt.timedelta(days=2)
                    if status != BookingStatus.BOOKED
                    else None,
                    **_delegate(rng, agencies, counter[0]),
                )
            )
        Booking.objects.bulk_create(rows)
        came += [b for b in Booking.objects.filter(session=session, attended=True)]
    evaluated = rng.sample(came, k=min(evaluations, len(came)))
    likely_ones = set(b.pk for b in rng.sample(evaluated, k=min(likely, len(evaluated))))
    Evaluation.objects.bulk_create(
        Evaluation(
            booking=b,
            ratings={code: _rating(rng) for code in ("content", "trainer", "materials", "quality")},
            likelihood=rng.choice([4, 5]) if b.pk in likely_ones else rng.choice([1, 2, 3, 3]),
            submitted_at=b.session.ends_at + dt.timedelta(hours=rng.randint(1, 48)),
        )
        for b in evaluated
    )
    surveys = []
    for b in came:
        day = b.session.starts_at.astimezone(UK).date()
        opens = services.months_after(day, services.IMPACT_AFTER_MONTHS)
        expires = opens + dt.timedelta(days=services.IMPACT_OPEN_DAYS)
        survey = ImpactSurvey(booking=b, opens_on=opens, expires_on=expires)
        if opens <= today:
            survey.reminders_sent = 1
            survey.last_reminded_at = dt.datetime.combine(opens, dt.time(8), tzinfo=UK)
            if rng.random() < 0.45:  # noqa: PLR2004 - about half answer
                survey.status = SurveyStatus.ANSWERED
                survey.practice_changed = rng.choices(
                    [PracticeChange.A_LOT, PracticeChange.A_LITTLE, PracticeChange.NO],
                    weights=[30, 55, 15],
                )[0]
                survey.learner_answered_at = dt.datetime.combine(
                    opens + dt.timedelta(days=rng.randint(0, 20)), dt.time(12), tzinfo=UK
                )
            elif expires < today:
                survey.status = SurveyStatus.EXPIRED
                survey.reminders_sent = 3
            else:
                survey.status = SurveyStatus.OPEN
        surveys.append(survey)
    ImpactSurvey.objects.bulk_create(surveys)


def course_capacity(course: Course) -> int:
    """The usual number of places on the course's sessions."""
    return next((row[10] for row in COURSES if row[0] == course.slug), 20)


def _schedule(first: dt.date, count: int, offset: int) -> list[dt.date]:
    """``count`` dates spread across the year from ``first``, staggered by course."""
    if count == 0:
        return []
    step = 365 // count
    return [_weekday(first + dt.timedelta(days=offset + n * step)) for n in range(count)]


@register_demo_extension(order=16)
def build(state: DemoState) -> None:
    """A year of training like the annual report's, this year so far, and the weeks to come."""
    rng = _rng(state)
    services.skills_seed()
    users = state.users
    unit = users.get("business.unit")
    trainer = unit
    yjs = users.get("yjs.worker")
    now = timezone.now()
    courses = {}
    for slug, title, audience, outcomes, skill, asks, *_ in COURSES:
        courses[slug] = Course.objects.create(
            slug=slug,
            title=title,
            audience=audience,
            learning_outcomes=outcomes,
            skill=Skill.objects.get(code=skill) if skill else None,
            impact_asks_manager=asks,
            created_at=now - dt.timedelta(days=800),
        )
    this_year = year_of(state.today)
    counter = [0]
    for year in (this_year - 1, this_year):
        first = dt.date(year, 4, 7)
        for offset, row in enumerate(COURSES):
            slug, *_, sessions, attendees, evaluations, likely, _capacity = row
            days = [d for d in _schedule(first, sessions, offset * 9) if d < state.today]
            if not days:
                continue
            spread = _spread(attendees, sessions)[: len(days)]
            share = len(days) / sessions
            _past_sessions(
                state=state,
                course=courses[slug],
                trainer=yjs if slug == "harmful-sexual-behaviour" and yjs else trainer,
                days=days,
                attendees=spread,
                evaluations=round(evaluations * share),
                likely=round(likely * share),
                rng=rng,
                counter=counter,
            )
    _elearning(state, rng)
    _upcoming(state, courses, trainer, rng)
    _demo_accounts(state, courses, trainer)
    audit_record(
        by=None,
        action=AuditAction.CREATE,
        object_type=TrainingEvent.DEMO_TRAINING,
        object_id=str(state.children),
        reason="Synthetic demo training loaded",
    )


def _elearning(state: DemoState, rng: random.Random) -> None:
    start = dt.date(year_of(state.today) - 1, 5, 1)  # the platform launched in May
    rows = []
    n = 0
    for sector, registered, completed in ELEARNING:
        for k in range(registered):
            n += 1
            day = start + dt.timedelta(days=rng.randint(0, 330))
            rows.append(
                ElearningRecord(
                    email=f"learner{n}@example.invalid",
                    course="Safeguarding Children Awareness E-learning",
                    sector=sector,
                    registered_on=day,
                    completed_on=day + dt.timedelta(days=rng.randint(0, 20))
                    if k < completed
                    else None,
                    imported_at=timezone.now(),
                )
            )
    ElearningRecord.objects.bulk_create(rows, batch_size=500)


def _upcoming(
    state: DemoState, courses: dict[str, Course], trainer: Any, rng: random.Random
) -> None:
    """The next weeks' sessions: bookings through the service, one full with a waiting list."""
    agencies = list(state.agencies.values())
    plan = [
        ("working-together-a", 9, 24, 15, Mode.VIRTUAL),
        ("working-together-b", 16, 24, 9, Mode.VIRTUAL),
        ("harmful-sexual-behaviour", 12, 8, 8, Mode.IN_PERSON),
        ("aim3-assessment", 30, 10, 4, Mode.IN_PERSON),
        ("child-death-review", 40, 12, 3, Mode.VIRTUAL),
    ]
    for n, (slug, days, capacity, booked, mode) in enumerate(plan):
        day = _weekday(state.today + dt.timedelta(days=days))
        starts = dt.datetime.combine(day, dt.time(9, 30), tzinfo=UK)
        session = Session.objects.create(
            course=courses[slug],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            mode=mode,
            joining_link=f"https://zoom.example.org/j/{9900000 + n}"
            if mode == Mode.VIRTUAL
            else "",
            venue="West Offices, Station Rise, York" if mode == Mode.IN_PERSON else "",
            trainer=trainer,
            capacity=capacity,
            created_at=timezone.now() - dt.timedelta(days=40),
        )
        for k in range(booked + (2 if capacity == booked else 0)):
            person = _delegate(rng, agencies, 50000 + n * 100 + k)
            services.booking_create(
                by=trainer,
                session=session,
                name=person["name"],
                email=person["email"],
                agency_name=person["agency_name"],
            )
        if slug == "harmful-sexual-behaviour":
            officer = state.users.get("police.officer")
            if officer is not None:
                services.booking_create(by=officer, session=session, learner=officer)
        if slug == "working-together-b":
            dsl = state.users.get("school.dsl")
            if dsl is not None:
                services.booking_create(by=dsl, session=session, learner=dsl)


def _demo_accounts(state: DemoState, courses: dict[str, Course], trainer: Any) -> None:
    """Training the demo accounts see: an evaluation to give, surveys to answer, AIM3 records."""
    users = state.users
    today = state.today

    def held(course: Course, days_ago: int, *people: Any) -> list[Booking]:
        day = _weekday(today - dt.timedelta(days=days_ago))
        starts = dt.datetime.combine(day, dt.time(13, 30), tzinfo=UK)
        session = Session.objects.create(
            course=course,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            mode=Mode.VIRTUAL,
            joining_link="https://zoom.example.org/j/7700001",
            trainer=trainer,
            capacity=20,
            register_taken_at=starts + dt.timedelta(hours=3),
            created_at=starts - dt.timedelta(days=30),
        )
        made = []
        for person in people:
            made.append(
                Booking.objects.create(
                    session=session,
                    learner=person,
                    name=person.get_full_name(),
                    email=person.email,
                    agency_name=person.agency.name if person.agency else "",
                    sector=person.agency.kind if person.agency else "",
                    status=BookingStatus.BOOKED,
                    attended=True,
                    created_at=starts - dt.timedelta(days=20),
                )
            )
        return made

    dsl = users.get("school.dsl")
    if dsl is not None:
        (booking,) = held(courses["harmful-sexual-behaviour"], 3, dsl)
        opens = services.months_after(booking.session.starts_at.date(), 6)
        ImpactSurvey.objects.create(
            booking=booking, opens_on=opens, expires_on=opens + dt.timedelta(days=42)
        )
    worker, worker2, manager = (
        users.get("social.worker"),
        users.get("social.worker2"),
        users.get("csc.manager"),
    )
    if worker is not None and worker2 is not None:
        first, second = held(courses["working-together-b"], 190, worker, worker2)
        opens = services.months_after(first.session.starts_at.date(), 6)
        for booking in (first, second):
            Evaluation.objects.create(
                booking=booking,
                ratings={"content": 4, "trainer": 4, "materials": 3, "quality": 4},
                likelihood=5,
                submitted_at=booking.session.ends_at + dt.timedelta(hours=2),
            )
        ImpactSurvey.objects.create(
            booking=first,
            opens_on=opens,
            expires_on=opens + dt.timedelta(days=42),
            status=SurveyStatus.OPEN,
            reminders_sent=1,
            last_reminded_at=dt.datetime.combine(opens, dt.time(8), tzinfo=UK),
        )
        ImpactSurvey.objects.create(
            booking=second,
            opens_on=opens,
            expires_on=opens + dt.timedelta(days=42),
            status=SurveyStatus.MANAGER if manager else SurveyStatus.ANSWERED,
            practice_changed=PracticeChange.A_LITTLE,
            example="I now check the threshold document before every referral.",
            learner_answered_at=dt.datetime.combine(opens, dt.time(15), tzinfo=UK),
            manager=manager,
            reminders_sent=1,
            last_reminded_at=dt.datetime.combine(opens, dt.time(8), tzinfo=UK),
        )
    aim3 = Skill.objects.get(code="aim3")
    for username, skill_code, trained_ago in (
        ("yjs.worker", "aim3", 400),
        ("yjs.worker", "aim_digital", 200),
        ("yjs.worker", "aim3_under_12s", 380),
        ("health.nurse", "aim3", 365 * 3 - 40),
    ):
        person = users.get(username)
        if person is None:
            continue
        skill = Skill.objects.get(code=skill_code) if skill_code != "aim3" else aim3
        trained = today - dt.timedelta(days=trained_ago)
        TrainingRecord.objects.create(
            learner=person,
            skill=skill,
            trained_on=trained,
            expires_on=services.months_after(trained, skill.renew_after_months or 36),
            note="AIM Project accredited training",
            recorded_by=trainer,
        )
