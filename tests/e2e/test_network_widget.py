"""The network picture in a real browser: drawn by Cytoscape.js, operable by keyboard, axe clean.

No test page exists in the application: the include is rendered here and handed to
the browser by Playwright at an address on the live server, with the production
Content Security Policy header, while the stylesheets and scripts come from the live
server's /assets/ as on any page. The contextual pages' own journey covers it again
signed in.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.template import engines
from playwright.sync_api import expect

from safeguard.contextual.network import Link, Node, build, within

from .axe import assert_accessible

pytestmark = pytest.mark.e2e

PAGE = """{% load static %}<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>Network picture - Safeguard</title>
  <link rel="stylesheet" href="{% static 'govuk/govuk-frontend.min.css' %}">
  <link rel="stylesheet" href="{% static 'moj/moj-frontend.min.css' %}">
  <link rel="stylesheet" href="{% static 'safeguard/safeguard.css' %}">
</head>
<body class="govuk-template__body">
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
      <h1 class="govuk-heading-l">Amy Example's network</h1>
      {% include "contextual/_network_picture.html" %}
    </main>
  </div>
</body>
</html>"""


def _neighbourhood():
    day = datetime.date(2026, 11, 3)
    nodes = [
        Node(id="c1", kind="child", label="Amy Example", at_risk=True),
        Node(id="c2", kind="child", label="Ben Example", at_risk=True),
        Node(id="p1", kind="person", label="Adult of concern"),
        Node(id="park", kind="place", label="Riverside park"),
        Node(id="car", kind="vehicle", label="Blue hatchback"),
    ]
    links = [
        Link(
            id="k1", source="c1", target="c2", kind="friend", rank=5, created_on=day, grade="1-A-P"
        ),
        Link(
            id="k2",
            source="c1",
            target="p1",
            kind="associate",
            rank=3,
            created_on=day,
            grade="2-B-C",
        ),
        Link(
            id="k3",
            source="c2",
            target="park",
            kind="seen_at",
            rank=2,
            created_on=day,
            grade="3-C-P",
        ),
        Link(
            id="k4", source="p1", target="car", kind="uses", rank=4, created_on=day, grade="2-A-P"
        ),
    ]
    return within(build(nodes, links), "c1", 2)


def test_the_picture_is_drawn_and_a_keyboard_user_hears_who_is_linked(page, live_server):
    html = engines["django"].from_string(PAGE).render({"neighbourhood": _neighbourhood()})
    address = f"{live_server.url}/network-picture-in-a-test/"
    page.route(
        address,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": settings.CONTENT_SECURITY_POLICY},
            body=html,
        ),
    )
    page.goto(address)
    expect(page.locator("[data-network-ready]")).to_have_count(1)
    expect(page.locator(".sg-network__canvas canvas").first).to_be_visible()

    # Tab reaches the picture; the arrow keys walk through it, closest first.
    picture = page.get_by_role("application", name="Network picture")
    picture.focus()
    expect(picture).to_be_focused()
    status = page.locator(".sg-network__status")
    page.keyboard.press("ArrowRight")
    expect(status).to_contain_text("Amy Example (child, at risk): 2 links")
    expect(status).to_contain_text("associate Adult of concern, graded 2-B-C, 3 November 2026")
    page.keyboard.press("ArrowRight")
    expect(status).to_contain_text("Ben Example")
    page.keyboard.press("End")
    expect(status).to_contain_text("Riverside park (place or space): 1 link")
    selected = page.evaluate("() => document.activeElement.className")
    assert "sg-network__canvas" in selected

    # The table alternative is always there.
    page.get_by_text("Show as a table").click()
    table = page.locator(".sg-network__table table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(4)
    assert_accessible(page)
