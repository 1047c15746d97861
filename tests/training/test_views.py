"""The training pages: booking, changing a booking, the register, evaluation and certificates."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from safeguard.core.models import AuditEvent
from safeguard.training import services
from safeguard.training.models import Booking, BookingStatus, Evaluation

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


class TestBookingOnThePage:
    def test_a_practitioner_books_then_the_full_session_offers_the_waiting_list(
        self, partnership, make_session, signed_in
    ):
        session = make_session(capacity=1)
        url = f"/training/sessions/{session.pk}/"
        page = signed_in(partnership.learner).get(url)
        assert "Book a place" in _text(page)
        response = signed_in(partnership.learner).post(url, {"action": "book"}, follow=True)
        assert "Place booked: You are booked on this session" in _text(response)
        assert "https://meet.example.org/aim3" in _text(response)  # the link, once booked
        other = signed_in(partnership.officer)
        assert "Join the waiting list" in _text(other.get(url))
        response = other.post(url, {"action": "book"}, follow=True)
        assert "The session is full: You are on the waiting list" in _text(response)

    def test_booking_twice_says_so_and_saves_nothing(self, partnership, make_session, signed_in):
        session = make_session()
        client = signed_in(partnership.learner)
        url = f"/training/sessions/{session.pk}/"
        client.post(url, {"action": "book"})
        # A second tab still shows the button: the service refuses, with a message.
        again = client.post(url, {"action": "book"})
        assert "You are already booked on this session" in _text(again)
        assert Booking.objects.filter(session=session).count() == 1

    def test_a_manager_books_for_their_team_from_the_page(
        self, partnership, make_session, signed_in
    ):
        session = make_session()
        url = f"/training/sessions/{session.pk}/"
        page = signed_in(partnership.manager).get(url)
        assert "Book for someone in your team" in _text(page)
        assert "Lee Learner" in _text(page)
        assert "Olu Officer" not in _text(page)
        response = signed_in(partnership.manager).post(
            url, {"action": "book_for", "learner": partnership.learner.pk}, follow=True
        )
        assert "Lee Learner is booked on this session" in _text(response)
        missing = signed_in(partnership.manager).post(url, {"action": "book_for"})
        assert "Select who in your team is coming" in _text(missing)

    def test_cancel_or_not_attending_from_the_page(self, partnership, make_session, signed_in):
        session = make_session()
        booking = services.booking_create(
            by=partnership.learner, session=session, learner=partnership.learner
        ).booking
        url = f"/training/bookings/{booking.pk}/change/"
        empty = signed_in(partnership.learner).post(url, {})
        assert "Select whether you cannot attend or want to cancel" in _text(empty)
        done = signed_in(partnership.learner).post(
            url, {"what": "not_attending", "reason": "Court date"}, follow=True
        )
        assert "Apologies recorded" in _text(done)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.NOT_ATTENDING
        assert signed_in(partnership.officer).get(url).status_code == 404


@pytest.fixture
def held(partnership, make_session):
    session = make_session(days=-1, capacity=5)
    before = session.starts_at - dt.timedelta(days=7)
    came, missed = (
        services.booking_create(by=p, session=session, learner=p, now=before).booking
        for p in (partnership.learner, partnership.officer)
    )
    return session, came, missed


class TestTheRegisterPage:
    def test_the_trainer_ticks_who_came(self, partnership, held, signed_in):
        session, came, missed = held
        url = f"/training/sessions/{session.pk}/register/"
        page = signed_in(partnership.trainer).get(url)
        assert "Lee Learner" in _text(page)
        assert "Olu Officer" in _text(page)
        response = signed_in(partnership.trainer).post(url, {"attended": [came.pk]}, follow=True)
        assert "Register saved: 1 of 2 came" in _text(response)
        came.refresh_from_db()
        missed.refresh_from_db()
        assert (came.attended, missed.attended) == (True, False)

    def test_nobody_else_opens_the_register(self, partnership, held, signed_in):
        session, _, _ = held
        url = f"/training/sessions/{session.pk}/register/"
        assert signed_in(partnership.learner).get(url).status_code == 404
        assert signed_in(partnership.unit).get(url).status_code == 200


class TestEvaluationAndCertificate:
    def test_an_attendee_evaluates_and_downloads_a_certificate(self, partnership, held, signed_in):
        from pypdf import PdfReader

        session, came, _ = held
        services.register_record(by=partnership.trainer, session=session, attended={came.pk: True})
        client = signed_in(partnership.learner)
        url = f"/training/bookings/{came.pk}/evaluation/"
        missing = client.post(url, {})
        assert "Rate the content of the course" in _text(missing)
        data = {f"rating_{code}": "4" for code in ("content", "trainer", "materials", "quality")}
        response = client.post(url, {**data, "likelihood": "5", "comments": "Useful"}, follow=True)
        assert "Thank you: your evaluation is saved" in _text(response)
        assert Evaluation.objects.get(booking=came).likelihood == 5
        pdf = client.get(f"/training/bookings/{came.pk}/certificate.pdf")
        assert pdf["Content-Type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Certificate of attendance" in text
        assert "Lee Learner" in text
        assert "Using the AIM3 assessment" in text
        assert session.starts_at.strftime("%-d %B %Y") in text  # the completion date
        assert AuditEvent.objects.filter(object_type="training_certificate").exists()

    def test_someone_who_did_not_come_cannot_evaluate_or_have_a_certificate(
        self, partnership, held, signed_in
    ):
        session, came, missed = held
        services.register_record(by=partnership.trainer, session=session, attended={came.pk: True})
        client = signed_in(partnership.officer)
        page = client.get(f"/training/bookings/{missed.pk}/evaluation/")
        assert "Only people who came to the session can evaluate it" in _text(page)
        data = {f"rating_{code}": "4" for code in ("content", "trainer", "materials", "quality")}
        client.post(f"/training/bookings/{missed.pk}/evaluation/", {**data, "likelihood": "5"})
        assert not Evaluation.objects.exists()
        assert client.get(f"/training/bookings/{missed.pk}/certificate.pdf").status_code == 404
        # Nobody reads someone else's.
        assert client.get(f"/training/bookings/{came.pk}/certificate.pdf").status_code == 404


class TestTheBusinessUnitsPages:
    def test_the_business_unit_adds_a_course_and_plans_a_session(self, partnership, signed_in):
        client = signed_in(partnership.unit)
        response = client.post(
            "/training/manage/courses/new/",
            {
                "title": "Developing an Understanding of Harmful Sexual Behaviour",
                "audience": "Practitioners in every agency",
                "learning_outcomes": "Know the continuum of behaviour\nKnow where to refer",
            },
            follow=True,
        )
        assert "Course saved" in _text(response)
        day = dt.date.today() + dt.timedelta(days=30)  # noqa: DTZ011 - a date only
        bad = client.post(
            "/training/manage/courses/developing-an-understanding-of-harmful-sexual-behaviour/sessions/new/",
            {
                "date_day": day.day,
                "date_month": day.month,
                "date_year": day.year,
                "start_time": "13:00",
                "end_time": "10:00",
                "mode": "in_person",
                "capacity": "20",
            },
        )
        text = _text(bad)
        assert "The session must end after it starts" in text
        assert "Enter the venue for a session in person" in text
        good = client.post(
            "/training/manage/courses/developing-an-understanding-of-harmful-sexual-behaviour/sessions/new/",
            {
                "date_day": day.day,
                "date_month": day.month,
                "date_year": day.year,
                "start_time": "09:30",
                "end_time": "12:30",
                "mode": "in_person",
                "venue": "West Offices, York",
                "capacity": "20",
                "trainer": partnership.trainer.pk,
            },
            follow=True,
        )
        assert "Session planned" in _text(good)
        assert "West Offices, York" in _text(good)

    def test_practitioners_do_not_manage(self, partnership, signed_in):
        client = signed_in(partnership.learner)
        for url in ("/training/manage/", "/training/records/", "/training/e-learning/"):
            assert client.get(url).status_code == 404

    def test_the_training_page_lists_what_the_learner_must_do(self, partnership, held, signed_in):
        session, came, _ = held
        services.register_record(by=partnership.trainer, session=session, attended={came.pk: True})
        page = _text(signed_in(partnership.learner).get("/training/"))
        assert "Evaluate Using the AIM3 assessment" in page
        assert "download your certificate" in page
        assert "Using the AIM3 assessment, trained" in page
