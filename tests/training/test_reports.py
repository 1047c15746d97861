"""The year's figures per course and per sector, worked out by hand; the e-learning import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.training import elearning, reminders, selectors, services
from safeguard.training.models import ElearningRecord, Mode, Session

from .conftest import at

pytestmark = pytest.mark.django_db


def _session(course, day: dt.date, capacity: int, trainer) -> Session:
    return Session.objects.create(
        course=course,
        starts_at=at(day, 9),
        ends_at=at(day, 12),
        mode=Mode.VIRTUAL,
        joining_link="https://meet.example.org/x",
        trainer=trainer,
        capacity=capacity,
        created_at=timezone.now(),
    )


def _clock(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC)


@pytest.fixture
def year_2024(partnership):
    """A year (April 2024 to March 2025) of two courses, worked out by hand in the tests."""
    p = partnership
    a = services.course_save(
        by=p.unit,
        slug="working-together-a",
        title="Safeguarding Children: Working Together A",
        audience="Everyone who works with children",
        learning_outcomes="Know what to do when worried about a child",
    )
    b = p.course  # Using the AIM3 assessment: asks the manager six months on

    def book(session, person):
        return services.booking_create(
            by=person,
            session=session,
            learner=person,
            now=session.starts_at - dt.timedelta(days=20),
        ).booking

    a1 = _session(a, dt.date(2024, 6, 10), 3, p.trainer)
    a1_manager = book(a1, p.manager)
    services.booking_end(
        by=p.manager,
        booking=a1_manager,
        not_attending=True,
        now=a1.starts_at - dt.timedelta(days=5),
    )
    a1_learner, a1_officer, a1_colleague = (
        book(a1, x) for x in (p.learner, p.officer, p.colleague)
    )
    services.register_record(
        by=p.trainer,
        session=a1,
        attended={a1_learner.pk: True, a1_officer.pk: True, a1_colleague.pk: False},
    )
    a2 = _session(a, dt.date(2024, 9, 16), 2, p.trainer)
    a2_colleague, a2_officer = book(a2, p.colleague), book(a2, p.officer)
    services.booking_end(by=p.officer, booking=a2_officer, now=a2.starts_at - dt.timedelta(days=2))
    services.register_record(by=p.trainer, session=a2, attended={a2_colleague.pk: True})
    b1 = _session(b, dt.date(2024, 7, 8), 1, p.trainer)
    b1_learner = book(b1, p.learner)
    book(b1, p.officer)  # waits; never given a place
    services.register_record(by=p.trainer, session=b1, attended={b1_learner.pk: True})
    # Outside the year, and a cancelled session inside it: neither counts.
    before = _session(a, dt.date(2024, 3, 11), 5, p.trainer)
    services.register_record(
        by=p.trainer, session=before, attended={book(before, p.learner).pk: True}
    )
    cancelled = _session(a, dt.date(2024, 11, 4), 5, p.trainer)
    book(cancelled, p.learner)
    Session.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())

    def evaluate(booking, ratings, likelihood):
        content, trainer, materials, quality = ratings
        services.evaluation_submit(
            by=booking.learner,
            booking=booking,
            ratings={
                "content": content,
                "trainer": trainer,
                "materials": materials,
                "quality": quality,
            },
            likelihood=likelihood,
        )

    evaluate(a1_learner, (4, 4, 3, 2), 5)
    evaluate(a1_officer, (3, 3, 1, 2), 3)
    evaluate(b1_learner, (4, 4, 4, 4), 4)

    def survey(booking):
        booking.impact.refresh_from_db()
        return booking.impact

    reminders.reminders_send(now=_clock(dt.date(2024, 12, 10)))  # A1's surveys open
    services.impact_answer(
        by=p.learner,
        survey=survey(a1_learner),
        practice_changed="a_lot",
        now=_clock(dt.date(2024, 12, 11)),
    )
    reminders.reminders_send(now=_clock(dt.date(2025, 1, 8)))  # B1's survey opens
    services.impact_answer(by=p.learner, survey=survey(b1_learner), practice_changed="a_little")
    services.impact_manager_answer(by=p.manager, survey=survey(b1_learner), saw_change="a_lot")
    reminders.reminders_send(now=_clock(dt.date(2025, 1, 25)))  # the officer's A1 survey expires
    reminders.reminders_send(now=_clock(dt.date(2025, 3, 16)))  # A2's survey opens
    services.impact_answer(by=p.colleague, survey=survey(a2_colleague), practice_changed="no")
    return a, b


class TestTheYearsReport:
    def test_per_course(self, year_2024):
        report = selectors.report(year=2024)
        rows = {r.label: r for r in report.courses}
        a = rows["Safeguarding Children: Working Together A"]
        # A1: learner and officer came, colleague did not, the manager sent apologies.
        # A2: colleague came, officer cancelled.
        assert (a.sessions, a.attendees, a.did_not_come, a.not_attending, a.cancelled) == (
            2,
            3,
            1,
            1,
            1,
        )
        # 2 evaluations of 3 attendees; ratings good or better 3 + 2 of 8; likely 1 of 2.
        assert (a.evaluations, a.response_rate) == (2, 67)
        assert (a.ratings_good, a.ratings, a.good_share) == (5, 8, 63)
        assert a.likely_share == 50
        # Surveys: learner answered (a lot), officer's expired, colleague answered (no).
        assert (a.surveys_answered, a.surveys_due, a.survey_response_rate) == (2, 3, 67)
        assert a.changed_share == 50
        # Each element: content 2 of 2, trainer 2 of 2, materials 1 of 2, quality 0 of 2.
        assert [share for _, share in a.elements()] == [100, 100, 50, 0]
        b = rows["Using the AIM3 assessment"]
        assert (b.sessions, b.attendees, b.evaluations, b.good_share, b.likely_share) == (
            1,
            1,
            1,
            100,
            100,
        )
        assert (b.surveys_answered, b.surveys_due, b.changed_share) == (1, 1, 100)
        assert (b.manager_answers, b.manager_changed_share) == (1, 100)

    def test_totals(self, year_2024):
        total = selectors.report(year=2024).total
        assert (total.sessions, total.places, total.attendees) == (3, 6, 4)
        # 3 evaluations of 4 attendees; 9 of 12 ratings good or better; 2 of 3 likely.
        assert (total.response_rate, total.good_share, total.likely_share) == (75, 75, 67)
        # 3 of 4 surveys answered; 2 of 3 say their practice changed.
        assert (total.survey_response_rate, total.changed_share) == (75, 67)
        assert total.attendance_rate == 80  # 4 came of 5 still booked on the day

    def test_per_sector(self, year_2024):
        rows = {r.label: r for r in selectors.report(year=2024).sectors}
        school = rows["Education: school"]
        assert (school.attendees, school.did_not_come, school.not_attending, school.cancelled) == (
            3,
            1,
            1,
            0,
        )
        # The learner's two evaluations: 3 + 4 of 8 ratings good or better, both likely.
        assert (
            school.evaluations,
            school.response_rate,
            school.good_share,
            school.likely_share,
        ) == (2, 67, 88, 100)
        police = rows["Police"]
        assert (police.attendees, police.cancelled, police.evaluations) == (1, 1, 1)
        assert (police.good_share, police.likely_share) == (50, 0)

    def test_the_year_before_holds_only_its_own_session(self, year_2024):
        report = selectors.report(year=2023)
        assert (report.total.sessions, report.total.attendees) == (1, 1)

    def test_the_reports_page_shows_the_figures_to_the_business_unit_only(
        self, partnership, year_2024, signed_in
    ):
        page = signed_in(partnership.unit).get("/training/reports/?year=2024")
        text = page.content.decode()
        assert "Safeguarding Children: Working Together A" in text
        assert "2 (67%)" in text  # evaluations and response rate
        assert "63%" in text
        assert signed_in(partnership.learner).get("/training/reports/").status_code == 404


CSV = """email,course,sector,registered_on,completed_on
ann@school.example.org,Safeguarding Children Awareness,Education: school,2024-05-01,2024-05-03
bob@school.example.org,Safeguarding Children Awareness,education_school,2024-06-01,
cat@school.example.org,Safeguarding Children Awareness,EDUCATION: SCHOOL,01/07/2024,02/07/2024
dan@police.example.org,Safeguarding Children Awareness,Police,2024-07-01,
eve@nowhere.example.org,Safeguarding Children Awareness,Martians,2024-07-01,
not-an-email,Safeguarding Children Awareness,Police,2024-07-01,
fay@school.example.org,Safeguarding Children Awareness,Education: school,2024-08-01,2024-07-01
gus@school.example.org,Safeguarding Children Awareness,Education: school,2023-05-01,2023-05-02
"""


class TestTheElearningImport:
    def test_good_rows_are_kept_and_bad_rows_listed(self, partnership):
        result = elearning.elearning_import(by=partnership.unit, text=CSV)
        assert result.kept == 5
        assert result.rejected == [
            (6, "unknown sector 'Martians'"),
            (7, "the email address is not valid"),
            (8, "it was completed before it was registered"),
        ]
        assert not ElearningRecord.objects.filter(email="eve@nowhere.example.org").exists()
        report = selectors.report(year=2024)
        assert report.elearning == [("Education: school", 3, 2), ("Police", 1, 0)]
        assert report.elearning_total == (4, 2)

    def test_importing_the_same_file_again_adds_nothing(self, partnership):
        elearning.elearning_import(by=partnership.unit, text=CSV)
        elearning.elearning_import(by=partnership.unit, text=CSV)
        assert ElearningRecord.objects.count() == 5

    def test_a_file_without_the_columns_is_refused_whole(self, partnership):
        with pytest.raises(InvalidRequest) as caught:
            elearning.elearning_import(by=partnership.unit, text="name,when\nAnn,2024-01-01\n")
        assert "no column called email" in caught.value.errors["file"]
        assert not ElearningRecord.objects.exists()

    def test_only_the_business_unit_imports(self, partnership):
        with pytest.raises(Forbidden):
            elearning.elearning_import(by=partnership.manager, text=CSV)

    def test_the_page_lists_the_rejected_rows(self, partnership, signed_in):
        from django.core.files.uploadedfile import SimpleUploadedFile

        page = signed_in(partnership.unit).post(
            "/training/e-learning/",
            {"file": SimpleUploadedFile("elearning.csv", CSV.encode(), content_type="text/csv")},
        )
        text = page.content.decode()
        assert "5 rows kept" in text
        assert "Unknown sector &#x27;Martians&#x27;" in text
