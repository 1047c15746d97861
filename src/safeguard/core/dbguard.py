"""SQLite: the application's own connection cannot rewrite the audit log or its triggers.

On PostgreSQL the application's database role has INSERT only on the audit table
(``core/privileges.py``). SQLite has no roles, so every connection Django opens
gets an authoriser (``sqlite3.Connection.set_authorizer``): SQLite asks it while
compiling each statement, including the statements of triggers that statement
would fire, and it refuses

- ``UPDATE`` and ``DELETE`` on ``core_auditevent`` and ``core_auditsubject``,
- ``DROP TABLE`` and ``ALTER TABLE`` of either,
- ``CREATE`` or ``DROP`` of any trigger on either (or named like their triggers),
- ``PRAGMA writable_schema`` (which would let the schema text be edited directly),
- ``ATTACH`` (the same file under another name).

Migrations create and (when rolled back) drop those triggers, so the guard is lifted
for the connection a ``migrate`` runs on, between Django's ``pre_migrate`` and
``post_migrate`` signals, and for nothing else. Lifting or arming the guard calls
``set_authorizer`` again, which also expires every statement SQLite has already
prepared on that connection, so a statement prepared while the guard was lifted
cannot be replayed from the statement cache afterwards.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

AUDIT_TABLE = "core_auditevent"
AUDIT_TABLES = frozenset({AUDIT_TABLE, "core_auditsubject"})  # the events and the people they name
_TRIGGER_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_CREATE_TRIGGER,
        sqlite3.SQLITE_DROP_TRIGGER,
        sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
        sqlite3.SQLITE_DROP_TEMP_TRIGGER,
    }
)
_GUARDED_ATTRIBUTE = "_safeguard_audit_guard"


def audit_authorizer(
    action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None
) -> int:
    """SQLite's question 'may this statement do this?', answered for the audit table."""
    table1 = (arg1 or "").lower()
    table2 = (arg2 or "").lower()
    if action in (sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE) and table1 in AUDIT_TABLES:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_DROP_TABLE and table1 in AUDIT_TABLES:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_ALTER_TABLE and table2 in AUDIT_TABLES:
        return sqlite3.SQLITE_DENY
    if action in _TRIGGER_ACTIONS and (
        table2 in AUDIT_TABLES or table1.startswith(tuple(AUDIT_TABLES))
    ):
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA and table1 == "writable_schema":
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_ATTACH:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def audit_guard_set(connection: Any, *, armed: bool) -> None:
    """Arm (or, for a migration, lift) the guard on one Django SQLite connection."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    raw = connection.connection
    # Setting the authoriser expires every prepared statement of the connection.
    raw.set_authorizer(audit_authorizer if armed else None)
    setattr(connection, _GUARDED_ATTRIBUTE, armed)


def audit_guard_armed(connection: Any) -> bool:
    """Whether the guard is on for this connection (always False on PostgreSQL)."""
    return bool(getattr(connection, _GUARDED_ATTRIBUTE, False))


@receiver(connection_created)
def _guard_new_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.set_authorizer(audit_authorizer)
        setattr(connection, _GUARDED_ATTRIBUTE, True)


@receiver(pre_migrate)
def _lift_for_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    audit_guard_set(connections[using], armed=False)


@receiver(post_migrate)
def _arm_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    audit_guard_set(connections[using], armed=True)
