"""The child's one chronology shows harmful sexual behaviour, and nothing about the other child."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.hsb import investigations as inv
from safeguard.hsb import services
from safeguard.hsb.assessments import assessment_start
from safeguard.hsb.models import CaseType, InvestigationStatus, Pathway, Role
from safeguard.people.access import chronology_visible_to
from safeguard.people.models import ChronologyEvent

from .conftest import record, train
from .test_assessments import FIELDS

pytestmark = pytest.mark.django_db


def _titles(person) -> list[str]:
    return list(
        ChronologyEvent.objects.filter(person=person)
        .order_by("created_at")
        .values_list("title", flat=True)
    )


class TestEntriesOnTheChildsChronology:
    def test_a_referred_concern_puts_the_concern_and_the_pathway_on_each_child(self, p):
        concern = record(p)
        leo = _titles(p.leo)
        assert (
            f"Concern about sexual behaviour {concern.reference}: problematic (child who harmed)"
            in leo
        )
        assert any(
            "support (child who harmed): referred to Harmful sexual behaviour service" in t
            for t in leo
        )
        mia = _titles(p.mia)
        assert (
            f"Concern about sexual behaviour {concern.reference}: problematic (child harmed)" in mia
        )
        assert any("support (child harmed): referred to Assessment team" in t for t in mia)

    def test_an_assessment_and_an_investigation_started_and_closed_are_entered(self, p):
        concern = record(p)
        pathway = Pathway.objects.get(person=p.leo, role=Role.HARMING)
        train(p.yjs_worker)
        assessment_start(
            by=p.yjs_worker,
            pathway=pathway,
            tool="aim3",
            case_type=CaseType.PREVENTATIVE,
            started_on=timezone.localdate(),
            fields=FIELDS,
        )
        investigation = inv.investigation_record(
            by=p.officer,
            concern=concern,
            person=p.leo,
            crime_reference="12/3456/26",
            started_on=timezone.localdate(),
            officer=p.officer,
        )
        inv.investigation_status_set(
            by=p.officer, investigation=investigation, status=InvestigationStatus.NO_FURTHER_ACTION
        )
        leo = _titles(p.leo)
        assert "AIM3 started (preventative (with consent))" in leo
        assert "Police investigation 12/3456/26 started" in leo
        assert "Police investigation 12/3456/26: closed: no further action" in leo
        assert not any("12/3456/26" in t for t in _titles(p.mia))

    def test_closing_a_pathway_is_entered_with_its_reason(self, p):
        record(p)
        pathway = Pathway.objects.get(person=p.mia, role=Role.HARMED)
        services.pathway_close(by=p.social_worker, pathway=pathway, reason="Support plan complete.")
        entry = ChronologyEvent.objects.get(person=p.mia, title__contains="closed by")
        assert entry.detail == "Support plan complete."


class TestAReaderWhoSeesOnlyOneChild:
    def test_the_police_see_leos_entries_which_say_nothing_of_mia(self, p):
        record(p, what_happened="Seen with the younger girl from Year 6 in the toilets.")
        readable = list(chronology_visible_to(p.officer, p.leo))
        assert readable, "the police work with Leo and read his chronology"
        text = " ".join(f"{e.title} {e.detail}" for e in readable)
        assert "Mia" not in text
        assert "Shaw" not in text
        assert "(child harmed)" not in text
        assert "Year 6" not in text  # what happened is never copied to a chronology
        assert not chronology_visible_to(p.officer, p.mia).exists()

    def test_the_full_record_page_shows_the_concern_without_the_other_child(self, p, signed_in):
        concern = record(p)
        text = signed_in(p.officer).get(reverse("people:detail", args=[p.leo.pk])).content.decode()
        assert concern.reference in text
        assert "Mia" not in text
