"""Take over the subject access and retention tables from sharing (state only: rows kept)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('people', '0004_access_grant_kind_labels'),
        ('sharing', '0004_move_rights_to_rights_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='RetentionRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('record_type', models.CharField(max_length=60, unique=True)),
                ('label', models.CharField(max_length=200)),
                ('until_age', models.PositiveSmallIntegerField(blank=True, help_text="Keep until the person's birthday at this age.", null=True)),
                ('years_after_end', models.PositiveSmallIntegerField(blank=True, help_text="Keep for this many years after the last agency stopped working with the person (or, for single records, after the record's date).", null=True)),
                ('explanation', models.TextField(blank=True)),
                ('signed_off_by', models.CharField(blank=True, max_length=200)),
                ('signed_off_on', models.DateField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'db_table': 'sharing_retentionrule',
                'ordering': ['record_type'],
            },
        ),
        migrations.CreateModel(
            name='SubjectAccessRequest',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('reference', models.CharField(max_length=32, unique=True)),
                ('requester_kind', models.CharField(choices=[('subject', 'The person themselves'), ('parent', "A parent or carer on the child's behalf"), ('representative', 'A solicitor or other representative')], max_length=20)),
                ('requester_name', models.CharField(max_length=200)),
                ('received_on', models.DateField()),
                ('due_on', models.DateField()),
                ('status', models.CharField(choices=[('received', 'Received'), ('exported', 'Copy made, being reviewed for redaction'), ('completed', 'Reply sent')], default='received', max_length=20)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('exported_at', models.DateTimeField(blank=True, null=True)),
                ('pdf_sha256', models.CharField(blank=True, max_length=64)),
                ('json_sha256', models.CharField(blank=True, max_length=64)),
                ('completed_on', models.DateField(blank=True, null=True)),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subject_access_requests', to='people.person')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'sharing_subjectaccessrequest',
                'ordering': ['due_on', 'reference'],
            },
        ),
        migrations.CreateModel(
            name='RetentionDeletion',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('record_type', models.CharField(max_length=60)),
                ('object_id', models.CharField(max_length=64)),
                ('person_id', models.UUIDField(blank=True, db_index=True, null=True)),
                ('due_on', models.DateField()),
                ('status', models.CharField(choices=[('proposed', 'Waiting for a second person to approve'), ('deleted', 'Approved and deleted'), ('cancelled', 'Kept: not deleted')], default='proposed', max_length=20)),
                ('proposed_at', models.DateTimeField()),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('reason', models.TextField(blank=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('rule', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deletions', to='rights.retentionrule')),
            ],
            options={
                'db_table': 'sharing_retentiondeletion',
                'ordering': ['-proposed_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'proposed')), fields=('record_type', 'object_id'), name='one_open_retention_deletion_per_record'), models.CheckConstraint(condition=models.Q(('decided_by__isnull', True), models.Q(('decided_by', models.F('proposed_by')), _negated=True), _connector='OR'), name='retention_deletion_two_people')],
            },
        ),
    ]

    # Only Django's record of the models changes: the tables and their rows stay as they are.
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
