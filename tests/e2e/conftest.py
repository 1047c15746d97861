"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures for every app's ``tests/e2e/test_<app>.py``:

- ``browser``: one headless Chromium for the whole run (``/usr/bin/chromium``; never
  ``playwright install``).
- ``page``: a fresh browser context and page per test, ``base_url`` set to the live
  server, so ``page.goto("/people/")`` works. Demo mode is on (two-factor sign-in
  offered, not required); a test opts out with ``settings.DEMO_MODE = False``.
- ``sign_in``: ``sign_in(page, user)`` signs in through ``/sign-in/`` (and completes
  two-factor sign-in when demo mode is off).
- ``assert_accessible(page)`` lives in ``tests/e2e/axe.py``.

Mark journeys ``@pytest.mark.e2e``. The suite runs the same on SQLite (a test
database file that the live server thread shares) and PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .totp import complete_two_factor

# Playwright's sync API runs an event loop in the test thread; tests also use the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"  # what tests/factories.py UserFactory sets
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole test run."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser journeys need Debian's Chromium. "
            "Install it with 'make system-deps' (apt-get install chromium); "
            "never 'playwright install'.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db: None) -> None:
    """Every journey runs on a committed database the live server can see.

    The fixed roles a flush empties are put back by ``tests/conftest.py``.
    """


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """A new browser context and page on the live server, in demo mode.

    JavaScript errors on the page (including Content Security Policy refusals)
    fail the test.
    """
    settings.DEMO_MODE = True
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    new_page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield new_page
    finally:
        context.close()
    assert not errors, "JavaScript errors on the page:\n" + "\n".join(errors)


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """``sign_in(page, user, password=...)``: sign in through the sign-in page.

    When demo mode is off, the two-factor step is completed too (set-up the first
    time, a code after), unless ``two_factor=False`` leaves the page on that step.
    """

    def _sign_in(
        page: Any, user: Any, password: str = PASSWORD, *, two_factor: bool = True
    ) -> None:
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        if two_factor and "/sign-in/two-factor/" in page.url:
            complete_two_factor(page, user)

    return _sign_in
