"""Partners submit cases for learning; the Executive and subgroups keep members, priorities and plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.errors import InvalidRequest
from safeguard.learning import services
from safeguard.learning.annual_report import annual_report
from safeguard.learning.models import Board, CaseReview, PlanItemStatus, ReviewKind
from safeguard.work.models import WorkItem, WorkKind

pytestmark = pytest.mark.django_db


class TestPartnersSubmitCases:
    def test_a_school_submits_a_near_miss_and_it_lands_in_the_business_units_queue(
        self, partnership, signed_in
    ):
        p = partnership
        page = signed_in(p.teacher).post(
            "/learning/submit/",
            {
                "kind": "near_miss",
                "title": "A disclosure nearly missed",
                "summary": "The older child told a lunchtime supervisor, who nearly did not pass it on.",
            },
        )
        review = CaseReview.objects.get()
        assert review.reference in page.content.decode()
        assert review.kind == ReviewKind.NEAR_MISS
        assert review.submitted_by_agency == p.school
        step = WorkItem.objects.get(kind=WorkKind.CASE_REVIEW_STEP)
        assert step.team == p.bu_team
        assert "Fulford School" in step.title

    def test_an_empty_submission_says_what_is_missing_and_saves_nothing(
        self, partnership, signed_in
    ):
        page = signed_in(partnership.teacher).post("/learning/submit/", {}).content.decode()
        assert "Select what kind of case it is" in page
        assert "Say what happened and what could be learned" in page
        assert not CaseReview.objects.exists()

    def test_a_partner_cannot_submit_a_serious_incident_that_way(self, partnership):
        with pytest.raises(InvalidRequest) as caught:
            services.review_submit(
                by=partnership.teacher,
                kind=ReviewKind.SERIOUS_INCIDENT,
                title="x",
                summary="y",
            )
        assert "kind" in caught.value.errors


class TestBoards:
    def test_the_executive_and_five_subgroups_are_seeded(self):
        assert Board.objects.filter(is_executive=True).count() == 1
        assert Board.objects.filter(is_executive=False).count() == 5

    def test_members_priorities_and_work_plan_reach_the_annual_report(self, partnership):
        p = partnership
        board = Board.objects.get(slug="exploitation")
        services.board_member_add(
            by=p.business, board=board, agency=p.csc, name="Cara Chair", role="Chair"
        )
        year = timezone.localdate().year
        priority = services.board_priority_add(
            by=p.business, board=board, year=year, title="Return home interviews within 72 hours"
        )
        item = services.work_plan_item_add(
            by=p.business,
            board=board,
            description="Weekly report of interviews offered late",
            owner_agency=p.csc,
            due_on=timezone.localdate() + dt.timedelta(days=30),
            priority=priority,
        )
        services.work_plan_item_status(by=p.business, item=item, status=PlanItemStatus.DONE)
        governance = next(s for s in annual_report(year).sections if s.title == "Governance")
        row = next(r for r in governance.tables[0].rows if r[0] == board.name)
        assert row[1] == "1"
        assert row[2] == "Return home interviews within 72 hours"
        assert row[3] == "1 of 1"

    def test_a_work_plan_line_cannot_point_at_another_boards_priority(self, partnership):
        p = partnership
        other = services.board_priority_add(
            by=p.business, board=Board.objects.get(slug="voice"), year=2026, title="Hear children"
        )
        with pytest.raises(InvalidRequest) as caught:
            services.work_plan_item_add(
                by=p.business,
                board=Board.objects.get(slug="executive"),
                description="x",
                owner_agency=p.csc,
                due_on=timezone.localdate(),
                priority=other,
            )
        assert "priority" in caught.value.errors

    def test_the_board_page_adds_a_member_with_gov_uk_errors_first(self, partnership, signed_in):
        client = signed_in(partnership.business)
        page = client.post("/learning/governance/boards/voice/", {"step": "member"})
        assert "Enter the member&#x27;s name" in page.content.decode()
        client.post(
            "/learning/governance/boards/voice/",
            {"step": "member", "name": "Dee Lead", "agency": partnership.school.pk},
        )
        assert Board.objects.get(slug="voice").members.get().name == "Dee Lead"
        assert (
            signed_in(partnership.worker).get("/learning/governance/boards/voice/").status_code
            == 404
        )
