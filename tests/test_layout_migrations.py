"""Moving agency records, subject access and retention into their own apps loses no row.

The test takes its database back to the migrations just before the move (people 0004,
sharing 0003, frontdoor 0001), adds rows with the models as they were then, migrates
forward to the newest migrations and checks every person still has the same rows.

Only the apps the move touched are taken back, and only through migrations that can
be reversed without losing anything: the moves are state-only, the renames are table
renames, and the retention rules' data migrations are not crossed (sharing 0003 stays
applied; rights 0002 goes back as a no-op). The audit table and its append-only
triggers are never touched, so no trigger has to be switched off.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [
    ("people", "0004_access_grant_kind_labels"),
    ("sharing", "0003_retention_defaults"),
    ("frontdoor", "0001_initial"),
]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to the targets; return the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _newest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_models(transactional_db) -> Iterator[Any]:
    """The models as they were just before the move; the database goes forward again after."""
    try:
        yield _migrate(BEFORE_THE_MOVE)
    finally:
        _migrate(_newest())


def _seed(apps: Any) -> dict[str, Any]:
    """A few people with agency records, a merge, reviews, a subject access request and requests."""
    agency_model = apps.get_model("core", "Agency")
    user_model = apps.get_model("core", "User")
    person_model = apps.get_model("people", "Person")
    now = timezone.now()

    school = agency_model.objects.create(slug="school", name="Northfield School", kind="education")
    police = agency_model.objects.create(slug="police", name="Test Police", kind="police")
    mash = agency_model.objects.create(
        slug="mash", name="Test MASH", kind="childrens_social_care", is_mash=True
    )
    worker = user_model.objects.create(username="worker", password="!", agency=mash)

    people = [
        person_model.objects.create(given_name=given, family_name="Quartermaine")
        for given in ("Zebedee", "Zeb", "Florence", "Dougal")
    ]
    zebedee, zeb, florence, dougal = people
    zeb.merged_into = zebedee
    zeb.save()

    imported = apps.get_model("people", "RecordImport").objects.create(
        agency=school, file_name="pupils.csv", file_kind="csv", file_sha256="0" * 64
    )
    record_model = apps.get_model("people", "AgencyRecord")
    records = []
    for n, (agency, person) in enumerate(
        [(school, zebedee), (police, zebedee), (school, florence), (police, None)]
    ):
        records.append(
            record_model.objects.create(
                agency=agency,
                agency_record_id=f"REF-{n}",
                given_name=person.given_name if person else "Unknown",
                family_name="Quartermaine",
                content_hash=f"{n:064d}",
                person=person,
                link_status="confirmed" if person else "awaiting_review",
                match_probability=0.97 if person else 0.6,
                record_import=imported,
            )
        )
    apps.get_model("people", "LinkageModel").objects.create(version="v1", model_json="{}")
    review_model = apps.get_model("people", "LinkReview")
    merged_review = review_model.objects.create(
        kind="people",
        person=zebedee,
        candidate=zeb,
        match_probability=0.99,
        status="confirmed",
        matched_row=f"p:{zeb.pk}",
        decided_by=worker,
        decided_at=now,
    )
    review_model.objects.create(record=records[3], candidate=dougal, match_probability=0.6)
    apps.get_model("people", "PersonMerge").objects.create(
        survivor=zebedee,
        merged=zeb,
        moved={"people.agencyrecord": [str(records[1].pk)]},
        review=merged_review,
        reason="Same date of birth and school",
        merged_by=worker,
    )

    sar_model = apps.get_model("sharing", "SubjectAccessRequest")
    sar_model.objects.create(
        reference="SAR-1",
        person=florence,
        requester_kind="parent",
        requester_name="A parent",
        received_on=dt.date(2026, 11, 1),
        due_on=dt.date(2026, 12, 1),
        recorded_by=worker,
    )
    rule = apps.get_model("sharing", "RetentionRule").objects.get(record_type="person:adult")
    apps.get_model("sharing", "RetentionDeletion").objects.create(
        record_type="person:adult",
        object_id=str(dougal.pk),
        person_id=dougal.pk,
        rule=rule,
        due_on=dt.date(2026, 1, 1),
        proposed_by=worker,
        proposed_at=now,
    )

    sharing_request = apps.get_model("sharing", "InformationRequest").objects.create(
        reference="REQ-1",
        person=zebedee,
        from_agency=mash,
        to_agency=school,
        requested_by=worker,
        purpose="safeguarding_assessment",
        asked="Attendance this term",
        due_date=dt.date(2026, 12, 5),
        created_at=now,
    )
    grant = apps.get_model("people", "AccessGrant").objects.create(
        person=zebedee,
        kind="shared",
        agency=mash,
        purpose="Triage",
        granted_by=worker,
        starts_at=now,
        ends_at=now + dt.timedelta(days=30),
    )
    apps.get_model("sharing", "SharingDecision").objects.create(
        reference="SHARE-1",
        person=zebedee,
        decided_by=worker,
        decided_at=now,
        from_agency=school,
        recipient_agency=mash,
        purpose="safeguarding_assessment",
        decision="share",
        consent="given",
        lawful_basis="public_task_safeguarding",
        judgement="Needed for triage",
        summary="Attendance",
        items_sha256="a" * 64,
        grant=grant,
        request=sharing_request,
    )

    contact = apps.get_model("frontdoor", "Contact").objects.create(
        reference="C-1",
        received_at=now,
        referrer=worker,
        referrer_agency=mash,
        referrer_name="A teacher",
        referrer_email="teacher@example.invalid",
        what_happened="Bruises",
        child_voice="Said it was a fall",
        consent="given",
        decision_due_at=now + dt.timedelta(days=1),
    )
    apps.get_model("frontdoor", "ContactChild").objects.create(contact=contact, person=florence)
    enquiry_model = apps.get_model("frontdoor", "InformationRequest")
    for agency in (school, police):
        enquiry_model.objects.create(
            contact=contact,
            agency=agency,
            question=f"What does {agency.name} know?",
            requested_at=now,
            requested_by=worker,
        )
    return {"people": [p.pk for p in people], "records": [r.pk for r in records]}


def _per_person(apps: Any, *, app_of: dict[str, str], name_of: dict[str, str]) -> dict[Any, Any]:
    """For each person, how many rows of each moved or renamed kind refer to them."""
    from django.db.models import Q

    def model(kind: str) -> Any:
        return apps.get_model(app_of[kind], name_of.get(kind, kind))

    counts = {}
    for person in apps.get_model("people", "Person").objects.all():
        pk = person.pk
        counts[pk] = {
            "agency records": model("AgencyRecord").objects.filter(person_id=pk).count(),
            "reviews": model("LinkReview")
            .objects.filter(Q(person_id=pk) | Q(candidate_id=pk))
            .count(),
            "merges": model("PersonMerge")
            .objects.filter(Q(survivor_id=pk) | Q(merged_id=pk))
            .count(),
            "subject access requests": model("SubjectAccessRequest")
            .objects.filter(person_id=pk)
            .count(),
            "retention deletions": model("RetentionDeletion").objects.filter(person_id=pk).count(),
            "sharing requests": model("SharingRequest").objects.filter(person_id=pk).count(),
            "decisions answering a request": apps.get_model("sharing", "SharingDecision")
            .objects.filter(person_id=pk, request__isnull=False)
            .count(),
            "MASH enquiries": model("MashEnquiry")
            .objects.filter(contact__contact_children__person_id=pk)
            .count(),
            "merged into": person.merged_into_id,
        }
    return counts


OLD = {
    "app_of": {
        **dict.fromkeys(["AgencyRecord", "LinkReview", "PersonMerge"], "people"),
        **dict.fromkeys(["SubjectAccessRequest", "RetentionDeletion", "SharingRequest"], "sharing"),
        "MashEnquiry": "frontdoor",
    },
    "name_of": {"SharingRequest": "InformationRequest", "MashEnquiry": "InformationRequest"},
}
NEW = {
    "app_of": {
        **dict.fromkeys(["AgencyRecord", "LinkReview", "PersonMerge"], "records"),
        **dict.fromkeys(["SubjectAccessRequest", "RetentionDeletion"], "rights"),
        "SharingRequest": "sharing",
        "MashEnquiry": "frontdoor",
    },
    "name_of": {},
}


@pytest.mark.django_db(transaction=True)
class TestMovingModelsBetweenApps:
    def test_every_person_keeps_every_row_after_migrating_forward(self, old_models):
        seeded = _seed(old_models)
        before = _per_person(old_models, **OLD)
        assert before[seeded["people"][0]]["agency records"] == 2
        assert before[seeded["people"][2]]["MASH enquiries"] == 2

        new_models = _migrate(_newest())

        assert _per_person(new_models, **NEW) == before

    def test_values_and_links_survive_the_move_and_the_renames(self, old_models):
        seeded = _seed(old_models)
        rules_before = old_models.get_model("sharing", "RetentionRule").objects.count()

        from safeguard.frontdoor.models import MashEnquiry
        from safeguard.records.models import AgencyRecord, LinkReview, PersonMerge, RecordImport
        from safeguard.rights.models import RetentionRule, SubjectAccessRequest
        from safeguard.sharing.models import SharingDecision, SharingRequest

        _migrate(_newest())

        record = AgencyRecord.objects.get(pk=seeded["records"][1])
        assert (record.agency.name, record.agency_record_id, record.percent) == (
            "Test Police",
            "REF-1",
            "97%",
        )
        assert RecordImport.objects.get().records.count() == 4
        merge = PersonMerge.objects.get()
        assert merge.moved == {"people.agencyrecord": [str(record.pk)]}
        assert merge.review == LinkReview.objects.get(kind="people")
        assert merge.merged.merged_into == merge.survivor
        assert SubjectAccessRequest.objects.get().requester_name == "A parent"
        assert RetentionRule.objects.count() == rules_before == 3
        assert SharingDecision.objects.get().request == SharingRequest.objects.get(
            reference="REQ-1"
        )
        assert sorted(MashEnquiry.objects.values_list("question", flat=True)) == [
            "What does Northfield School know?",
            "What does Test Police know?",
        ]

    def test_the_moved_models_are_new_rows_ready_in_the_new_apps(self, old_models):
        _seed(old_models)
        _migrate(_newest())

        from safeguard.people.models import Person
        from safeguard.records.models import AgencyRecord

        added = AgencyRecord.objects.create(
            agency=AgencyRecord.objects.first().agency,
            agency_record_id="REF-NEW",
            content_hash=uuid.uuid4().hex * 2,
            person=Person.objects.get(given_name="Dougal"),
        )
        assert Person.objects.get(given_name="Dougal").agency_records.get() == added
