"""Accounts in a real browser: one administrator opens a MASH account, a second approves its role.

axe-core runs on every page visited, including the page with errors.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safeguard.core.models import Role, User
from tests.factories import AgencyFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def test_an_account_opened_by_one_administrator_is_approved_by_another(page, sign_in, make_user):
    mash = AgencyFactory(name="Test Safeguarding Hub", is_mash=True)
    first = make_user(Role.SYSTEM_ADMINISTRATOR, agency=mash, first_name="Pat", last_name="Fenwick")
    second = make_user(Role.SYSTEM_ADMINISTRATOR, agency=mash, first_name="Lee", last_name="Ward")
    sign_in(page, first)
    page.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Agencies and accounts"
    ).click()
    expect(page.locator("h1")).to_have_text("Agencies and accounts")
    assert_accessible(page)
    page.get_by_role("link", name="Open an account").click()
    page.get_by_label("Agency", exact=True).select_option(label="Test Safeguarding Hub")
    page.get_by_label("First name").fill("Morgan")
    page.get_by_label("Last name").fill("Newcombe")
    page.get_by_label("Username").fill("morgan-newcombe")
    page.get_by_label("Work email address").fill("morgan@example.invalid")
    page.get_by_label("Job title").fill("Social worker")
    page.get_by_label("Multi-Agency Safeguarding Hub (MASH) worker").check()
    page.get_by_label("First password").fill("short")
    page.get_by_role("button", name="Open the account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("morgan-newcombe")
    assert_accessible(page)
    page.get_by_label("First password").fill("a long first password for the test")
    page.get_by_role("button", name="Open the account").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("wait for a second")
    expect(page.locator("main")).to_contain_text("Waiting for approval")
    assert_accessible(page)
    assert not User.objects.get(username="morgan-newcombe").has_role(Role.MASH_WORKER)
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()

    sign_in(page, second)
    page.goto("/accounts/approvals/")
    assert_accessible(page)
    page.get_by_role(
        "button", name="Approve Multi-Agency Safeguarding Hub (MASH) worker for Morgan Newcombe"
    ).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("approved")
    assert User.objects.get(username="morgan-newcombe").has_role(Role.MASH_WORKER)
    page.get_by_role("link", name="Agencies", exact=True).click()
    expect(page.locator("main")).to_contain_text("Test Safeguarding Hub")
    assert_accessible(page)
