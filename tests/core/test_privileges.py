"""On PostgreSQL the application's own role cannot change or remove audit events at all."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from safeguard.core.audit import audit_record
from safeguard.core.models import AuditAction, AuditEvent
from safeguard.core.privileges import app_role_statements


def test_role_names_are_checked_before_any_sql_is_written():
    with pytest.raises(ValueError, match="role name"):
        app_role_statements("app; DROP TABLE core_auditevent")
    assert (
        "REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent FROM safeguard_app"
        in app_role_statements("safeguard_app")
    )


@pytest.mark.django_db
def test_the_app_role_may_add_audit_events_but_not_change_them_even_without_triggers():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("grant_app_role", "--role", "safeguard_app")
        return
    event = audit_record(by=None, action=AuditAction.VIEW, object_type="person", object_id="1")
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE safeguard_app_test NOLOGIN")
    call_command("grant_app_role", "--role", "safeguard_app_test")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        cursor.execute("SET ROLE safeguard_app_test")
    try:
        audit_record(by=None, action=AuditAction.VIEW, object_type="person", object_id="2")
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
        with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
    assert AuditEvent.objects.count() == 2
