"""The public pages in a browser: axe-core clean, usable at 400% zoom and by keyboard alone.

A worried member of the public, never signed in: "Worried about a child?", then the
services directory searched by keyboard alone, a service's page, news, events, the
newsletter sign-up. Every page is checked with axe-core at desktop width and at a
320 CSS pixel wide viewport (1280 pixels at 400% zoom, WCAG 1.4.10 reflow: no sideways
scrolling), and no page leaves a cookie in the browser.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.directory import services
from safeguard.directory.models import Subscriber
from tests.directory.conftest import YORK_FILE

from .axe import assert_accessible

pytestmark = pytest.mark.e2e

PAGES = [
    "/worried-about-a-child/",
    "/worried-about-a-child/other-formats/",
    "/services/",
    "/news/",
    "/events/",
    "/newsletter/",
]


def _focus_by_tab(page, predicate: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches the JavaScript predicate (on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"
        ):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at 400% zoom"


def test_a_worried_parent_finds_help_by_keyboard_at_any_zoom_with_no_cookies(page, settings):
    services.directory_import(by=None, content=YORK_FILE.read_bytes())
    start = timezone.now() + dt.timedelta(days=4)
    services.event_save(
        by=None,
        event=None,
        title="Partner briefing",
        kind="briefing",
        description="A free session.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        location="Online",
    )
    services.news_item_save(
        by=None,
        item=None,
        title="Safer Sleep Week",
        summary="Every March.",
        body="Advice for parents.",
        category="awareness",
        published_on=timezone.localdate(),
    )

    # 400% zoom: every public page reflows into 320 CSS pixels and stays accessible.
    page.set_viewport_size({"width": 320, "height": 256})
    for path in PAGES:
        page.goto(path)
        _no_sideways_scroll(page)
        assert_accessible(page)

    # Keyboard alone, at desktop width: skip link, then the directory's search.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/worried-about-a-child/")
    assert "01904 551900" in page.locator("main").inner_text()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    _focus_by_tab(page, "el.textContent.trim() === 'Find a service'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/")
    _focus_by_tab(page, "el.id === 'id_age'")
    page.keyboard.type("14")
    _focus_by_tab(page, "el.id === 'id_need'")
    page.keyboard.type("Going missing")
    _focus_by_tab(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Search'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/?*")
    results = page.locator("main").inner_text()
    assert "North Yorkshire SOS+" in results
    assert "The Gate York" not in results
    assert_accessible(page)
    _focus_by_tab(page, "el.textContent.trim() === 'North Yorkshire SOS+'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/*/")
    assert "Complete the St Giles Trust SOS+ referral form" in page.locator("main").inner_text()
    assert_accessible(page)

    # The newsletter, by keyboard: the answer is "check your email" whoever you are.
    page.goto("/newsletter/")
    _focus_by_tab(page, "el.id === 'id_email'")
    page.keyboard.type("parent@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**/newsletter/check-your-email/")
    assert_accessible(page)
    assert Subscriber.objects.filter(email="parent@example.org").exists()

    # An event: a bad form shows the GOV.UK error summary, which takes focus; then it works.
    page.goto("/events/")
    page.get_by_role("link", name="Partner briefing").click()
    page.get_by_role("button", name="Register your interest").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Register your interest").click()
    assert "Interest registered" in page.locator("h1").inner_text()

    assert page.context.cookies() == []
