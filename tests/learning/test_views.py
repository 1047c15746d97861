"""The learning pages: who may open them, GOV.UK errors, and what each agency sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.models import AuditEvent
from safeguard.learning import services
from safeguard.learning.models import CaseReview, ReviewKind

from .test_briefings_and_plans import SECTIONS

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, int]:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


class TestWhoMayOpenThePages:
    @pytest.mark.parametrize(
        "path", ["/learning/", "/learning/reviews/new/", "/learning/plans/new/"]
    )
    def test_practitioners_get_not_found_on_the_business_units_pages(
        self, partnership, signed_in, path
    ):
        assert signed_in(partnership.worker).get(path).status_code == 404
        assert signed_in(partnership.business).get(path).status_code == 200

    def test_a_review_page_shows_the_childs_name_only_to_someone_who_may_see_them(
        self, partnership, signed_in
    ):
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
        url = f"/learning/reviews/{review.reference}/"
        chair_page = signed_in(p.chair).get(url).content.decode()
        business_page = signed_in(p.business).get(url).content.decode()
        assert "Child A" in chair_page
        assert "Rosalind" in chair_page
        assert "Child A" in business_page
        assert "Rosalind" not in business_page
        assert AuditEvent.objects.filter(
            actor_id=p.chair.pk, person_id=p.child.pk, object_type="case_review"
        ).exists()
        assert not AuditEvent.objects.filter(
            actor_id=p.business.pk, person_id=p.child.pk, object_type="case_review"
        ).exists()

    def test_a_draft_briefing_is_not_found_for_agencies(self, partnership, signed_in):
        p = partnership
        draft = services.briefing_save(
            by=p.business, briefing=None, title="Draft", review=None, **SECTIONS
        )
        assert (
            signed_in(p.teacher).get(f"/learning/briefings/{draft.reference}/").status_code == 404
        )
        assert (
            signed_in(p.business).get(f"/learning/briefings/{draft.reference}/").status_code == 200
        )


class TestBadInput:
    def test_a_notification_before_awareness_is_an_inline_error_and_nothing_is_saved(
        self, partnership, signed_in
    ):
        p = partnership
        client = signed_in(p.business)
        aware = timezone.localdate() - dt.timedelta(days=2)
        response = client.post(
            "/learning/reviews/new/",
            {
                "kind": ReviewKind.SERIOUS_INCIDENT,
                "title": "Injury to a baby",
                "agency": p.csc.pk,
                **_date("aware_on", aware),
            },
        )
        review = CaseReview.objects.get()
        assert response.status_code == 302
        page = client.post(
            f"/learning/reviews/{review.reference}/",
            {"step": "notified", **_date("notified_on", aware - dt.timedelta(days=1))},
        ).content.decode()
        assert "There is a problem" in page
        assert "cannot be before the partnership became aware" in page
        review.refresh_from_db()
        assert review.notified_on is None

    def test_an_empty_review_form_says_what_is_missing(self, partnership, signed_in):
        page = signed_in(partnership.business).post("/learning/reviews/new/", {}).content.decode()
        assert "Select what kind of review it is" in page
        assert "Enter a title for the review" in page
        assert not CaseReview.objects.exists()

    def test_signing_off_a_plan_with_open_actions_is_a_gov_uk_error(self, partnership, signed_in):
        p = partnership
        plan = services.plan_create(by=p.business, title="Plan", subgroup="case_review")
        services.plan_action_add(
            by=p.business,
            plan=plan,
            description="Train staff",
            owner_agency=p.school,
            due_on=timezone.localdate(),
        )
        page = (
            signed_in(p.business)
            .post(f"/learning/plans/{plan.reference}/", {"step": "sign_off"})
            .content.decode()
        )
        assert "There is a problem" in page
        assert "1 action is not complete" in page

    def test_the_owner_agency_sees_the_plan_but_another_agency_does_not(
        self, partnership, signed_in, make_user
    ):
        p = partnership
        plan = services.plan_create(by=p.business, title="Plan", subgroup="case_review")
        services.plan_action_add(
            by=p.business,
            plan=plan,
            description="Train staff",
            owner_agency=p.school,
            due_on=timezone.localdate(),
        )
        url = f"/learning/plans/{plan.reference}/"
        assert signed_in(p.teacher).get(url).status_code == 200
        assert signed_in(p.worker).get(url).status_code == 404

    def test_a_bad_quarter_shows_this_quarter_with_a_message(self, partnership, signed_in):
        page = signed_in(partnership.business).get("/learning/plans/report/?quarter=nonsense")
        assert page.status_code == 200
        assert "Enter a quarter like 2026Q3" in page.content.decode()
