"""Retention: past-expiry records are listed, deleted by two people, and leave a tombstone.

Deletion removes the personal data but the audit chain still verifies.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import verify_chain
from safeguard.core.models import AgencyKind, AuditAction, AuditEvent, Role
from safeguard.frontdoor.models import Contact, ContactChild
from safeguard.people.access import AccessDenied
from safeguard.people.models import (
    Address,
    ChronologyEvent,
    Household,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
)
from safeguard.people.search import parse_query
from safeguard.people.selectors import person_search_all
from safeguard.records.models import AgencyRecord
from safeguard.rights import retention
from safeguard.rights.models import RetentionDeletion, RetentionRule, SubjectAccessRequest

from .test_subject_access import build_subject


def seed_retention_rules() -> None:
    """The default rules, as the data migration seeds them.

    Transactional tests (browser journeys) flush every table, including rows a
    data migration made, so tests that may run after them put the rules back.
    """
    from django.apps import apps

    migration = importlib.import_module("safeguard.rights.migrations.0002_retention_defaults")
    migration.seed(apps, None)


@pytest.fixture(autouse=True)
def _retention_rules(db):
    seed_retention_rules()


@pytest.fixture
def managers(make_user):
    mash = AgencyFactory_mash()
    return make_user(Role.MASH_MANAGER, agency=mash), make_user(Role.MASH_MANAGER, agency=mash)


def AgencyFactory_mash():  # noqa: N802 - reads as a factory
    from tests.factories import AgencyFactory

    return AgencyFactory(name="Retention MASH", kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)


def travel(monkeypatch, to: dt.datetime) -> None:
    """Freeze Safeguard's clock at ``to``."""
    monkeypatch.setattr(timezone, "now", lambda: to)


def end_all_work(person: Person, on: dt.date) -> None:
    Involvement.objects.filter(person=person).update(ended=on)


class TestTheDefaults:
    def test_defaults_are_seeded_and_not_signed_off(self, db):
        rules = {r.record_type: r for r in RetentionRule.objects.all()}
        assert rules["person:child"].until_age == 25
        assert rules["person:child"].years_after_end == 6
        assert rules["person:adult"].years_after_end == 6
        assert "chronology:police_intelligence" in rules
        assert not any(r.signed_off_by for r in rules.values())

    @pytest.mark.parametrize(
        ("dob", "last", "due"),
        [
            (
                dt.date(2005, 6, 1),
                dt.date(2020, 1, 1),
                dt.date(2030, 6, 1),
            ),  # 25th birthday is later
            (
                dt.date(2005, 6, 1),
                dt.date(2026, 1, 1),
                dt.date(2032, 1, 1),
            ),  # 6 years after is later
            (None, dt.date(2020, 2, 29), dt.date(2026, 2, 28)),
        ],
    )
    def test_the_later_date_applies(self, db, dob, last, due):
        rule = RetentionRule.objects.get(record_type="person:child")
        assert retention.person_due_on(rule=rule, date_of_birth=dob, last_activity=last) == due


class TestTimeTravel:
    def test_a_record_past_expiry_is_listed_then_deleted_with_two_people(
        self, make_user, managers, monkeypatch
    ):
        subject = build_subject(make_user)
        person, parent = subject.person, subject.parent
        first, second = managers
        # The other adult keeps an open involvement, so only the child is due.
        Involvement.objects.create(
            person=parent, agency=subject.agency, started=dt.date(2020, 1, 1)
        )
        end_all_work(person, timezone.localdate())
        this_month = timezone.localdate().replace(day=1)
        assert not [
            i for i in retention.retention_review(month=this_month) if i.person_id == person.pk
        ]

        # Twenty years on: past the 25th birthday (2039) and 6 years after the work ended.
        future = timezone.now() + dt.timedelta(days=365 * 20)
        travel(monkeypatch, future)
        month = timezone.localdate().replace(day=1)
        due = [
            i
            for i in retention.retention_review(month=month, with_names=True)
            if i.person_id == person.pk
        ]
        assert [i.record_type for i in due if i.record_type.startswith("person")] == [
            "person:child"
        ]
        assert due[0].person_name == "Marigold Thistlewood"
        out = StringIO()
        call_command("retention_review", month=f"{month:%Y-%m}", stdout=out)
        assert str(person.pk) in out.getvalue()
        assert "Marigold" not in out.getvalue()

        proposal = retention.retention_deletion_propose(
            by=first, record_type="person:child", object_id=str(person.pk)
        )
        with pytest.raises(AccessDenied, match="second person"):
            retention.retention_deletion_approve(by=first, deletion=proposal)
        assert Person.objects.filter(pk=person.pk).exists()

        contact_id = subject.contact.pk
        retention.retention_deletion_approve(by=second, deletion=proposal)

        # The person and every row about them are gone.
        assert not Person.objects.filter(pk=person.pk).exists()
        for model in (
            OtherName,
            Address,
            Involvement,
            ChronologyEvent,
            HouseholdMember,
            SubjectAccessRequest,
            AgencyRecord,
            ContactChild,
        ):
            assert not model.objects.filter(person_id=person.pk).exists(), model
        assert not Relationship.objects.filter(other_id=person.pk).exists()
        assert not Contact.objects.filter(pk=contact_id).exists()  # named only this child
        assert Person.objects.filter(pk=parent.pk).exists()
        assert Household.objects.filter(members__person=parent).exists()
        found = person_search_all(user=first, query=parse_query("Marigold Thistlewood"))
        assert person.pk not in {r.person.pk for r in found}

        # The audit chain still verifies and holds a tombstone with no personal details.
        count, problem = verify_chain()
        assert problem is None
        assert count > 0
        call_command("verify_audit", stdout=StringIO())
        tombstone = AuditEvent.objects.get(
            action=AuditAction.DELETE, object_type="person", person_id=person.pk
        )
        text = json.dumps(tombstone.changes)
        for personal in (
            "Marigold",
            "Thistlewood",
            "Lantern",
            "YO1",
            "Vexworth",
            "2014-05-17",
            "Quillon",
        ):
            assert personal not in text
        assert tombstone.changes["record_type"] == "person:child"
        assert str(person.pk) not in json.dumps(
            tombstone.changes["deleted"].get("people.address", [])
        )
        assert tombstone.changes["deleted"]["people.person"] == [str(person.pk)]
        assert tombstone.actor_id == second.pk
        assert tombstone.changes["proposed_by_id"] == first.pk
        assert AuditEvent.objects.filter(person_id=person.pk).count() > 3  # earlier events stay
        assert (
            RetentionDeletion.objects.get(pk=proposal.pk).status == RetentionDeletion.Status.DELETED
        )

    def test_an_old_police_intelligence_entry_is_deleted_on_its_own(
        self, make_user, managers, monkeypatch
    ):
        subject = build_subject(make_user)
        first, second = managers
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 7))
        month = timezone.localdate().replace(day=1)
        items = [
            i
            for i in retention.retention_review(month=month)
            if i.record_type == "chronology:police_intelligence"
        ]
        assert len(items) == 1
        proposal = retention.retention_deletion_propose(
            by=first, record_type=items[0].record_type, object_id=items[0].object_id
        )
        retention.retention_deletion_approve(by=second, deletion=proposal)
        assert not ChronologyEvent.objects.filter(pk=items[0].object_id).exists()
        assert (
            ChronologyEvent.objects.filter(person=subject.person).count()
            == len(subject.event_titles) - 1
        )
        assert Person.objects.filter(pk=subject.person.pk).exists()
        assert verify_chain()[1] is None
        assert (
            AuditEvent.objects.filter(
                action=AuditAction.DELETE, object_type="chronology_event"
            ).count()
            == 1
        )


class TestTheRules:
    def test_a_record_not_yet_due_cannot_be_proposed(self, make_user, managers):
        subject = build_subject(make_user)
        with pytest.raises(retention.RetentionError, match="not due"):
            retention.retention_deletion_propose(
                by=managers[0], record_type="person:child", object_id=str(subject.person.pk)
            )

    def test_only_mash_managers_can_propose(self, make_user, managers, monkeypatch):
        subject = build_subject(make_user)
        worker = make_user(Role.MASH_WORKER, agency=managers[0].agency)
        with pytest.raises(AccessDenied):
            retention.retention_deletion_propose(
                by=worker, record_type="person:child", object_id=str(subject.person.pk)
            )

    def test_new_work_after_a_proposal_stops_the_deletion(self, make_user, managers, monkeypatch):
        subject = build_subject(make_user)
        end_all_work(subject.person, timezone.localdate())
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 20))
        proposal = retention.retention_deletion_propose(
            by=managers[0], record_type="person:child", object_id=str(subject.person.pk)
        )
        Involvement.objects.create(
            person=subject.person, agency=subject.agency, started=timezone.localdate()
        )
        with pytest.raises(retention.RetentionError, match="no longer due"):
            retention.retention_deletion_approve(by=managers[1], deletion=proposal)
        assert Person.objects.filter(pk=subject.person.pk).exists()

    def test_keeping_a_record_needs_a_reason(self, make_user, managers, monkeypatch):
        subject = build_subject(make_user)
        end_all_work(subject.person, timezone.localdate())
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 20))
        proposal = retention.retention_deletion_propose(
            by=managers[0], record_type="person:child", object_id=str(subject.person.pk)
        )
        with pytest.raises(retention.RetentionError):
            retention.retention_deletion_cancel(by=managers[1], deletion=proposal, reason=" ")
        kept = retention.retention_deletion_cancel(
            by=managers[1], deletion=proposal, reason="Legal hold"
        )
        assert kept.status == RetentionDeletion.Status.CANCELLED


class TestThePage:
    def test_two_managers_delete_through_the_page(
        self, make_user, managers, signed_in, monkeypatch
    ):
        subject = build_subject(make_user)
        end_all_work(subject.person, timezone.localdate())
        end_all_work(subject.parent, timezone.localdate())
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 20))
        first, second = (signed_in(m) for m in managers)
        url = reverse("rights:retention-review")
        page = first.get(url)
        assert page.status_code == 200
        assert "Marigold Thistlewood" in page.content.decode()
        first.post(
            reverse("rights:retention-propose"),
            {"record_type": "person:child", "object_id": str(subject.person.pk)},
        )
        proposal = RetentionDeletion.objects.get(object_id=str(subject.person.pk))
        first.post(reverse("rights:retention-decide", args=[proposal.pk]), {"decision": "approve"})
        assert Person.objects.filter(pk=subject.person.pk).exists()
        assert "you proposed this one" in first.get(url).content.decode()
        second.post(reverse("rights:retention-decide", args=[proposal.pk]), {"decision": "approve"})
        assert not Person.objects.filter(pk=subject.person.pk).exists()

    def test_bad_month_shows_an_error(self, managers, signed_in):
        response = signed_in(managers[0]).get(
            reverse("rights:retention-review"), {"month": "November"}
        )
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()

    def test_business_unit_sees_figures_without_names(self, make_user, signed_in, monkeypatch):
        subject = build_subject(make_user)
        end_all_work(subject.person, timezone.localdate())
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 20))
        client = signed_in(make_user(Role.BUSINESS_UNIT, agency=subject.agency))
        body = client.get(reverse("rights:retention-review")).content.decode()
        assert "Children&#x27;s records" in body or "Children's records" in body
        assert "Thistlewood" not in body
        assert "Propose deletion" not in body

    @pytest.mark.parametrize(
        "role", [Role.PRACTITIONER, Role.MASH_WORKER, Role.ANALYST, Role.SYSTEM_ADMINISTRATOR]
    )
    def test_others_get_page_not_found(self, make_user, signed_in, role):
        client = signed_in(make_user(role))
        assert client.get(reverse("rights:retention-review")).status_code == 404
        assert client.post(reverse("rights:retention-propose"), {}).status_code == 404

    def test_review_page_queries_are_bounded(
        self, make_user, managers, signed_in, monkeypatch, django_assert_max_num_queries
    ):
        for _ in range(3):
            subject = build_subject(make_user)
            end_all_work(subject.person, timezone.localdate())
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 20))
        client = signed_in(managers[0])
        with django_assert_max_num_queries(25):
            assert client.get(reverse("rights:retention-review")).status_code == 200


class TestRetentionUsesTheRegistry:
    def test_every_registered_row_is_erased_or_anonymised_and_the_audit_still_verifies(
        self, managers, monkeypatch
    ):
        from safeguard.earlyhelp.models import Episode, EpisodeChild, SupportRecord
        from safeguard.people import registry
        from tests.factories import PersonFactory
        from tests.person_rows import SHARED, World, rows_in_every_app

        first, second = managers
        world = World.make()
        person = PersonFactory(given_name="Juniper", family_name="Allapps")
        rows = rows_in_every_app(world, person)
        # An episode shared with another child stays; the support this child had is anonymised.
        shared = SHARED["earlyhelp.EpisodeChild.person"](world, person, world.other)
        support = SupportRecord.objects.create(
            episode=shared.episode,
            agency=world.agency,
            child=person,
            description="Juniper's mentoring sessions",
            started=dt.date(2025, 1, 6),
            recorded_by=world.user,
        )
        Involvement.objects.create(
            person=world.other, agency=world.agency, started=timezone.localdate()
        )
        end_all_work(person, timezone.localdate())
        travel(monkeypatch, timezone.now() + dt.timedelta(days=365 * 20))

        proposal = retention.retention_deletion_propose(
            by=first, record_type="person:child", object_id=str(person.pk)
        )
        retention.retention_deletion_approve(by=second, deletion=proposal)

        assert not Person.objects.filter(pk=person.pk).exists()
        for link in registry.links():
            if link.retention is not registry.OnRetention.KEEP:
                assert not link.rows_for(person.pk).exists(), link.label
            if link.retention is registry.OnRetention.ERASE:
                # The very row made for this link is gone, not merely unlinked.
                row = rows[link.label]
                assert not type(row).objects.filter(pk=row.pk).exists(), link.label
        assert not Contact.objects.filter(pk=rows["frontdoor.Contact.children"].pk).exists()
        assert not Episode.objects.filter(pk=rows["earlyhelp.Episode.children"].pk).exists()
        assert EpisodeChild.objects.filter(episode=shared.episode, person=world.other).exists()
        support.refresh_from_db()
        assert (support.child_id, support.description) == (None, "")
        assert verify_chain()[1] is None
        call_command("verify_audit", stdout=StringIO())
        tombstone = AuditEvent.objects.get(
            action=AuditAction.DELETE, object_type="person", person_id=person.pk
        )
        assert str(support.pk) in tombstone.changes["deleted"]["earlyhelp.supportrecord:anonymised"]
        # Support given in an episode no one is left in goes with the episode.
        alone = rows["earlyhelp.SupportRecord.child"].pk
        assert not SupportRecord.objects.filter(pk=alone).exists()
        assert "Juniper" not in json.dumps(tombstone.changes)
