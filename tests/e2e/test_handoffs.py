"""Hand-offs in a real browser: the MASH asks the police; early help steps up to the MASH.

The police answer the MASH's request for information from their queue; early help
stepped up becomes a MASH contact. axe-core runs on every page visited.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.earlyhelp.models import Episode
from safeguard.earlyhelp.services import early_help_episode_open
from safeguard.frontdoor.models import Contact, MashEnquiry
from safeguard.frontdoor.services import contact_submit
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory
from tests.frontdoor.conftest import concern_kwargs

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


@pytest.fixture
def mash_worker(make_user):
    mash = AgencyFactory(name="Test MASH", is_mash=True)
    return make_user(Role.MASH_WORKER, agency=mash, first_name="Morgan", last_name="Ashby")


@pytest.fixture
def school_dsl(make_user):
    school = AgencyFactory(name="Fulford Test School", kind=AgencyKind.EDUCATION_SCHOOL)
    return make_user(
        Role.PRACTITIONER,
        agency=school,
        first_name="Alex",
        last_name="Mercer",
        email="alex@example.invalid",
    )


@pytest.fixture
def police_officer(make_user):
    police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
    team = TeamFactory(
        agency=police,
        name="Police safeguarding hub",
        slug="police-safeguarding",
        purpose=TeamPurpose.POLICE_SAFEGUARDING,
        receives_for_agency=True,
    )
    officer = make_user(Role.PRACTITIONER, agency=police, first_name="Chris", last_name="Bell")
    TeamMembership.objects.create(team=team, user=officer, since=timezone.localdate())
    return officer


def test_the_mash_asks_the_police_who_answer_from_their_queue(
    page, sign_in, mash_worker, school_dsl, police_officer
):
    contact = contact_submit(by=school_dsl, **concern_kwargs())

    sign_in(page, mash_worker)
    page.goto(f"/mash/{contact.reference}/")
    page.get_by_text("Send a request for information to an agency").click()
    page.get_by_label("Agency").select_option(label="Test Police")
    page.get_by_label("What are you asking?").fill("Any call-outs to the family's address?")
    page.get_by_role("button", name="Send the request for information").click()
    expect(page.locator("#information ~ table")).to_contain_text("Waiting: in Test Police's queue")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, police_officer)
    expect(page.locator("main")).to_contain_text("Waiting in your teams' queues")
    page.get_by_role("link", name="Answer a request for information").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"Request for information on contact {contact.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Request for information")
    expect(page.locator("main")).to_contain_text("Any call-outs to the family's address?")
    assert_accessible(page)
    page.get_by_role("button", name="Send the answer to the MASH").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what your agency knows")
    assert_accessible(page)
    page.get_by_label("What does your agency know?").fill("One domestic incident in March.")
    page.get_by_role("button", name="Send the answer to the MASH").click()
    expect(page.locator("main")).to_contain_text("Answered by Chris Bell")
    assert_accessible(page)
    assert MashEnquiry.objects.get().answered_by == police_officer
    sign_out(page)

    sign_in(page, mash_worker)
    page.goto(f"/mash/{contact.reference}/")
    expect(page.locator("main")).to_contain_text("One domestic incident in March.")
    expect(page.locator("main")).to_contain_text("Chris Bell (Test Police)")
    assert_accessible(page)


def test_early_help_stepped_up_becomes_a_mash_contact(page, sign_in, mash_worker, school_dsl):
    child = PersonFactory(
        given_name="Isla", family_name="Brennan", date_of_birth=dt.date(2013, 4, 2)
    )
    InvolvementFactory(person=child, agency=school_dsl.agency, role_description="Pupil")
    episode = early_help_episode_open(by=school_dsl, children=[child], reason="Attendance dropped.")
    today = timezone.localdate()

    sign_in(page, school_dsl)
    page.goto(f"/early-help/{episode.pk}/close/")
    assert_accessible(page)
    page.get_by_label("Stepped up to children's social care").check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Close early help").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select what the concern for the MASH is about"
    )
    assert_accessible(page)
    page.get_by_label("What has changed for the family").fill("Bruising seen twice this week.")
    page.get_by_label("Neglect", exact=True).check()
    page.get_by_label("Yes, they agreed").check()
    page.get_by_role("button", name="Close early help").click()
    expect(page.locator("main")).to_contain_text("A concern has been sent to the Multi-Agency")
    assert_accessible(page)
    reference = Episode.objects.get(pk=episode.pk).stepped_up_to
    assert reference.startswith("MASH-")
    expect(page.locator("main")).to_contain_text(reference)
    sign_out(page)

    sign_in(page, mash_worker)
    page.get_by_role("link", name="MASH queue", exact=True).first.click()
    expect(page.locator("#queue")).to_contain_text(reference)
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text(episode.reference)
    expect(page.locator("main")).to_contain_text("Bruising seen twice this week.")
    assert_accessible(page)
    assert Contact.objects.get(reference=reference).children.get() == child
