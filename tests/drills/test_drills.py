"""The backup, restore and recovery drills really work (``make drills``; minutes, not in ``make test``).

Each drill starts its own throw-away servers and databases; the figures it returns are
the ones docs/reliability.md records.
"""

from __future__ import annotations

import shutil

import pytest

from ._scripts import load_script

needs_postgres = pytest.mark.skipif(
    shutil.which("/usr/lib/postgresql/15/bin/initdb") is None,
    reason="PostgreSQL 15 is not installed (make system-deps)",
)


@pytest.mark.drill
@pytest.mark.timeout(900)
@needs_postgres
class TestPostgresBackupAndRecovery:
    def test_a_pg_dump_restored_into_a_fresh_server_matches_table_by_table_and_its_chain_verifies(
        self,
    ):
        figures = load_script("drills/backup_postgres").run(children=10, writes=20)
        assert figures["tables_differing"] == []
        assert figures["tables"] > 40
        assert figures["restored_audit_events_verified"] == figures["audit_events"] > 20
        assert figures["ok"]

    def test_recovery_to_a_moment_keeps_the_writes_before_it_and_none_after(self):
        figures = load_script("drills/pitr").run(children=10, writes=10)
        assert figures["before_rows_found"] == figures["before_rows_written"] == 10
        assert figures["after_rows_found"] == 0
        assert figures["tables_differing_from_target"] == []
        assert figures["recovered_audit_events_verified"] == figures["audit_events_at_target"]
        assert figures["ok"]


@pytest.mark.drill
@pytest.mark.timeout(600)
class TestSqliteBackup:
    def test_an_online_backup_taken_while_writing_is_sound_and_a_restore_matches(self):
        figures = load_script("drills/backup_sqlite").run(children=3, writes=10)
        assert figures["online_copy_integrity"] == "ok"
        assert (
            figures["writer_rows_committed_at_backup_start"]
            <= figures["writer_rows_in_online_copy"]
            <= figures["writer_rows_committed_at_backup_end"]
        )
        assert figures["tables_differing"] == []
        assert figures["restored_audit_events_verified"] == figures["audit_events"]
        assert figures["ok"]
