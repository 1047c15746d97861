"""Joining two records of one child who has an open pathway in the same role on both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.hsb.models import Pathway, PathwayStatus, Role
from safeguard.hsb.services import NamedChild
from safeguard.records.services import person_merge, person_unmerge
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from tests.factories import InvolvementFactory, PersonFactory

from .conftest import record, years_ago

pytestmark = pytest.mark.django_db


def _duplicate(p):
    """A second record of Leo the school made, with its own concern and open pathway."""
    twin = PersonFactory(given_name="Leo", family_name="Hart", date_of_birth=years_ago(13, 40))
    InvolvementFactory(person=twin, agency=p.school, role_description="pupil")
    record(p)
    record(p, children=[NamedChild(twin, Role.HARMING, "Said it was a game.")])
    older = Pathway.objects.get(person=p.leo, role=Role.HARMING)
    newer = Pathway.objects.get(person=twin, role=Role.HARMING)
    Pathway.objects.filter(pk=older.pk).update(opened_at=timezone.now() - dt.timedelta(days=30))
    return twin, older, newer


class TestMergingTwoRecordsWithOpenPathwaysInOneRole:
    def test_the_older_pathway_continues_and_the_newer_is_closed_with_a_note(self, p):
        twin, older, newer = _duplicate(p)
        person_merge(by=p.mash_worker, survivor=p.leo, merged=twin, reason="Same child")
        older.refresh_from_db()
        newer.refresh_from_db()
        assert older.person == p.leo
        assert older.status == PathwayStatus.REFERRED
        assert newer.person == p.leo
        assert newer.status == PathwayStatus.CLOSED
        assert "two records of the same child were joined" in newer.close_reason
        referral = WorkItem.objects.get(kind=WorkKind.HSB_REFERRAL, subject_id=str(newer.pk))
        assert referral.status == WorkStatus.CANCELLED

    def test_when_the_merged_records_pathway_is_older_the_survivors_is_closed(self, p):
        twin, older, newer = _duplicate(p)
        person_merge(by=p.mash_worker, survivor=twin, merged=p.leo, reason="Same child")
        older.refresh_from_db()
        newer.refresh_from_db()
        assert older.person == twin
        assert older.status == PathwayStatus.REFERRED
        assert newer.status == PathwayStatus.CLOSED

    def test_undoing_the_merge_gives_each_record_its_pathway_back_open(self, p):
        twin, older, newer = _duplicate(p)
        merge = person_merge(by=p.mash_worker, survivor=p.leo, merged=twin, reason="Same child")
        person_unmerge(by=p.mash_worker, merge=merge, reason="Two different boys")
        older.refresh_from_db()
        newer.refresh_from_db()
        assert older.person == p.leo
        assert newer.person == twin
        assert older.status == PathwayStatus.REFERRED
        assert newer.status == PathwayStatus.REFERRED
        assert newer.close_reason == ""
        assert newer.closed_at is None

    def test_pathways_in_different_roles_both_stay_open(self, p):
        twin = PersonFactory(given_name="Leo", family_name="Hart", date_of_birth=years_ago(13, 40))
        InvolvementFactory(person=twin, agency=p.school)
        record(p, children=[NamedChild(p.leo, Role.HARMING, "A game.")])
        record(p, children=[NamedChild(twin, Role.HARMED, "Scared.")])
        person_merge(by=p.mash_worker, survivor=p.leo, merged=twin, reason="Same child")
        statuses = {pw.role: pw.status for pw in Pathway.objects.filter(person=p.leo)}
        assert statuses == {
            Role.HARMING: PathwayStatus.REFERRED,
            Role.HARMED: PathwayStatus.REFERRED,
        }
