"""People's rights in a real browser: a checked subject access request and a two-person deletion.

The subject access request is released only after every check and a second manager's sign-off.

axe-core is run on every page visited, including the page showing errors.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import Role
from safeguard.people.models import Involvement, Person
from safeguard.rights import services
from safeguard.rights.models import SubjectAccessItem, SubjectAccessRequest
from tests.rights.test_retention import seed_retention_rules
from tests.rights.test_subject_access import build_subject

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _retention_rules(_e2e_database):
    """Journeys flush every table after each test, so put the seeded rules back."""
    seed_retention_rules()


def test_a_request_is_released_only_after_every_check_and_a_second_managers_sign_off(
    page, sign_in, make_user
):
    subject = build_subject(make_user)
    second = make_user(Role.MASH_MANAGER, agency=subject.mash_manager.agency)
    sign_in(page, subject.mash_manager)
    page.get_by_role("link", name="Subject access", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject access requests")
    assert_accessible(page)

    # The search looks across everyone, so it asks for the reason first.
    page.get_by_label("Find the person the request is about").fill("Marigold Thistlewood")
    page.get_by_role("button", name="Find").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are looking for this person"
    )
    assert_accessible(page)
    page.get_by_label("Why are you looking for this person?").fill(
        "Letter from Marigold asking for a copy of her record"
    )
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name="Marigold Thistlewood, born 17 May 2014").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marigold Thistlewood")
    assert_accessible(page)

    page.get_by_label("Name of the person who asked").fill("Ottoline Vexworth")
    page.get_by_role("button", name="Record the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who asked for the copy")
    assert_accessible(page)
    page.get_by_label("A parent or carer with parental responsibility, for a child").check()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the request").click()
    sar = SubjectAccessRequest.objects.get(person=subject.person, received_on=today)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(sar.reference)
    expect(page.get_by_role("heading", level=1)).to_contain_text("A copy of the information")
    assert_accessible(page)

    # Nothing can be released yet: every missing check is listed as a GOV.UK error.
    page.get_by_role("button", name="Release the copy").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Record the check of the requester's identity")
    expect(summary).to_contain_text("Gather the records for review")
    assert_accessible(page)

    page.get_by_role("link", name="Record the identity check").click()
    page.get_by_role("button", name="Save the identity check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the proof of identity you saw"
    )
    assert_accessible(page)
    page.get_by_label("What proof of identity did you see?").fill(
        "Passport and a council tax bill, seen at reception"
    )
    page.get_by_role("button", name="Save the identity check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Identity check recorded")

    page.get_by_role("link", name="Record the standing check").click()
    assert_accessible(page)
    page.get_by_label("How was parental responsibility confirmed?").fill(
        "Birth certificate names her as the mother"
    )
    page.get_by_label("No, the child is too young or cannot understand").check()
    page.get_by_label("The child was asked and agrees").check()
    page.get_by_role("button", name="Save the standing check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Standing check recorded")

    page.get_by_role("link", name="Review the records").click()
    page.get_by_role("button", name="Gather the records for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide every record")
    assert_accessible(page)
    page.get_by_role("link", name="Relationship").first.click()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select what to do with this record"
    )
    assert_accessible(page)
    page.get_by_label("Release with information about other people redacted").check()
    page.get_by_label("Related person").check()
    page.get_by_label("Reasons and notes").fill("The related person's name: someone else")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    assert_accessible(page)

    # Still refused while any record is undecided.
    page.goto(f"/sharing/subject-access/{sar.pk}/")
    page.get_by_role("button", name="Release the copy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Decide every record")
    for item in sar.items.filter(decision=""):
        services.subject_access_item_decide(
            by=subject.mash_manager,
            item=item,
            decision=SubjectAccessItem.Decision.RELEASE,
            note="Reasonable to release to her mother",
        )
    page.goto(f"/sharing/subject-access/{sar.pk}/")
    expect(page.get_by_text("another manager must sign off")).to_be_visible()
    page.get_by_role("button", name="Release the copy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A second manager must sign off the review"
    )
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, second)
    page.goto(f"/sharing/subject-access/{sar.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the review").click(timeout=60_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("signed off")
    # Making the PDF can take several seconds on a loaded machine.
    page.get_by_role("button", name="Release the copy").click(timeout=60_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("released", timeout=60_000)
    assert_accessible(page)
    link = page.get_by_role(
        "link", name=f"Download the copy as a document (PDF) for {sar.reference}"
    )
    response = page.request.get(link.get_attribute("href"), timeout=60_000)
    assert response.headers["content-type"] == "application/pdf"
    assert f"{sar.reference}.pdf" in response.headers["content-disposition"]
    assert response.body().startswith(b"%PDF")
    page.get_by_role("button", name="Mark as replied").click()
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.COMPLETED
    assert sar.signed_off_by == second


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
