"""The front door in a real browser: report a concern, triage, decide, the referrer sees the outcome.

axe-core runs on every page visited, including a page showing errors.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role
from safeguard.frontdoor.models import Contact, ContactStatus
from tests.factories import AgencyFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(make_user):
    school = AgencyFactory(name="Fulford Test School", kind=AgencyKind.EDUCATION_SCHOOL)
    mash = AgencyFactory(name="Test MASH", is_mash=True)
    police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
    referrer = make_user(
        Role.PRACTITIONER,
        agency=school,
        first_name="Alex",
        last_name="Mercer",
        email="alex@example.invalid",
    )
    worker = make_user(Role.MASH_WORKER, agency=mash, first_name="Morgan", last_name="Ashby")
    return referrer, worker, police


def continue_(page):
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_report_triage_decide_and_the_referrer_sees_the_outcome(page, sign_in, people):
    referrer, worker, police = people
    sign_in(page, referrer)
    page.get_by_role("link", name="Report a concern").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()
    assert_accessible(page)

    # An empty answer is a GOV.UK error, and the page stays accessible.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Add at least one child")
    assert_accessible(page)

    page.get_by_role("link", name="Describe a child").click()
    assert_accessible(page)
    page.get_by_label("Given name").fill("Rowan")
    page.get_by_label("Family name").fill("Testerly")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2015")
    page.get_by_label("Not known").check()
    page.get_by_role("button", name="Add this child").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Rowan Testerly")
    continue_(page)

    assert_accessible(page)
    page.get_by_label("Neglect").check()
    continue_(page)
    assert_accessible(page)
    page.get_by_label("What happened?").fill("Arrived hungry three days running.")
    # A wrong day: the message names the date, and only the day box is highlighted.
    page.get_by_label("Day").fill("32")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    continue_(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date it happened must be a real date"
    )
    expect(page.get_by_label("Day")).to_have_class(re.compile(r"govuk-input--error"))
    expect(page.get_by_label("Month")).not_to_have_class(re.compile(r"govuk-input--error"))
    expect(page.get_by_label("Year")).not_to_have_class(re.compile(r"govuk-input--error"))
    assert_accessible(page)
    page.get_by_label("Day").fill("1")
    continue_(page)
    assert_accessible(page)
    continue_(page)  # the child's voice is required
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What did the child say").fill("Said <b>there's never any food</b>.")
    continue_(page)
    assert_accessible(page)
    page.get_by_label("No").check()
    continue_(page)
    assert_accessible(page)
    page.get_by_label("What does the family know").fill("Mum knows we are worried.")
    continue_(page)
    assert_accessible(page)
    # Why the family was not asked is a follow-up revealed by "I did not ask them".
    expect(page.get_by_label("Asking would put the child")).to_be_hidden()
    page.get_by_label("I did not ask them").check()
    page.get_by_label("Asking would put the child").check()
    continue_(page)
    assert_accessible(page)
    continue_(page)  # nobody else involved
    assert_accessible(page)
    phone = page.get_by_label("Phone number")
    expect(phone).to_have_attribute("type", "tel")
    expect(phone).to_have_attribute("autocomplete", "tel")
    expect(page.get_by_label("Your name")).to_have_attribute("autocomplete", "name")
    expect(page.get_by_label("Email address")).to_have_attribute("type", "email")
    expect(page.get_by_label("Email address")).to_have_attribute("autocomplete", "email")
    phone.fill("01904 000000")
    continue_(page)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your report"
    )
    expect(page.locator("main")).to_contain_text(
        "Said <b>there's never any food</b>."
    )  # shown escaped
    assert_accessible(page)
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("MASH-")
    assert_accessible(page)
    reference = page.locator("#reference").inner_text()
    sign_out(page)

    sign_in(page, worker)
    page.get_by_role("link", name="MASH queue", exact=True).first.click()
    expect(page.locator("#queue")).to_contain_text(reference)
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text("there's never any food")
    assert_accessible(page)
    page.get_by_text("Send a request for information to an agency").click()
    page.get_by_label("Agency").select_option(label=police.name)
    page.get_by_label("What are you asking?").fill("Any call-outs to the address?")
    page.get_by_role("button", name="Send the request for information").click()
    page.get_by_role("link", name="Record an answer given by phone").click()
    assert_accessible(page)
    page.get_by_label("What did the agency tell you?").fill("One domestic incident in March.")
    page.get_by_role("button", name="Save the answer").click()
    page.get_by_role("link", name="Make a threshold decision").click()
    assert_accessible(page)
    # Level 3 and 4 decisions wait for a manager (tests/e2e/test_mash_decisions.py); level 2 is final.
    page.get_by_label("Level 2: emerging need").check()
    page.get_by_label("Signposted to a support service").check()
    page.get_by_label("Why did you make this decision?").fill(
        "Several needs; family agrees to help."
    )
    page.get_by_label("What should the referrer be told?").fill(
        "A Team Around the Family will be arranged."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("main")).to_contain_text("Decided")
    assert_accessible(page)
    assert Contact.objects.get(reference=reference).status == ContactStatus.DECIDED
    sign_out(page)

    sign_in(page, referrer)
    page.goto("/my-referrals/")
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    expect(page.locator("#message")).to_have_text("A Team Around the Family will be arranged.")
    expect(page.locator("main")).not_to_contain_text(
        "Several needs"
    )  # the reasons stay with the MASH
    assert_accessible(page)
