"""Switch the audit table's append-only triggers off and on, as only tests may.

The SQL is the migration's own, so the tests restore exactly what production has.
"""

from __future__ import annotations

from importlib import import_module

from django.db import connection

_MIGRATION = import_module("safeguard.core.migrations.0002_audit_append_only_and_roles")


def audit_triggers(*, enable: bool) -> None:
    """Switch the triggers on (recreating them if a test dropped them) or off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE core_auditevent {'ENABLE' if enable else 'DISABLE'} TRIGGER USER"
            )
            return
        for sql in _MIGRATION.SQLITE_DOWN:
            cursor.execute(sql)
        if enable:
            for sql in _MIGRATION.SQLITE_UP:
                cursor.execute(sql)
