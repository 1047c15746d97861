"""The database settings that make an acknowledged write survive a crash."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_full_synchronous_writes():
    if connection.vendor != "sqlite":
        pytest.skip(
            "PostgreSQL runs with fsync and synchronous_commit on (scripts/with-postgres.sh)"
        )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
    assert journal == "wal" or connection.settings_dict["NAME"].startswith("file:memory")
    assert synchronous == 2  # FULL


@pytest.mark.django_db
def test_postgresql_commits_are_durable():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is checked above")
    with connection.cursor() as cursor:
        cursor.execute("SHOW fsync")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
