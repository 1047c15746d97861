"""The network engine on small graphs whose answers we know (issue 14 item 4)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own SVG
from itertools import combinations

from safeguard.contextual.network import (
    Link,
    Node,
    bridges,
    build,
    hotspots,
    new_links,
    peer_groups,
    picture_svg,
    to_cytoscape,
    within,
)

DAY = datetime.date(2026, 11, 1)
SVG = "{http://www.w3.org/2000/svg}"


def child(node_id: str, *, at_risk: bool = False) -> Node:
    return Node(id=node_id, kind="child", label=f"Child {node_id}", at_risk=at_risk)


def person(node_id: str) -> Node:
    return Node(id=node_id, kind="person", label=f"Person {node_id}")


def place(node_id: str) -> Node:
    return Node(id=node_id, kind="place", label=f"Place {node_id}")


def link(
    source: str, target: str, *, rank: int = 5, on: datetime.date = DAY, kind: str = "associate"
) -> Link:
    return Link(
        id=f"{source}-{target}-{rank}-{on.isoformat()}",
        source=source,
        target=target,
        kind=kind,
        rank=rank,
        created_on=on,
        grade="1-A-P" if rank >= 5 else "3-D-C",
    )


def clique(names: list[str]) -> list[Link]:
    return [link(a, b) for a, b in combinations(names, 2)]


def two_cliques() -> tuple[list[Node], list[Link]]:
    """Clique a1..a4 and clique b1..b4; person x knows a1, a2, b1 and b2."""
    a = [f"a{n}" for n in range(1, 5)]
    b = [f"b{n}" for n in range(1, 5)]
    nodes = [child(name) for name in a + b] + [person("x")]
    links = (
        clique(a) + clique(b) + [link("x", "a1"), link("x", "a2"), link("x", "b1"), link("x", "b2")]
    )
    return nodes, links


class TestPeerGroupsAndBridges:
    def test_two_cliques_joined_by_one_person_are_two_peer_groups(self):
        network = build(*two_cliques())
        groups = peer_groups(network)
        assert len(groups) == 2
        without_x = sorted(sorted(group - {"x"}) for group in groups)
        assert without_x == [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]]

    def test_the_person_joining_them_bridges_first(self):
        network = build(*two_cliques())
        found = bridges(network)
        assert found[0][0] == "x"
        assert found[0][1] == 0.5
        assert all(score < 0.5 for _, score in found[1:])

    def test_a_clique_on_its_own_has_no_bridges(self):
        a = [f"a{n}" for n in range(1, 5)]
        network = build([child(name) for name in a], clique(a))
        assert bridges(network) == []

    def test_shared_places_do_not_make_a_peer_group(self):
        nodes = [child("c1"), child("c2"), place("park")]
        network = build(nodes, [link("c1", "park"), link("c2", "park")])
        assert peer_groups(network) == []
        assert peer_groups(network, kinds=frozenset({"child", "place"})) == [
            frozenset({"c1", "c2", "park"})
        ]

    def test_the_answer_is_the_same_every_time_and_in_any_input_order(self):
        nodes, links = two_cliques()
        first = (peer_groups(build(nodes, links)), bridges(build(nodes, links)))
        second = (
            peer_groups(build(reversed(nodes), reversed(links))),
            bridges(build(reversed(nodes), reversed(links))),
        )
        assert first == second


class TestGradeFiltering:
    """Only links at or above the chosen rank count, so a weak link can change the answer."""

    def test_dropping_a_weak_link_splits_the_group(self):
        nodes = [child("x"), child("y"), child("z")]
        links = [link("x", "y"), link("x", "z", rank=1), link("y", "z", rank=1)]
        assert peer_groups(build(nodes, links)) == [frozenset({"x", "y", "z"})]
        assert peer_groups(build(nodes, links, min_rank=3)) == [frozenset({"x", "y"})]

    def test_dropping_a_weak_link_shrinks_the_neighbourhood(self):
        nodes = [child("c"), person("p"), place("park")]
        links = [link("c", "p"), link("p", "park", rank=1)]
        assert [n.id for n in within(build(nodes, links), "c", 2).nodes] == ["c", "p", "park"]
        assert [n.id for n in within(build(nodes, links, min_rank=2), "c", 2).nodes] == ["c", "p"]


class TestHotspots:
    def test_counts_distinct_children_at_risk_only(self):
        nodes = [
            child("c1", at_risk=True),
            child("c2", at_risk=True),
            child("c3"),
            person("adult"),
            place("park"),
            place("shop"),
        ]
        links = [
            link("c1", "park"),
            link("c1", "park", rank=4),  # a second report about the same child: counted once
            link("c2", "park"),
            link("c3", "park"),  # not at risk
            link("adult", "park"),  # not a child
            link("c1", "shop"),
        ]
        network = build(nodes, links)
        assert hotspots(network) == [("park", 2)]
        assert hotspots(network, min_children=1) == [("park", 2), ("shop", 1)]

    def test_a_weak_link_drops_a_place_below_the_line(self):
        nodes = [child("c1", at_risk=True), child("c2", at_risk=True), place("park")]
        links = [link("c1", "park"), link("c2", "park", rank=1)]
        assert hotspots(build(nodes, links)) == [("park", 2)]
        assert hotspots(build(nodes, links, min_rank=2)) == []


class TestWithin:
    def chain(self) -> tuple[list[Node], list[Link]]:
        # c - p - park - c2 - c3
        nodes = [child("c"), person("p"), place("park"), child("c2"), child("c3")]
        links = [link("c", "p"), link("p", "park"), link("park", "c2"), link("c2", "c3")]
        return nodes, links

    def test_one_and_two_steps(self):
        network = build(*self.chain())
        one = within(network, "c", 1)
        assert [n.id for n in one.nodes] == ["c", "p"]
        assert [(ln.source, ln.target) for ln in one.links] == [("c", "p")]
        two = within(network, "c", 2)
        assert [n.id for n in two.nodes] == ["c", "p", "park"]
        assert len(two.links) == 2
        assert not two.truncated
        assert two.total_nodes == 3

    def test_the_cap_keeps_the_closest_and_says_how_many_there_were(self):
        hub = child("hub")
        spokes = [person(f"p{n:03d}") for n in range(200)]
        far = [place(f"z{n:03d}") for n in range(5)]
        links = [link("hub", s.id) for s in spokes] + [link("p000", z.id) for z in far]
        network = build([hub, *spokes, *far], links)
        capped = within(network, "hub", 2, cap=150)
        assert capped.truncated is True
        assert capped.total_nodes == 206
        assert len(capped.nodes) == 150
        assert capped.nodes[0].id == "hub"
        assert all(n.kind == "person" for n in capped.nodes[1:])
        shown = {n.id for n in capped.nodes}
        assert all(ln.source in shown and ln.target in shown for ln in capped.links)

    def test_an_unknown_start_is_empty(self):
        network = build(*self.chain())
        assert within(network, "nobody", 2).nodes == ()


class TestNewLinks:
    def test_links_since_a_date_newest_first(self):
        old = link("a", "b", on=datetime.date(2026, 9, 1))
        recent = link("b", "c", on=datetime.date(2026, 11, 10))
        newest = link("c", "d", on=datetime.date(2026, 11, 20))
        on_the_day = link("d", "e", on=datetime.date(2026, 10, 31))
        found = new_links([old, recent, newest, on_the_day], since=datetime.date(2026, 10, 31))
        assert found == [newest, recent, on_the_day]


class TestPicture:
    def test_the_svg_is_well_formed_with_a_title_and_every_label(self):
        network = build(*two_cliques())
        neighbourhood = within(network, "x", 2)
        svg = picture_svg(neighbourhood, title="Network of Person x & friends")
        root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
        assert root.find(f"{SVG}title").text == "Network of Person x & friends"
        assert "9 people and places" in root.find(f"{SVG}desc").text
        labels = {text.text for text in root.iter(f"{SVG}text")}
        assert {"Person x", "Child a1", "Child b4", "Child", "Person of concern"} <= labels
        assert len(list(root.iter(f"{SVG}line"))) == len(neighbourhood.links)

    def test_the_picture_is_the_same_every_time(self):
        nodes, links = two_cliques()
        first = picture_svg(within(build(nodes, links), "a1", 2), title="t")
        second = picture_svg(within(build(reversed(nodes), reversed(links)), "a1", 2), title="t")
        assert first == second

    def test_a_capped_picture_says_so(self):
        hub = child("hub")
        spokes = [person(f"p{n:03d}") for n in range(20)]
        network = build([hub, *spokes], [link("hub", s.id) for s in spokes])
        svg = picture_svg(within(network, "hub", 1, cap=5), title="t")
        assert "Showing 5 of 21 people and places" in svg

    def test_cytoscape_elements_carry_positions_and_gradings(self):
        network = build(*two_cliques())
        elements = to_cytoscape(within(network, "x", 1))
        assert elements["nodes"][0]["data"]["id"] == "x"
        assert elements["nodes"][0]["position"] == {"x": 0.0, "y": 0.0}
        assert {e["data"]["grade"] for e in elements["edges"]} == {"1-A-P"}
        assert len(elements["nodes"]) == 5
        assert len(elements["edges"]) == 6
