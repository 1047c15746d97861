"""Long police investigations: a support review every 4 weeks, requests timed; strategy meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.errors import Forbidden
from safeguard.hsb import investigations as inv
from safeguard.hsb import selectors
from safeguard.hsb.models import InvestigationStatus, Role, StrategyMeeting
from safeguard.meetings import services as meetings
from safeguard.meetings.models import Attendance, OutcomeNotice
from safeguard.work.models import WorkItem, WorkKind, WorkStatus

from .conftest import record

pytestmark = pytest.mark.django_db


def _investigation(p, started_days_ago: int = 0):
    concern = record(p)
    return inv.investigation_record(
        by=p.officer,
        concern=concern,
        person=p.leo,
        crime_reference="12/3456/26",
        started_on=timezone.localdate() - dt.timedelta(days=started_days_ago),
        officer=p.officer,
    )


def _prompts(investigation):
    return WorkItem.objects.filter(
        kind=WorkKind.HSB_REVIEW_SUPPORT, subject_id=str(investigation.pk)
    )


class TestTheFourWeeklyReviewPrompt:
    def test_the_prompt_comes_every_four_weeks_while_the_investigation_is_open(self, p):
        investigation = _investigation(p)
        start = dt.datetime.combine(investigation.started_on, dt.time(9, 0), tzinfo=UK)
        assert inv.investigation_reviews_prompt(now=start + dt.timedelta(days=27)) == []
        first = inv.investigation_reviews_prompt(now=start + dt.timedelta(days=28))
        assert [i.kind for i in first] == [WorkKind.HSB_REVIEW_SUPPORT]
        assert first[0].team == p.hsb_team
        assert first[0].person == p.leo
        # The sweep runs again the same day: no second prompt while the first is open.
        assert inv.investigation_reviews_prompt(now=start + dt.timedelta(days=29)) == []
        inv.support_review_record(
            by=p.yjs_worker, investigation=investigation, support="Family support worker weekly."
        )
        assert _prompts(investigation).get().status == WorkStatus.DONE
        reviewed = investigation.reviews.get().reviewed_at
        assert inv.investigation_reviews_prompt(now=reviewed + dt.timedelta(days=27)) == []
        again = inv.investigation_reviews_prompt(now=reviewed + dt.timedelta(days=28))
        assert len(again) == 1
        assert _prompts(investigation).count() == 2

    def test_the_prompt_goes_to_the_keyworker(self, p):
        _investigation(p, started_days_ago=30)
        from safeguard.hsb.models import Pathway
        from safeguard.hsb.services import pathway_keyworker_set

        pathway = Pathway.objects.get(person=p.leo, role=Role.HARMING)
        pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=p.yjs_worker)
        (prompt,) = inv.investigation_reviews_prompt()
        assert prompt.assignee == p.yjs_worker

    def test_closing_the_investigation_stops_the_prompts(self, p):
        investigation = _investigation(p, started_days_ago=40)
        assert len(inv.investigation_reviews_prompt()) == 1
        inv.investigation_status_set(
            by=p.officer, investigation=investigation, status=InvestigationStatus.NO_FURTHER_ACTION
        )
        assert _prompts(investigation).get().status == WorkStatus.CANCELLED
        far = timezone.now() + dt.timedelta(days=200)
        assert inv.investigation_reviews_prompt(now=far) == []
        assert selectors.investigation_review_due(investigation) is None

    def test_only_the_police_record_an_investigation(self, p):
        concern = record(p)
        with pytest.raises(Forbidden):
            inv.investigation_record(
                by=p.teacher,
                concern=concern,
                person=p.leo,
                crime_reference="1",
                started_on=timezone.localdate(),
                officer=p.officer,
            )

    def test_investigations_open_over_three_months_are_counted(self, p):
        _investigation(p, started_days_ago=100)
        today = timezone.localdate()
        figures = selectors.figures(today - dt.timedelta(days=30), today)
        assert figures["investigations_open_over_3_months"] == 1


class TestPoliceRequestsToPartners:
    def test_the_partner_gets_the_request_and_its_answer_is_timed(self, p):
        investigation = _investigation(p)
        request = inv.police_request_create(
            by=p.officer,
            investigation=investigation,
            agency=p.school,
            question="Attendance and behaviour log since September, please.",
            due_on=timezone.localdate() + dt.timedelta(days=3),
        )
        item = WorkItem.objects.get(kind=WorkKind.HSB_POLICE_REQUEST)
        assert item.team.agency == p.school
        assert item.due_at == request.due_at
        inv.police_request_answer(by=p.teacher, request=request, answer="Log attached.")
        item.refresh_from_db()
        assert item.status == WorkStatus.DONE
        assert item.outcome == "Answered on time"
        assert not request.answered_late

    def test_a_late_answer_is_shown_as_late(self, p):
        investigation = _investigation(p)
        request = inv.police_request_create(
            by=p.officer,
            investigation=investigation,
            agency=p.school,
            question="Log, please.",
            due_on=timezone.localdate(),
        )
        request.due_at = timezone.now() - dt.timedelta(hours=1)
        request.save(update_fields=["due_at"])
        inv.police_request_answer(by=p.teacher, request=request, answer="Sorry for the delay.")
        assert request.answered_late
        assert WorkItem.objects.get(kind=WorkKind.HSB_POLICE_REQUEST).outcome == "Answered late"

    def test_another_agency_cannot_answer(self, p):
        investigation = _investigation(p)
        request = inv.police_request_create(
            by=p.officer,
            investigation=investigation,
            agency=p.school,
            question="Log, please.",
            due_on=timezone.localdate() + dt.timedelta(days=1),
        )
        with pytest.raises(Forbidden):
            inv.police_request_answer(by=p.nurse, request=request, answer="Not ours.")


class TestStrategyMeetings:
    def test_the_outcome_reaches_every_invited_agency_including_one_that_did_not_come(self, p):
        concern = record(p)
        starts = dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=7), dt.time(10, 0), tzinfo=UK
        )
        meeting = inv.strategy_meeting_arrange(
            by=p.social_worker,
            concern=concern,
            starts_at=starts,
            agencies=[p.csc, p.police, p.health, p.yjs, p.school],
        )
        assert StrategyMeeting.objects.get(concern=concern).meeting == meeting
        items = list(meeting.items.order_by("order"))
        assert {i.person for i in items} == {p.leo, p.mia}
        assert all("Leo" not in i.title and "Mia" not in i.title for i in items)
        for item in items:
            meetings.item_notes_save(
                by=p.social_worker, item=item, notes={"child_voice": "Heard through the school."}
            )
        meetings.attendance_record(
            by=p.social_worker,
            meeting=meeting,
            attendance={
                i.pk: Attendance.DID_NOT_ATTEND if i.agency == p.health else Attendance.ATTENDED
                for i in meeting.invitations.all()
            },
        )
        meetings.minutes_finalise(by=p.social_worker, meeting=meeting)
        notices = {n.agency: n for n in OutcomeNotice.objects.filter(meeting=meeting)}
        assert set(notices) == {p.csc, p.police, p.health, p.yjs, p.school}
        absent = notices[p.health].work_item
        assert absent.kind == WorkKind.READ_OUTCOME
        assert absent.team.agency == p.health


class TestTheSweepCommand:
    def test_hsb_sweep_prompts_the_reviews_that_are_due(self, p):
        from io import StringIO

        from django.core.management import call_command

        investigation = _investigation(p, started_days_ago=35)
        out = StringIO()
        call_command("hsb_sweep", stdout=out)
        assert out.getvalue().strip() == "1 support review prompt(s) created"
        assert _prompts(investigation).count() == 1


class TestTheFigures:
    def test_time_to_referral_is_given_in_hours(self, p):
        record(p, noticed_hours=6)
        today = timezone.localdate()
        figures = selectors.figures(today - dt.timedelta(days=1), today)
        assert figures["referred"] == 1
        assert 5.9 <= figures["referral_hours_median"] <= 6.1
