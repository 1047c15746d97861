"""Foundation journeys in a real browser, with axe-core clean on every page visited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import AuditAction, AuditEvent, Role
from safeguard.people.models import Relationship, RelationshipKind
from safeguard.people.selectors import CHRONOLOGY_PAGE_SIZE
from tests.factories import ChronologyEventFactory, InvolvementFactory, PersonFactory

from .axe import assert_accessible
from .totp import complete_two_factor

pytestmark = pytest.mark.e2e


@pytest.fixture
def worker(make_user, agency):
    return make_user(Role.PRACTITIONER, agency=agency, first_name="Priya", last_name="Patel")


@pytest.fixture
def jayden(agency, worker):
    child = PersonFactory(
        given_name="Jayden", family_name="Smith", date_of_birth=dt.date(2014, 3, 14)
    )
    InvolvementFactory(
        person=child,
        agency=agency,
        lead_practitioner=worker,
        role_description="Allocated social worker",
    )
    return child


def _heading(page) -> str:
    return page.locator("h1").first.inner_text()


class TestSignIn:
    def test_demo_mode_signs_in_with_a_password_and_shows_my_work(
        self, page, sign_in, live_server, worker, jayden
    ):
        page.goto("/sign-in/")
        assert _heading(page) == "Sign in to Safeguard"
        assert_accessible(page)

        # A wrong password gives the GOV.UK error summary, not a 500.
        page.get_by_label("Username").fill(worker.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter a correct username and password"
        )
        assert_accessible(page)

        sign_in(page, worker)
        assert page.url == f"{live_server.url}/"
        assert _heading(page) == "My work"
        expect(page.get_by_role("link", name="Jayden Smith")).to_be_visible()
        expect(page.locator(".govuk-inset-text")).to_contain_text(
            "Two-factor sign-in is not set up"
        )
        assert_accessible(page)

    def test_without_demo_mode_two_factor_is_set_up_then_asked_for(
        self, page, sign_in, settings, worker
    ):
        settings.DEMO_MODE = False

        sign_in(page, worker, two_factor=False)
        assert "/sign-in/two-factor/" in page.url
        assert _heading(page) == "Set up two-factor sign-in"
        expect(page.locator(".sg-qr svg")).to_be_visible()
        assert_accessible(page)

        # A password alone opens nothing.
        page.goto("/people/")
        assert "/sign-in/two-factor/" in page.url

        page.get_by_label("Security code").fill("12345")
        page.get_by_role("button", name="Continue").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Security code must be 6 numbers"
        )
        assert_accessible(page)

        complete_two_factor(page, worker)  # reads the key from #totp-secret
        assert _heading(page) == "My work"
        expect(page.locator(".govuk-inset-text")).to_have_count(0)
        assert_accessible(page)
        assert AuditEvent.objects.filter(
            actor_id=worker.pk, action=AuditAction.TWO_FACTOR_SET_UP
        ).exists()

        page.get_by_role("button", name="Sign out").click()
        assert _heading(page) == "You have signed out"
        assert_accessible(page)

        sign_in(page, worker, two_factor=False)
        assert _heading(page) == "Enter your security code"
        expect(page.locator("#totp-secret")).to_have_count(0)
        assert_accessible(page)
        complete_two_factor(page, worker)  # the code from the saved device, never reused
        assert _heading(page) == "My work"

    def test_timeout_warning_is_an_accessible_dialog(self, page, sign_in, worker):
        page.clock.install()
        sign_in(page, worker)
        dialog = page.locator("#timeout-warning")
        expect(dialog).to_be_hidden()

        page.clock.fast_forward("28:01")  # 30 minutes idle, warned 2 minutes before
        expect(dialog).to_be_visible()
        expect(dialog).to_have_attribute("open", "")
        expect(page.get_by_role("dialog", name="You're about to be signed out")).to_be_visible()
        assert page.evaluate(
            "() => document.getElementById('timeout-warning').contains(document.activeElement)"
        )
        expect(dialog).to_contain_text("2 minutes")
        assert_accessible(page)

        with page.expect_request("**/session/keep-alive/"):
            page.get_by_role("button", name="Stay signed in").click()
        expect(dialog).to_be_hidden()

        page.clock.fast_forward("28:01")
        expect(dialog).to_be_visible()
        with page.expect_request("**/session/keep-alive/"):
            page.keyboard.press("Escape")  # Escape means "stay signed in" too
        expect(dialog).to_be_hidden()

        page.clock.fast_forward("28:01")
        expect(dialog).to_be_visible()
        page.clock.fast_forward("02:01")
        page.wait_for_url(re.compile(r"/signed-out/\?timeout=1$"))
        assert _heading(page) == "You have been signed out"
        assert_accessible(page)


class TestFindAndOpenAPerson:
    def test_fuzzy_search_person_page_timeline_and_who_has_looked(
        self, page, sign_in, worker, jayden, agency
    ):
        mother = PersonFactory(
            given_name="Kerry", family_name="Smith", date_of_birth=dt.date(1988, 6, 2)
        )
        sister = PersonFactory(
            given_name="Ruby", family_name="Smith", date_of_birth=dt.date(2017, 9, 1)
        )
        Relationship.objects.create(
            person=mother, other=jayden, kind=RelationshipKind.PARENT, parental_responsibility=True
        )
        Relationship.objects.create(person=jayden, other=mother, kind=RelationshipKind.CHILD)
        Relationship.objects.create(person=jayden, other=sister, kind=RelationshipKind.SIBLING)
        InvolvementFactory(person=mother, agency=agency)
        start = timezone.now() - dt.timedelta(days=400)
        events = CHRONOLOGY_PAGE_SIZE + 10
        for n in range(events):
            ChronologyEventFactory(
                person=jayden,
                agency=agency,
                occurred_at=start + dt.timedelta(days=n),
                title=f"Home visit {n + 1}",
            )

        sign_in(page, worker)
        page.get_by_label("Find a person").fill("Jaydn Smyth")  # misspelt both ways
        page.get_by_role("button", name="Search").click()
        assert _heading(page) == "Find a person"
        expect(page.locator("#results-heading")).to_contain_text("found")
        assert_accessible(page)

        page.get_by_role("link", name="Jayden Smith").click()
        assert _heading(page) == "Jayden Smith"
        expect(page.locator(".govuk-summary-list")).to_contain_text("14 March 2014")
        age = jayden.age_on(timezone.localdate())
        expect(page.get_by_test_id("person-status")).to_contain_text(f"{age} years old · Child")
        family = page.get_by_role("table", name="Family and household")
        expect(family).to_contain_text("Kerry Smith")
        # His mother is his parent, never his "Child" (issue 10, finding 4).
        expect(family.locator("tr", has_text="Kerry Smith")).to_contain_text(
            "Parent (parental responsibility)"
        )
        expect(family.locator("tr", has_text="Ruby Smith")).to_contain_text("Brother or sister")
        expect(
            family.get_by_role("link", name="Kerry Smith")
        ).to_be_visible()  # her agency works with her
        expect(family).to_contain_text("Ruby Smith")
        expect(family.get_by_role("link", name="Ruby Smith")).to_have_count(0)  # not visible to us
        assert_accessible(page)
        family.get_by_role("link", name="Kerry Smith").click()
        assert _heading(page) == "Kerry Smith"
        family = page.get_by_role("table", name="Family and household")
        expect(family.locator("tr", has_text="Jayden Smith")).to_have_text(re.compile(r"\bChild\b"))
        expect(family).not_to_contain_text("Parent")
        assert_accessible(page)
        page.go_back()
        timeline = page.locator(".moj-timeline .moj-timeline__item")
        expect(timeline).to_have_count(CHRONOLOGY_PAGE_SIZE)
        expect(timeline.first).to_contain_text(f"Home visit {events}")  # newest first
        assert_accessible(page)

        pages = page.get_by_role("navigation", name="Chronology pages")
        expect(pages).to_contain_text("Page 1 of 2")
        pages.get_by_role("link", name="Older events").click()
        expect(page.get_by_role("navigation", name="Chronology pages")).to_contain_text(
            "Page 2 of 2"
        )
        expect(timeline).to_have_count(events - CHRONOLOGY_PAGE_SIZE)
        expect(timeline.last).to_contain_text("Home visit 1")
        assert_accessible(page)

        page.get_by_role("link", name="Who has looked at this record").click()
        assert _heading(page) == "Who has looked at Jayden Smith's record"
        rows = page.get_by_role("table", name="Who has looked at this record").locator("tbody tr")
        expect(
            rows.filter(has_text="Viewed").filter(has_text=worker.username).first
        ).to_be_visible()
        expect(rows.filter(has_text="Shown in a list or search").first).to_contain_text(
            worker.username
        )
        assert_accessible(page)
        assert (
            AuditEvent.objects.filter(
                actor_id=worker.pk, person_id=jayden.pk, action=AuditAction.VIEW
            ).count()
            >= 2
        )

    def test_an_invalid_nhs_number_gives_the_error_summary(self, page, sign_in, worker):
        sign_in(page, worker)
        page.goto("/people/?q=0000000001")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_contain_text("Enter a real NHS number")
        expect(page.locator(".govuk-error-message")).to_contain_text("Enter a real NHS number")
        expect(page.locator("#id_q")).to_have_value("0000000001")
        assert page.title().startswith("Error: ")
        assert_accessible(page)
        summary.get_by_role("link").first.click()
        expect(page.locator("#id_q")).to_be_focused()

    def test_a_person_the_user_may_not_see_is_not_found(self, page, sign_in, worker):
        stranger = PersonFactory(given_name="Hidden", family_name="Child")
        sign_in(page, worker)
        response = page.goto(f"/people/{stranger.pk}/")
        assert response is not None
        assert response.status == 404
        assert _heading(page) == "Page not found"
        expect(page.locator("main")).not_to_contain_text("Hidden")
        assert_accessible(page)
        assert AuditEvent.objects.filter(
            actor_id=worker.pk, person_id=stranger.pk, action=AuditAction.DENY
        ).exists()


class TestAddAPerson:
    def test_bad_input_is_explained_kept_and_escaped(self, page, sign_in, worker):
        canary = "<script>window.pwned = 1</script>"
        sign_in(page, worker)
        page.goto("/people/new/")
        assert _heading(page) == "Add a person"
        assert_accessible(page)

        page.get_by_label("Given name").fill(canary)
        page.get_by_label("Family name").fill("O'Brien")
        dob = page.get_by_role("group", name="Date of birth")
        dob.get_by_label("Day").fill("31")
        dob.get_by_label("Month").fill("02")
        dob.get_by_label("Year").fill("2015")
        page.get_by_role("button", name="Save").click()

        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Date of birth must be a real date")
        expect(page.get_by_label("Given name")).to_have_value(canary)
        expect(page.get_by_label("Family name")).to_have_value("O'Brien")
        expect(dob.get_by_label("Day")).to_have_value("31")
        expect(dob.get_by_label("Month")).to_have_value("02")
        expect(dob.get_by_label("Year")).to_have_value("2015")
        # 31 February: the day is what is wrong, so only the day box is highlighted (GOV.UK).
        expect(page.locator(".govuk-date-input__input.govuk-input--error")).to_have_count(1)
        expect(dob.get_by_label("Day")).to_have_class(re.compile(r"govuk-input--error"))
        assert page.evaluate("() => window.pwned") is None
        assert_accessible(page)

        dob.get_by_label("Day").fill("1")
        dob.get_by_label("Month").fill("1")
        dob.get_by_label("Year").fill(str(timezone.localdate().year + 1))
        page.get_by_role("button", name="Save").click()
        expect(summary).to_contain_text("Date of birth must be today or in the past")
        expect(page.get_by_label("Given name")).to_have_value(canary)
        assert_accessible(page)

        dob.get_by_label("Year").fill("2015")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("has been added")
        assert _heading(page) == f"{canary} O'Brien"  # shown as text, never run
        assert page.evaluate("() => window.pwned") is None
        assert "&lt;script&gt;" in page.content()
        assert_accessible(page)
