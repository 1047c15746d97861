"""7 point briefings cascaded by every agency; action plans as work, monitored quarterly."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.learning import selectors, services
from safeguard.learning.models import PlanStatus, ReviewKind, Subgroup
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from safeguard.work.selectors import my_work_items

pytestmark = pytest.mark.django_db

SECTIONS = {
    "background": "A review about Child A.",
    "good_practice": "Clear records.",
    "learning_points": "Refer at the time of concern.",
    "recommendations": "Use the continuum.",
    "next_steps": "Discuss in team meetings.",
    "reflective_questions": "How would you know?",
    "resources": "The pathway.",
}


def _briefing(p, review=None, **overrides):
    return services.briefing_save(
        by=p.business,
        briefing=None,
        title="Learning from a review",
        review=review,
        **{**SECTIONS, **overrides},
    )


class TestBriefings:
    def test_publishing_asks_every_agency_to_confirm_its_cascade(self, partnership):
        p = partnership
        briefing = services.briefing_publish(by=p.business, briefing=_briefing(p))
        items = WorkItem.objects.filter(kind=WorkKind.CONFIRM_CASCADE)
        assert {i.team.agency for i in items} == {p.csc, p.school}
        assert all(briefing.reference in i.title for i in items)
        assert any(
            i.kind == WorkKind.CONFIRM_CASCADE
            for i in my_work_items(user=p.teacher)["work_waiting"]
        )

    def test_an_agency_confirms_how_it_used_the_briefing_and_its_work_is_done(self, partnership):
        p = partnership
        briefing = services.briefing_publish(by=p.business, briefing=_briefing(p))
        cascade = briefing.cascades.get(agency=p.school)
        services.cascade_confirm(by=p.teacher, cascade=cascade, how_used="Staff briefing")
        cascade.refresh_from_db()
        assert cascade.confirmed_on == timezone.localdate()
        assert cascade.work_item.status == WorkStatus.DONE

    def test_another_agency_cannot_confirm_for_the_school(self, partnership):
        p = partnership
        briefing = services.briefing_publish(by=p.business, briefing=_briefing(p))
        with pytest.raises(Forbidden):
            services.cascade_confirm(
                by=p.worker, cascade=briefing.cascades.get(agency=p.school), how_used="x"
            )

    def test_a_briefing_with_an_empty_section_is_not_published(self, partnership):
        p = partnership
        with pytest.raises(InvalidRequest, match="5. Next steps"):
            services.briefing_publish(by=p.business, briefing=_briefing(p, next_steps=""))

    def test_a_briefing_naming_a_child_of_its_review_is_not_published(self, partnership):
        p = partnership
        review = services.review_open(
            by=p.business,
            kind=ReviewKind.LOCAL_MULTI_AGENCY,
            title="A review",
            summary="",
            agency=p.csc,
            aware_on=timezone.localdate(),
        )
        services.review_child_link(by=p.chair, review=review, person=p.child)
        draft = _briefing(p, review=review, background="Rosalind's family moved twice.")
        with pytest.raises(InvalidRequest, match="names or identifies a child"):
            services.briefing_publish(by=p.business, briefing=draft)
        assert not WorkItem.objects.filter(kind=WorkKind.CONFIRM_CASCADE).exists()

    def test_the_pdf_holds_every_section(self, partnership, signed_in):
        p = partnership
        briefing = services.briefing_publish(by=p.business, briefing=_briefing(p))
        response = signed_in(p.teacher).get(
            f"/learning/briefings/{briefing.reference}/briefing.pdf"
        )
        assert response["Content-Type"] == "application/pdf"
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "Learning from a review" in text
        for value in SECTIONS.values():
            assert value in text


class TestActionPlans:
    def test_each_action_is_work_in_the_owner_agencys_queue(self, partnership):
        p = partnership
        plan = services.plan_create(by=p.business, title="Plan", subgroup=Subgroup.CASE_REVIEW)
        action = services.plan_action_add(
            by=p.business,
            plan=plan,
            description="Train all staff",
            owner_agency=p.school,
            due_on=timezone.localdate() + dt.timedelta(days=10),
        )
        assert action.work_item.team.agency == p.school
        assert action.work_item in my_work_items(user=p.teacher)["work_waiting"]

    def test_a_plan_with_open_actions_cannot_be_signed_off(self, partnership):
        p = partnership
        plan = services.plan_create(by=p.business, title="Plan", subgroup=Subgroup.CASE_REVIEW)
        action = services.plan_action_add(
            by=p.business,
            plan=plan,
            description="Train all staff",
            owner_agency=p.school,
            due_on=timezone.localdate(),
        )
        with pytest.raises(InvalidRequest, match="1 action is not complete"):
            services.plan_sign_off(by=p.business, plan=plan)
        with pytest.raises(InvalidRequest) as caught:
            services.plan_action_complete(by=p.teacher, action=action, evidence="  ")
        assert "evidence" in caught.value.errors
        services.plan_action_complete(by=p.teacher, action=action, evidence="All trained.")
        action.work_item.refresh_from_db()
        assert action.work_item.status == WorkStatus.DONE
        services.plan_sign_off(by=p.business, plan=plan)
        assert plan.status == PlanStatus.SIGNED_OFF

    def test_the_quarterly_report_counts_by_subgroup_worked_out_by_hand(self, partnership):
        p = partnership
        today = timezone.localdate()
        signed = services.plan_create(by=p.business, title="A", subgroup=Subgroup.CASE_REVIEW)
        done = services.plan_action_add(
            by=p.business, plan=signed, description="x", owner_agency=p.csc, due_on=today
        )
        services.plan_action_complete(by=p.worker, action=done, evidence="done")
        services.plan_sign_off(by=p.business, plan=signed)
        continuing = services.plan_create(by=p.business, title="B", subgroup=Subgroup.CASE_REVIEW)
        far = today + dt.timedelta(days=200)
        services.plan_action_add(
            by=p.business, plan=continuing, description="y", owner_agency=p.csc, due_on=far
        )
        quarter = selectors.quarter_of(today)
        reports = {r.subgroup: r for r in selectors.quarterly_report(quarter)}
        review = reports[Subgroup.CASE_REVIEW]
        assert review.signed_off_in_quarter == 1
        assert review.continuing == 1
        assert review.rag["complete"] == 1
        assert review.rag["green"] == 1
        assert reports[Subgroup.VOICE].plans == []
        year = selectors.year_counts(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
        assert year["plans_signed_off"] == 1
        assert year["plans_continuing"] == 1

    def test_quarters_are_calendar_quarters(self):
        assert selectors.quarter_bounds("2026Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
        assert selectors.quarter_of(dt.date(2026, 7, 1)) == "2026Q3"
