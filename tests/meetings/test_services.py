"""Arranging, inviting, answering, attendance, notes, finalising and outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AgencyKind, OutboxMessage
from safeguard.meetings import services
from safeguard.meetings.agenda import (
    SuggestedItem,
    agenda_suggestions,
    agenda_supplier_register,
    agenda_supplier_unregister,
)
from safeguard.meetings.models import (
    Attendance,
    ItemKind,
    MeetingKind,
    MeetingStatus,
    OutcomeNotice,
    Response,
)
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from safeguard.work.selectors import my_work_items
from tests.factories import AgencyFactory

from .conftest import at, next_weekday

pytestmark = pytest.mark.django_db


def _three_items(p, meeting):
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


class TestMeetingKinds:
    def test_the_partnership_starts_with_its_ten_kinds(self, db):
        names = set(MeetingKind.objects.values_list("name", flat=True))
        assert "Child Exploitation Risk Assessment Panel" in names
        assert "Initial child protection conference" in names
        assert MeetingKind.objects.count() >= 10

    def test_a_strategy_meeting_is_due_within_one_working_day_of_the_section_47_decision(self, db):
        kind = MeetingKind.objects.get(slug="strategy-meeting")
        friday = dt.datetime(2026, 4, 3, 11, 0, tzinfo=UK)  # Good Friday, a bank holiday
        thursday = dt.datetime(2026, 4, 2, 11, 0, tzinfo=UK)
        assert services.clock_due(kind, thursday) == dt.datetime(2026, 4, 7, 11, 0, tzinfo=UK)
        assert services.clock_due(kind, friday).date() == dt.date(2026, 4, 8)

    def test_an_initial_conference_is_due_within_fifteen_working_days_of_the_strategy(self, db):
        kind = MeetingKind.objects.get(slug="initial-child-protection-conference")
        strategy = dt.datetime(2026, 12, 14, 10, 0, tzinfo=UK)
        # Christmas Day, Boxing Day (moved to Monday 28th) and New Year's Day are skipped.
        assert services.clock_due(kind, strategy).date() == dt.date(2027, 1, 7)

    def test_an_agenda_supplier_registered_later_suggests_items(self, partnership, meeting):
        previous = agenda_supplier_register(
            "exploitation_panel", lambda meeting: [SuggestedItem("topic", "Hotspots this week")]
        )
        try:
            assert [s.title for s in agenda_suggestions(meeting)] == ["Hotspots this week"]
        finally:
            agenda_supplier_unregister("exploitation_panel", restore=previous)
        assert "Hotspots this week" not in [s.title for s in agenda_suggestions(meeting)]


class TestArrangingAMeeting:
    def test_each_invited_agency_is_sent_an_invitation(self, partnership, meeting):
        assert {i.agency for i in meeting.invitations.all()} == {
            partnership.csc,
            partnership.police,
        }
        sent = OutboxMessage.objects.filter(kind="meeting_invitation")
        assert sent.count() == 2
        assert "Exploitation" in sent.first().subject

    def test_a_clash_for_the_chair_is_refused(self, partnership, meeting):
        with pytest.raises(InvalidRequest, match="already has a meeting then"):
            services.meeting_arrange(
                by=partnership.chair,
                kind=partnership.strategy,
                title="Strategy",
                starts_at=meeting.starts_at + dt.timedelta(minutes=30),
                agencies=[partnership.csc, partnership.police],
            )

    def test_an_agency_the_kind_must_invite_cannot_be_left_out(self, partnership):
        AgencyFactory(kind=AgencyKind.HEALTH_ICB, name="Health board")
        with pytest.raises(InvalidRequest, match="Health"):
            services.meeting_arrange(
                by=partnership.chair,
                kind=partnership.strategy,
                title="Strategy",
                starts_at=at(next_weekday(), 15),
                agencies=[partnership.csc, partnership.police],
            )

    def test_a_closed_account_cannot_be_invited(self, partnership):
        partnership.officer.is_active = False
        partnership.officer.save()
        with pytest.raises(InvalidRequest, match="account is closed"):
            services.meeting_arrange(
                by=partnership.chair,
                kind=partnership.strategy,
                title="Strategy",
                starts_at=at(next_weekday(), 15),
                agencies=[partnership.csc, partnership.police],
                people=[partnership.officer],
            )

    def test_a_strategy_meeting_records_when_it_was_due(self, partnership):
        decision = at(next_weekday() - dt.timedelta(days=1), 11)
        meeting = services.meeting_arrange(
            by=partnership.chair,
            kind=partnership.strategy,
            title="Strategy",
            starts_at=at(next_weekday() + dt.timedelta(days=7), 15),
            agencies=[partnership.csc, partnership.police],
            clock_started_at=decision,
        )
        assert meeting.due_by is not None
        assert meeting.held_late

    def test_a_weekly_schedule_makes_a_year_of_meetings(self, partnership):
        schedule = services.schedule_create(
            by=partnership.chair,
            kind=partnership.panel,
            title="Exploitation panel",
            weekday=2,
            start_time=dt.time(10, 0),
            starts_on=dt.date(2027, 1, 1),
            agencies=[partnership.csc, partnership.police],
        )
        meetings = list(schedule.meetings.all())
        assert 52 <= len(meetings) <= 53
        assert all(m.invitations.count() == 2 for m in meetings[:3])


class TestAnsweringAndAttendance:
    def test_an_agency_sends_a_substitute_and_must_name_them(self, partnership, meeting):
        invitation = meeting.invitations.get(agency=partnership.police)
        with pytest.raises(InvalidRequest, match="name of the person"):
            services.invitation_respond(
                by=partnership.officer, invitation=invitation, response=Response.SUBSTITUTE
            )
        services.invitation_respond(
            by=partnership.officer,
            invitation=invitation,
            response=Response.SUBSTITUTE,
            substitute_name="DC Jones",
        )
        invitation.refresh_from_db()
        assert invitation.substitute_name == "DC Jones"

    def test_someone_from_another_agency_cannot_answer(self, partnership, meeting):
        invitation = meeting.invitations.get(agency=partnership.police)
        with pytest.raises(Forbidden):
            services.invitation_respond(
                by=partnership.teacher, invitation=invitation, response=Response.APOLOGIES
            )

    def test_only_the_chair_records_attendance(self, partnership, meeting):
        invitation = meeting.invitations.get(agency=partnership.police)
        with pytest.raises(Forbidden):
            services.attendance_record(
                by=partnership.officer,
                meeting=meeting,
                attendance={invitation.pk: Attendance.ATTENDED},
            )
        services.attendance_record(
            by=partnership.chair, meeting=meeting, attendance={invitation.pk: Attendance.ATTENDED}
        )
        invitation.refresh_from_db()
        assert invitation.attendance == Attendance.ATTENDED


class TestFinalisingTheMinutes:
    def test_an_action_without_owner_or_date_stops_the_minutes(self, partnership, meeting):
        p = partnership
        ava, _noah, _topic = _three_items(p, meeting)
        services.item_notes_save(by=p.chair, item=ava, notes={"child_voice": "Wants to stay"})
        services.action_add(by=p.chair, item=ava, description="Return home interview")
        with pytest.raises(InvalidRequest) as caught:
            services.minutes_finalise(by=p.chair, meeting=meeting)
        messages = list(caught.value.errors.values())
        assert any("who owns the action" in m for m in messages)
        assert any("when the action is due" in m for m in messages)
        assert any("child's voice" in m for m in messages)  # Noah's item has none
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.SCHEDULED

    def test_actions_become_work_on_the_owners_my_work(self, partnership, meeting):
        p = partnership
        ava, noah, topic = _three_items(p, meeting)
        for item in (ava, noah):
            services.item_notes_save(by=p.chair, item=item, notes={"child_voice": "Said a lot"})
        due = next_weekday() + dt.timedelta(days=7)
        services.action_add(
            by=p.chair, item=ava, description="Visit school", owner_user=p.officer, due_on=due
        )
        services.action_add(
            by=p.chair, item=topic, description="Patrols", owner_agency=p.police, due_on=due
        )
        services.minutes_finalise(by=p.chair, meeting=meeting)
        mine = my_work_items(user=p.officer)["work_mine"]
        assert [i.kind for i in mine] == [WorkKind.MEETING_ACTION]
        assert mine[0].person == p.ava
        assert "Ava" not in mine[0].title
        agency_item = WorkItem.objects.get(kind=WorkKind.MEETING_ACTION, assignee__isnull=True)
        assert agency_item.team.agency == p.police

    def test_every_invited_agency_gets_the_outcome_even_when_absent(self, partnership, meeting):
        p = partnership
        _three_items(p, meeting)
        meeting.items.filter(kind=ItemKind.CHILD).update(child_voice="Heard")
        police = meeting.invitations.get(agency=p.police)
        services.attendance_record(
            by=p.chair, meeting=meeting, attendance={police.pk: Attendance.DID_NOT_ATTEND}
        )
        services.minutes_finalise(by=p.chair, meeting=meeting)
        notices = OutcomeNotice.objects.filter(meeting=meeting)
        assert {n.agency for n in notices} == {p.csc, p.police}
        emails = OutboxMessage.objects.filter(kind="meeting_outcome")
        assert emails.count() == 2
        assert all("Ava" not in e.body and "Noah" not in e.body for e in emails)
        police_email = emails.get(summary__contains="Police")
        assert "did not attend" in police_email.body
        assert "pat@police" in police_email.recipients

    def test_opening_the_outcome_is_the_agencys_receipt(self, partnership, meeting):
        p = partnership
        services.minutes_finalise(by=p.chair, meeting=meeting)
        notice = OutcomeNotice.objects.get(meeting=meeting, agency=p.police)
        assert notice.work_item.status == WorkStatus.WAITING
        services.outcome_open(by=p.officer, meeting=meeting)
        notice.refresh_from_db()
        assert notice.opened_by == p.officer
        assert notice.work_item.status == WorkStatus.DONE
        first = notice.opened_at
        services.outcome_open(by=p.officer, meeting=meeting)
        notice.refresh_from_db()
        assert notice.opened_at == first

    def test_nothing_changes_after_the_minutes_are_final(self, partnership, meeting):
        p = partnership
        services.minutes_finalise(by=p.chair, meeting=meeting)
        with pytest.raises(InvalidRequest, match="finalised"):
            services.item_add(by=p.chair, meeting=meeting, kind=ItemKind.TOPIC, title="Late")

    def test_the_safety_scale_runs_from_nought_to_ten(self, partnership, meeting):
        p = partnership
        ava, _noah, _topic = _three_items(p, meeting)
        with pytest.raises(InvalidRequest, match="0 to 10"):
            services.item_notes_save(by=p.chair, item=ava, notes={"safety_scale": "11"})
        services.item_notes_save(by=p.chair, item=ava, notes={"safety_scale": "4"})
        ava.refresh_from_db()
        assert ava.safety_scale == 4
        assert ava.notes_saved_at <= timezone.now()
