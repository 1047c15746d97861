"""QA wave 2 in a browser: the next person finds the work in My work; the wrong person does not.

Refer now: a social worker's screening with a significant incident opens a contact in the
Multi-Agency Safeguarding Hub (MASH), in an agency of its own; the MASH worker finds
"Decide what happens next on a contact" on My work and opens the contact, which carries
the incident; a police officer sees neither.

A case sent for learning: a school sends a near miss; the business unit finds "Consider
..." on My work and decides not to take it further, with a reason; the school's lead
finds "Read the decision ..." on My work and reads it; a social worker in another agency
has no item and cannot open the page. axe-core runs on every page.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.frontdoor.models import Contact
from safeguard.learning.models import CaseReview
from safeguard.learning.seeds import reference_data_seed
from tests.exploitation.panel_world import build_world
from tests.factories import AgencyFactory
from tests.learning.conftest import build_partnership

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def test_refer_now_opens_a_contact_the_mash_finds_on_my_work(page, sign_in, make_user):
    world = build_world(make_user)
    mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, name="The MASH", is_mash=True)
    world.mash_team.agency = mash
    world.mash_team.save(update_fields=["agency"])
    mash_worker = make_user(Role.MASH_WORKER, agency=mash, first_name="Mo", last_name="Mash")
    TeamMembership.objects.create(
        team=world.mash_team, user=mash_worker, since=timezone.localdate()
    )
    today = timezone.localdate()

    # The social worker screens the child and ticks a significant incident.
    sign_in(page, world.worker)
    page.goto(f"/exploitation/panel/children/{world.child.pk}/screen/")
    page.locator("#id_screened_on_day").fill(str(today.day))
    page.locator("#id_screened_on_month").fill(str(today.month))
    page.locator("#id_screened_on_year").fill(str(today.year))
    page.get_by_label("Getting into vehicles with unknown adults").check()
    page.get_by_label("What happened in the incident").fill("Seen getting into a car at 2am")
    page.get_by_label("Your professional judgement").fill("Worried about the older boys.")
    page.get_by_label("Significant risk").check()
    page.get_by_role("button", name="Record the screening").click()
    contact = Contact.objects.get()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"Contact {contact.reference} was opened in the MASH"
    )
    assert_accessible(page)
    _sign_out(page)

    # The MASH worker finds the contact on My work and opens it.
    sign_in(page, mash_worker)
    page.goto("/")
    link = page.get_by_role("link", name="Decide what happens next on a contact")
    expect(link).to_be_visible()
    assert_accessible(page)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decide what happens next on a contact"
    )
    page.get_by_role("link", name=contact.reference, exact=True).click()
    expect(page.get_by_text("Seen getting into a car at 2am")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # A police officer has no such item and cannot open the contact.
    sign_in(page, world.officer)
    page.goto("/")
    expect(page.get_by_text("Decide what happens next on a contact")).to_have_count(0)
    response = page.goto(f"/mash/{contact.reference}/")
    assert response is not None
    assert response.status in (403, 404)
    expect(page.get_by_text("Seen getting into a car at 2am")).to_have_count(0)


def test_a_case_not_taken_further_closes_and_the_sender_reads_why(page, sign_in, make_user):
    reference_data_seed()  # themes and boards, which a browser test's flush empties
    p = build_partnership(make_user)

    # The school sends a near miss.
    sign_in(page, p.teacher)
    page.goto("/learning/submit/")
    page.get_by_label("A near miss: harm was narrowly avoided").check()
    page.get_by_label("Title", exact=True).fill("A disclosure passed on late")
    page.get_by_label("What happened and what could be learned").fill(
        "A disclosure at school was not passed on for two days."
    )
    page.get_by_role("button", name="Send the case").click()
    review = CaseReview.objects.get()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(review.reference)
    _sign_out(page)

    # The business unit finds "Consider ..." on My work and does not take it further.
    sign_in(page, p.business)
    page.goto("/")
    page.get_by_role("row").filter(has_text=f"Consider near miss {review.reference}").get_by_role(
        "link", name="Take a case review to its next step"
    ).click()
    page.get_by_role("link", name=review.reference, exact=True).click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Select whether to take the case forward")
    assert_accessible(page)
    page.get_by_label("Do not take it further").check()
    page.get_by_label("Why (the partner who sent the case reads this)").fill(
        "Single-agency learning: the school's own review covers it."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    assert_accessible(page)
    page.goto("/")
    expect(page.get_by_text(f"Consider near miss {review.reference}")).to_have_count(0)
    _sign_out(page)

    # A social worker in another agency has nothing and cannot open the school's page.
    sign_in(page, p.worker)
    page.goto("/")
    expect(page.get_by_text("Read the decision on the near miss")).to_have_count(0)
    response = page.goto(f"/learning/sent/{review.reference}/")
    assert response is not None
    assert response.status == 404
    _sign_out(page)

    # The school's lead finds the decision on My work and reads why.
    sign_in(page, p.teacher)
    page.goto("/")
    page.get_by_role("row").filter(
        has_text="Read the decision on the near miss you sent"
    ).get_by_role("link", name="Read the decision on a case you sent for learning").click()
    page.get_by_role("link", name=review.reference, exact=True).click()
    expect(page.get_by_text("Do not take it further")).to_be_visible()
    expect(page.get_by_text("the school's own review covers it")).to_be_visible()
    assert_accessible(page)
    page.goto("/")
    expect(page.get_by_text("Read the decision on the near miss you sent")).to_have_count(0)
