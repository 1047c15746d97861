"""Subject access: the copy holds everything held about a person.

Third parties are marked, protected identities never appear, the one-month clock is
tracked, and only MASH managers can make it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.models import AgencyKind, AuditAction, AuditEvent, Role
from safeguard.frontdoor.models import Contact, ContactChild
from safeguard.people.access import RECORD_TYPES
from safeguard.people.models import OtherName, Person, Relationship, RelationshipKind
from safeguard.people.services import person_view_record
from safeguard.records.models import AgencyRecord
from safeguard.rights import subject_access as sa
from safeguard.rights.models import SubjectAccessRequest
from tests.factories import (
    AccessGrantFactory,
    AgencyFactory,
    ChronologyEventFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    PersonFactory,
)

PARENT_NAME = "Ottoline Vexworth"
REFERRER_CANARY = "CANARY-Referrer-Quillon"
REFERRER_EMAIL_CANARY = "canary.referrer.quillon@example.invalid"


@dataclass
class Subject:
    person: Person
    parent: Person
    agency: object
    mash_manager: object
    request: SubjectAccessRequest
    contact: Contact
    event_titles: dict[str, str]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603 - fixed arguments
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def build_subject(make_user) -> Subject:
    """One person with one of every kind of record Safeguard holds."""
    agency = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL)
    mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
    mash_manager = make_user(Role.MASH_MANAGER, agency=mash)
    worker = make_user(Role.PRACTITIONER, agency=agency)
    person = PersonFactory(
        given_name="Marigold", family_name="Thistlewood", date_of_birth=dt.date(2014, 5, 17)
    )
    parent = PersonFactory(
        given_name="Ottoline", family_name="Vexworth", date_of_birth=dt.date(1985, 2, 1)
    )
    OtherName.objects.create(person=person, given_name="Goldie", family_name="Thistlewood")
    person.addresses.create(
        line_1="12 Lantern Row", town="York", postcode="YO1 7HH", moved_in=dt.date(2020, 1, 6)
    )
    Relationship.objects.create(person=person, other=parent, kind=RelationshipKind.CHILD)
    Relationship.objects.create(person=parent, other=person, kind=RelationshipKind.PARENT)
    member = HouseholdMemberFactory(person=person)
    HouseholdMemberFactory(person=parent, household=member.household)
    InvolvementFactory(person=person, agency=agency, lead_practitioner=worker)
    titles = {}
    for code in RECORD_TYPES:
        titles[code] = f"Entry of type {code}"
        ChronologyEventFactory(
            person=person,
            agency=agency,
            record_type=code,
            title=titles[code],
            occurred_at=dt.datetime(2025, 3, 4, 10, 30, tzinfo=dt.UTC),
        )
    AccessGrantFactory(person=person, agency=mash, granted_by=mash_manager)
    AgencyRecord.objects.create(
        agency=agency,
        agency_record_id="RA-0001",
        given_name="Marigold",
        family_name="Thistlewood",
        person=person,
        content_hash="0" * 64,
    )
    contact = Contact.objects.create(
        reference=f"MASH-TEST-{person.pk.hex[:8]}",
        received_at=timezone.now(),
        referrer=worker,
        referrer_agency=agency,
        referrer_name=REFERRER_CANARY,
        referrer_email=REFERRER_EMAIL_CANARY,
        what_happened="Came to school with a bruise",
        child_voice="Said she was fine",
        consent="given",
        decision_due_at=timezone.now() + dt.timedelta(days=1),
    )
    ContactChild.objects.create(contact=contact, person=person)
    request = sa.subject_access_request_create(
        by=mash_manager,
        person=person,
        requester_kind=SubjectAccessRequest.Requester.PARENT,
        requester_name="Ottoline Vexworth",
        received_on=dt.date(2026, 1, 31),
    )
    person_view_record(by=worker, person_id=person.pk)
    return Subject(person, parent, agency, mash_manager, request, contact, titles)


@pytest.fixture
def subject(make_user) -> Subject:
    return build_subject(make_user)


class TestTheCopyHoldsEverything:
    def test_json_and_pdf_contain_every_record_type(self, subject, tmp_path):
        files = sa.subject_access_export(by=None, person=subject.person, request=subject.request)
        data = json.loads(files["json"])
        types = set(data["summary"]["record_types"])
        expected = {
            "Your details",
            "Other name",
            "Address",
            "Relationship",
            "Household",
            "Agency working with you",
            "Access given to your record",
            "Subject access request",
            "Who looked at or changed your record",
            "Contact",
            "Contact child",
            "Agency record",
        }
        assert expected <= types
        assert {t for t in types if t.startswith("Chronology:")}
        text = pdf_text(files["pdf"], tmp_path)
        flat = json.dumps(data)
        for title in subject.event_titles.values():
            assert title in flat
            assert title in text
        for heading in (
            "Your details",
            "Addresses",
            "Family and relationships",
            "Household",
            "Chronology: what agencies recorded",
            "Who has looked at your record",
            "Contacts",
        ):
            assert heading in text
        assert "17 May 2014" in text  # dates in UK format
        assert "4 March 2025" in text
        assert "Came to school with a bruise" in text
        assert data["request"]["due_on"] == "2026-02-28"

    def test_other_people_are_marked_for_redaction_review(self, subject):
        export = sa.subject_access_collect(person=subject.person)
        items = [i for s in export.sections for i in s.items]
        relationship = next(i for i in items if i.record_type == "Relationship")
        assert relationship.needs_redaction_review
        parent_field = next(f for f in relationship.fields if f.value == PARENT_NAME)
        assert parent_field.third_party
        household = next(i for i in items if i.record_type == "Household")
        assert any(f.value == PARENT_NAME and f.third_party for f in household.fields)
        sar = next(i for i in items if i.record_type == "Subject access request")
        assert sar.needs_redaction_review  # asked by a parent, not the person
        contact = next(i for i in items if i.record_type == "Contact")
        referrer = next(f for f in contact.fields if f.label == "Referrer name")
        assert referrer.third_party

    def test_sensitive_records_are_included_with_a_review_note(self, subject):
        export = sa.subject_access_collect(person=subject.person)
        notes = [
            n
            for s in export.sections
            for i in s.items
            if i.record_type.startswith("Chronology")
            for n in i.review_notes
        ]
        assert len(notes) == sum(1 for rt in RECORD_TYPES.values() if rt.sensitive)

    def test_the_disclosure_log_lists_who_looked(self, subject):
        export = sa.subject_access_collect(person=subject.person)
        log = next(s for s in export.sections if s.name == "core.disclosure_log")
        assert any(f.value.startswith("Viewed") for i in log.items for f in i.fields)

    def test_the_working_copy_is_audited_with_the_files_fingerprints(self, subject):
        files = sa.subject_access_export(by=None, person=subject.person, request=subject.request)
        event = AuditEvent.objects.filter(
            action=AuditAction.EXPORT, person_id=subject.person.pk
        ).get()
        assert event.changes["sha256"]["pdf"] == sa.sha256(files["pdf"])
        assert event.changes["sha256"]["json"] == sa.sha256(files["json"])
        subject.request.refresh_from_db()
        # The unreviewed working copy releases nothing: the request still needs its checks.
        assert subject.request.status == SubjectAccessRequest.Status.RECEIVED
        assert not subject.request.json_sha256

    def test_a_signed_in_user_cannot_make_the_unreviewed_copy(self, subject):
        with pytest.raises(PermissionError, match="second manager"):
            sa.subject_access_export(
                by=subject.mash_manager, person=subject.person, request=subject.request
            )
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


class TestProtectedIdentities:
    def test_an_anonymous_referrer_never_appears_in_the_copy(self, subject, tmp_path, monkeypatch):
        monkeypatch.setattr(
            Contact, "subject_access_protected_fields", ("referrer_name",), raising=False
        )
        files = sa.subject_access_export(by=None, person=subject.person)
        text = pdf_text(files["pdf"], tmp_path)
        for canary in (REFERRER_CANARY, REFERRER_EMAIL_CANARY):
            assert canary not in files["json"].decode()
            assert canary not in text
        data = json.loads(files["json"])
        contact = next(
            i for s in data["sections"] for i in s["items"] if i["record_type"] == "Contact"
        )
        withheld = [f for f in contact["fields"] if f["withheld_reason"]]
        assert {f["label"] for f in withheld} >= {"Referrer name", "Referrer email"}
        assert all(f["value"] is None for f in withheld)
        assert "Withheld" in text

    def test_a_registered_section_can_withhold_a_value(self, subject):
        sa.register_section(
            "tests.protected",
            lambda person: [
                sa.Item("Test", "1", None, "", [sa.Field.withheld("Source", "Protected identity")])
            ],
        )
        try:
            data = json.loads(
                sa.subject_access_export(by=None, person=subject.person, formats=["json"])["json"]
            )
        finally:
            sa.SECTIONS.pop("tests.protected")
        item = next(
            i for s in data["sections"] if s["name"] == "tests.protected" for i in s["items"]
        )
        assert item["fields"][0] == {
            "label": "Source",
            "value": None,
            "third_party": False,
            "note": "",
            "withheld_reason": "Protected identity",
        }


class TestTheOneMonthClock:
    @pytest.mark.parametrize(
        ("received", "due"),
        [
            (dt.date(2026, 3, 3), dt.date(2026, 4, 3)),
            (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
            (dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
            (dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
            (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
        ],
    )
    def test_due_one_calendar_month_later(self, received, due):
        assert sa.due_date_for(received) == due

    @given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
    def test_due_date_is_always_28_to_31_days_later(self, received):
        due = sa.due_date_for(received)
        assert 28 <= (due - received).days <= 31
        assert due.day == received.day or due.day < received.day

    def test_a_future_received_date_is_refused(self, subject):
        with pytest.raises(ValueError, match="today or in the past"):
            sa.subject_access_request_create(
                by=subject.mash_manager,
                person=subject.person,
                requester_kind="subject",
                requester_name="M",
                received_on=timezone.localdate() + dt.timedelta(days=1),
            )


class TestThePages:
    def test_mash_manager_records_a_request_but_cannot_download_before_release(
        self, subject, signed_in
    ):
        client = signed_in(subject.mash_manager)
        url = reverse("rights:person-subject-access", args=[subject.person.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "Marigold Thistlewood" in page.content.decode()
        today = timezone.localdate()
        response = client.post(
            url,
            {
                "requester_kind": "subject",
                "requester_name": "Marigold Thistlewood",
                "received_on_day": today.day,
                "received_on_month": today.month,
                "received_on_year": today.year,
            },
        )
        new = SubjectAccessRequest.objects.filter(person=subject.person, received_on=today).get()
        assert response.status_code == 302
        assert response["Location"] == reverse("rights:subject-access-request", args=[new.pk])
        assert new.due_on == sa.due_date_for(today)
        pdf = client.get(reverse("rights:subject-access-download", args=[new.pk, "pdf"]))
        assert pdf.status_code == 200
        assert pdf["Content-Type"].startswith("text/html")
        body = pdf.content.decode()
        assert "There is a problem" in body
        assert "The copy has not been released yet" in body
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    def test_bad_input_shows_errors_and_keeps_what_was_typed(self, subject, signed_in):
        client = signed_in(subject.mash_manager)
        url = reverse("rights:person-subject-access", args=[subject.person.pk])
        response = client.post(
            url,
            {
                "requester_name": "Kept Name",
                "received_on_day": "40",
                "received_on_month": "2",
                "received_on_year": "2026",
            },
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body
        assert "Select who asked for the copy" in body
        assert "Kept Name" in body

    @pytest.mark.parametrize(
        "role",
        [
            Role.PRACTITIONER,
            Role.MASH_WORKER,
            Role.PANEL_CHAIR,
            Role.ANALYST,
            Role.BUSINESS_UNIT,
            Role.SYSTEM_ADMINISTRATOR,
        ],
    )
    def test_everyone_else_gets_page_not_found(self, subject, signed_in, make_user, role):
        client = signed_in(make_user(role, agency=subject.agency))
        assert (
            client.get(
                reverse("rights:person-subject-access", args=[subject.person.pk])
            ).status_code
            == 404
        )
        url = reverse("rights:subject-access-download", args=[subject.request.pk, "pdf"])
        assert client.get(url).status_code == 404
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    def test_business_unit_sees_the_register_without_names(self, subject, signed_in, make_user):
        client = signed_in(make_user(Role.BUSINESS_UNIT, agency=subject.agency))
        response = client.get(reverse("rights:subject-access"))
        body = response.content.decode()
        assert response.status_code == 200
        assert subject.request.reference in body
        assert "Thistlewood" not in body

    def test_manager_finds_the_person_from_the_register_giving_a_reason(self, subject, signed_in):
        client = signed_in(subject.mash_manager)
        response = client.get(
            reverse("rights:subject-access"),
            {"q": "Marigold Thistlewood", "reason": "Letter from her mother asking for a copy"},
        )
        assert (
            reverse("rights:person-subject-access", args=[subject.person.pk])
            in response.content.decode()
        )

    def test_person_page_queries_are_bounded(
        self, subject, signed_in, django_assert_max_num_queries
    ):
        client = signed_in(subject.mash_manager)
        url = reverse("rights:person-subject-access", args=[subject.person.pk])
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


class TestTheCommand:
    def test_writes_the_pdf_and_the_json(self, subject, tmp_path):
        call_command(
            "subject_access",
            person=str(subject.person.pk),
            out=str(tmp_path),
            request=subject.request.reference,
        )
        pdf = tmp_path / f"{subject.person.pk}.pdf"
        js = tmp_path / f"{subject.person.pk}.json"
        assert pdf.read_bytes().startswith(b"%PDF")
        assert json.loads(js.read_text())["summary"]["records"] > 10
        assert "Marigold" in pdf_text(pdf.read_bytes(), tmp_path)
        assert (
            AuditEvent.objects.filter(
                action=AuditAction.EXPORT, person_id=subject.person.pk
            ).count()
            == 1
        )


class TestTheCopyIsBuiltFromTheRegistry:
    def test_a_person_with_rows_in_every_app_gets_every_registered_section(self, db):
        from safeguard.people import registry
        from tests.person_rows import World, rows_in_every_app

        world = World.make()
        person = PersonFactory(given_name="Juniper", family_name="Allapps")
        rows_in_every_app(world, person)
        export = sa.subject_access_collect(person=person)
        by_name = {s.name: s for s in export.sections}
        for name, links in registry.sections():
            assert by_name[name].items, name
            assert by_name[name].title == links[0].subject_access.title
            if name in sa.SECTION_RENDERERS:
                continue
            record_types = {i.record_type for i in by_name[name].items}
            for link in links:
                assert link.subject_access.label in record_types, link.label
        assert {"people.details", "core.disclosure_log"} <= set(by_name)
        assert b"Juniper" in sa.render_json(export)

    def test_declared_third_party_fields_are_marked_for_review(self, db):
        from tests.person_rows import World, rows_in_every_app

        world = World.make()
        person = PersonFactory(given_name="Juniper", family_name="Allapps")
        rows_in_every_app(world, person)
        items = [i for s in sa.subject_access_collect(person=person).sections for i in s.items]
        decision = next(i for i in items if i.record_type == "Decision about sharing")
        judgement = next(f for f in decision.fields if f.label == "Judgement")
        assert judgement.third_party
        assert judgement.note == sa.FREE_TEXT_NOTE
        episode = next(i for i in items if i.record_type == "Early help episode")
        assert "Family asked for help with routines" in {f.value for f in episode.fields}
        contact = next(i for i in items if i.record_type == "Contact")
        assert "Ridley Reporter" in {f.value for f in contact.fields if f.third_party}
