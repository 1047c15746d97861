"""Every read about training: the catalogue, a learner's training, who is trained, the reports.

Training holds staff, never children, so these reads need no access rule beyond
the permission table; the reports are counts and shares only.

Other apps ask :func:`trained_in` and :func:`trained_users` (the harmful sexual
behaviour app checks that an AIM assessor is trained in ``aim3``,
``aim3_under_12s`` or ``aim_digital``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.models import AgencyKind, User

from .models import (
    ELEMENTS,
    Booking,
    BookingStatus,
    Course,
    ElearningRecord,
    Evaluation,
    ImpactSurvey,
    PracticeChange,
    Rating,
    Session,
    SurveyStatus,
    TrainingRecord,
)


def _valid_on(on: dt.date) -> Q:
    return Q(trained_on__lte=on) & (Q(expires_on__isnull=True) | Q(expires_on__gte=on))


def trained_in(user: Any, skill: str, on: dt.date | None = None) -> bool:
    """Whether ``user`` holds current training in the skill with code ``skill`` on ``on``."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    on = on or timezone.localdate()
    return TrainingRecord.objects.filter(
        _valid_on(on), learner_id=user.pk, skill__code=skill
    ).exists()


def trained_users(skill: str, on: dt.date | None = None) -> QuerySet[User]:
    """Active users whose training in the skill with code ``skill`` is current on ``on``."""
    on = on or timezone.localdate()
    records = TrainingRecord.objects.filter(_valid_on(on), skill__code=skill).values("learner_id")
    return User.objects.filter(pk__in=records, is_active=True).order_by("last_name", "first_name")


def places_taken(session: Session) -> int:
    """How many places are held on the session."""
    return session.bookings.filter(status=BookingStatus.BOOKED).count()


def upcoming_sessions(*, now: dt.datetime | None = None) -> QuerySet[Session]:
    """Sessions still to come, with how many places are taken and waiting."""
    now = now or timezone.now()
    return (
        Session.objects.filter(starts_at__gt=now, cancelled_at__isnull=True, course__active=True)
        .select_related("course", "trainer")
        .annotate(
            taken=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)),
            waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITING)),
        )
        .order_by("starts_at", "pk")
    )


def courses() -> QuerySet[Course]:
    """The courses on offer."""
    return Course.objects.filter(active=True).select_related("skill").order_by("title")


def my_training(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """A learner's bookings, what they still have to answer, and their training records."""
    now = now or timezone.now()
    bookings = list(
        Booking.objects.filter(learner=user)
        .select_related("session__course")
        .prefetch_related("evaluation")
        .order_by("-session__starts_at")
    )
    coming = [
        b
        for b in bookings
        if b.session.starts_at > now
        and b.status in (BookingStatus.BOOKED, BookingStatus.WAITING)
        and b.session.cancelled_at is None
    ]
    to_evaluate = [b for b in bookings if b.attended and not hasattr(b, "evaluation")]
    attended = [b for b in bookings if b.attended]
    surveys = list(
        ImpactSurvey.objects.filter(booking__learner=user, status=SurveyStatus.OPEN).select_related(
            "booking__session__course"
        )
    )
    manager_surveys = list(
        ImpactSurvey.objects.filter(manager=user, status=SurveyStatus.MANAGER).select_related(
            "booking__session__course"
        )
    )
    records = list(TrainingRecord.objects.filter(learner=user).select_related("skill"))
    return {
        "coming": coming,
        "to_evaluate": to_evaluate,
        "attended": attended,
        "surveys": surveys,
        "manager_surveys": manager_surveys,
        "records": records,
        "today": now.astimezone(UK).date(),
    }


def team_members_for(user: Any) -> list[User]:
    """The people in the teams ``user`` manages (whom they may book for), by name."""
    from safeguard.core.models import TeamMembership

    managed = TeamMembership.objects.filter(user=user, is_manager=True).values("team_id")
    return list(
        User.objects.filter(memberships__team_id__in=managed, is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("last_name", "first_name")
    )


def session_bookings(session: Session) -> dict[str, list[Booking]]:
    """The session's bookings by where they stand (for the trainer and the business unit)."""
    groups: dict[str, list[Booking]] = defaultdict(list)
    for booking in session.bookings.select_related("learner").order_by("created_at", "pk"):
        groups[booking.status].append(booking)
    return {
        "booked": groups[BookingStatus.BOOKED],
        "waiting": groups[BookingStatus.WAITING],
        "not_attending": groups[BookingStatus.NOT_ATTENDING],
        "cancelled": groups[BookingStatus.CANCELLED],
    }


def training_records(*, skill: str | None = None) -> QuerySet[TrainingRecord]:
    """Who is trained in what, soonest to expire first."""
    records = TrainingRecord.objects.select_related("learner__agency", "skill")
    if skill:
        records = records.filter(skill__code=skill)
    return records.order_by("skill__name", "expires_on", "learner__last_name")


# --- Reports ---------------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The partnership's year that starts on 1 April of ``year`` (UK time), as UTC moments."""
    start = dt.datetime(year, 4, 1, tzinfo=UK)
    end = dt.datetime(year + 1, 4, 1, tzinfo=UK)
    return start, end


def year_of(day: dt.date) -> int:
    """The partnership year (starting 1 April) a date falls in."""
    return day.year if day.month >= 4 else day.year - 1  # noqa: PLR2004 - April


def _share(part: int, whole: int) -> int | None:
    """A whole-number percentage, rounded half up; ``None`` when there is nothing to share."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass
class Row:
    """One line of a report: a course or a sector in one year."""

    label: str
    sessions: int = 0
    places: int = 0
    booked: int = 0
    attendees: int = 0
    did_not_come: int = 0
    not_attending: int = 0
    cancelled: int = 0
    evaluations: int = 0
    ratings: int = 0
    ratings_good: int = 0
    likely: int = 0
    surveys_due: int = 0
    surveys_answered: int = 0
    practice_changed: int = 0
    manager_answers: int = 0
    manager_saw_change: int = 0
    element_good: dict[str, list[int]] = field(default_factory=dict)

    @property
    def attendance_rate(self) -> int | None:
        """Attendees as a share of the places booked at the start of the session."""
        return _share(self.attendees, self.attendees + self.did_not_come)

    @property
    def response_rate(self) -> int | None:
        """Evaluations as a share of attendees."""
        return _share(self.evaluations, self.attendees)

    @property
    def good_share(self) -> int | None:
        """Ratings of good or very good, as a share of every rating of every element."""
        return _share(self.ratings_good, self.ratings)

    @property
    def likely_share(self) -> int | None:
        """Evaluations likely or very likely to change practice, as a share of evaluations."""
        return _share(self.likely, self.evaluations)

    @property
    def survey_response_rate(self) -> int | None:
        """Impact surveys answered, as a share of those that have opened."""
        return _share(self.surveys_answered, self.surveys_due)

    @property
    def changed_share(self) -> int | None:
        """Learners who say their practice changed, as a share of those who answered."""
        return _share(self.practice_changed, self.surveys_answered)

    @property
    def manager_changed_share(self) -> int | None:
        """Managers who saw practice change, as a share of managers who answered."""
        return _share(self.manager_saw_change, self.manager_answers)

    def elements(self) -> list[tuple[str, int | None]]:
        """Each element with its share rated good or very good."""
        return [(label, _share(*self.element_good.get(code, [0, 0]))) for code, label in ELEMENTS]


CHANGED = {PracticeChange.A_LOT, PracticeChange.A_LITTLE}


def _add_booking(row: Row, booking: Booking) -> None:
    if booking.status == BookingStatus.NOT_ATTENDING:
        row.not_attending += 1
        return
    if booking.status == BookingStatus.CANCELLED:
        row.cancelled += 1
        return
    if booking.status != BookingStatus.BOOKED:
        return
    row.booked += 1
    if booking.attended:
        row.attendees += 1
    elif booking.attended is False:
        row.did_not_come += 1
    evaluation: Evaluation | None = getattr(booking, "evaluation", None)
    if evaluation is not None and booking.attended:
        row.evaluations += 1
        for code, value in evaluation.ratings.items():
            counts = row.element_good.setdefault(code, [0, 0])
            good = int(value) >= Rating.GOOD
            counts[0] += int(good)
            counts[1] += 1
            row.ratings += 1
            row.ratings_good += int(good)
        row.likely += int(evaluation.likelihood >= 4)  # noqa: PLR2004 - likely or very likely
    survey: ImpactSurvey | None = getattr(booking, "impact", None)
    if survey is not None and survey.status != SurveyStatus.NOT_YET:
        row.surveys_due += 1
        if survey.learner_answered_at is not None:
            row.surveys_answered += 1
            row.practice_changed += int(survey.practice_changed in CHANGED)
        if survey.manager_answered_at is not None:
            row.manager_answers += 1
            row.manager_saw_change += int(survey.manager_saw_change in CHANGED)


@dataclass
class Report:
    """The year's figures by course and by sector, with the totals and the e-learning."""

    year: int
    courses: list[Row]
    sectors: list[Row]
    total: Row
    elearning: list[tuple[str, int, int]]
    elearning_total: tuple[int, int]


def report(*, year: int) -> Report:
    """The figures for the partnership year starting 1 April ``year``.

    Sessions held (not cancelled) that started in the year; attendees are people
    ticked on the register; response rates, shares of good or very good ratings,
    and shares likely to change practice follow the annual report's own measures.
    """
    start, end = year_bounds(year)
    sessions = list(
        Session.objects.filter(starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
        .select_related("course")
        .prefetch_related("bookings__evaluation", "bookings__impact")
        .order_by("course__title", "starts_at")
    )
    by_course: dict[str, Row] = {}
    by_sector: dict[str, Row] = {}
    total = Row(label="All courses")
    labels = dict(AgencyKind.choices)
    for session in sessions:
        row = by_course.setdefault(session.course.title, Row(label=session.course.title))
        for target in (row, total):
            target.sessions += 1
            target.places += session.capacity
        for booking in session.bookings.all():
            _add_booking(row, booking)
            _add_booking(total, booking)
            sector = str(labels.get(booking.sector, "Not known")) if booking.sector else "Not known"
            sector_row = by_sector.setdefault(sector, Row(label=sector))
            _add_booking(sector_row, booking)
    for sector_row in by_sector.values():
        sector_row.sessions = 0
    elearning = (
        ElearningRecord.objects.filter(
            registered_on__gte=start.date(), registered_on__lt=end.date()
        )
        .values("sector")
        .annotate(
            registered=Count("pk"),
            completed=Count("pk", filter=Q(completed_on__isnull=False)),
        )
        .order_by("sector")
    )
    e_rows = [
        (str(labels.get(r["sector"], r["sector"])), r["registered"], r["completed"])
        for r in elearning
    ]
    e_rows.sort()
    return Report(
        year=year,
        courses=list(by_course.values()),
        sectors=sorted(by_sector.values(), key=lambda r: r.label),
        total=total,
        elearning=e_rows,
        elearning_total=(sum(r[1] for r in e_rows), sum(r[2] for r in e_rows)),
    )


def report_years() -> list[int]:
    """The partnership years that have sessions, newest first (this year at least)."""
    years = {year_of(timezone.localdate())}
    first = Session.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is not None:
        years.update(range(year_of(first.astimezone(UK).date()), max(years) + 1))
    return sorted(years, reverse=True)
