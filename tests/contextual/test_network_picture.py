"""The network picture include: the table alternative, the cap note and the widget's data."""

from __future__ import annotations

import datetime
import json
import re

from django.template.loader import render_to_string

from safeguard.contextual.network import Link, Node, build, within

DAY = datetime.date(2026, 11, 3)


def neighbourhood(*, spokes: int = 2, cap: int = 150):
    nodes = [Node(id="c1", kind="child", label="Amy Example", at_risk=True)]
    nodes += [Node(id=f"p{n}", kind="person", label=f"Adult {n}") for n in range(spokes)]
    nodes.append(Node(id="park", kind="place", label="Riverside park"))
    links = [
        Link(
            id=f"k{n}",
            source="c1",
            target=f"p{n}",
            kind="associate",
            rank=5,
            created_on=DAY,
            grade="1-A-P",
        )
        for n in range(spokes)
    ]
    links.append(
        Link(
            id="kpark",
            source="p0",
            target="park",
            kind="seen_at",
            rank=2,
            created_on=DAY - datetime.timedelta(days=40),
            grade="3-D-C",
        )
    )
    return within(build(nodes, links), "c1", 2, cap=cap)


class TestTheNetworkPictureInclude:
    def test_the_table_alternative_lists_every_link_with_its_grade_and_date(self):
        html = render_to_string(
            "contextual/_network_picture.html", {"neighbourhood": neighbourhood()}
        )
        assert "Show as a table" in html
        assert html.count('<tr class="govuk-table__row">') == 1 + 3
        assert "Riverside park" in html
        assert "Seen at" in html
        assert "3-D-C" in html
        assert "24 September 2026" in html
        assert "3 November 2026" in html
        assert "Showing" not in html

    def test_a_capped_picture_says_how_many_there_were(self):
        html = render_to_string(
            "contextual/_network_picture.html", {"neighbourhood": neighbourhood(spokes=10, cap=5)}
        )
        assert "Showing 5 of 12 people and places" in html

    def test_the_widget_gets_its_elements_as_json_and_no_inline_script(self):
        html = render_to_string(
            "contextual/_network_picture.html", {"neighbourhood": neighbourhood()}
        )
        data = re.search(
            r'<script id="network-elements" type="application/json">(.*?)</script>', html, re.S
        )
        assert data is not None
        elements = json.loads(data.group(1))
        assert [n["data"]["label"] for n in elements["nodes"]][0] == "Amy Example"
        assert len(elements["edges"]) == 3
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert scripts == []
        assert 'tabindex="0"' in html
        assert 'aria-live="polite"' in html

    def test_two_pictures_on_one_page_keep_their_own_ids(self):
        html = render_to_string(
            "contextual/_network_picture.html",
            {"neighbourhood": neighbourhood(), "picture_id": "place-network"},
        )
        assert 'id="place-network-elements"' in html
        assert 'id="network-elements"' not in html
