"""Audit event types come from one enumeration per app, never from free strings."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest
from django.apps import apps

import safeguard
from safeguard.core.audit import AuditEntry, audit_record, audit_record_many
from safeguard.core.events import AuditEventType, CoreEvent, audit_event_types
from safeguard.core.models import AuditAction, AuditEvent
from safeguard.people.events import PeopleEvent

SRC = Path(safeguard.__file__).parent


class TestAnUnknownObjectType:
    @pytest.mark.django_db
    def test_is_refused_and_nothing_is_written(self):
        with pytest.raises(ValueError, match="'persn'"):
            audit_record(by=None, action=AuditAction.VIEW, object_type="persn", object_id="1")
        assert not AuditEvent.objects.exists()

    @pytest.mark.django_db
    def test_is_refused_in_a_batch_even_after_good_entries(self):
        entries = [
            AuditEntry(action=AuditAction.LIST, object_type=PeopleEvent.SEARCH_RESULT),
            AuditEntry(action=AuditAction.LIST, object_type="not_declared_anywhere"),
        ]
        with pytest.raises(ValueError, match="not_declared_anywhere"):
            audit_record_many(by=None, entries=entries)
        assert not AuditEvent.objects.exists()

    @pytest.mark.django_db
    def test_a_member_is_stored_as_the_same_plain_string_as_before(self):
        event = audit_record(by=None, action=AuditAction.VIEW, object_type=PeopleEvent.PERSON)
        event.refresh_from_db()
        assert event.object_type == "person"
        assert type(event.object_type) is str
        assert AuditEvent.objects.filter(object_type="person").count() == 1

    @pytest.mark.django_db
    def test_an_event_about_nothing_in_particular_still_has_no_type(self):
        event = audit_record(by=None, action=AuditAction.SIGN_IN_FAILED)
        assert event.object_type == ""


class TestEachApp:
    def test_registers_its_enumeration_at_start_up(self):
        registered = {cls.__module__ for cls in audit_event_types()}
        for config in apps.get_app_configs():
            if config.name.startswith("safeguard."):
                # An app split into parts (exploitation: missing, panel) has one per part.
                assert any(
                    module == f"{config.name}.events"
                    or (module.startswith(f"{config.name}.") and module.endswith(".events"))
                    for module in registered
                ), config.name

    def test_declares_each_value_once_across_every_app(self):
        """A value has one owner; other apps use the owner's member (PeopleEvent.PERSON)."""
        owners: dict[str, list[str]] = defaultdict(list)
        for cls in audit_event_types():
            for member in cls:
                owners[member.value].append(cls.__qualname__)
        assert {value: names for value, names in owners.items() if len(names) > 1} == {}

    def test_names_each_member_after_its_value(self):
        for cls in audit_event_types():
            for member in cls:
                assert member.name == member.value.upper(), member

    def test_covers_every_model_the_admin_pages_change(self):
        from safeguard.core.admin import admin_site

        for model in admin_site._registry:
            assert CoreEvent(model._meta.model_name)


def _free_string_object_types() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "object_type":
                    continue
                for value in ast.walk(keyword.value):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        if value.value:
                            found.append(f"{path.relative_to(SRC)}:{value.lineno}")
    return found


class TestTheSourceCode:
    def test_never_passes_a_string_literal_as_an_object_type(self):
        assert _free_string_object_types() == []

    def test_the_check_above_would_notice_one(self, tmp_path, monkeypatch):
        (tmp_path / "bad.py").write_text(
            'audit_record(by=None, action="view", object_type="person")\n'
        )
        monkeypatch.setattr(f"{__name__}.SRC", tmp_path)
        assert _free_string_object_types() == ["bad.py:1"]

    def test_every_enumeration_is_an_audit_event_type(self):
        assert all(issubclass(cls, AuditEventType) for cls in audit_event_types())
