"""Merges are whole: every row about the merged person, in every app, moves; an undo puts it back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.earlyhelp.models import EpisodeChild
from safeguard.earlyhelp.selectors import can_view_episode
from safeguard.frontdoor.models import ContactChild
from safeguard.people import registry
from safeguard.people.models import Involvement, Person
from safeguard.records.models import LinkReview
from safeguard.records.services import person_merge, person_unmerge
from tests.factories import PersonFactory
from tests.person_rows import BUILDERS, SHARED, World

LABELS = sorted(BUILDERS)


def snapshot() -> dict[tuple[str, Any], Any]:
    """Which person every row of every declared link points at (and review statuses)."""
    state: dict[tuple[str, Any], Any] = {}
    for link in registry.links():
        if link.is_many_to_many:
            continue
        attname = link.model._meta.get_field(link.field).attname
        for pk, value in link.model._default_manager.values_list("pk", attname):
            state[(link.label, pk)] = value
    for pk, status in LinkReview.objects.values_list("pk", "status"):
        state[("review status", pk)] = status
    return state


class TestEveryAppHasABuilder:
    def test_every_declared_link_has_a_row_builder(self):
        assert set(LABELS) == {link.label for link in registry.links()}


counts = st.fixed_dictionaries({label: st.integers(0, 2) for label in LABELS})
shared = st.sets(st.sampled_from(sorted(SHARED)))


@pytest.mark.django_db
class TestMergeAcrossEveryApp:
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(merged_rows=counts, survivor_rows=counts, shared_rows=shared)
    def test_merge_moves_every_row_and_unmerge_restores_every_person_id(
        self, merged_rows, survivor_rows, shared_rows
    ):
        with transaction.atomic():
            self._check(merged_rows, survivor_rows, shared_rows)
            transaction.set_rollback(True)

    def _check(self, merged_rows, survivor_rows, shared_rows) -> None:
        world = World.make()
        survivor = PersonFactory(given_name="Ava", family_name="Browne")
        merged = PersonFactory(given_name="Eva", family_name="Brown")
        for label, n in merged_rows.items():
            for _ in range(n):
                BUILDERS[label](world, merged)
        for label, n in survivor_rows.items():
            for _ in range(n):
                BUILDERS[label](world, survivor)
        for label in shared_rows:
            SHARED[label](world, merged, survivor)
        episodes = set(
            EpisodeChild.objects.filter(person=merged).values_list("episode_id", flat=True)
        )
        contacts = set(
            ContactChild.objects.filter(person=merged).values_list("contact_id", flat=True)
        )
        before = snapshot()

        merge = person_merge(by=world.user, survivor=survivor, merged=merged, reason="Same child")

        during = snapshot()
        moving = {link.label for link in registry.links() if link.merge is registry.OnMerge.MOVE}
        for (label, pk), person_id in before.items():
            if label in moving and person_id == merged.pk:
                # Moved to the survivor, or removed as a duplicate of the survivor's own row.
                assert during.get((label, pk), survivor.pk) == survivor.pk, (label, pk)
        for link in registry.links():
            if link.merge is registry.OnMerge.MOVE:
                assert not link.rows_for(merged.pk).exists(), link.label
        # No episode or contact is left with the merged (unopenable) child in it.
        assert (
            set(EpisodeChild.objects.filter(person=survivor).values_list("episode_id", flat=True))
            >= episodes
        )
        assert (
            set(ContactChild.objects.filter(person=survivor).values_list("contact_id", flat=True))
            >= contacts
        )
        # Whoever could see the merged child through an involvement sees the episodes now.
        Involvement.objects.create(person=survivor, agency=world.agency, started="2020-01-01")
        for episode_id in episodes:
            assert can_view_episode(world.user, episode_id)

        Involvement.objects.filter(person=survivor, started="2020-01-01").delete()
        person_unmerge(by=world.user, merge=merge, reason="Two different children")

        after = {
            key: value
            for key, value in snapshot().items()
            if not (key[0].startswith("records.PersonMerge.") and key[1] == merge.pk)
        }
        assert after == before
        assert Person.objects.get(pk=merged.pk).merged_into_id is None


@pytest.mark.django_db
class TestTheMergeRecordsWhatMoved:
    def test_rows_in_every_app_are_recorded_per_link(self):
        world = World.make()
        survivor, merged = PersonFactory(), PersonFactory()
        for build in BUILDERS.values():
            build(world, merged)
        merge = person_merge(by=world.user, survivor=survivor, merged=merged)
        for link in registry.links():
            if link.merge is registry.OnMerge.MOVE:
                assert merge.moved[link.key], link.label
        assert not EpisodeChild.objects.filter(person=merged).exists()
        assert not ContactChild.objects.filter(person=merged).exists()
