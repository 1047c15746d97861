"""The migration that gives every relationship kind its own inverse loses nothing, both ways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("people", "0005_move_agency_records_to_records_app")]
AFTER = [("people", "0006_relationship_inverse_kinds")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_models(transactional_db) -> Iterator[Any]:
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())


def _pairs(apps: Any) -> set[tuple[str, str, str]]:
    relationship = apps.get_model("people", "Relationship")
    return {
        (r.person.given_name, r.kind, r.other.given_name)
        for r in relationship.objects.select_related("person", "other")
    }


class TestTheInverseKindsMigration:
    def test_a_carer_stops_being_called_the_childs_parent_and_back_again(self, old_models):
        person = old_models.get_model("people", "Person")
        relationship = old_models.get_model("people", "Relationship")
        mum, nan, tom = (
            person.objects.create(given_name=name, family_name="Hebden")
            for name in ("Mum", "Nan", "Tom")
        )
        # As the old code stored them: a carer's inverse was "child".
        relationship.objects.create(person=mum, other=tom, kind="parent")
        relationship.objects.create(person=tom, other=mum, kind="child")
        relationship.objects.create(person=nan, other=tom, kind="carer")
        relationship.objects.create(person=tom, other=nan, kind="child")
        before = _pairs(old_models)

        after = _pairs(_migrate(AFTER))
        assert after == {
            ("Mum", "parent", "Tom"),
            ("Tom", "child", "Mum"),
            ("Nan", "carer", "Tom"),
            ("Tom", "cared_for", "Nan"),
        }

        assert _pairs(_migrate(BEFORE)) == before
