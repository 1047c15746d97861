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
    """The database itself refuses to change or remove audit rows, on SQLite and PostgreSQL.

    On SQLite the connection's guard would refuse these statements first; it is lifted
    here so that the triggers themselves are tested (the guard has its own tests below).
    """

    @pytest.fixture(autouse=True)
    def _triggers_alone(self):
        from safeguard.core.dbguard import audit_guard_set

        audit_guard_set(connection, armed=False)
        yield
        audit_guard_set(connection, armed=True)

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


def _recompute_chain() -> None:
    """Renumber and rehash every event, as someone who can write the database could."""
    from safeguard.core.audit import GENESIS_HASH, event_hash

    previous = GENESIS_HASH
    for number, event in enumerate(AuditEvent.objects.order_by("sequence"), start=1):
        event.sequence = 10_000_000 + number  # out of the way of the unique index first
        event.save(update_fields=["sequence"])
    for number, event in enumerate(AuditEvent.objects.order_by("sequence"), start=1):
        event.sequence = number
        event.previous_hash = previous
        event.hash = event_hash(previous, event)
        event.save(update_fields=["sequence", "previous_hash", "hash"])
        previous = event.hash


@pytest.mark.django_db
class TestAuditTamperEvidenceDependsOnAnOptionalFile:
    """Finding: a recomputed chain, removed newest events or an erased child went unseen.

    With no checkpoint file, none of the three was detected.
    """

    def test_without_a_checkpoint_store_production_verification_fails_closed(self, settings):
        settings.AUDIT_CHECKPOINT_FILE = None
        settings.AUDIT_CHECKPOINT_REQUIRED = True
        _append(3)
        with pytest.raises(CommandError, match="no audit checkpoint store is configured"):
            call_command("verify_audit")

    def test_a_missing_or_emptied_checkpoint_file_fails_in_production(self, settings):
        settings.AUDIT_CHECKPOINT_REQUIRED = True
        _append(3)
        with pytest.raises(CommandError, match="holds no checkpoint"):
            call_command("verify_audit")
        checkpoint_write()
        call_command("verify_audit")
        settings.AUDIT_CHECKPOINT_FILE.write_text("")
        with pytest.raises(CommandError, match="holds no checkpoint"):
            call_command("verify_audit")

    def test_writing_a_checkpoint_without_a_store_is_refused_with_the_reason(self, settings):
        settings.AUDIT_CHECKPOINT_FILE = None
        _append(1)
        with pytest.raises(CommandError, match="SAFEGUARD_AUDIT_CHECKPOINTS"):
            call_command("verify_audit", "--checkpoint")

    def test_deleting_the_newest_50_events_is_detected(self, settings):
        settings.AUDIT_CHECKPOINT_REQUIRED = True
        events = _append(80)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(pk__in=[e.pk for e in events[-50:]]).delete()
        assert verify_chain()[0] == 30  # the chain itself still holds
        with pytest.raises(CommandError, match="events were removed"):
            call_command("verify_audit")

    def test_a_recomputed_chain_is_detected(self, settings):
        settings.AUDIT_CHECKPOINT_REQUIRED = True
        events = _append(10)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(pk=events[3].pk).update(reason="rewritten")
            _recompute_chain()
        with pytest.raises(CommandError, match="differs from checkpoint line 1"):
            call_command("verify_audit")

    def test_erasing_every_event_about_one_child_is_detected(self, settings, child, practitioner):
        settings.AUDIT_CHECKPOINT_REQUIRED = True
        _append(5, practitioner)
        for _ in range(4):
            audit_record(
                by=practitioner,
                action=AuditAction.VIEW,
                object_type="person",
                object_id=str(child.pk),
                person_id=child.pk,
            )
        _append(5, practitioner)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(person_id=child.pk).delete()
            _recompute_chain()
        count, problem = verify_chain()
        assert problem is not None
        assert "removed" in problem.message or "differs from checkpoint" in problem.message

    def test_a_broken_chain_is_never_signed(self):
        events = _append(4)
        checkpoint_write()
        more = _append(3)
        with _TriggersOff():
            AuditEvent.objects.filter(pk=more[1].pk).update(reason="changed")
        with pytest.raises(ValueError, match="not signing a broken chain"):
            checkpoint_write()
        assert events  # the first checkpoint stands


@pytest.mark.django_db(transaction=True)
class TestTheOutboxWorkerSignsCheckpoints:
    def test_the_worker_loop_signs_checkpoints_regularly(self, settings):
        import threading

        from safeguard.core.audit import checkpoint_loop

        _append(2)
        stop = threading.Event()
        worker = threading.Thread(
            target=checkpoint_loop, kwargs={"interval": 0.05, "stop": stop}, daemon=True
        )
        worker.start()
        try:
            for _ in range(100):
                if settings.AUDIT_CHECKPOINT_FILE.exists():
                    break
                stop.wait(0.05)
        finally:
            stop.set()
            worker.join(5)
        assert settings.AUDIT_CHECKPOINT_FILE.exists()
        assert '"sequence": 2' in settings.AUDIT_CHECKPOINT_FILE.read_text()


@pytest.mark.django_db
class TestSqliteConnectionCannotDropTheAppendOnlyTriggers:
    """Finding: on SQLite the application's own connection could drop the triggers."""

    @pytest.fixture(autouse=True)
    def _sqlite_only(self):
        if connection.vendor != "sqlite":
            pytest.skip("PostgreSQL takes the rights away from the application's role instead")
        from safeguard.core.dbguard import audit_guard_armed

        assert audit_guard_armed(connection)

    @pytest.mark.parametrize(
        "sql",
        [
            "DROP TRIGGER core_auditevent_no_delete",
            "DROP TRIGGER IF EXISTS core_auditevent_no_update",
            "CREATE TRIGGER core_auditevent_sneaky AFTER INSERT ON core_auditevent "
            "BEGIN SELECT 1; END",
            "DELETE FROM core_auditevent",
            "UPDATE core_auditevent SET reason = 'x'",
            "DROP TABLE core_auditevent",
            "ALTER TABLE core_auditevent RENAME TO core_auditevent_old",
            "PRAGMA writable_schema = 1",
            "ATTACH DATABASE ':memory:' AS other",
        ],
    )
    def test_the_application_connection_is_refused(self, sql):
        _append(1)
        with pytest.raises(DatabaseError, match="not authorized"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
        assert AuditEvent.objects.count() == 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'core_auditevent'"
            )
            assert cursor.fetchone()[0] == 2

    def test_a_trigger_on_another_table_cannot_delete_audit_rows(self):
        _append(1)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TRIGGER wipe AFTER INSERT ON core_referencenumber "
                "BEGIN DELETE FROM core_auditevent; END"
            )
        with pytest.raises(DatabaseError, match="not authorized"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO core_referencenumber (value, kind, issued_at) "
                    "VALUES ('X-1', 'x', '2026-01-01')"
                )
        assert AuditEvent.objects.count() == 1

    def test_a_statement_prepared_while_lifted_is_not_replayed_once_armed(self):
        from safeguard.core.dbguard import audit_guard_set

        _append(2)
        audit_guard_set(connection, armed=False)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM core_auditevent WHERE 1 = 0")
        audit_guard_set(connection, armed=True)
        with pytest.raises(DatabaseError, match="not authorized"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditevent WHERE 1 = 0")
        assert AuditEvent.objects.count() == 2

    def test_other_tables_are_written_as_usual(self, practitioner):
        practitioner.job_title = "Changed"
        practitioner.save()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_referencenumber")
        assert AuditEvent.objects.filter().count() >= 0

    def test_a_new_connection_is_guarded_too(self):
        from django.db import connections

        other = connections.create_connection("default")
        try:
            with pytest.raises(DatabaseError, match="not authorized"):
                with other.cursor() as cursor:
                    cursor.execute("DROP TRIGGER core_auditevent_no_update")
        finally:
            other.close()

    def test_migrate_may_create_and_drop_the_triggers_and_arms_the_guard_after(self):
        from safeguard.core import dbguard

        dbguard._lift_for_migrate(sender=None, using="default")
        try:
            assert not dbguard.audit_guard_armed(connection)
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER core_auditevent_no_update")
                cursor.execute(
                    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
                    "BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); "
                    "END"
                )
        finally:
            dbguard._arm_after_migrate(sender=None, using="default")
        assert dbguard.audit_guard_armed(connection)
        call_command("migrate", verbosity=0)
        assert dbguard.audit_guard_armed(connection)
        with pytest.raises(DatabaseError, match="not authorized"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER core_auditevent_no_update")


@pytest.mark.django_db
class TestVerifyingFromTheNewestCheckpoint:
    """``verify_audit --since-checkpoint``: the nightly check rehashes only what came after."""

    def test_it_rehashes_only_the_events_after_the_newest_checkpoint(self, capsys):
        _append(30)
        checkpoint_write()
        _append(5)
        call_command("verify_audit", "--since-checkpoint")
        out = capsys.readouterr().out
        assert "intact" in out
        assert "6 events verified from the signed checkpoint at event #30" in out

    def test_without_a_checkpoint_it_walks_the_whole_chain(self, capsys):
        _append(4)
        call_command("verify_audit", "--since-checkpoint")
        assert "4 events verified." in capsys.readouterr().out

    def test_an_event_altered_after_the_checkpoint_is_named(self):
        _append(5)
        checkpoint_write()
        later = _append(3)
        with _TriggersOff():
            AuditEvent.objects.filter(pk=later[1].pk).update(reason="quietly changed")
        with pytest.raises(CommandError, match=rf"event #{later[1].sequence} .*altered"):
            call_command("verify_audit", "--since-checkpoint")

    def test_an_event_removed_after_the_checkpoint_is_named(self):
        _append(5)
        checkpoint_write()
        later = _append(3)
        with _TriggersOff():
            AuditEvent.objects.filter(pk=later[0].pk).delete()
        with pytest.raises(CommandError, match=rf"event #{later[1].sequence} .*does not follow"):
            call_command("verify_audit", "--since-checkpoint")

    def test_the_signed_event_itself_altered_is_caught(self):
        events = _append(5)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(pk=events[-1].pk).update(reason="quietly changed")
        with pytest.raises(CommandError, match=rf"event #{events[-1].sequence} .*altered"):
            call_command("verify_audit", "--since-checkpoint")

    def test_a_forged_checkpoint_is_refused(self, settings):
        _append(3)
        checkpoint_write()
        path = settings.AUDIT_CHECKPOINT_FILE
        path.write_text(path.read_text().replace('"signature": "', '"signature": "0'))
        with pytest.raises(CommandError, match="bad signature"):
            call_command("verify_audit", "--since-checkpoint")

    def test_a_checkpoint_moved_forward_by_hand_is_refused(self, settings):
        events = _append(6)
        checkpoint_write()
        path = settings.AUDIT_CHECKPOINT_FILE
        path.write_text(
            path.read_text().replace(
                f'"sequence": {events[-1].sequence}', f'"sequence": {events[-1].sequence + 50}'
            )
        )
        with pytest.raises(CommandError, match="bad signature"):
            call_command("verify_audit", "--since-checkpoint")

    def test_a_recomputed_chain_is_caught_at_an_older_checkpoint(self, settings):
        events = _append(10)
        checkpoint_write()
        _append(3)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(pk=events[3].pk).update(reason="rewritten")
            _recompute_chain()
        with pytest.raises(CommandError, match="differs from checkpoint line 1"):
            call_command("verify_audit", "--since-checkpoint")

    def test_removing_the_newest_events_is_caught(self):
        events = _append(6)
        checkpoint_write()
        with _TriggersOff():
            AuditEvent.objects.filter(pk__in=[e.pk for e in events[-2:]]).delete()
        with pytest.raises(CommandError, match="events were removed"):
            call_command("verify_audit", "--since-checkpoint")
