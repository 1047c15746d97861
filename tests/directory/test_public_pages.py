"""The public pages: plain English, no sign-in, no cookies, visits counted without tracking anyone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.directory import booking, services
from safeguard.directory.models import EventInterest, PageVisit, PublicEvent

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/worried-about-a-child/",
    "/worried-about-a-child/other-formats/",
    "/services/",
    "/services/?q=drugs&age=15&need=substance_misuse&area=City+of+York",
    "/news/",
    "/events/",
    "/newsletter/",
]


class TestWorriedAboutAChild:
    def test_it_gives_the_mash_the_emergency_duty_team_999_and_what_happens_next(self, client):
        text = client.get("/worried-about-a-child/").content.decode()
        assert "Multi-Agency Safeguarding Hub (MASH)" in text
        assert "01904 551900" in text
        assert "MASH@york.gov.uk" in text
        assert "Emergency Duty Team (EDT)" in text
        assert "0300 131 2131" in text
        assert "phone 999" in text
        assert "What happens next" in text
        assert "/worried-about-a-child/other-formats/" in text

    def test_the_numbers_come_from_settings_when_a_partnership_sets_its_own(self, client, settings):
        settings.SAFEGUARD_MASH_PHONE = "01234 567890"
        assert "01234 567890" in client.get("/worried-about-a-child/").content.decode()

    def test_other_formats_lists_the_strategy_languages_and_how_to_ask(self, client):
        text = client.get("/worried-about-a-child/other-formats/").content.decode()
        for language in ("Cantonese", "Bengali", "Polish", "Turkish", "Urdu"):
            assert language in text
        assert "mailto:MASH@york.gov.uk?subject=Request" in text


class TestNoSignInAndNoCookies:
    @pytest.mark.parametrize("path", PUBLIC_PAGES)
    def test_anyone_reads_the_page_and_gets_no_cookie(self, client, york, path):
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies
        assert "Set-Cookie" not in response

    def test_a_signed_in_person_sees_the_same_page(self, signed_in, practitioner, york):
        assert (
            "Worried about a child?"
            in signed_in(practitioner).get("/worried-about-a-child/").content.decode()
        )


class TestVisitCounts:
    def test_each_view_adds_one_to_the_day_for_the_path_and_nothing_else_is_kept(
        self, client, york
    ):
        for _ in range(3):
            client.get(
                "/worried-about-a-child/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Browser"
            )
        client.get("/services/?age=12")
        client.get("/services/not-a-page/")
        rows = {(v.path, v.day): v.count for v in PageVisit.objects.all()}
        today = timezone.localdate()
        assert rows == {("/worried-about-a-child/", today): 3, ("/services/", today): 1}
        fields = {f.name for f in PageVisit._meta.get_fields()}
        assert fields == {"id", "path", "day", "count"}


class TestTheDirectoryPages:
    def test_a_bad_age_gets_the_govuk_error_summary(self, client, york):
        response = client.get("/services/", {"age": "fourteen"})
        assert response.status_code == 400
        assert "Enter the age as a number, like 14" in response.content.decode()

    def test_a_search_finds_the_service_and_its_page_says_how_to_refer(self, client, york):
        text = client.get("/services/", {"age": 15, "need": "going_missing"}).content.decode()
        assert "3 services found" in text
        assert "North Yorkshire SOS+" in text
        link = text.split("North Yorkshire SOS+")[0].rsplit('href="/services/', 1)[1].split('"')[0]
        page = client.get(f"/services/{link}").content.decode()
        assert "How to refer or get help" in page


class TestEvents:
    @pytest.fixture
    def event(self, business_unit):
        start = timezone.now() + dt.timedelta(days=5)
        return services.event_save(
            by=business_unit,
            event=None,
            title="Partner briefing",
            kind="briefing",
            description="About.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            location="Online",
        )

    def test_registering_twice_keeps_one_and_both_answers_read_the_same(self, client, event):
        data = {"name": "Sam Jones", "email": "sam@example.org", "organisation": "A school"}
        first = client.post(f"/events/{event.slug}/", data)
        second = client.post(f"/events/{event.slug}/", {**data, "email": "SAM@example.org"})
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        assert EventInterest.objects.count() == 1
        assert not first.cookies

    def test_a_missing_name_is_a_govuk_error(self, client, event):
        response = client.post(f"/events/{event.slug}/", {"email": "sam@example.org"})
        assert response.status_code == 400
        assert "Enter your name" in response.content.decode()

    def test_a_training_handler_can_take_the_booking_instead(self, client, event):
        def training(*, event: PublicEvent, **details: str) -> str | None:
            return "Booked: see your training account." if event.training_course else None

        booking.register_booking_handler(training)
        try:
            PublicEvent.objects.filter(pk=event.pk).update(training_course="SAFE-101")
            response = client.post(
                f"/events/{event.slug}/", {"name": "Sam", "email": "sam@example.org"}
            )
        finally:
            booking.unregister_booking_handler(training)
        assert "Booked: see your training account." in response.content.decode()
        assert EventInterest.objects.count() == 0

    def test_an_event_linked_to_a_course_books_a_training_place_once(
        self, client, event, business_unit
    ):
        from safeguard.training.models import Booking, Course, Mode, Session

        course = Course.objects.create(
            slug="partner-briefings", title="Partner briefings", created_at=timezone.now()
        )
        Session.objects.create(
            course=course,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            mode=Mode.VIRTUAL,
            trainer=business_unit,
            capacity=20,
            open_to_public=True,
            created_at=timezone.now(),
        )
        PublicEvent.objects.filter(pk=event.pk).update(training_course="partner-briefings")
        data = {"name": "Sam Jones", "email": "sam@example.org", "organisation": "A school"}
        first = client.post(f"/events/{event.slug}/", data).content.decode()
        second = client.post(f"/events/{event.slug}/", data).content.decode()
        assert "confirm whether you have a place" in first
        assert "confirm whether you have a place" in second
        assert Booking.objects.filter(email="sam@example.org").count() == 1
        assert EventInterest.objects.count() == 0

    def test_the_calendar_shows_awareness_days(self, client):
        from safeguard.directory.models import AwarenessDay

        year = timezone.localdate().year + 1
        AwarenessDay.objects.create(
            name="National Child Exploitation Awareness Day",
            starts_on=dt.date(year, 3, 18),
            ends_on=dt.date(year, 3, 18),
        )
        assert (
            "National Child Exploitation Awareness Day" in client.get("/events/").content.decode()
        )


class TestPublicFormsNeedNoCookie:
    def test_sign_up_and_registering_work_without_a_csrf_cookie(self, business_unit):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        response = strict.post("/newsletter/", {"email": "parent@example.org"})
        assert response.status_code == 302
        assert not response.cookies
        start = timezone.now() + dt.timedelta(days=5)
        event = services.event_save(
            by=business_unit,
            event=None,
            title="Briefing",
            kind="briefing",
            description="About.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            location="Online",
        )
        registered = strict.post(
            f"/events/{event.slug}/", {"name": "Sam", "email": "sam@example.org"}
        )
        assert registered.status_code == 200
        assert EventInterest.objects.count() == 1


class TestSearchEngines:
    def test_public_pages_may_be_listed_and_signed_in_pages_may_not(self, client, practitioner):
        public = client.get("/worried-about-a-child/").content.decode()
        assert '<meta name="robots" content="index, follow">' in public
        signed_in = client.get("/sign-in/").content.decode()
        assert '<meta name="robots" content="noindex, nofollow">' in signed_in
