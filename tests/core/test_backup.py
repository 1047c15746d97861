"""``safeguard backup`` and ``safeguard restore``: a restored copy equals the original, chain and all."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safeguard.core.audit import checkpoint_write

from ..factories import PersonFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _safeguard(*args: str, database_url: str, checkpoints: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SAFEGUARD_ENV", "DATABASE_URL"}}
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "safeguard.settings",
            "DATABASE_URL": database_url,
            "SAFEGUARD_AUDIT_CHECKPOINTS": str(checkpoints),
        }
    )
    from django.conf import settings

    env["SAFEGUARD_AUDIT_KEY"] = settings.AUDIT_CHECKPOINT_KEY
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "safeguard.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _sqlite_fingerprints(path: Path) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = {}
        for table in tables:
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
            found[table] = (len(rows), hashlib.md5(repr(rows).encode()).hexdigest())  # noqa: S324
        return found
    finally:
        conn.close()


def _some_history(practitioner) -> None:
    from safeguard.people.events import PeopleEvent
    from safeguard.people.services import people_listed_record

    children = PersonFactory.create_batch(3)
    people_listed_record(
        by=practitioner,
        person_ids=[c.pk for c in children],
        context=PeopleEvent.SEARCH_RESULT,
    )
    checkpoint_write()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
class TestSqliteBackupAndRestore:
    def test_a_backup_restored_into_a_fresh_file_equals_the_original_and_its_chain_verifies(
        self, tmp_path, practitioner, settings, capsys
    ):
        _some_history(practitioner)
        backup = tmp_path / "nightly.sqlite3"
        call_command("backup", str(backup))
        out = capsys.readouterr().out
        assert "Backup written" in out
        assert backup.read_bytes()[:16] == b"SQLite format 3\x00"
        copied = tmp_path / "nightly.sqlite3.checkpoints.jsonl"
        assert copied.read_text() == Path(settings.AUDIT_CHECKPOINT_FILE).read_text()

        fresh = tmp_path / "restored.sqlite3"
        done = _safeguard(
            "restore",
            str(backup),
            database_url=f"sqlite:///{fresh}",
            checkpoints=tmp_path / "new-live-checkpoints.jsonl",
        )
        assert done.returncode == 0, done.stderr
        assert "Audit chain intact" in done.stdout
        assert "checkpoints in" in done.stdout
        original = _sqlite_fingerprints(Path(connection.settings_dict["NAME"]))
        assert _sqlite_fingerprints(fresh) == original
        assert original["core_auditevent"][0] > 0

    def test_restore_refuses_a_database_that_already_holds_tables(self, tmp_path, practitioner):
        _some_history(practitioner)
        backup = tmp_path / "b.sqlite3"
        call_command("backup", str(backup))
        with pytest.raises(CommandError, match="already holds tables"):
            call_command("restore", str(backup))

    def test_restore_refuses_a_file_that_is_not_a_backup(self, tmp_path):
        fake = tmp_path / "backup.sqlite3"
        fake.write_bytes(b"PK\x03\x04 not a database at all")
        with pytest.raises(CommandError, match="not a SQLite backup"):
            call_command("restore", str(fake))

    def test_backup_never_overwrites_an_earlier_backup(self, tmp_path):
        existing = tmp_path / "b.sqlite3"
        existing.write_bytes(b"yesterday")
        with pytest.raises(CommandError, match="already exists"):
            call_command("backup", str(existing))
        assert existing.read_bytes() == b"yesterday"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
class TestPostgresBackupAndRestore:
    def test_a_pg_dump_restored_into_a_fresh_database_has_every_row_and_its_chain_verifies(
        self, tmp_path, practitioner
    ):
        from safeguard.core.models import AuditEvent
        from safeguard.people.models import Person

        _some_history(practitioner)
        backup = tmp_path / "nightly.dump"
        call_command("backup", str(backup))
        assert backup.read_bytes()[:5] == b"PGDMP"
        name = f"restored_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        s = connection.settings_dict
        url = f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{name}"
        try:
            done = _safeguard(
                "restore", str(backup), database_url=url, checkpoints=tmp_path / "live.jsonl"
            )
            assert done.returncode == 0, done.stderr
            events = AuditEvent.objects.count()
            assert f"Audit chain intact: {events} events verified" in done.stdout
            counted = subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-c",
                    "import psycopg,sys; c=psycopg.connect(sys.argv[1]);"
                    "print(c.execute('select count(*) from people_person').fetchone()[0])",
                    url.replace("postgres://", "postgresql://"),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            assert int(counted.stdout) == Person.objects.count()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
