"""Early help in a real browser: start, assess, Team Around the Family, support, close.

axe-core is run on every page visited, including pages showing errors.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role
from safeguard.earlyhelp.models import Assessment, Episode, Notification
from tests.factories import (
    AgencyFactory,
    ChronologyEventFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    PersonFactory,
)

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def school(db):
    return AgencyFactory(name="Fulford Test School", kind=AgencyKind.EDUCATION_SCHOOL)


@pytest.fixture
def dsl(make_user, school):
    return make_user(Role.PRACTITIONER, agency=school, first_name="Alex", last_name="Mercer")


@pytest.fixture
def brennans(school):
    household = HouseholdFactory(name="Brennan household")
    isla = PersonFactory(
        given_name="Isla", family_name="Brennan", date_of_birth=dt.date(2013, 4, 2)
    )
    theo = PersonFactory(
        given_name="Theo", family_name="Brennan", date_of_birth=dt.date(2017, 9, 30)
    )
    mum = PersonFactory(
        given_name="Keira", family_name="Brennan", date_of_birth=dt.date(1988, 2, 3)
    )
    for person in (isla, theo, mum):
        HouseholdMemberFactory(household=household, person=person)
    InvolvementFactory(person=isla, agency=school, role_description="Pupil")
    ChronologyEventFactory(person=isla, title="Attendance below 90% this term", agency=school)
    police = AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)
    ChronologyEventFactory(person=isla, title="Named in a police intelligence log", agency=police)
    return isla, theo


def _fill_date(page, name: str, day: dt.date) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def _heading(page) -> str:
    return page.locator("h1").first.inner_text()


def test_a_family_from_start_to_closure(page, sign_in, dsl, brennans):
    today = timezone.localdate()
    sign_in(page, dsl)

    # My early help: nothing yet.
    page.get_by_role("link", name="Early help").first.click()
    assert _heading(page) == "Early help"
    expect(page.locator("main")).to_contain_text("Team Around the Family (TAF)")
    assert_accessible(page)

    # Find the child.
    page.get_by_role("link", name="Start early help for a family").click()
    assert _heading(page) == "Find the child"
    assert_accessible(page)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Child's name, date of birth, postcode or NHS number").fill("Isla Brennan")
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.get_by_role("link", name="Start early help for Isla Brennan's family").click()

    # Choose the children and say why; an empty reason is refused and the choice kept.
    assert _heading(page) == "Start early help for Isla Brennan's family"
    assert_accessible(page)
    page.get_by_label(re.compile("Theo Brennan")).check()
    page.get_by_role("button", name="Start early help").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the family needs early help"
    )
    expect(page.get_by_label(re.compile("Theo Brennan"))).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Why does the family need early help?").fill(
        "Attendance has dropped; mum asked for help with mornings."
    )
    page.get_by_role("button", name="Start early help").click()

    episode = Episode.objects.get()
    assert _heading(page) == f"{episode.reference}: Isla Brennan, Theo Brennan"
    assert_accessible(page)

    # Early help is voluntary: consent first. The follow-up questions are revealed by the answer.
    expect(page.get_by_role("button", name="Start an Early Help Assessment")).to_have_count(0)
    page.get_by_role("link", name="Record the family's consent").first.click()
    assert _heading(page) == "Record the family's consent"
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who you asked")
    assert_accessible(page)
    page.get_by_label("Keira Brennan, parent or carer with parental responsibility").check()
    agreed_to = page.get_by_label("An Early Help Assessment with the family")
    expect(agreed_to).to_be_hidden()
    page.get_by_label("Agreed", exact=True).check()
    expect(agreed_to).to_be_visible()
    agreed_to.check()
    page.get_by_label("In person").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Keira Brennan's consent has been recorded"
    )
    expect(page.locator("main")).to_contain_text("The Early Help Assessment")
    assert_accessible(page)

    # The assessment starts from what is already known: only what the family may be told.
    page.get_by_role("button", name="Start an Early Help Assessment").click()
    assert _heading(page) == "Early Help Assessment"
    expect(page.get_by_label("What is already known")).to_contain_text(
        "Attendance below 90% this term"
    )
    expect(page.get_by_label("What is already known")).to_contain_text("Keira Brennan")
    expect(page.get_by_label("What is already known")).not_to_contain_text("police intelligence")
    assert_accessible(page)
    _fill_date(page, "assessment_date", today)
    page.get_by_label("The family's own view").fill("Mum wants calmer mornings.")
    page.get_by_label("Needs", exact=True).fill("Routines; attendance.")
    page.get_by_label("Plan agreed with the family").fill("Weekly check-ins at school.")
    # Completing without the child's voice is refused and nothing typed is lost.
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what the child said and what life is like for them"
    )
    expect(page.get_by_label("Plan agreed with the family")).to_have_value(
        "Weekly check-ins at school."
    )
    assert_accessible(page)
    page.locator(".govuk-error-summary a").first.click()
    page.get_by_label(re.compile("The child's voice")).fill(
        "Isla said: 'Mornings are shouty and I miss breakfast.'"
    )
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The Supporting Families team has been told"
    )
    assert Assessment.objects.get().status == Assessment.Status.COMPLETED
    assert_accessible(page)

    # Open the completed assessment (read only).
    page.get_by_role("link", name=re.compile("Early Help Assessment")).first.click()
    expect(page.locator("main")).to_contain_text("Mornings are shouty")
    assert_accessible(page)
    page.get_by_role("link", name=f"Back to early help {episode.reference}").click()

    # A Team Around the Family meeting: a bad review date first.
    page.get_by_role("link", name="Record a Team Around the Family meeting or review").click()
    expect(page.locator("h1")).to_contain_text("Team Around the Family")
    assert_accessible(page)
    _fill_date(page, "held_on", today)
    page.get_by_label("Progress since the last meeting").fill("Attendance up to 91%.")
    page.get_by_label("The child's voice").fill("Isla said school feels better.")
    _fill_date(page, "next_review_due", today - dt.timedelta(days=10))
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Date the next review is due must be today or in the future"
    )
    expect(page.get_by_label("Progress since the last meeting")).to_have_value(
        "Attendance up to 91%."
    )
    assert_accessible(page)
    _fill_date(page, "next_review_due", today + dt.timedelta(weeks=6))
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator("main")).to_contain_text("First Team Around the Family meeting")
    assert_accessible(page)

    # Add support and see the central record of support.
    page.get_by_role("link", name="Add support").click()
    assert_accessible(page)
    page.get_by_label("What support was given").fill("Breakfast club place")
    _fill_date(page, "started", today)
    page.get_by_role("button", name="Add support").click()
    assert _heading(page) == "Central record of support"
    expect(page.locator("table")).to_contain_text("Breakfast club place")
    expect(page.locator("table")).to_contain_text("Agency involvement")
    assert_accessible(page)
    page.get_by_role("link", name=f"Back to early help {episode.reference}").click()

    # Record a change.
    page.get_by_role("link", name="Record a change").click()
    assert_accessible(page)
    _fill_date(page, "happened_on", today)
    page.get_by_label("What has changed").fill("Dad has moved back in.")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator("main")).to_contain_text("Dad has moved back in.")

    # Mum withdraws consent: the episode says so, and nothing more is shared.
    page.get_by_role("link", name="Record that Keira Brennan has withdrawn consent").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        f"Keira Brennan withdrew consent on {today.day} {today:%B %Y}"
    )
    expect(page.locator("main")).to_contain_text("Nothing more is shared with other agencies")
    assert_accessible(page)

    # Close: no reason first, then all needs met.
    page.get_by_role("link", name="Close early help").click()
    assert_accessible(page)
    page.get_by_role("button", name="Close early help").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why early help is closing")
    assert_accessible(page)
    page.get_by_label("All needs met").check()
    _fill_date(page, "closed_on", today)
    page.get_by_role("button", name="Close early help").click()
    expect(page.locator("main")).to_contain_text("All needs met")
    assert_accessible(page)

    # The closed family is under "Closed" in the list.
    page.goto("/early-help/?status=closed")
    expect(page.locator("table")).to_contain_text(episode.reference)
    assert_accessible(page)

    events = set(Notification.objects.values_list("event", flat=True))
    assert events == {"assessment_completed", "reviewed", "changed", "closed"}
    assert len(mail.outbox) == 4


def test_an_outsider_gets_page_not_found(page, sign_in, dsl, brennans, make_user):
    from safeguard.earlyhelp.services import early_help_episode_open

    episode = early_help_episode_open(by=dsl, children=list(brennans), reason="Help")
    outsider = make_user(Role.PRACTITIONER, agency=AgencyFactory(name="Elsewhere"))
    sign_in(page, outsider)
    response = page.goto(f"/early-help/{episode.pk}/")
    assert response is not None
    assert response.status == 404
    assert_accessible(page)
