"""Team Around the Family meetings now live in the meetings app: drop the old table.

``meetings.0004_team_around_the_family`` has moved every row (and moves them back
if this is reversed), so the table is empty when it is dropped.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("earlyhelp", "0004_child_voice_approach"),
        ("meetings", "0004_team_around_the_family"),
    ]

    operations = [
        migrations.DeleteModel(
            name="TafMeeting",
        ),
    ]
