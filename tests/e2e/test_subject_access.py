"""People's rights in a real browser: a subject access request and a two-person deletion.

axe-core is run on every page visited, including the page showing errors.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import Role
from safeguard.people.models import Involvement, Person
from safeguard.rights.models import SubjectAccessRequest
from tests.rights.test_retention import seed_retention_rules
from tests.rights.test_subject_access import build_subject

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _retention_rules(_e2e_database):
    """Journeys flush every table after each test, so put the seeded rules back."""
    seed_retention_rules()


def test_a_manager_records_a_request_and_downloads_the_copy(page, sign_in, make_user):
    subject = build_subject(make_user)
    sign_in(page, subject.mash_manager)
    page.get_by_role("link", name="Subject access", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    assert_accessible(page)
    page.get_by_label("Find the person the request is about").fill("Marigold Thistlewood")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Marigold Thistlewood, born 17 May 2014").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marigold Thistlewood")
    assert_accessible(page)

    page.get_by_label("Name of the person who asked").fill("Marigold Thistlewood")
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who asked for the copy")
    assert_accessible(page)

    page.get_by_label("The person themselves").check()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the request").click()
    sar = SubjectAccessRequest.objects.get(person=subject.person, received_on=today)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(sar.reference)
    assert_accessible(page)
    # Fetch the copy through the signed-in browser session; making a PDF can take a few
    # seconds on a loaded machine, longer than a click's default wait.
    link = page.get_by_role("link", name=f"PDF copy for {sar.reference}")
    response = page.request.get(link.get_attribute("href"), timeout=60_000)
    assert response.headers["content-type"] == "application/pdf"
    assert f"{sar.reference}.pdf" in response.headers["content-disposition"]
    assert response.body().startswith(b"%PDF")
    page.reload()
    page.get_by_role("button", name=f"Mark as replied for {sar.reference}").click()
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.COMPLETED


def test_two_managers_delete_a_record_past_its_retention_period(page, sign_in, make_user):
    subject = build_subject(make_user)
    # Make the child's record old: born 30 years ago, last agency work 10 years ago.
    long_ago = timezone.localdate() - dt.timedelta(days=365 * 10)
    Person.objects.filter(pk=subject.person.pk).update(
        date_of_birth=dt.date(1996, 1, 1),
        created_at=timezone.now() - dt.timedelta(days=365 * 14),
    )
    Involvement.objects.filter(person=subject.person).update(ended=long_ago)
    subject.person.chronology.update(occurred_at=timezone.now() - dt.timedelta(days=365 * 10))
    second = make_user(Role.MASH_MANAGER, agency=subject.mash_manager.agency)

    sign_in(page, subject.mash_manager)
    page.goto("/sharing/retention/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Records due for review")
    assert_accessible(page)
    page.get_by_role(
        "button", name="Propose deletion Marigold Thistlewood (Children's records)"
    ).click()
    expect(page.get_by_text("Another MASH manager must approve it.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, second)
    page.goto("/sharing/retention/")
    page.get_by_role(
        "button", name="Approve and delete Marigold Thistlewood (Children's records)"
    ).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("deleted")
    assert_accessible(page)
    assert not Person.objects.filter(pk=subject.person.pk).exists()
