"""QA wave 2: a case a partner sends for learning closes when the business unit decides.

The "Consider ..." step used to close only when the review's learning was published, so a
near miss the business unit decided not to pursue stayed open and went overdue. Deciding
now closes it with the decision as its outcome, and the partner who sent the case gets
"Read the decision" in their queue, linking to their own page of the case.
"""

from __future__ import annotations

import pytest

from safeguard.core.errors import InvalidRequest
from safeguard.learning import services
from safeguard.learning.models import CaseDecision, ReviewKind, ReviewStatus
from safeguard.work.models import WorkItem, WorkKind, WorkStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(partnership):
    return services.review_submit(
        by=partnership.teacher,
        kind=ReviewKind.NEAR_MISS,
        title="A missed referral after a disclosure",
        summary="A disclosure at school was not passed on for two days.",
    )


def _consider(p, review, decision, reason="Already covered by the 2025 audit of disclosures."):
    return services.review_consider(by=p.business, review=review, decision=decision, reason=reason)


def _step(review):
    return WorkItem.objects.get(kind=WorkKind.CASE_REVIEW_STEP, subject_id=str(review.pk))


class TestDecidingACaseAPartnerSent:
    def test_not_taking_it_further_closes_the_step_with_its_reason(self, partnership, sent):
        review = _consider(partnership, sent, CaseDecision.NOT_PURSUED)
        assert review.status == ReviewStatus.CLOSED
        step = _step(review)
        assert step.status == WorkStatus.DONE
        assert (
            step.outcome == "Not taken further: Already covered by the 2025 audit of disclosures."
        )

    def test_a_case_not_taken_further_cannot_then_be_published(self, partnership, sent):
        review = _consider(partnership, sent, CaseDecision.NOT_PURSUED)
        with pytest.raises(InvalidRequest, match="closed without being taken further"):
            services.review_publish(
                by=partnership.business, review=review, learning_summary="Some learning."
            )
        review.refresh_from_db()
        assert review.published_on is None
        assert review.status == ReviewStatus.CLOSED

    def test_the_sender_reads_the_decision_in_their_queue_and_on_their_page(
        self, partnership, sent, signed_in
    ):
        p = partnership
        _consider(p, sent, CaseDecision.NOT_PURSUED)
        item = WorkItem.objects.get(kind=WorkKind.CASE_DECISION)
        assert item.assignee == p.teacher
        assert item.person is None
        teacher = signed_in(p.teacher)
        assert "Read the decision on the near miss you sent" in teacher.get("/").text
        page = teacher.get(item.subject_url)
        assert page.status_code == 200
        assert "Do not take it further" in page.text
        assert "Already covered by the 2025 audit of disclosures." in page.text
        item.refresh_from_db()
        assert item.status == WorkStatus.DONE
        assert sent.reference in teacher.get("/learning/submit/").text

    def test_another_agency_neither_gets_the_item_nor_opens_the_page(
        self, partnership, sent, signed_in
    ):
        p = partnership
        _consider(p, sent, CaseDecision.NOT_PURSUED)
        item = WorkItem.objects.get(kind=WorkKind.CASE_DECISION)
        worker = signed_in(p.worker)
        assert "Read the decision on the near miss" not in worker.get("/").text
        assert worker.get(item.subject_url).status_code == 404
        item.refresh_from_db()
        assert item.status == WorkStatus.WAITING

    def test_taking_it_forward_makes_publishing_the_next_step(self, partnership, sent):
        review = _consider(partnership, sent, CaseDecision.TAKE_FORWARD, reason="")
        steps = WorkItem.objects.filter(kind=WorkKind.CASE_REVIEW_STEP, subject_id=str(review.pk))
        assert {s.status for s in steps} == {WorkStatus.DONE, WorkStatus.WAITING}
        assert steps.get(status=WorkStatus.WAITING).title.startswith("Publish the learning from")
        assert review.status == ReviewStatus.OPEN
        assert WorkItem.objects.filter(kind=WorkKind.CASE_DECISION).exists()

    def test_not_taking_it_further_needs_a_reason_and_is_decided_once(self, partnership, sent):
        with pytest.raises(InvalidRequest) as caught:
            _consider(partnership, sent, CaseDecision.NOT_PURSUED, reason=" ")
        assert "reason" in caught.value.errors
        _consider(partnership, sent, CaseDecision.NOT_PURSUED)
        with pytest.raises(InvalidRequest):
            _consider(partnership, sent, CaseDecision.TAKE_FORWARD)

    def test_the_business_unit_decides_on_the_review_page(self, partnership, sent, signed_in):
        bu = signed_in(partnership.business)
        url = f"/learning/reviews/{sent.reference}/"
        assert "Decide what happens to this case" in bu.get(url).text
        empty = bu.post(url, {"step": "consider"})
        assert "Select whether to take the case forward" in empty.content.decode()
        done = bu.post(
            url,
            {"step": "consider", "decision": "not_pursued", "reason": "Single agency learning."},
            follow=True,
        )
        assert "Not taken further" in done.text or "Do not take it further" in done.text
        assert _step(sent).status == WorkStatus.DONE
