"""The agencies and accounts admin (system administrators only) passes axe-core (WCAG 2.2 AA).

The admin is Django's own, with two local fixes (issue 10, item 8): a small style
sheet for target size (``static/safeguard/admin.css`` through
``templates/admin/base_site.html``) and roles as plain checkboxes instead of the
two-box filter widget, which put an ``aria-label`` on a ``span`` and set inline
styles the Content Security Policy refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from safeguard.core.models import Role
from tests.factories import AgencyFactory

from .axe import assert_accessible
from .conftest import PASSWORD, TIMEOUT_MS

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin_page(browser: Any, live_server: Any, settings: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose own JavaScript and Content Security Policy errors are collected.

    Unlike the shared ``page`` fixture, errors are looked at when each page has
    loaded, before axe runs: on the admin's forms axe-core's own probing (the
    script injected through the DevTools protocol) applies inline styles, which
    the policy rightly refuses; that is the test tool, not the page.
    """
    settings.DEMO_MODE = True
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield page, errors
    finally:
        context.close()


def test_every_admin_page_passes_axe(admin_page, make_user):
    page, errors = admin_page
    agency = AgencyFactory(name="Fulford Test School")
    for _ in range(4):
        AgencyFactory()
        make_user(Role.PRACTITIONER, agency=agency)
    administrator = make_user(Role.SYSTEM_ADMINISTRATOR, agency=agency, is_superuser=True)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()

    pages = [
        "/admin/",
        "/admin/core/",
        "/admin/core/agency/",
        "/admin/core/agency/?kind__exact=police",
        "/admin/core/agency/add/",
        f"/admin/core/agency/{agency.pk}/change/",
        f"/admin/core/agency/{agency.pk}/history/",
        "/admin/core/user/",
        "/admin/core/user/add/",
        f"/admin/core/user/{administrator.pk}/change/",
        f"/admin/core/user/{administrator.pk}/password/",
    ]
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)  # let the admin's own scripts run
        assert not errors, f"JavaScript errors on {path}:\n" + "\n".join(errors)
        assert "Safeguard administration" in page.title(), path
        assert_accessible(page)
        errors.clear()

    # Roles are checkboxes, each with its label.
    page.goto(f"/admin/core/user/{administrator.pk}/change/")
    assert page.locator('input[type="checkbox"][name="roles"]').count() >= 1
    assert page.locator(".selector-filter").count() == 0
