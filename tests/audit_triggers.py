"""Switch the audit table's append-only triggers off and on, as only tests may.

The SQL is the migration's own, so the tests restore exactly what production has.
"""

from __future__ import annotations

from importlib import import_module

from django.db import connection

from safeguard.core.dbguard import audit_guard_set

_MIGRATION = import_module("safeguard.core.migrations.0002_audit_append_only_and_roles")
_SUBJECTS = import_module("safeguard.core.migrations.0007_audit_subjects")


def audit_triggers(*, enable: bool) -> None:
    """Switch the triggers on (recreating them if a test dropped them) or off.

    On SQLite the connection's guard (``safeguard.core.dbguard``) refuses both, as it
    refuses the application: it is lifted here as a migration lifts it, and armed
    again with the triggers (switching them off leaves it lifted, for the flush).
    """
    audit_guard_set(connection, armed=False)
    try:
        _switch(enable=enable)
    finally:
        if enable:
            audit_guard_set(connection, armed=True)


def _switch(*, enable: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("core_auditevent", "core_auditsubject"):
                cursor.execute(
                    f"ALTER TABLE {table} {'ENABLE' if enable else 'DISABLE'} TRIGGER USER"
                )
            return
        for sql in _MIGRATION.SQLITE_DOWN + _SUBJECTS.SQLITE_DOWN:
            cursor.execute(sql)
        if enable:
            for sql in _MIGRATION.SQLITE_UP + _SUBJECTS.SQLITE_UP:
                cursor.execute(sql)
