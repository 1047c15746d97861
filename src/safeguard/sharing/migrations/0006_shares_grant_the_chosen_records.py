"""Existing shares grant what was chosen, nothing more (issue 10).

Every grant a sharing decision opened becomes a grant of the decision's chosen records
(``AccessGrant.Scope.ENTRIES``): the child's identifying details and those entries only.
"""

import uuid

from django.db import migrations


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def chosen_records_forwards(apps, schema_editor):
    SharingDecision = apps.get_model("sharing", "SharingDecision")
    AccessGrant = apps.get_model("people", "AccessGrant")
    GrantedEntry = apps.get_model("people", "GrantedEntry")
    ChronologyEvent = apps.get_model("people", "ChronologyEvent")
    for decision in SharingDecision.objects.filter(grant__isnull=False).iterator():
        ids = [
            _uuid(item.get("id"))
            for item in decision.items or []
            if isinstance(item, dict) and item.get("type") == "chronology_event"
        ]
        events = ChronologyEvent.objects.filter(
            person_id=decision.person_id, pk__in=[i for i in ids if i is not None]
        ).values_list("pk", flat=True)
        GrantedEntry.objects.bulk_create(
            [GrantedEntry(grant_id=decision.grant_id, event_id=pk) for pk in events],
            ignore_conflicts=True,
        )
        AccessGrant.objects.filter(pk=decision.grant_id).update(scope="entries")


def chosen_records_backwards(apps, schema_editor):
    """Going back, the scope column goes with the people migration; nothing to undo here."""


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0005_rename_information_request_to_sharing_request"),
        ("people", "0008_entry_visibility_and_grant_scope"),
    ]

    operations = [
        migrations.RunPython(chosen_records_forwards, chosen_records_backwards),
    ]
