"""Take over the agency records tables from people (state only: same tables, every row kept)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0002_audit_append_only_and_roles'),
        ('people', '0005_move_agency_records_to_records_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='LinkageModel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(max_length=60, unique=True)),
                ('model_json', models.TextField()),
                ('trained_on', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'db_table': 'people_linkagemodel',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='AgencyRecord',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('agency_record_id', models.CharField(max_length=100, verbose_name="The agency's own reference")),
                ('given_name', models.CharField(blank=True, max_length=100)),
                ('middle_names', models.CharField(blank=True, max_length=200)),
                ('family_name', models.CharField(blank=True, max_length=100)),
                ('date_of_birth_text', models.CharField(blank=True, max_length=40, verbose_name='Date of birth as given')),
                ('date_of_birth', models.DateField(blank=True, null=True)),
                ('sex', models.CharField(choices=[('female', 'Female'), ('male', 'Male'), ('unknown', 'Not known')], default='unknown', max_length=10)),
                ('address', models.CharField(blank=True, max_length=300)),
                ('postcode', models.CharField(blank=True, db_index=True, max_length=8)),
                ('nhs_number', models.CharField(blank=True, db_index=True, max_length=10, verbose_name='NHS number')),
                ('unique_pupil_number', models.CharField(blank=True, max_length=13, verbose_name='Unique Pupil Number (UPN)')),
                ('police_reference', models.CharField(blank=True, max_length=50)),
                ('raw', models.JSONField(blank=True, default=dict)),
                ('content_hash', models.CharField(max_length=64)),
                ('given_name_key', models.CharField(blank=True, db_index=True, editable=False, max_length=20)),
                ('family_name_key', models.CharField(blank=True, db_index=True, editable=False, max_length=20)),
                ('link_status', models.CharField(choices=[('auto_linked', 'Linked automatically'), ('confirmed', 'Linked by a person'), ('new_person', 'New person'), ('awaiting_review', 'Awaiting review')], default='awaiting_review', max_length=20)),
                ('match_probability', models.FloatField(blank=True, null=True)),
                ('model_version', models.CharField(blank=True, max_length=60)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agency_records', to='core.agency')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='agency_records', to='people.person')),
            ],
            options={
                'db_table': 'people_agencyrecord',
                'ordering': ['agency_id', 'agency_record_id'],
            },
        ),
        migrations.CreateModel(
            name='LinkReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('record', 'Agency record and person'), ('people', 'Possible duplicate people')], default='record', max_length=10)),
                ('match_probability', models.FloatField()),
                ('match_weight', models.FloatField(blank=True, null=True)),
                ('explanation', models.JSONField(blank=True, default=list)),
                ('matched_row', models.CharField(blank=True, help_text="Which of the candidate's rows matched best: 'p:<person>' or 'r:<agency record>'.", max_length=40)),
                ('model_version', models.CharField(blank=True, max_length=60)),
                ('status', models.CharField(choices=[('open', 'Awaiting review'), ('confirmed', 'Same person'), ('rejected', 'Not the same person'), ('superseded', 'No longer needed')], default='open', max_length=12)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('reason', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('person', models.ForeignKey(blank=True, help_text='For two people: the one the other would be merged into.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.person')),
                ('record', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='records.agencyrecord')),
            ],
            options={
                'db_table': 'people_linkreview',
                'ordering': ['status', '-match_probability', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='PersonMerge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('moved', models.JSONField(default=dict)),
                ('reason', models.TextField(blank=True)),
                ('merged_at', models.DateTimeField(auto_now_add=True)),
                ('unmerged_at', models.DateTimeField(blank=True, null=True)),
                ('unmerge_reason', models.TextField(blank=True)),
                ('merged', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='merges_given', to='people.person')),
                ('merged_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('review', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='merges', to='records.linkreview')),
                ('survivor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='merges_received', to='people.person')),
                ('unmerged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'people_personmerge',
                'ordering': ['-merged_at'],
            },
        ),
        migrations.CreateModel(
            name='RecordImport',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('file_name', models.CharField(max_length=200)),
                ('file_kind', models.CharField(max_length=10)),
                ('file_sha256', models.CharField(max_length=64)),
                ('content', models.BinaryField(blank=True, default=b'')),
                ('mapping', models.JSONField(blank=True, default=dict)),
                ('status', models.CharField(choices=[('uploaded', 'Uploaded'), ('mapped', 'Columns matched'), ('imported', 'Imported'), ('cancelled', 'Cancelled')], default='uploaded', max_length=20)),
                ('summary', models.JSONField(blank=True, default=dict)),
                ('errors', models.JSONField(blank=True, default=list)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('imported_at', models.DateTimeField(blank=True, null=True)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='record_imports', to='core.agency')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'people_recordimport',
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddField(
            model_name='agencyrecord',
            name='record_import',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='records', to='records.recordimport'),
        ),
        migrations.AddIndex(
            model_name='linkreview',
            index=models.Index(fields=['status', '-match_probability'], name='people_link_status_c3bb91_idx'),
        ),
        migrations.AddIndex(
            model_name='agencyrecord',
            index=models.Index(fields=['link_status', 'created_at'], name='people_agen_link_st_3b9495_idx'),
        ),
        migrations.AddConstraint(
            model_name='agencyrecord',
            constraint=models.UniqueConstraint(fields=('agency', 'agency_record_id'), name='one_record_per_agency_id'),
        ),
    ]

    # Only Django's record of the models changes: the tables and their rows stay as they are.
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
