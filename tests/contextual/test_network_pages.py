"""The network built from the app's links: steps, grade filtering, labels, the cap, the query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguard.contextual import selectors, services
from safeguard.contextual.models import LinkKind
from tests.factories import InvolvementFactory, PersonFactory

from .conftest import link, place

pytestmark = pytest.mark.django_db


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


class TestNetworkFor:
    def test_steps_reach_as_far_as_asked(self, world):
        link(world, LinkKind.CHILD_CHILD, child=world.ava, other_child=world.ben)
        link(world, LinkKind.CHILD_CHILD, child=world.ben, other_child=world.cal)
        start = f"child:{world.ava.pk}"
        one = selectors.network_for(user=world.officer, start=start, steps=1)
        two = selectors.network_for(user=world.officer, start=start, steps=2)
        assert {n.label for n in one.neighbourhood.nodes} == {"Ava Tester", "Ben Tester"}
        assert {n.label for n in two.neighbourhood.nodes} == {
            "Ava Tester",
            "Ben Tester",
            "Cal Tester",
        }

    def test_only_links_at_or_above_the_chosen_grade_are_used(self, world):
        spot = place(world)
        link(
            world,
            LinkKind.CHILD_PLACE,
            child=world.ava,
            place=spot,
            source_evaluation="1",
            assessment="A",
        )
        link(
            world,
            LinkKind.CHILD_PLACE,
            child=world.ben,
            place=spot,
            source_evaluation="3",
            assessment="D",
        )
        start = spot.node_key
        everything = selectors.network_for(user=world.officer, start=start, steps=1)
        strong = selectors.network_for(user=world.officer, start=start, steps=1, grade="2-B")
        assert len(everything.links) == 2
        assert [row["grade"] for row in strong.links] == ["1-A-P"]
        assert strong.grade == "2-B"

    def test_a_child_the_reader_cannot_see_is_in_the_network_but_not_named(self, world):
        stranger = PersonFactory(given_name="Hidden", family_name="Child")
        InvolvementFactory(person=stranger, agency=world.police)
        spot = place(world)
        link(world, LinkKind.CHILD_PLACE, child=world.ava, place=spot)
        link(world, LinkKind.CHILD_PLACE, child=stranger, place=spot)
        view = selectors.network_for(user=world.social_worker, start=spot.node_key, steps=1)
        labels = {n.label for n in view.neighbourhood.nodes}
        assert "Hidden Child" not in labels
        assert selectors.HIDDEN_CHILD in labels
        assert stranger.pk not in view.children

    def test_a_place_shared_by_children_at_risk_is_a_hotspot(self, world):
        spot = place(world)
        dee = services.person_of_concern_create(by=world.officer, name="Dee")
        for child in (world.ava, world.ben):
            link(world, LinkKind.CHILD_PLACE, child=child, place=spot)
            link(world, LinkKind.CHILD_ADULT, child=child, person=dee)
        view = selectors.network_for(user=world.officer, start=spot.node_key, steps=2)
        assert view.hotspots == [("Coppergate Centre", 2)]
        assert selectors.hotspots_all() == [(spot, 2)]

    def test_a_network_too_large_for_the_page_is_capped(self, world):
        spot = place(world)
        for n in range(5):
            child = PersonFactory(given_name=f"Child{n}", family_name="Tester")
            InvolvementFactory(person=child, agency=world.police)
            link(world, LinkKind.CHILD_PLACE, child=child, place=spot)
        view = selectors.network_for(user=world.officer, start=spot.node_key, steps=1, cap=3)
        assert view.truncated
        assert view.neighbourhood.total_nodes == 6
        assert len(view.neighbourhood.nodes) == 3

    def test_the_number_of_queries_does_not_grow_with_the_network(self, world):
        spot = place(world)
        dee = services.person_of_concern_create(by=world.officer, name="Dee")
        link(world, LinkKind.CHILD_PLACE, child=world.ava, place=spot)
        link(world, LinkKind.PERSON_PLACE, person=dee, place=spot)
        small = _queries(
            lambda: selectors.network_for(user=world.officer, start=spot.node_key, steps=2)
        )
        for n in range(20):
            child = PersonFactory(given_name=f"Child{n}", family_name="Tester")
            InvolvementFactory(person=child, agency=world.police)
            link(world, LinkKind.CHILD_PLACE, child=child, place=spot)
            link(world, LinkKind.CHILD_ADULT, child=child, person=dee)
        large = _queries(
            lambda: selectors.network_for(user=world.officer, start=spot.node_key, steps=2)
        )
        assert large == small
        assert small <= 10
