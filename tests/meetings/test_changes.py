"""Setting up schedules, cancelling and moving meetings, suggested items and the attendance report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.models import AuditEvent, OutboxMessage, Role
from safeguard.meetings import services
from safeguard.meetings.agenda import (
    SuggestedItem,
    agenda_supplier_register,
    agenda_supplier_unregister,
)
from safeguard.meetings.events import MeetingEvent
from safeguard.meetings.models import (
    AgendaItem,
    Attendance,
    ItemKind,
    Meeting,
    MeetingStatus,
    Schedule,
)
from tests.factories import PersonFactory

from .conftest import arrange_panel, at, next_weekday

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


class TestSettingUpASchedule:
    def _good(self, p, **change):
        return {
            "kind": p.panel.pk,
            "title": "Exploitation panel, York",
            "frequency": "monthly",
            "weekday": "0",
            "week_of_month": "5",
            "time": "10:00",
            "duration_minutes": "90",
            **_date("starts_on", dt.date(2031, 1, 1)),
            **_date("ends_on", dt.date(2031, 12, 31)),
            "location": "West Offices",
            "agencies": [p.csc.pk, p.police.pk],
            **change,
        }

    def test_a_monthly_schedule_on_the_last_monday_skips_bank_holidays_and_keeps_uk_time(
        self, partnership, signed_in
    ):
        p = partnership
        response = signed_in(p.chair).post("/meetings/schedules/new/", self._good(p))
        assert response.status_code == 302
        schedule = Schedule.objects.get()
        meetings = list(schedule.meetings.order_by("starts_at"))
        assert len(meetings) == 12
        local = [timezone.localtime(m.starts_at, UK) for m in meetings]
        assert {t.time() for t in local} == {dt.time(10, 0)}  # 10:00 in winter and in summer
        may, august = local[4], local[7]
        assert may.date() == dt.date(2031, 5, 27)  # 26 May 2031 is the spring bank holiday
        assert meetings[4].moved_from == dt.date(2031, 5, 26)
        assert august.date() == dt.date(2031, 8, 26)  # and 25 August the summer one
        assert {i.agency_id for i in meetings[0].invitations.all()} == {p.csc.pk, p.police.pk}
        assert meetings[0].chair == p.chair

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"week_of_month": ""}, "Select which week of the month it meets"),
            ({"time": "25:00"}, "Start time must be a time like 09:30 or 14:00"),
            ({"agencies": []}, "Select at least one agency to invite"),
            ({"kind": ""}, "Select what kind of meeting it is"),
            (_date("ends_on", dt.date(2030, 12, 1)), "The last date must be on or after"),
        ],
    )
    def test_bad_input_is_a_govuk_error_and_nothing_is_made(
        self, partnership, signed_in, change, message
    ):
        p = partnership
        response = signed_in(p.chair).post("/meetings/schedules/new/", self._good(p, **change))
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert message in response.text
        assert not Schedule.objects.exists()

    def test_a_clash_for_the_chair_is_a_govuk_error(self, partnership, signed_in):
        p = partnership
        services.meeting_arrange(
            by=p.chair,
            kind=p.strategy,
            title="Strategy meeting",
            starts_at=dt.datetime(2031, 1, 27, 10, 30, tzinfo=UK),
            agencies=[p.csc, p.police],
        )
        response = signed_in(p.chair).post("/meetings/schedules/new/", self._good(p))
        assert "The chair already has a meeting then" in response.text
        assert not Schedule.objects.exists()

    def test_people_who_cannot_arrange_meetings_get_page_not_found(self, make_user, signed_in):
        analyst = make_user(Role.ANALYST)
        assert signed_in(analyst).get("/meetings/schedules/new/").status_code == 404


class TestCancellingAMeeting:
    def test_the_chair_cancels_and_every_agency_is_told(self, partnership, meeting, signed_in):
        client = signed_in(partnership.chair)
        assert client.get(f"/meetings/{meeting.reference}/cancel/").status_code == 200
        empty = client.post(f"/meetings/{meeting.reference}/cancel/", {"reason": " "})
        assert "Enter why the meeting is cancelled" in empty.text
        response = client.post(
            f"/meetings/{meeting.reference}/cancel/", {"reason": "The chair is ill."}
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.CANCELLED
        told = OutboxMessage.objects.filter(kind="meeting_cancelled")
        assert told.count() == 2
        assert all("calendar.ics" in m.body for m in told)
        ics = client.get(f"/meetings/{meeting.reference}/calendar.ics").content
        assert b"STATUS:CANCELLED" in ics
        assert b"SEQUENCE:1" in ics
        again = client.post(f"/meetings/{meeting.reference}/cancel/", {"reason": "Twice."})
        assert "You cannot cancel this meeting" in again.text
        assert "Twice." not in again.text

    def test_an_invitee_cannot_cancel(self, partnership, meeting, signed_in):
        response = signed_in(partnership.officer).post(
            f"/meetings/{meeting.reference}/cancel/", {"reason": "No."}
        )
        assert response.status_code == 404
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.SCHEDULED


class TestMovingAMeeting:
    def test_the_chair_moves_it_and_invitees_get_the_updated_calendar_file(
        self, partnership, meeting, signed_in
    ):
        client = signed_in(partnership.chair)
        new_day = next_weekday(3)
        response = client.post(
            f"/meetings/{meeting.reference}/move/",
            {**_date("date", new_day), "time": "14:00", "reason": "Room taken."},
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert timezone.localtime(meeting.starts_at, UK) == at(new_day, 14)
        told = OutboxMessage.objects.filter(kind="meeting_moved")
        assert told.count() == 2
        assert all(f"/meetings/{meeting.reference}/calendar.ics" in m.body for m in told)
        ics = client.get(f"/meetings/{meeting.reference}/calendar.ics").content
        assert b"SEQUENCE:1" in ics
        assert meeting.starts_at.strftime("%Y%m%dT%H%M%SZ").encode() in ics
        assert AuditEvent.objects.filter(
            object_type=MeetingEvent.MEETING, object_id=meeting.reference, action="update"
        ).exists()

    def test_a_time_the_chair_is_busy_is_a_govuk_error(self, partnership, meeting, signed_in):
        p = partnership
        other_day = next_weekday(4)
        services.meeting_arrange(
            by=p.chair,
            kind=p.strategy,
            title="Strategy meeting",
            starts_at=at(other_day, 14),
            agencies=[p.csc, p.police],
        )
        response = signed_in(p.chair).post(
            f"/meetings/{meeting.reference}/move/",
            {**_date("date", other_day), "time": "14:30"},
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert "The chair already has a meeting then" in response.text
        assert not OutboxMessage.objects.filter(kind="meeting_moved").exists()

    def test_bad_times_are_govuk_errors(self, partnership, meeting, signed_in):
        client = signed_in(partnership.chair)
        response = client.post(
            f"/meetings/{meeting.reference}/move/",
            {**_date("date", next_weekday(3)), "time": "half past"},
        )
        assert "New start time must be a time like 09:30 or 14:00" in response.text
        past = client.post(
            f"/meetings/{meeting.reference}/move/",
            {**_date("date", dt.date(2020, 1, 6)), "time": "10:00"},
        )
        assert "govuk-error-summary" in past.text


class TestAMeetingThatCanNoLongerChange:
    """Once its minutes are final, or it is cancelled, a meeting offers no cancel or move."""

    @pytest.fixture(params=["finalised", "cancelled"])
    def ended(self, request, partnership, meeting) -> Meeting:
        if request.param == "finalised":
            services.minutes_finalise(by=partnership.chair, meeting=meeting)
        else:
            services.meeting_cancel(by=partnership.chair, meeting=meeting, reason="Chair ill.")
        meeting.refresh_from_db()
        return meeting

    def test_the_meeting_page_has_no_cancel_or_move_links(self, partnership, ended, signed_in):
        page = signed_in(partnership.chair).get(f"/meetings/{ended.reference}/")
        assert page.status_code == 200
        assert f"/meetings/{ended.reference}/cancel/" not in page.text
        assert f"/meetings/{ended.reference}/move/" not in page.text
        assert "Cancel this meeting" not in page.text
        assert "Move this meeting" not in page.text

    @pytest.mark.parametrize("doing", ["cancel", "move"])
    def test_the_page_says_why_and_offers_no_form(self, partnership, ended, signed_in, doing):
        response = signed_in(partnership.chair).get(f"/meetings/{ended.reference}/{doing}/")
        assert response.status_code == 200
        assert f"You cannot {doing} this meeting" in response.text
        if ended.is_finalised:
            assert "its minutes are finalised" in response.text
            assert f'href="/meetings/{ended.reference}/minutes/"' in response.text
        else:
            assert "This meeting was cancelled: Chair ill." in response.text
        assert f'href="/meetings/{ended.reference}/"' in response.text  # back to the meeting
        main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
        assert "<form" not in main
        assert 'name="reason"' not in response.text
        assert "govuk-error-summary" not in response.text

    def test_posting_a_cancel_changes_nothing(self, partnership, ended, signed_in):
        before = (ended.status, ended.sequence, ended.cancelled_reason)
        told = OutboxMessage.objects.filter(kind="meeting_cancelled").count()
        response = signed_in(partnership.chair).post(
            f"/meetings/{ended.reference}/cancel/", {"reason": "Cancel it anyway."}
        )
        assert response.status_code == 400
        assert "You cannot cancel this meeting" in response.text
        ended.refresh_from_db()
        assert (ended.status, ended.sequence, ended.cancelled_reason) == before
        assert OutboxMessage.objects.filter(kind="meeting_cancelled").count() == told

    def test_posting_a_move_changes_nothing(self, partnership, ended, signed_in):
        before = (ended.starts_at, ended.sequence)
        response = signed_in(partnership.chair).post(
            f"/meetings/{ended.reference}/move/",
            {**_date("date", next_weekday(3)), "time": "14:00"},
        )
        assert response.status_code == 400
        assert "You cannot move this meeting" in response.text
        ended.refresh_from_db()
        assert (ended.starts_at, ended.sequence) == before
        assert not OutboxMessage.objects.filter(kind="meeting_moved").exists()
        assert not AuditEvent.objects.filter(
            object_type=MeetingEvent.MEETING,
            object_id=ended.reference,
            action="update",
            changes__has_key="starts_at",
        ).exists()

    def test_an_empty_post_still_says_why_rather_than_asking_for_a_reason(
        self, partnership, ended, signed_in
    ):
        response = signed_in(partnership.chair).post(f"/meetings/{ended.reference}/cancel/", {})
        assert "You cannot cancel this meeting" in response.text
        assert "Enter why the meeting is cancelled" not in response.text

    def test_an_invitee_still_gets_page_not_found(self, partnership, ended, signed_in):
        client = signed_in(partnership.officer)
        assert client.get(f"/meetings/{ended.reference}/cancel/").status_code == 404
        assert client.get(f"/meetings/{ended.reference}/move/").status_code == 404


class TestAnUpcomingMeetingCanStillChange:
    def test_its_page_links_to_cancel_and_move_and_both_show_their_forms(
        self, partnership, meeting, signed_in
    ):
        client = signed_in(partnership.chair)
        page = client.get(f"/meetings/{meeting.reference}/").text
        assert f'href="/meetings/{meeting.reference}/cancel/"' in page
        assert f'href="/meetings/{meeting.reference}/move/"' in page
        cancel = client.get(f"/meetings/{meeting.reference}/cancel/").text
        assert 'name="reason"' in cancel
        assert "Cancel the meeting" in cancel
        move = client.get(f"/meetings/{meeting.reference}/move/").text
        assert 'name="time"' in move
        assert "Move the meeting" in move
        assert "You cannot" not in cancel + move


class TestSuggestedItems:
    @pytest.fixture
    def supplier(self, partnership):
        def suggest(*, meeting):
            return [
                SuggestedItem(
                    kind=ItemKind.CHILD,
                    title="Missing three times this month",
                    person=partnership.ava,
                    reason="Three missing episodes since the last panel",
                ),
                SuggestedItem(kind=ItemKind.TOPIC, title="Hotspot: the bus station"),
                # A child the chair cannot see is never suggested to them.
                SuggestedItem(kind=ItemKind.CHILD, title="Unknown child", person=stranger),
            ]

        stranger = PersonFactory()
        previous = agenda_supplier_register("exploitation_panel", suggest)
        yield suggest
        agenda_supplier_unregister("exploitation_panel", restore=previous)

    def test_the_chair_sees_suggestions_and_adds_one_to_the_agenda(
        self, partnership, meeting, signed_in, supplier
    ):
        client = signed_in(partnership.chair)
        page = client.get(f"/meetings/{meeting.reference}/").text
        assert "Suggested for the agenda" in page
        assert "Three missing episodes since the last panel" in page
        assert "Unknown child" not in page
        response = client.post(
            f"/meetings/{meeting.reference}/suggestions/",
            {"position": "0", "title": "Missing three times this month"},
        )
        assert response.status_code == 302
        item = AgendaItem.objects.get(meeting=meeting)
        assert item.person == partnership.ava
        assert item.supplied_by == "exploitation_panel"
        assert AuditEvent.objects.filter(
            object_type=MeetingEvent.MEETING_ITEM, object_id=str(item.pk)
        ).exists()
        page = client.get(f"/meetings/{meeting.reference}/").text
        assert "Missing three times this month" in page  # now on the agenda
        assert "Three missing episodes since the last panel" not in page

    def test_a_suggestion_already_added_is_a_govuk_error(
        self, partnership, meeting, signed_in, supplier
    ):
        client = signed_in(partnership.chair)
        data = {"position": "1", "title": "Hotspot: the bus station"}
        assert client.post(f"/meetings/{meeting.reference}/suggestions/", data).status_code == 302
        again = client.post(f"/meetings/{meeting.reference}/suggestions/", data)
        assert again.status_code == 400
        assert "That suggestion is no longer there" in again.text
        assert AgendaItem.objects.filter(meeting=meeting).count() == 1

    def test_invitees_see_no_suggestions_and_cannot_add_them(
        self, partnership, meeting, signed_in, supplier
    ):
        client = signed_in(partnership.officer)
        assert "Suggested for the agenda" not in client.get(f"/meetings/{meeting.reference}/").text
        response = client.post(
            f"/meetings/{meeting.reference}/suggestions/",
            {"position": "1", "title": "Hotspot: the bus station"},
        )
        assert response.status_code == 404
        assert not AgendaItem.objects.exists()


class TestTheAttendanceReport:
    def test_the_business_unit_sees_attendance_by_agency_and_kind(
        self, partnership, make_user, signed_in, django_assert_max_num_queries
    ):
        p = partnership
        for week in range(3):
            held = arrange_panel(p)
            Meeting.objects.filter(pk=held.pk).update(
                starts_at=timezone.now() - dt.timedelta(days=7 * (week + 1)),
                ends_at=timezone.now() - dt.timedelta(days=7 * (week + 1), hours=-1),
            )
            services.attendance_record(
                by=p.chair,
                meeting=held,
                attendance={
                    i.pk: Attendance.ATTENDED
                    if i.agency == p.csc or week == 0
                    else Attendance.APOLOGIES
                    for i in held.invitations.all()
                },
            )
        business_unit = make_user(Role.BUSINESS_UNIT)
        client = signed_in(business_unit)
        with django_assert_max_num_queries(12):
            page = client.get("/meetings/attendance/").text
        assert "Child Exploitation Risk Assessment Panel" in page
        police_row = page.split("Police</th>")[1].split("</tr>")[0]
        cells = [c.split(">")[-1] for c in police_row.split("</td>")[:-1]]
        assert cells == ["3", "1", "0", "2", "0", "0", "33%"]

    def test_practitioners_get_page_not_found(self, partnership, signed_in):
        assert signed_in(partnership.worker).get("/meetings/attendance/").status_code == 404


class TestActionsFollowUp:
    def _finalised_with_an_action(self, p, meeting):
        item = services.item_add(
            by=p.chair, meeting=meeting, kind=ItemKind.CHILD, title="Missing twice", person=p.ava
        )
        services.item_notes_save(by=p.chair, item=item, notes={"child_voice": "Wants to stay"})
        services.action_add(
            by=p.chair,
            item=item,
            description="Visit the retail park with the youth team",
            owner_user=p.officer,
            due_on=timezone.localdate() + dt.timedelta(days=30),
        )
        services.minutes_finalise(by=p.chair, meeting=meeting)
        return item.actions.get()

    def test_an_open_action_comes_back_on_the_next_meeting_until_it_is_done(
        self, partnership, meeting, signed_in
    ):
        from safeguard.work.services import work_item_complete

        p = partnership
        action = self._finalised_with_an_action(p, meeting)
        later = services.meeting_arrange(
            by=p.chair,
            kind=p.panel,
            title="Exploitation panel",
            starts_at=at(next_weekday() + dt.timedelta(days=7)),
            agencies=[p.csc, p.police],
        )
        services.item_add(
            by=p.chair, meeting=later, kind=ItemKind.CHILD, title="Follow-up", person=p.ava
        )
        client = signed_in(p.chair)
        page = client.get(f"/meetings/{later.reference}/").text
        assert "Actions still open from earlier meetings" in page
        assert "Visit the retail park with the youth team" in page
        work_item_complete(by=p.officer, item=action.work_item, outcome="Visited with the team.")
        page = client.get(f"/meetings/{later.reference}/").text
        assert "Visit the retail park with the youth team" not in page

    def test_an_overdue_action_is_escalated_to_the_owners_team_managers(
        self, partnership, meeting, make_user
    ):
        from safeguard.core.models import TeamMembership
        from safeguard.work.services import work_escalate_overdue

        p = partnership
        action = self._finalised_with_an_action(p, meeting)
        sergeant = make_user(Role.PRACTITIONER, agency=p.police, email="sergeant@police")
        TeamMembership.objects.create(
            team=action.work_item.team,
            user=sergeant,
            is_manager=True,
            since=timezone.localdate(),
        )
        escalated = work_escalate_overdue(now=action.work_item.due_at + dt.timedelta(hours=1))
        assert action.work_item in escalated
        told = [
            m
            for m in OutboxMessage.objects.filter(kind="work_overdue")
            if "sergeant@police" in m.recipients
        ]
        # The action (and the police's unread outcome, also overdue by then) reach the manager.
        assert f"Overdue: {action.work_item.get_kind_display()} ({action.work_item.team.name})" in [
            m.subject for m in told
        ]
