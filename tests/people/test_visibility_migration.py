"""The data migrations give existing entries and shares the right reach (issue 10)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.utils import timezone

from safeguard.core.models import AgencyKind
from safeguard.people.models import AccessGrant, GrantedEntry, Visibility
from safeguard.sharing.models import SharingDecision
from tests.factories import AccessGrantFactory, AgencyFactory, ChronologyEventFactory, PersonFactory

people_migration = importlib.import_module(
    "safeguard.people.migrations.0008_entry_visibility_and_grant_scope"
)
sharing_migration = importlib.import_module(
    "safeguard.sharing.migrations.0006_shares_grant_the_chosen_records"
)


class TestExistingEntriesGetTheRightVisibility:
    def test_police_intelligence_health_and_the_mash_reasons_are_restricted(self, db):
        child = PersonFactory()
        made = {
            name: ChronologyEventFactory(person=child, **fields)
            for name, fields in {
                "intelligence": {"record_type": "police_intelligence"},
                "sexual_health": {"record_type": "sexual_health"},
                "mental_health": {"record_type": "mental_health"},
                "reasons": {"source_type": "frontdoor.threshold_decision"},
                "answer": {"source_type": "frontdoor.information_request"},
                "school_note": {"record_type": "general"},
                "hsb": {"record_type": "harmful_sexual_behaviour"},
            }.items()
        }
        people_migration.visibility_forwards(apps, None)
        found = {name: e.__class__.objects.get(pk=e.pk).visibility for name, e in made.items()}
        assert found == {
            "intelligence": Visibility.POLICE,
            "sexual_health": Visibility.HEALTH,
            "mental_health": Visibility.HEALTH,
            "reasons": Visibility.MASH_AND_SOCIAL_CARE,
            "answer": Visibility.MASH_AND_SOCIAL_CARE,
            "school_note": Visibility.EVERYONE,
            "hsb": Visibility.EVERYONE,
        }


class TestExistingSharesGrantWhatWasChosen:
    def test_a_decisions_grant_becomes_its_chosen_records(self, db, make_user):
        school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL)
        police = AgencyFactory(kind=AgencyKind.POLICE)
        teacher = make_user(agency=school)
        child = PersonFactory()
        chosen = ChronologyEventFactory(person=child, agency=school)
        ChronologyEventFactory(person=child, agency=school, title="Not chosen")
        grant = AccessGrantFactory(person=child, agency=police, granted_by=teacher)
        lookup = AccessGrantFactory(
            person=child, kind=AccessGrant.Kind.MASH_LOOKUP, user=teacher, granted_by=teacher
        )
        SharingDecision.objects.create(
            reference="ISD-TEST-1",
            person=child,
            decided_by=teacher,
            decided_at=timezone.now() - dt.timedelta(days=1),
            from_agency=school,
            recipient_agency=police,
            purpose="early_help",
            decision="share",
            consent="given",
            lawful_basis="public_task_safeguarding",
            judgement="Joint visit",
            summary="One review",
            items=[{"type": "chronology_event", "id": str(chosen.pk)}, {"type": "x", "id": "y"}],
            items_sha256="0" * 64,
            grant=grant,
        )
        sharing_migration.chosen_records_forwards(apps, None)
        grant.refresh_from_db()
        lookup.refresh_from_db()
        assert grant.scope == AccessGrant.Scope.ENTRIES
        assert list(GrantedEntry.objects.values_list("grant_id", "event_id")) == [
            (grant.pk, chosen.pk)
        ]
        assert lookup.scope == AccessGrant.Scope.WHOLE
