"""Least privilege on PostgreSQL: the web application's role may only add to the audit log.

The append-only triggers already refuse UPDATE and DELETE on ``core_auditevent``;
this takes the right away as well, so that even someone who can disable a
trigger through the application's account cannot rewrite history. Run it as
the database owner after each migration (see docs/runbooks.md).
"""

from __future__ import annotations

import re

from django.db import connection

AUDIT_TABLE = "core_auditevent"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def app_role_statements(role: str) -> list[str]:
    """The GRANT and REVOKE statements that give ``role`` what the application needs."""
    if not _ROLE_NAME.match(role):
        raise ValueError("A role name is lower-case letters, digits and underscores.")
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON core_auditsubject FROM {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON core_referencenumber FROM {role}",
    ]


def app_role_apply(role: str) -> list[str]:
    """Apply the statements on the current PostgreSQL connection (as the owner)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("Database roles apply to PostgreSQL only.")
    statements = app_role_statements(role)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
