"""Every relationship kind gets its own inverse (issue 10, finding 4).

Before this, the inverse of "carer", "partner of a parent" and "other significant adult" was
stored as "child", so a carer's page called the child they care for their "Child". Forwards,
each such row gains its true inverse row ("cared-for child", "child of a partner", "child they
are a significant adult for") and the "child" row that stood in for it is removed, unless a
"parent" row also needs it. Backwards, the new rows are removed and the "child" rows restored.
The meaning of a row is unchanged: ``person`` is the ``kind`` of ``other``.
"""

from django.db import migrations, models

NEW_INVERSE = {
    "carer": "cared_for",
    "parents_partner": "partners_child",
    "significant_adult": "significant_adult_to",
}


def forwards(apps, schema_editor):
    Relationship = apps.get_model("people", "Relationship")
    for row in Relationship.objects.filter(kind__in=NEW_INVERSE).iterator():
        Relationship.objects.get_or_create(
            person_id=row.other_id, other_id=row.person_id, kind=NEW_INVERSE[row.kind]
        )
        has_parent = Relationship.objects.filter(
            person_id=row.person_id, other_id=row.other_id, kind="parent"
        ).exists()
        if not has_parent:
            Relationship.objects.filter(
                person_id=row.other_id, other_id=row.person_id, kind="child"
            ).delete()


def backwards(apps, schema_editor):
    Relationship = apps.get_model("people", "Relationship")
    for row in Relationship.objects.filter(kind__in=NEW_INVERSE).iterator():
        Relationship.objects.get_or_create(
            person_id=row.other_id, other_id=row.person_id, kind="child"
        )
    Relationship.objects.filter(kind__in=NEW_INVERSE.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_move_agency_records_to_records_app"),
    ]

    operations = [
        migrations.AlterField(
            model_name="relationship",
            name="kind",
            field=models.CharField(
                choices=[
                    ("parent", "Parent"),
                    ("child", "Child"),
                    ("carer", "Carer"),
                    ("cared_for", "Cared-for child"),
                    ("sibling", "Brother or sister"),
                    ("parents_partner", "Partner of a parent"),
                    ("partners_child", "Child of a partner"),
                    ("significant_adult", "Other significant adult"),
                    ("significant_adult_to", "Child they are a significant adult for"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
