"""The people a list audit event names, one row each, append-only like the events.

A list page writes one event naming everyone it showed (issue 19, an audit that
scales); "who has looked at this record" finds it through these rows. Triggers refuse
UPDATE and DELETE (and TRUNCATE on PostgreSQL), as on ``core_auditevent``.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_UP = [
    """CREATE TRIGGER core_auditsubject_no_update BEFORE UPDATE ON core_auditsubject
       BEGIN SELECT RAISE(ABORT, 'core_auditsubject is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER core_auditsubject_no_delete BEFORE DELETE ON core_auditsubject
       BEGIN SELECT RAISE(ABORT, 'core_auditsubject is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditsubject_no_update;",
    "DROP TRIGGER IF EXISTS core_auditsubject_no_delete;",
]
POSTGRES_UP = [
    """CREATE TRIGGER core_auditsubject_no_update BEFORE UPDATE OR DELETE ON core_auditsubject
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();""",
    """CREATE TRIGGER core_auditsubject_no_truncate BEFORE TRUNCATE ON core_auditsubject
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_change();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditsubject_no_update ON core_auditsubject;",
    "DROP TRIGGER IF EXISTS core_auditsubject_no_truncate ON core_auditsubject;",
]


def triggers_up(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql, params=None)


def triggers_down(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_outboxmessage_headers")]

    operations = [
        migrations.CreateModel(
            name="AuditSubject",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "event_id",
                        "person_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("person_id", models.UUIDField()),
                (
                    "event",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="subjects",
                        to="core.auditevent",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["person_id", "event"], name="core_auditsubject_person")
                ],
            },
        ),
        migrations.RunPython(triggers_up, triggers_down),
    ]
