"""Nothing falls between agencies (issue 9): immediate danger, send-back, sign-off, social care.

Across five accounts: a school reports immediate danger; it is first in the MASH
queue with its own (amber) tag; the MASH asks the police, who answer from their
queue; the MASH worker decides Level 4, Section 47; the
manager sends it back with a reason; the worker sees the reason and decides
again; the manager signs off; the social worker in the assessment team sees the
work and opens the child; the referrer sees the outcome but never the reasons.
axe-core runs on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.frontdoor.models import Consent, Contact, ContactStatus
from safeguard.frontdoor.services import ChildDetails, contact_submit
from tests.factories import AgencyFactory, TeamFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e

REASON = "Check with the police about the weekend call-out before deciding."
RATIONALE = "Bruising disclosed and the child is frightened to go home."


@pytest.fixture
def people(make_user):
    school = AgencyFactory(name="Fulford Test School", kind=AgencyKind.EDUCATION_SCHOOL)
    mash = AgencyFactory(name="Test MASH", is_mash=True)
    csc = AgencyFactory(name="Test Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    since = dt.date(2024, 1, 1)
    mash_team = TeamFactory(agency=mash, name="MASH team", purpose=TeamPurpose.MASH)
    assessment = TeamFactory(
        agency=csc,
        name="Assessment team",
        slug="csc-assessment",
        purpose=TeamPurpose.SOCIAL_CARE_ASSESSMENT,
    )
    dsl = make_user(
        Role.PRACTITIONER,
        agency=school,
        first_name="Alex",
        last_name="Mercer",
        email="alex@example.invalid",
    )
    worker = make_user(Role.MASH_WORKER, agency=mash, first_name="Morgan", last_name="Ashby")
    manager = make_user(
        Role.MASH_MANAGER, Role.MASH_WORKER, agency=mash, first_name="Pat", last_name="Lead"
    )
    social = make_user(Role.PRACTITIONER, agency=csc, first_name="Sam", last_name="Okafor")
    police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
    police_team = TeamFactory(
        agency=police,
        name="Police safeguarding hub",
        purpose=TeamPurpose.POLICE_SAFEGUARDING,
        receives_for_agency=True,
    )
    officer = make_user(Role.PRACTITIONER, agency=police, first_name="Chris", last_name="Bell")
    TeamMembership.objects.create(team=police_team, user=officer, since=since)
    TeamMembership.objects.create(team=mash_team, user=worker, since=since)
    TeamMembership.objects.create(team=mash_team, user=manager, is_manager=True, since=since)
    TeamMembership.objects.create(team=assessment, user=social, since=since)
    # An older, ordinary contact already overdue in the queue.
    contact_submit(
        by=dsl,
        children=[ChildDetails(given_name="Older", family_name="Contact")],
        categories=["neglect"],
        what_happened="Hungry again.",
        happened_on=None,
        child_voice="Said they were fine.",
        immediate_danger=False,
        family_knows="",
        consent=Consent.GIVEN,
        referrer_name="Alex Mercer",
        referrer_email="alex@example.invalid",
        received_at=timezone.now() - dt.timedelta(days=4),
        send_receipt=False,
    )
    return dsl, worker, manager, social, officer


def continue_(page):
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def report_immediate_danger(page):
    page.goto("/report/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("link", name="Describe a child").click()
    page.get_by_label("Given name").fill("Robin")
    page.get_by_label("Family name").fill("Dangerfield")
    page.get_by_label("Not known").check()
    page.get_by_role("button", name="Add this child").click()
    continue_(page)
    page.get_by_label("Physical abuse").check()
    continue_(page)
    page.get_by_label("What happened?").fill(
        "Bruises on the arms; says dad will hurt them tonight."
    )
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    continue_(page)
    page.get_by_label("What did the child say").fill("Said they are scared to go home.")
    continue_(page)
    page.get_by_label("Yes").check()
    continue_(page)
    expect(page.locator("main")).to_contain_text("999")
    assert_accessible(page)
    page.get_by_role("link", name="Continue with the report").click()
    page.get_by_label("What does the family know").fill("Nothing yet.")
    continue_(page)
    page.get_by_label("I did not ask them").check()
    page.get_by_label("Asking would put the child").check()
    continue_(page)
    continue_(page)
    page.get_by_label("Phone number").fill("01904 000000")
    continue_(page)
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text("MASH-")
    return page.locator("#reference").inner_text()


def decide_section_47(page, reference, rationale):
    page.goto(f"/mash/{reference}/")
    page.get_by_role("link", name="Make a threshold decision").click()
    expect(page.locator("#concern")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Said they are scared to go home.")
    assert_accessible(page)
    page.get_by_label("Level 4: specialist need").check()
    page.get_by_label("Section 47 strategy discussion").check()
    page.get_by_label("Why did you make this decision?").fill(rationale)
    page.get_by_label("What should the referrer be told?").fill(
        "A strategy discussion is being held today."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("main")).to_contain_text("Waiting for a manager's sign-off")


def test_immediate_danger_to_social_care_through_send_back_and_sign_off(page, sign_in, people):
    dsl, worker, manager, social, officer = people

    sign_in(page, dsl)
    reference = report_immediate_danger(page)
    assert Contact.objects.get(reference=reference).urgency == 1
    sign_out(page)

    # First in the queue, with the tag its own two-hour clock gives it.
    sign_in(page, worker)
    page.goto("/mash/")
    first = page.locator("#queue tbody tr").first
    expect(first).to_contain_text(reference)
    expect(first).to_contain_text("Immediate danger")
    expect(first).to_contain_text("Due soon")  # two hours, round the clock: amber at once
    assert_accessible(page)

    # The MASH asks the police; the request lands in the police team's queue, and they answer.
    page.goto(f"/mash/{reference}/")
    page.get_by_text("Send a request for information to an agency").click()
    page.get_by_label("Agency").select_option(label="Test Police")
    page.get_by_label("What are you asking?").fill("Any call-outs to the family's address?")
    page.get_by_role("button", name="Send the request for information").click()
    expect(page.locator("#information ~ table")).to_contain_text("Waiting: in Test Police's queue")
    sign_out(page)
    sign_in(page, officer)
    expect(page.locator("main")).to_contain_text("Immediate danger")
    page.get_by_role("link", name="Answer a request for information").click()
    page.get_by_role("link", name=f"Request for information on contact {reference}").click()
    assert_accessible(page)
    page.get_by_label("What does your agency know?").fill("A domestic call-out on Saturday night.")
    page.get_by_role("button", name="Send the answer to the MASH").click()
    expect(page.locator("main")).to_contain_text("Answered by Chris Bell")
    sign_out(page)

    sign_in(page, worker)
    page.goto(f"/mash/{reference}/")
    expect(page.locator("main")).to_contain_text("A domestic call-out on Saturday night.")
    decide_section_47(page, reference, "Risk of significant harm.")
    sign_out(page)

    # The manager sees the concern beside the proposal and sends it back with a reason.
    sign_in(page, manager)
    page.goto(f"/mash/{reference}/sign-off/")
    expect(page.locator("#proposed")).to_contain_text("Section 47 strategy discussion")
    expect(page.locator("main")).to_contain_text("Said they are scared to go home.")
    assert_accessible(page)
    page.get_by_label("No, send it back").check()
    page.get_by_label("Why are you sending it back?").fill(REASON)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("Gathering information")
    sign_out(page)

    # The worker sees it came back, and why, on My work and on the contact.
    sign_in(page, worker)
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Decide again: a manager sent the decision back")
    assert_accessible(page)
    page.goto(f"/mash/{reference}/")
    expect(page.locator("#sent-back")).to_contain_text(REASON)
    assert_accessible(page)
    decide_section_47(page, reference, RATIONALE)
    sign_out(page)

    sign_in(page, manager)
    page.goto(f"/mash/{reference}/sign-off/")
    page.get_by_label("Yes, sign it off").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main")).to_contain_text("Decided")
    expect(page.locator("#history")).to_contain_text(REASON)  # the first proposal stays visible
    assert_accessible(page)
    assert Contact.objects.get(reference=reference).status == ContactStatus.DECIDED
    sign_out(page)

    # The social worker sees the strategy discussion in the team's queue and opens the child.
    sign_in(page, social)
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Hold a strategy discussion (Section 47)")
    assert_accessible(page)
    page.goto("/work/teams/csc-assessment/")
    assert_accessible(page)
    page.get_by_role("link", name="Hold a strategy discussion (Section 47)").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Robin Dangerfield").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin Dangerfield")
    assert_accessible(page)
    sign_out(page)

    # The referrer sees the outcome, never the reasons or the send-back.
    sign_in(page, dsl)
    page.goto(f"/my-referrals/{reference}/")
    expect(page.locator("#message")).to_have_text("A strategy discussion is being held today.")
    expect(page.locator("main")).not_to_contain_text(RATIONALE)
    expect(page.locator("main")).not_to_contain_text(REASON)
    assert_accessible(page)
