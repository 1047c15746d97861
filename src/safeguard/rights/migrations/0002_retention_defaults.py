"""The default retention periods, now the rights app's own (they need information governance sign-off).

A database that ran ``sharing/0003_retention_defaults`` already has them, so this adds
nothing there; ``seed`` is also what the tests call to put them back after a flush.
"""

from django.db import migrations

DEFAULTS = [
    (
        "person:child",
        "Children's records",
        25,
        6,
        "A person first recorded when under 18. Kept until their 25th birthday, or 6 years after "
        "the last agency stopped working with them, whichever is later (the Information and Records "
        "Management Society (IRMS) guidance for children's social care case records). Records of "
        "children in care or adopted children are kept much longer by the local authority's own "
        "case management system, not here.",
    ),
    (
        "person:adult",
        "Adults' records (parents, carers and other adults)",
        None,
        6,
        "A person first recorded as an adult. Kept for 6 years after the last agency stopped "
        "working with them.",
    ),
    (
        "chronology:police_intelligence",
        "Police intelligence entries in a chronology",
        None,
        6,
        "Reviewed 6 years after the entry, in line with the review period for most police "
        "information under Management of Police Information (MoPI). The police decide whether "
        "to keep it longer.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("rights", "RetentionRule")
    for code, label, until_age, years, explanation in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=code,
            defaults={
                "label": label,
                "until_age": until_age,
                "years_after_end": years,
                "explanation": explanation,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]

    # Going back leaves the rules in place: sharing/0003 seeded them first and removes them.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
