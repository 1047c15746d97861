"""Learning in a real browser: a serious incident's clocks to a published briefing an agency cascades.

The business unit opens a serious incident (the 5 working day notification clock
starts and lands in its queue), records the notification and the rapid review, is
refused publication while the learning names the child, publishes with the
pseudonym, then writes and publishes a 7 point briefing. The school's designated
safeguarding lead finds the cascade on My work, reads the briefing and confirms how
the school used it; a social worker cannot open the business unit's pages. axe-core
runs on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.learning import services
from safeguard.learning.models import Cascade, CaseReview
from safeguard.learning.seeds import reference_data_seed
from tests.learning.conftest import build_partnership

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def _date(page, field: str, day: dt.date) -> None:
    page.locator(f"#id_{field}_day").fill(str(day.day))
    page.locator(f"#id_{field}_month").fill(str(day.month))
    page.locator(f"#id_{field}_year").fill(str(day.year))


def test_a_serious_incident_to_a_cascaded_briefing(page, sign_in, make_user):
    reference_data_seed()  # themes and boards, which a browser test's flush empties
    p = build_partnership(make_user)
    aware = timezone.localdate() - dt.timedelta(days=3)

    sign_in(page, p.business)
    page.get_by_role("link", name="Case reviews, 7 point briefings and action plans").click()
    assert_accessible(page)
    page.get_by_role("link", name="Open a case review").click()
    page.get_by_role("button", name="Open the review").click()
    expect(page.get_by_role("alert")).to_contain_text("Select what kind of review it is")
    assert_accessible(page)
    page.get_by_label("Serious incident (notified to the national panel)").check()
    page.get_by_label("Title", exact=True).fill("Injury to a non-mobile baby")
    _date(page, "aware_on", aware)
    page.get_by_label("Which agency told the partnership?").select_option(label=p.csc.name)
    page.get_by_label("Injuries to non-mobile babies").check()
    page.get_by_role("button", name="Open the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Injury to a non-mobile baby")
    due = services.working_days_after(aware, 5)
    expect(
        page.get_by_text("Notify the national panel (5 working days from awareness)")
    ).to_contain_text(f"due {due:%-d %B %Y}")
    assert_accessible(page)

    # The notification, then the rapid review with its decision.
    _date(page, "notified_on", aware)
    page.get_by_role("button", name="Record the notification").click()
    expect(page.get_by_text("The rapid review clock has started")).to_be_visible()
    _date(page, "done_on", timezone.localdate())
    page.get_by_label("Hold a local child safeguarding practice review").check()
    page.get_by_role("button", name="Record the rapid review").click()
    expect(page.get_by_text("Rapid review recorded")).to_be_visible()

    # Publishing is refused while the learning names the child (the chair linked them).
    review = CaseReview.objects.get()
    services.review_child_link(by=p.chair, review=review, person=p.child)
    page.reload()
    page.get_by_label("The learning to publish").fill("Rosalind's father was never seen.")
    page.get_by_role("button", name="Publish the learning").click()
    expect(page.get_by_role("alert")).to_contain_text("names or identifies a child")
    assert "Rosalind" not in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    page.get_by_label("The learning to publish").fill("Child A's father was never seen.")
    page.get_by_role("button", name="Publish the learning").click()
    expect(page.get_by_text("The learning is published")).to_be_visible()

    # A 7 point briefing from the review, published to every agency.
    page.goto("/learning/briefings/new/")
    page.get_by_label("Title", exact=True).fill("Seeing the men in a baby's life")
    page.get_by_label("The review it comes from (optional)").select_option(label=review.reference)
    for label, text in (
        ("1. Background", "A baby, Child A, was injured."),
        ("2. Good practice", "The health visitor recorded every visit."),
        ("3. Learning points", "Ask who else lives in the home."),
        ("4. Recommendations", "Record every adult in the household."),
        ("5. Next steps", "Discuss in team meetings within 28 days."),
        ("6. Questions for your team", "Who have you not met?"),
        ("7. Resources", "The partnership's guidance on engaging fathers."),
    ):
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("This is a draft")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the briefing").click()
    expect(page.get_by_text("Every agency has been asked to cascade it")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # The school finds the cascade on My work and confirms it.
    sign_in(page, p.teacher)
    page.get_by_role("link", name="Confirm a 7 point briefing was cascaded").click()
    page.locator("a", has_text="SPB-").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seeing the men in a baby's life")
    page.get_by_role("button", name="Confirm the cascade").click()
    expect(page.get_by_role("alert")).to_contain_text("Say how your agency used the briefing")
    page.get_by_label("How did your agency use the briefing?").fill("Read at the staff briefing.")
    page.get_by_role("button", name="Confirm the cascade").click()
    expect(page.get_by_text("your agency's cascade is recorded")).to_be_visible()
    assert_accessible(page)
    assert Cascade.objects.get(agency=p.school).confirmed_on == timezone.localdate()
    _sign_out(page)

    # A social worker reads briefings but cannot open the business unit's pages.
    sign_in(page, p.worker)
    response = page.goto("/learning/")
    assert response is not None
    assert response.status == 404
    page.goto("/learning/briefings/")
    expect(page.get_by_role("link", name="Seeing the men in a baby's life")).to_be_visible()
