"""The audit chain: appends, verification, tamper detection and the append-only triggers."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from safeguard.core.audit import audit_record, checkpoint_write, verify_chain
from safeguard.core.models import AuditAction, AuditEvent

from ..audit_triggers import audit_triggers


def _append(n: int, user=None) -> list[AuditEvent]:
    return [
        audit_record(by=user, action=AuditAction.VIEW, object_type="person", object_id=str(i))
        for i in range(n)
    ]


class _TriggersOff:
    """Switch the append-only triggers off, as an attacker with the owner's account could."""

    def __enter__(self):
        audit_triggers(enable=False)
        return self

    def __exit__(self, *exc):
        audit_triggers(enable=True)


@pytest.mark.django_db
class TestAuditChain:
    def test_events_chain_each_onto_the_last(self, practitioner):
        first, second = _append(2, practitioner)
        assert second.previous_hash == first.hash
        assert second.sequence == first.sequence + 1
        assert first.actor_username == practitioner.username
        assert first.agency_name == practitioner.agency.name

    def test_verify_audit_passes_and_prints_the_count(self, capsys):
        _append(5)
        call_command("verify_audit")
        out = capsys.readouterr().out
        assert "intact" in out
        assert "5 events" in out

    def test_verify_audit_names_an_altered_event(self):
        events = _append(5)
        with _TriggersOff():
            AuditEvent.objects.filter(pk=events[2].pk).update(reason="quietly changed")
        with pytest.raises(CommandError, match=rf"event #{events[2].sequence} .*altered"):
            call_command("verify_audit")

    def test_verify_audit_names_the_gap_where_an_event_was_removed(self):
        events = _append(5)
        with _TriggersOff():
            AuditEvent.objects.filter(pk=events[1].pk).delete()
        count, problem = verify_chain()
        assert problem is not None
        assert problem.sequence == events[2].sequence
        assert count == 1

    def test_an_inserted_event_is_caught(self):
        events = _append(3)
        forged = AuditEvent(
            sequence=events[-1].sequence + 1,
            occurred_at=events[-1].occurred_at,
            action=AuditAction.VIEW,
            previous_hash="f" * 64,
            hash="e" * 64,
        )
        forged.save()
        _, problem = verify_chain()
        assert problem is not None
        assert problem.sequence == forged.sequence

    def test_reordered_events_are_caught(self):
        events = _append(4)
        a, b = events[1], events[2]
        with _TriggersOff():
            AuditEvent.objects.filter(pk=a.pk).update(sequence=10_000)
            AuditEvent.objects.filter(pk=b.pk).update(sequence=a.sequence)
            AuditEvent.objects.filter(pk=a.pk).update(sequence=b.sequence)
        _, problem = verify_chain()
        assert problem is not None
        assert problem.event_id in (a.pk, b.pk)

    def test_removing_the_newest_events_is_caught_by_the_signed_checkpoint(self):
        events = _append(4)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(pk=events[-1].pk).delete()
        with pytest.raises(CommandError, match="were removed"):
            call_command("verify_audit")

    def test_a_forged_checkpoint_is_refused(self, settings):
        _append(2)
        checkpoint_write()
        path = settings.AUDIT_CHECKPOINT_FILE
        path.write_text(path.read_text().replace('"signature": "', '"signature": "0'))
        _, problem = verify_chain()
        assert problem is not None
        assert "signature" in problem.message


@pytest.mark.django_db(transaction=True)
class TestAppendOnlyTriggers:
    """The database itself refuses to change or remove audit rows, on SQLite and PostgreSQL."""

    def test_update_is_refused(self):
        event = _append(1)[0]
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(reason="edited")
        event.refresh_from_db()
        assert event.reason == ""

    def test_raw_sql_delete_is_refused(self):
        _append(1)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditevent")
        assert AuditEvent.objects.count() == 1

    def test_truncate_is_refused_on_postgresql(self):
        if connection.vendor != "postgresql":
            pytest.skip("SQLite has no TRUNCATE; DELETE is covered above")
        _append(1)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE core_auditevent")
        assert AuditEvent.objects.count() == 1
