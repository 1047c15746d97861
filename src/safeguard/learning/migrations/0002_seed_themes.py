from django.db import migrations

THEMES = [
    ("neglect", "Neglect"),
    ("domestic-abuse", "Domestic abuse"),
    ("engaging-fathers", "Engaging fathers and male carers"),
    ("professional-challenge", "Professional challenge and escalation"),
    ("non-mobile-babies", "Injuries to non-mobile babies"),
    ("repeat-referrals", "Repeat referrals"),
    ("voice-of-the-child", "The child's voice and lived experience"),
    ("exploitation", "Child exploitation"),
    ("harmful-sexual-behaviour", "Harmful sexual behaviour"),
    ("information-sharing", "Information sharing"),
    ("mental-health", "Parental mental health"),
    ("substance-misuse", "Parental substance misuse"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("learning", "Theme")
    for slug, name in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
