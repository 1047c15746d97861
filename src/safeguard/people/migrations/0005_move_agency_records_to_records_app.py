"""Agency records, linkage models, reviews and merges now belong to the records app.

State only: the tables (``people_agencyrecord`` and the others) keep their names and rows;
``records/migrations/0001_initial.py`` takes them over.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_access_grant_kind_labels'),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name='agencyrecord',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='agencyrecord',
            name='person',
        ),
        migrations.RemoveField(
            model_name='agencyrecord',
            name='record_import',
        ),
        migrations.RemoveField(
            model_name='linkreview',
            name='record',
        ),
        migrations.DeleteModel(
            name='LinkageModel',
        ),
        migrations.RemoveField(
            model_name='linkreview',
            name='candidate',
        ),
        migrations.RemoveField(
            model_name='linkreview',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='linkreview',
            name='person',
        ),
        migrations.RemoveField(
            model_name='personmerge',
            name='review',
        ),
        migrations.RemoveField(
            model_name='personmerge',
            name='merged',
        ),
        migrations.RemoveField(
            model_name='personmerge',
            name='merged_by',
        ),
        migrations.RemoveField(
            model_name='personmerge',
            name='survivor',
        ),
        migrations.RemoveField(
            model_name='personmerge',
            name='unmerged_by',
        ),
        migrations.RemoveField(
            model_name='recordimport',
            name='agency',
        ),
        migrations.RemoveField(
            model_name='recordimport',
            name='created_by',
        ),
        migrations.DeleteModel(
            name='AgencyRecord',
        ),
        migrations.DeleteModel(
            name='LinkReview',
        ),
        migrations.DeleteModel(
            name='PersonMerge',
        ),
        migrations.DeleteModel(
            name='RecordImport',
        ),
    ]

    # Only Django's record of the models changes: the tables and their rows stay as they are.
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
