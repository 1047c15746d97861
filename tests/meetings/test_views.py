"""Meeting pages: who may open each, what each person sees of the agenda, and bounded queries."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguard.core.models import AuditEvent, Role
from safeguard.meetings import services
from safeguard.meetings.events import MeetingEvent
from safeguard.meetings.models import AgendaItem, Attendance, ItemKind, Meeting, Response
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _agenda(p, meeting):
    ava = services.item_add(
        by=p.chair, meeting=meeting, kind=ItemKind.CHILD, title="Missing twice", person=p.ava
    )
    noah = services.item_add(
        by=p.chair, meeting=meeting, kind=ItemKind.CHILD, title="Seen with adults", person=p.noah
    )
    topic = services.item_add(
        by=p.chair, meeting=meeting, kind=ItemKind.TOPIC, title="Hotspot: the retail park"
    )
    return ava, noah, topic


def _pages(meeting: Meeting, item: AgendaItem) -> list[str]:
    base = f"/meetings/{meeting.reference}/"
    return [
        base,
        f"{base}calendar.ics",
        f"{base}minutes/",
        f"{base}items/{item.pk}/",
    ]


class TestWhoMayOpenAMeeting:
    def test_the_chair_and_invited_agencies_open_every_page(self, partnership, meeting, signed_in):
        item = _agenda(partnership, meeting)[2]
        for user in (partnership.chair, partnership.officer, partnership.worker):
            client = signed_in(user)
            for path in _pages(meeting, item):
                assert client.get(path).status_code == 200, (user, path)

    def test_an_agency_not_invited_is_told_the_meeting_does_not_exist(
        self, partnership, meeting, signed_in
    ):
        item = _agenda(partnership, meeting)[2]
        client = signed_in(partnership.teacher)
        for path in [*_pages(meeting, item), f"/meetings/{meeting.reference}/outcome/"]:
            assert client.get(path).status_code == 404, path
        assert AuditEvent.objects.filter(
            outcome="refused", object_type=MeetingEvent.MEETING
        ).exists()

    def test_signed_out_people_are_sent_to_sign_in(self, partnership, meeting):
        response = Client().get(f"/meetings/{meeting.reference}/")
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]

    def test_only_the_chair_can_change_the_meeting(self, partnership, meeting, signed_in):
        ava = _agenda(partnership, meeting)[0]
        client = signed_in(partnership.officer)
        base = f"/meetings/{meeting.reference}/"
        for path in (
            f"{base}attendance/",
            f"{base}items/add/",
            f"{base}finalise/",
            f"{base}items/{ava.pk}/decisions/",
            f"{base}items/{ava.pk}/actions/",
        ):
            assert client.post(path, {}).status_code == 404, path
        assert client.post(f"{base}items/{ava.pk}/", {"discussion": "x"}).status_code == 404

    def test_the_meetings_list_shows_mine_and_the_navigation_links_to_it(
        self, partnership, meeting, signed_in
    ):
        response = signed_in(partnership.officer).get("/meetings/")
        assert response.status_code == 200
        assert meeting.title in response.text
        assert 'href="/meetings/"' in response.text
        analyst = partnership.chair.__class__.objects.create_user(
            username="nobody.analyst", agency=AgencyFactory()
        )
        analyst.roles.set(Role.objects.filter(code=Role.ANALYST))
        assert signed_in(analyst).get("/meetings/").status_code == 404


class TestItemLevelVisibility:
    def test_a_partner_sees_only_children_their_agency_may_see(
        self, partnership, meeting, signed_in
    ):
        p = partnership
        _agenda(p, meeting)
        page = signed_in(p.officer).get(f"/meetings/{meeting.reference}/").text
        assert "Ava Brook" not in page
        assert "Noah Stone" not in page
        assert "Hotspot: the retail park" in page
        assert "2 other items" in page
        chair_page = signed_in(p.chair).get(f"/meetings/{meeting.reference}/").text
        assert "Ava Brook" in chair_page
        assert "Noah Stone" in chair_page

    def test_a_partner_invited_for_one_child_sees_that_item_only(
        self, partnership, meeting, signed_in
    ):
        p = partnership
        ava, noah, topic = _agenda(p, meeting)
        InvolvementFactory(person=p.noah, agency=p.school)  # the school may see both children
        services.invitation_add(by=p.chair, meeting=meeting, agency=p.school, items=[ava])
        client = signed_in(p.teacher)
        page = client.get(f"/meetings/{meeting.reference}/").text
        assert "Ava Brook" in page
        assert "Noah Stone" not in page
        assert "Hotspot" not in page
        assert client.get(f"/meetings/{meeting.reference}/items/{noah.pk}/").status_code == 404
        assert client.get(f"/meetings/{meeting.reference}/items/{topic.pk}/").status_code == 404

    def test_an_absent_agency_sees_only_its_items_outcome(self, partnership, meeting, signed_in):
        p = partnership
        ava, noah, _topic = _agenda(p, meeting)
        school = services.invitation_add(by=p.chair, meeting=meeting, agency=p.school, items=[ava])
        for item in (ava, noah):
            services.item_notes_save(by=p.chair, item=item, notes={"child_voice": "Heard"})
        services.decision_add(by=p.chair, item=ava, text="Refer to the exploitation team")
        services.decision_add(by=p.chair, item=noah, text="Disrupt the older contacts")
        services.attendance_record(
            by=p.chair, meeting=meeting, attendance={school.pk: Attendance.APOLOGIES}
        )
        services.minutes_finalise(by=p.chair, meeting=meeting)
        page = signed_in(p.teacher).get(f"/meetings/{meeting.reference}/outcome/").text
        assert "Refer to the exploitation team" in page
        assert "Disrupt the older contacts" not in page
        assert "Noah Stone" not in page


class TestRunningTheMeeting:
    def test_notes_save_without_javascript_and_by_autosave(self, partnership, meeting, signed_in):
        ava = _agenda(partnership, meeting)[0]
        client = signed_in(partnership.chair)
        path = f"/meetings/{meeting.reference}/items/{ava.pk}/"
        response = client.post(path, {"discussion": "Went missing on Friday"})
        assert response.status_code == 302
        response = client.post(
            path, {"discussion": "Went missing on Friday and Sunday"}, headers={"X-Autosave": "1"}
        )
        assert response.status_code == 204
        ava.refresh_from_db()
        assert ava.discussion == "Went missing on Friday and Sunday"
        assert "Went missing on Friday and Sunday" in client.get(path).text

    def test_finalising_with_an_action_lacking_an_owner_shows_a_govuk_error(
        self, partnership, meeting, signed_in
    ):
        topic = _agenda(partnership, meeting)[2]
        services.action_add(by=partnership.chair, item=topic, description="Patrols")
        client = signed_in(partnership.chair)
        response = client.post(f"/meetings/{meeting.reference}/finalise/")
        assert response.status_code == 400
        assert "govuk-error-summary" in response.text
        assert "choose who owns the action" in response.text
        assert "record the child&#x27;s voice" in response.text

    def test_an_invited_agency_answers_and_downloads_the_calendar_file(
        self, partnership, meeting, signed_in
    ):
        client = signed_in(partnership.officer)
        invitation = meeting.invitations.get(agency=partnership.police)
        response = client.post(
            f"/meetings/{meeting.reference}/invitations/{invitation.pk}/answer/",
            {"response": Response.SUBSTITUTE},
        )
        assert response.status_code == 400
        assert "Enter the name of the person coming instead" in response.text
        client.post(
            f"/meetings/{meeting.reference}/invitations/{invitation.pk}/answer/",
            {"response": Response.APOLOGIES},
        )
        invitation.refresh_from_db()
        assert invitation.response == Response.APOLOGIES
        ics = client.get(f"/meetings/{meeting.reference}/calendar.ics")
        assert ics["Content-Type"] == "text/calendar"
        assert b"BEGIN:VEVENT" in ics.content
        assert meeting.reference.encode() in ics.content
        assert b"Ava" not in ics.content

    def test_arranging_a_meeting_from_the_form(self, partnership, signed_in, meeting):
        client = signed_in(partnership.chair)
        day = meeting.starts_at.date()
        response = client.post(
            "/meetings/arrange/",
            {
                "kind": partnership.strategy.pk,
                "title": "Strategy meeting",
                "date_day": day.day,
                "date_month": day.month,
                "date_year": day.year,
                "time": "10:30",
                "duration_minutes": 60,
                "agencies": [partnership.csc.pk, partnership.police.pk],
            },
        )
        assert response.status_code == 200
        assert "The chair already has a meeting then" in response.text
        assert "govuk-error-summary" in response.text


class TestAMeetingPageWithFortyItems:
    def test_the_number_of_queries_does_not_grow_with_the_items(
        self, partnership, meeting, signed_in, django_assert_max_num_queries
    ):
        p = partnership
        client = signed_in(p.officer)
        _agenda(p, meeting)
        with django_assert_max_num_queries(40) as small:
            assert client.get(f"/meetings/{meeting.reference}/").status_code == 200
        for n in range(37):
            child = PersonFactory()
            InvolvementFactory(person=child, agency=p.police)
            item = services.item_add(
                by=p.chair, meeting=meeting, kind=ItemKind.TOPIC, title=f"Topic {n}"
            )
            services.decision_add(by=p.chair, item=item, text="Noted")
        with django_assert_max_num_queries(len(small.captured_queries) + 2):
            response = client.get(f"/meetings/{meeting.reference}/")
        assert response.text.count("Noted") == 0  # decisions are counted on the agenda
        assert "Topic 36" in response.text


class TestTheMinutesAsAPdf:
    def test_the_pdf_is_marked_and_audited_as_an_export(self, partnership, meeting, signed_in):
        _agenda(partnership, meeting)
        response = signed_in(partnership.officer).get(f"/meetings/{meeting.reference}/minutes.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        exported = AuditEvent.objects.get(action="export", object_type=MeetingEvent.MEETING_MINUTES)
        assert exported.changes["children"] == []  # the police may see neither child
        assert (
            signed_in(partnership.teacher)
            .get(f"/meetings/{meeting.reference}/minutes.pdf")
            .status_code
            == 404
        )
