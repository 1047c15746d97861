"""Work in a real browser: a worker is off sick, the manager re-allocates her child and her work.

Three accounts: the manager who records the absence and re-allocates, the colleague who
takes the child on, and a school's lead who must not see the team's queue. axe-core runs
on every page visited; the journey uses the keyboard-reachable controls only.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.clock import Clock
from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.people.models import Involvement
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from safeguard.work.services import Deadline, work_item_create
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, TeamFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def team(db, make_user):
    csc = AgencyFactory(name="Test Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    team = TeamFactory(agency=csc, name="Children's social care assessment team", slug="assessment")
    manager = make_user(Role.PRACTITIONER, agency=csc, first_name="Jordan", last_name="Hale")
    away = make_user(Role.PRACTITIONER, agency=csc, first_name="Casey", last_name="Dunn")
    colleague = make_user(Role.PRACTITIONER, agency=csc, first_name="Sam", last_name="Okafor")
    today = timezone.localdate()
    TeamMembership.objects.create(team=team, user=manager, is_manager=True, since=today)
    TeamMembership.objects.create(team=team, user=away, since=today)
    TeamMembership.objects.create(team=team, user=colleague, since=today)
    child = PersonFactory(given_name="Ruby", family_name="Ashdown")
    InvolvementFactory(
        person=child, agency=csc, lead_practitioner=away, role_description="Allocated social worker"
    )
    with transaction.atomic():
        visit = work_item_create(
            by=manager,
            team=team,
            kind=WorkKind.OTHER,
            title="Visit and see the child alone",
            subject_type="person",
            subject_id=child.pk,
            subject_label="Home visit",
            person=child,
            deadline=Deadline(2, Clock.WORKING_DAYS),
            assignee=away,
        )
    school = AgencyFactory(name="Test School", kind=AgencyKind.EDUCATION_SCHOOL)
    outsider = make_user(Role.PRACTITIONER, agency=school, first_name="Alex", last_name="Mercer")
    return {
        "manager": manager,
        "away": away,
        "colleague": colleague,
        "child": child,
        "visit": visit,
        "outsider": outsider,
    }


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def test_an_absence_moves_a_child_and_her_work_to_someone_working(page, sign_in, team):
    today = timezone.localdate()
    sign_in(page, team["manager"])

    # The team's members, from Team queues.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Team queues").click()
    expect(page.locator("h1")).to_have_text("Team queues")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Members of Children's social care")).click()
    expect(page.locator("h1")).to_contain_text("members")
    assert_accessible(page)

    # Record Casey's sickness; a bad date is refused first and the choice kept.
    page.get_by_role("link", name="Record an absence for Casey Dunn").click()
    page.get_by_label("Sickness").check()
    page.locator("#id_starts_on_day").fill("31")
    page.locator("#id_starts_on_month").fill("2")
    page.locator("#id_starts_on_year").fill(str(today.year))
    page.get_by_role("button", name="Record the absence").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    expect(page.get_by_label("Sickness")).to_be_checked()
    assert_accessible(page)
    page.locator("#id_starts_on_day").fill(str(today.day))
    page.locator("#id_starts_on_month").fill(str(today.month))
    page.get_by_role("button", name="Record the absence").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Absence recorded")

    # My work: the re-allocation asks are the manager's, the child named.
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Choose a new lead practitioner")
    expect(page.locator("main")).to_contain_text("Ruby Ashdown")
    assert_accessible(page)
    page.get_by_role("link", name="Re-allocate a child's lead practitioner").click()
    expect(page.locator("h1")).to_have_text("Re-allocate a child's lead practitioner")
    assert_accessible(page)
    page.get_by_role("button", name="Save the new lead practitioner").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the new lead practitioner")
    assert_accessible(page)
    page.get_by_label("Who should be the new lead practitioner?").select_option(label="Sam Okafor")
    page.get_by_role("button", name="Save the new lead practitioner").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "New lead practitioner recorded"
    )
    assert Involvement.objects.get(person=team["child"]).lead_practitioner == team["colleague"]

    # The visit Casey had: allocate it to Sam from the re-allocation ask.
    page.goto("/")
    page.get_by_role("link", name="Re-allocate work from someone who is away").click()
    page.get_by_role("link", name="Other work").click()
    expect(page.locator("h1")).to_have_text("Other work")
    page.get_by_label("Who should do this?").select_option(label="Sam Okafor")
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Allocated to Sam Okafor")
    assert_accessible(page)
    assert WorkItem.objects.get(kind=WorkKind.REALLOCATE_WORK).status == WorkStatus.DONE
    _sign_out(page)

    # Sam sees the child he now leads on and the visit, and opens the child.
    sign_in(page, team["colleague"])
    expect(page.locator("main")).to_contain_text("Visit and see the child alone")
    page.get_by_role("link", name="Ruby Ashdown").first.click()
    expect(page.locator("h1")).to_contain_text("Ruby Ashdown")
    _sign_out(page)

    # The school's lead cannot open the team's queue or the item.
    sign_in(page, team["outsider"])
    page.goto("/work/teams/assessment/")
    expect(page.locator("h1")).to_have_text("Page not found")
    page.goto(f"/work/items/{team['visit'].pk}/")
    expect(page.locator("h1")).to_have_text("Page not found")
    assert_accessible(page)
