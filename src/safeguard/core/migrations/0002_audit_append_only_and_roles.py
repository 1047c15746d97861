"""Make the audit table append-only in the database itself, and create the fixed roles.

Triggers refuse UPDATE and DELETE on ``core_auditevent`` (and TRUNCATE on
PostgreSQL), so not even a bug in our own code, or someone using the
application's database account with an SQL prompt, can quietly change history.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
           USING ERRCODE = 'insufficient_privilege';
       END;
       $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();""",
    """CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_change();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse_change();",
]

ROLES = [
    ("practitioner", "Practitioner"),
    ("mash_worker", "Multi-Agency Safeguarding Hub (MASH) worker"),
    ("mash_manager", "Multi-Agency Safeguarding Hub (MASH) manager"),
    ("panel_chair", "Panel chair"),
    ("analyst", "Analyst"),
    ("business_unit", "Partnership business unit"),
    ("system_administrator", "System administrator"),
]


def triggers_up(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql, params=None)


def triggers_down(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql, params=None)


def roles_up(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    for code, name in ROLES:
        Role.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(triggers_up, triggers_down),
        migrations.RunPython(roles_up, migrations.RunPython.noop),
    ]
