from django.db import migrations

BOARDS = [
    ("executive", "Executive", True, "The three statutory partners' leaders: sets the strategy and holds the partnership to account."),
    ("case-review", "Case Review Subgroup", False, "Serious incidents, rapid reviews and local reviews, and their action plans."),
    ("practice", "Safeguarding and Professional Practice Subgroup", False, "Multi-agency audits, procedures and practice standards."),
    ("learning", "Learning, Development and Performance Subgroup", False, "Training, the data set and meaningful measures."),
    ("exploitation", "Child Exploitation Subgroup", False, "Missing, exploitation and contextual safeguarding across the partnership."),
    ("voice", "Voice and Involvement Subgroup", False, "What children and families tell us, and what changes because of it."),
]


def seed(apps, schema_editor):
    Board = apps.get_model("learning", "Board")
    for slug, name, executive, purpose in BOARDS:
        Board.objects.update_or_create(
            slug=slug, defaults={"name": name, "is_executive": executive, "purpose": purpose}
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0004_boards")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
