"""The skills other apps ask about (the harmful sexual behaviour app's AIM assessors)."""

from django.db import migrations

SKILLS = [
    ("aim3", "Using the AIM3 assessment", 36),
    ("aim3_under_12s", "Using the AIM3 Under 12s assessment", 36),
    ("aim_digital", "Using the AIM digital technology assessment", 36),
    ("safeguarding_awareness", "Safeguarding children awareness", 36),
]


def seed(apps, schema_editor):
    skill = apps.get_model("training", "Skill")
    for code, name, months in SKILLS:
        skill.objects.get_or_create(code=code, defaults={"name": name, "renew_after_months": months})


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
