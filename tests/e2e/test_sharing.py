# ruff: noqa: PLR0917
"""Information sharing in a real browser: share with an agency, revoke, and break-glass with review.

axe-core is run on every page visited, including pages showing errors.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role
from safeguard.sharing.models import BreakGlassUse, SafeguardingLead, SharingDecision
from tests.factories import AgencyFactory, ChronologyEventFactory, InvolvementFactory, PersonFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def school(db):
    return AgencyFactory(name="Fulford Test School", kind=AgencyKind.EDUCATION_SCHOOL)


@pytest.fixture
def police(db):
    return AgencyFactory(name="Test Police Force", kind=AgencyKind.POLICE)


@pytest.fixture
def dsl(make_user, school):
    return make_user(Role.PRACTITIONER, agency=school, first_name="Alex", last_name="Mercer")


@pytest.fixture
def pupil(school, dsl):
    person = PersonFactory(given_name="Isla", family_name="Brennan")
    InvolvementFactory(
        person=person, agency=school, lead_practitioner=dsl, role_description="Pupil"
    )
    ChronologyEventFactory(person=person, agency=school, title="Attendance below 90% this term")
    return person


def _heading(page) -> str:
    return page.locator("h1").first.inner_text()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()


def test_share_with_an_agency_then_end_access(page, sign_in, dsl, pupil, police, make_user):
    officer = make_user(Role.PRACTITIONER, agency=police, first_name="Chris", last_name="Deller")
    sign_in(page, dsl)
    page.goto(f"/sharing/people/{pupil.pk}/")
    assert _heading(page) == "Sharing and access"
    assert_accessible(page)
    page.get_by_role("link", name="Share with an agency").click()
    assert _heading(page) == "Share with an agency"
    assert_accessible(page)

    # Nothing filled in: every problem is listed, nothing is recorded.
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the agency")
    assert_accessible(page)

    page.get_by_label("Which agency is this decision about sharing with?").select_option(
        label="Test Police Force"
    )
    page.get_by_label("Purpose of sharing").select_option(label="Police investigation")
    page.get_by_label("Share", exact=True).check()
    page.get_by_label("Consent not sought").check()
    page.get_by_label(re.compile("^Public task")).check()
    page.get_by_label("Your judgement and reasons").fill(
        "Police need attendance for an investigation."
    )
    page.get_by_label("Summary of what you are sharing").fill("Attendance this term.")
    page.get_by_label(re.compile("Attendance below 90% this term")).check()
    # Sharing without consent needs one of the three lawful reasons; what was typed is kept.
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("one of the three lawful reasons")
    expect(page.get_by_label("Your judgement and reasons")).to_have_value(
        "Police need attendance for an investigation."
    )
    assert_accessible(page)
    page.get_by_label(re.compile("undermine the investigation of a serious crime")).check()
    page.get_by_role("button", name="Record decision").click()

    decision = SharingDecision.objects.get()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(decision.reference)
    expect(page.locator("main")).to_contain_text("1 active, 0 ended, 0 revoked")
    assert_accessible(page)
    _sign_out(page)

    # The police officer can now open the record.
    sign_in(page, officer)
    page.goto(f"/people/{pupil.pk}/")
    assert _heading(page) == "Isla Brennan"
    _sign_out(page)

    # The school ends the access; the officer's next request is refused.
    sign_in(page, dsl)
    page.goto(f"/sharing/people/{pupil.pk}/")
    page.get_by_role("link", name=re.compile("End access")).click()
    assert_accessible(page)
    page.get_by_label("Why are you ending this access?").fill("Investigation closed")
    page.get_by_role("button", name="End access now").click()
    expect(page.locator("main")).to_contain_text("0 active, 0 ended, 1 revoked")
    _sign_out(page)
    sign_in(page, officer)
    response = page.goto(f"/people/{pupil.pk}/")
    assert response is not None
    assert response.status == 404


def test_break_glass_is_alerted_and_reviewed(page, sign_in, dsl, pupil, make_user):
    clinic = AgencyFactory(name="Walk-in Clinic", kind=AgencyKind.HEALTH_HOSPITAL)
    nurse = make_user(Role.PRACTITIONER, agency=clinic, first_name="Jo", last_name="Brandon")
    lead = make_user(Role.PRACTITIONER, agency=clinic, first_name="Sam", last_name="Lead")
    SafeguardingLead.objects.create(agency=clinic, user=lead)

    sign_in(page, nurse)
    page.goto(f"/sharing/people/{pupil.pk}/break-glass/")
    assert _heading(page) == "Emergency access to a record (break-glass)"
    expect(page.locator("main")).not_to_contain_text("Brennan")
    assert_accessible(page)
    page.get_by_label("What is the emergency?").fill(
        "Child arrived with a head injury, out of hours."
    )
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The password is not correct")
    assert_accessible(page)
    page.get_by_label("Your password").fill("correct horse battery staple")
    page.get_by_role("button", name="Open the record").click()
    use = BreakGlassUse.objects.get()
    assert _heading(page) == "Isla Brennan"
    expect(page.locator(".govuk-notification-banner")).to_contain_text(use.reference)
    assert_accessible(page)
    _sign_out(page)

    # The safeguarding lead sees it in their queue and reviews it.
    sign_in(page, lead)
    page.get_by_role("link", name="Sharing", exact=True).first.click()
    assert_accessible(page)
    page.get_by_role(
        "link", name=re.compile("Emergency access \\(break-glass\\) to review")
    ).click()
    expect(page.locator("main")).to_contain_text(use.reference)
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"Review.*{use.reference}")).click()
    expect(page.locator("main")).not_to_contain_text("Brennan")
    page.get_by_role("button", name="Record review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the outcome of your review"
    )
    assert_accessible(page)
    page.get_by_label("Appropriate: a genuine emergency").check()
    page.get_by_role("button", name="Record review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Review of {use.reference} recorded"
    )
    assert_accessible(page)
    use.refresh_from_db()
    assert use.outcome == "appropriate"


def test_share_one_record_and_the_police_see_only_that_record(
    page, sign_in, dsl, pupil, school, police, make_user
):
    """Issue 10: share one record with the police; signed in as the police, only that record."""
    officer = make_user(Role.PRACTITIONER, agency=police, first_name="Sam", last_name="Okafor")
    ChronologyEventFactory(
        person=pupil, agency=school, title="Early help review: attendance improving"
    )
    ChronologyEventFactory(person=pupil, agency=school, title="Pastoral meeting with parent")
    sign_in(page, dsl)
    page.goto(f"/sharing/people/{pupil.pk}/share/")
    page.get_by_label("Which agency is this decision about sharing with?").select_option(
        label="Test Police Force"
    )
    page.get_by_label("Purpose of sharing").select_option(label="Police investigation")
    page.get_by_label("Share", exact=True).check()
    page.get_by_label("Consent given").check()
    page.get_by_label(re.compile("^Public task")).check()
    page.get_by_label("Your judgement and reasons").fill("Police are planning a joint visit.")
    page.get_by_label("Summary of what you are sharing").fill("The latest early help review.")
    page.get_by_label(re.compile("Early help review: attendance improving")).check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        SharingDecision.objects.get().reference
    )
    _sign_out(page)

    sign_in(page, officer)
    page.goto(f"/people/{pupil.pk}/")
    assert _heading(page) == "Isla Brennan"
    main = page.locator("main")
    expect(main).to_contain_text("Early help review: attendance improving")
    expect(main).to_contain_text("the records they chose to share, nothing else")
    expect(main).not_to_contain_text("Pastoral meeting with parent")
    expect(main).not_to_contain_text("Attendance below 90% this term")
    expect(main).not_to_contain_text("Agencies working with")
    assert_accessible(page)
    response = page.goto(f"/people/{pupil.pk}/viewed/")
    assert response is not None
    assert response.status == 404
