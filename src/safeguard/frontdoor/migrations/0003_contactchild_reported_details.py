"""Each child named in a contact keeps the details the reporter gave (issue 10, "NHS number to name").

"My referrals" shows these, never the linked record's own details. Existing rows
are filled from the record only where the contact created that record (the record
then holds the reporter's own words); the others stay blank and the page says the
name was not recorded, rather than guess which record the reporter could see.
"""

from django.db import migrations, models


def fill_from_new_records(apps, schema_editor):
    contact_child = apps.get_model("frontdoor", "ContactChild")
    rows = list(contact_child.objects.filter(newly_recorded=True).select_related("person"))
    for row in rows:
        row.reported_given_name = row.person.given_name[:100]
        row.reported_family_name = row.person.family_name[:100]
        row.reported_date_of_birth = row.person.date_of_birth
    contact_child.objects.bulk_update(
        rows,
        ["reported_given_name", "reported_family_name", "reported_date_of_birth"],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0002_rename_information_request_to_mash_enquiry")]

    operations = [
        migrations.AddField(
            model_name="contactchild",
            name="reported_given_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="contactchild",
            name="reported_family_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="contactchild",
            name="reported_date_of_birth",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(fill_from_new_records, migrations.RunPython.noop),
    ]
