"""Seed the partnership's kinds of meeting; the partnership adds and changes kinds afterwards."""

from django.db import migrations

from safeguard.meetings.kinds import KINDS, kinds_seed


def seed(apps, schema_editor):
    kinds_seed(apps.get_model("meetings", "MeetingKind"))


def unseed(apps, schema_editor):
    apps.get_model("meetings", "MeetingKind").objects.filter(
        slug__in=[row[0] for row in KINDS], meetings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
