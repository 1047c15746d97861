"""Need to know: the harmful sexual behaviour record opens to readers of the child's whole record.

A share of chosen entries (an information-sharing decision that shared, say, one school
entry) opens the child's identifying details and those entries only: every HSB page that
shows the child's concerns, pathways, assessments or investigations answers "You do not
have permission to see this page" (403), and the refusal is audited. A reader who cannot
see the child at all still gets "Page not found". The chronology's HSB entries follow the
entry rule: a chosen-entries reader reads one only when it was itself shared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AuditAction, AuditEvent, Role
from safeguard.hsb import investigations as inv
from safeguard.hsb.assessments import assessment_start
from safeguard.hsb.events import HsbEvent
from safeguard.hsb.models import AimTool, CaseType, Concern, InternetSafetyAdvice, Pathway
from safeguard.hsb.models import Role as HsbRole
from safeguard.hsb.rules import CHOSEN_ENTRIES_ONLY, NO_ACCESS, WHOLE_RECORD, child_access
from safeguard.hsb.views import CHOSEN_ENTRIES_REFUSAL
from safeguard.people.access import access_grant_create
from safeguard.people.models import AccessGrant, ChronologyEvent
from tests.factories import AccessGrantFactory, AgencyFactory, ChronologyEventFactory

from .conftest import Partnership, record, train

pytestmark = pytest.mark.django_db

FIELDS = {
    "sexual_behaviours": "Touching a younger pupil, repeated after warnings.",
    "non_sexual_behaviours": "Impulsive in class.",
    "development": "Young for his age.",
    "family_environment": "Unsupervised phone at night.",
    "self_regulation": "Calms with a trusted adult.",
    "formulation": "Curiosity and no supervision online.",
    "plan": "Weekly sessions; parents' online safety plan.",
}


@dataclass
class Record:
    concern: Concern
    pathway: Pathway
    assessment: Any
    investigation: Any
    school_entry: ChronologyEvent


def _leo_record(p: Partnership) -> Record:
    """Leo harmed Mia: a referred concern, his pathway, an AIM3 and a police investigation."""
    concern = record(p)
    pathway = Pathway.objects.get(person=p.leo, role=HsbRole.HARMING)
    train(p.yjs_worker)
    assessment = assessment_start(
        by=p.yjs_worker,
        pathway=pathway,
        tool=AimTool.AIM3,
        case_type=CaseType.PREVENTATIVE,
        started_on=timezone.localdate(),
        fields=FIELDS,
    )
    investigation = inv.investigation_record(
        by=p.officer,
        concern=concern,
        person=p.leo,
        crime_reference="12/77/26",
        started_on=timezone.localdate(),
        officer=p.officer,
    )
    school_entry = ChronologyEventFactory(
        person=p.leo, agency=p.school, title="Attendance meeting with Leo's parents"
    )
    return Record(concern, pathway, assessment, investigation, school_entry)


def _housing_reader(p: Partnership, make_user: Any, *entries: ChronologyEvent) -> Any:
    """Housing, given chosen entries of Leo's record by a sharing decision (and nothing else)."""
    housing = AgencyFactory(name="Housing")
    reader = make_user(Role.PRACTITIONER, agency=housing, first_name="Hal")
    access_grant_create(
        by=p.teacher,
        person=p.leo,
        kind=AccessGrant.Kind.SHARED,
        purpose="Rehousing the family",
        ends_at=timezone.now() + dt.timedelta(days=30),
        agency_id=housing.pk,
        entries=list(entries),
    )
    return reader


# Every HSB page about one child's record, as (method, url name, which id).
PAGES = [
    ("get", "hsb:child", "person"),
    ("get", "hsb:internet-advice", "person"),
    ("get", "hsb:lessons", "person"),
    ("get", "hsb:concern", "concern"),
    ("get", "hsb:concern-edit", "concern"),
    ("get", "hsb:strategy", "concern"),
    ("get", "hsb:investigation-new", "concern"),
    ("get", "hsb:keyworker", "pathway"),
    ("get", "hsb:consent", "pathway"),
    ("get", "hsb:pathway-close", "pathway"),
    ("get", "hsb:assessment-new", "pathway"),
    ("get", "hsb:assessment", "assessment"),
    ("get", "hsb:formulation-new", "assessment"),
    ("get", "hsb:investigation", "investigation"),
    ("post", "hsb:investigation-status", "investigation"),
    ("post", "hsb:investigation-review", "investigation"),
    ("post", "hsb:investigation-request", "investigation"),
    ("post", "hsb:internet-advice", "person"),
    ("post", "hsb:lessons", "person"),
    ("post", "hsb:consent", "pathway"),
    ("post", "hsb:pathway-close", "pathway"),
]

PAGE_EVENTS = {
    "person": HsbEvent.HSB_CHILD,
    "concern": HsbEvent.HSB_CONCERN,
    "pathway": HsbEvent.HSB_PATHWAY,
    "assessment": HsbEvent.HSB_ASSESSMENT,
    "investigation": HsbEvent.HSB_INVESTIGATION,
}


def _url(p: Partnership, leo: Record, name: str, key: str) -> str:
    arg = {
        "person": p.leo.pk,
        "concern": leo.concern.reference,
        "pathway": leo.pathway.pk,
        "assessment": leo.assessment.pk,
        "investigation": leo.investigation.pk,
    }[key]
    return reverse(name, args=[arg])


def _open(client: Any, method: str, url: str) -> Any:
    return client.get(url) if method == "get" else client.post(url, {"reason": "x"})


class TestAReaderGivenChosenEntriesIsRefused:
    @pytest.mark.parametrize("page", PAGES, ids=[f"{m} {n}" for m, n, _k in PAGES])
    def test_every_page_of_the_childs_record_answers_403_and_is_audited(
        self, p, signed_in, make_user, page
    ):
        method, name, key = page
        leo = _leo_record(p)
        reader = _housing_reader(p, make_user, leo.school_entry)
        url = _url(p, leo, name, key)
        before = AuditEvent.objects.filter(action=AuditAction.DENY).count()
        response = _open(signed_in(reader), method, url)
        assert response.status_code == 403, url
        text = response.content.decode()
        assert "You do not have permission to see this page" in text
        for secret in ("Said it was a game", "Seen touching", "Mia", "12/77/26", "Problematic"):
            assert secret not in text, (url, secret)
        refusals = AuditEvent.objects.filter(action=AuditAction.DENY).order_by("pk")
        assert refusals.count() == before + 1, url  # one audit event, not two
        event = refusals.last()
        assert event.actor_id == reader.pk
        assert event.object_type == PAGE_EVENTS[key]
        assert event.person_id == p.leo.pk
        assert event.reason == CHOSEN_ENTRIES_REFUSAL
        assert event.outcome == "refused"

    def test_nothing_is_saved_when_they_post_to_a_form(self, p, signed_in, make_user):
        leo = _leo_record(p)
        reader = _housing_reader(p, make_user, leo.school_entry)
        client = signed_in(reader)
        client.post(
            reverse("hsb:internet-advice", args=[p.leo.pk]),
            {"given_to": "Mother", "parental_controls": "Set", "monitoring": "x", "devices": "x"},
        )
        client.post(reverse("hsb:pathway-close", args=[leo.pathway.pk]), {"reason": "Done"})
        assert not InternetSafetyAdvice.objects.filter(person=p.leo).exists()
        leo.pathway.refresh_from_db()
        assert leo.pathway.closed_at is None

    def test_their_list_shows_no_concern_and_the_concern_form_does_not_offer_the_child(
        self, p, signed_in, make_user
    ):
        leo = _leo_record(p)
        reader = _housing_reader(p, make_user, leo.school_entry)
        client = signed_in(reader)
        listing = client.get(reverse("hsb:index")).content.decode()
        assert leo.concern.reference not in listing
        form = client.get(reverse("hsb:concern-new")).content.decode()
        assert str(p.leo.pk) not in form
        assert "Leo Hart" not in form

    def test_the_service_refuses_them_naming_the_child_in_a_concern(self, p, make_user):
        from safeguard.core.errors import InvalidRequest
        from safeguard.hsb.services import NamedChild

        leo = _leo_record(p)
        reader = _housing_reader(p, make_user, leo.school_entry)
        with pytest.raises(InvalidRequest, match="cannot name a child"):
            record(p, by=reader, children=[NamedChild(p.leo, HsbRole.HARMING, "Said nothing.")])
        assert Concern.objects.count() == 1

    def test_the_rule_says_chosen_entries_whole_record_or_nothing(self, p, make_user):
        leo = _leo_record(p)
        reader = _housing_reader(p, make_user, leo.school_entry)
        assert child_access(reader, p.leo) == CHOSEN_ENTRIES_ONLY
        assert not reader.has_perm("hsb.view_child", p.leo)
        assert child_access(reader, p.mia) == NO_ACCESS
        for owner in (p.teacher, p.yjs_worker, p.yjs_manager, p.officer, p.mash_worker):
            assert child_access(owner, p.leo) == WHOLE_RECORD, owner
            assert owner.has_perm("hsb.view_child", p.leo), owner


class TestAReaderWhoCannotSeeTheChild:
    @pytest.mark.parametrize(
        ("method", "name", "key"), [page for page in PAGES if page[0] == "get"]
    )
    def test_still_gets_page_not_found(self, p, signed_in, method, name, key):
        leo = _leo_record(p)
        url = _url(p, leo, name, key)
        response = _open(signed_in(p.nurse), method, url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()


class TestAWholeRecordReaderGetsIn:
    READ_PAGES = [
        ("hsb:child", "person", "Leo Hart"),
        ("hsb:internet-advice", "person", "Internet safety advice at home"),
        ("hsb:lessons", "person", "Missed online-safety lessons"),
        ("hsb:concern", "concern", "Said it was a game"),
        ("hsb:assessment", "assessment", "Curiosity and no supervision online"),
        ("hsb:investigation", "investigation", "12/77/26"),
    ]

    @pytest.mark.parametrize("page", READ_PAGES, ids=[n for n, _k, _s in READ_PAGES])
    def test_a_whole_record_share_opens_the_pages(self, p, signed_in, make_user, page):
        name, key, shown = page
        leo = _leo_record(p)
        housing = AgencyFactory(name="Housing")
        reader = make_user(Role.PRACTITIONER, agency=housing)
        AccessGrantFactory(person=p.leo, agency=housing, scope=AccessGrant.Scope.WHOLE)
        response = signed_in(reader).get(_url(p, leo, name, key))
        assert response.status_code == 200
        assert shown in response.content.decode()

    @pytest.mark.parametrize(
        ("who", "name", "key"),
        [
            ("teacher", "hsb:concern", "concern"),
            ("teacher", "hsb:child", "person"),
            ("yjs_worker", "hsb:assessment", "assessment"),
            ("yjs_manager", "hsb:keyworker", "pathway"),
            ("officer", "hsb:investigation", "investigation"),
            ("mash_worker", "hsb:child", "person"),
        ],
    )
    def test_the_practitioners_who_own_the_case_still_get_in(self, p, signed_in, who, name, key):
        leo = _leo_record(p)
        response = signed_in(getattr(p, who)).get(_url(p, leo, name, key))
        assert response.status_code == 200, (who, name)

    def test_a_child_seen_only_through_chosen_entries_is_another_child_on_the_concern(
        self, p, signed_in
    ):
        concern = record(p)
        # The police work with Leo; a sharing decision gives them chosen entries of Mia.
        AccessGrantFactory(person=p.mia, agency=p.police, scope=AccessGrant.Scope.ENTRIES)
        text = signed_in(p.officer).get(reverse("hsb:concern", args=[concern.reference]))
        text = text.content.decode()
        assert "Leo Hart" in text
        assert "Another child (you cannot see their record)" in text
        assert "Mia Shaw" not in text
        assert "Said she felt scared" not in text


class TestTheChronologyEntries:
    def _titles(self, client: Any, p: Partnership) -> str:
        response = client.get(reverse("people:detail", args=[p.leo.pk]))
        assert response.status_code == 200
        return response.content.decode()

    def test_a_chosen_entries_reader_reads_none_of_the_hsb_entries(self, p, signed_in, make_user):
        leo = _leo_record(p)
        reader = _housing_reader(p, make_user, leo.school_entry)
        text = self._titles(signed_in(reader), p)
        assert "Attendance meeting with Leo&#x27;s parents" in text
        assert "Concern about sexual behaviour" not in text
        assert "Harmful sexual behaviour support" not in text
        assert "AIM3" not in text
        assert "Police investigation" not in text

    def test_an_hsb_entry_that_was_itself_shared_is_shown_and_no_other(
        self, p, signed_in, make_user
    ):
        leo = _leo_record(p)
        shared = ChronologyEvent.objects.get(
            person=p.leo, source_type=HsbEvent.HSB_CONCERN, source_id=leo.concern.reference
        )
        reader = _housing_reader(p, make_user, shared)
        text = self._titles(signed_in(reader), p)
        assert f"Concern about sexual behaviour {leo.concern.reference}" in text
        assert "Harmful sexual behaviour support" not in text
        assert "AIM3" not in text
        assert "Attendance meeting" not in text
        # The entry is shared; the HSB record behind it is not.
        refused = signed_in(reader).get(reverse("hsb:concern", args=[leo.concern.reference]))
        assert refused.status_code == 403

    def test_a_whole_record_reader_reads_them_all(self, p, signed_in):
        leo = _leo_record(p)
        text = self._titles(signed_in(p.teacher), p)
        assert f"Concern about sexual behaviour {leo.concern.reference}" in text
        assert "Harmful sexual behaviour support (child who harmed)" in text
