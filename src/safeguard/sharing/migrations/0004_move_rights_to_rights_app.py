"""Subject access requests and retention rules and deletions now belong to the rights app.

State only: the tables (``sharing_subjectaccessrequest`` and the others) keep their names and
rows; ``rights/migrations/0001_initial.py`` takes them over.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('sharing', '0003_retention_defaults'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='subjectaccessrequest',
            name='person',
        ),
        migrations.RemoveField(
            model_name='subjectaccessrequest',
            name='recorded_by',
        ),
        migrations.DeleteModel(
            name='RetentionDeletion',
        ),
        migrations.DeleteModel(
            name='RetentionRule',
        ),
        migrations.DeleteModel(
            name='SubjectAccessRequest',
        ),
    ]

    # Only Django's record of the models changes: the tables and their rows stay as they are.
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
