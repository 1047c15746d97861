"""Hostile field values through every export: spreadsheet cells neutralised, markup escaped.

The product's downloads (grep ``Content-Disposition`` in ``src/safeguard``):

- CSV: the Information Sharing log (``sharing.views.log_csv``, cells through ``csv_safe``)
  and an import's problems (``records.views.import_problems_csv``, ``formula_safe``; its
  column names come from the uploaded file, so from outside);
- PDF (WeasyPrint, from Django templates): a training certificate, a learning briefing, the
  annual report, meeting minutes, a subject access copy;
- Word (python-docx): the annual report;
- iCalendar: a meeting invitation;
- JSON: the service directory, the Open Referral UK feed, a subject access copy
  (``json.dumps``: no markup is interpreted, served with ``nosniff``).

No XLSX is produced by the product on this branch (the insight app's workbook lands with
issue 15; its cells must go through the same neutraliser).

Hypothesis fills the fields people type (names, titles, locations, free text) with the
canaries of ``test_fuzz.py`` plus every spreadsheet trigger as a prefix. Each cell read back
from a CSV must not start with ``= + - @``, tab or carriage return; each PDF's HTML must hold
no canary unescaped; the Word and iCalendar files must open again with the text intact and
nothing injected; no export may raise. ``SAFEGUARD_FUZZ_EXAMPLES`` (default 25 here) sets
the number of examples a property; ``make fuzz`` runs more.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.drills.test_fuzz import ATTRIBUTE, CANARIES, SCRIPT

EXAMPLES = int(os.environ.get("SAFEGUARD_FUZZ_EXAMPLES", "25"))
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIXES = ["=", "+", "-", "@", "\t", "\r", "\n", " ", "'", "\u200f", "\u202e", ""]


def _stored(text: str) -> str:
    """TEXT as the database gives it back (a surrogate pair becomes its character)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# As stored text holds them: test_fuzz's emoji canary is written as a surrogate pair.
CANARIES = [_stored(c) for c in CANARIES]
hostile = st.one_of(
    st.sampled_from(CANARIES),
    st.builds(lambda p, t: p + t, st.sampled_from(PREFIXES), st.text(max_size=60)),
    st.text(max_size=200),
)
many = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
few = settings(
    max_examples=max(EXAMPLES // 5, 2),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Characters XML 1.0 cannot hold at all (Word, and the HTML WeasyPrint reads).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _assert_neutralised(cell: str, original: str | None = None) -> None:
    assert not cell.startswith(FORMULA_STARTS), f"cell {cell[:40]!r} would run as a formula"
    if original is not None:
        assert cell in (original, "'" + original), (cell[:40], original[:40])


def _assert_escaped(html: str, where: str) -> None:
    assert SCRIPT not in html, f"{where}: a script canary unescaped"
    assert ATTRIBUTE not in html, f"{where}: an attribute canary unescaped"
    assert "<script" not in html.lower().replace("&lt;script", ""), f"{where}: a script tag"


class TestCsvCells:
    @many
    @given(value=hostile)
    @example(value='=HYPERLINK("http://example.invalid","sgfuzz")')
    @example(value="\t=1+1")
    @example(value="\r=1+1")
    def test_both_csv_neutralisers_leave_no_formula_and_lose_no_text(self, value):
        from safeguard.records.parsing import formula_safe
        from safeguard.sharing.views import csv_safe

        for neutralise in (formula_safe, csv_safe):
            buffer = io.StringIO(newline="")
            csv.writer(buffer).writerow([neutralise(value), "end"])
            [cells] = _read_csv(buffer.getvalue())
            assert cells[-1] == "end"
            _assert_neutralised(cells[0], value)


@pytest.mark.django_db
class TestCsvDownloads:
    def test_an_imports_problems_file_neutralises_hostile_column_names_and_messages(
        self, make_user, signed_in
    ):
        from safeguard.core.models import Role
        from safeguard.records.models import RecordImport
        from tests.factories import AgencyFactory

        agency = AgencyFactory(name="Export MASH", slug="export-mash", is_mash=True)
        user = make_user(Role.MASH_WORKER, agency=agency)
        client = signed_in(user)

        @few
        @given(values=st.lists(hostile, min_size=1, max_size=6))
        @example(values=CANARIES)
        def download(values: list[str]) -> None:
            # A NUL never reaches a stored problem (PostgreSQL's JSON cannot hold one).
            values = [v.replace("\x00", "") for v in values]
            record_import = RecordImport.objects.create(
                agency=agency,
                file_name="extract.csv",
                file_kind="csv",
                file_sha256="0" * 64,
                created_by=user,
                errors=[
                    {"row": n, "column": v, "message": v, "skipped": n % 2 == 0}
                    for n, v in enumerate(values, start=2)
                ],
            )
            response = client.get(
                reverse("records:import-problems", kwargs={"import_id": record_import.pk})
            )
            assert response.status_code == 200
            rows = _read_csv(response.content.decode("utf-8"))
            assert len(rows) == len(values) + 1
            for row, value in zip(rows[1:], values, strict=True):
                _assert_neutralised(row[1], _stored(value))
                _assert_neutralised(row[2], _stored(value))

        download()

    def test_the_information_sharing_log_neutralises_hostile_agency_names(
        self, make_user, signed_in
    ):
        from safeguard.core.models import Agency, AgencyKind, Role
        from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory
        from tests.sharing.test_services import share

        school = AgencyFactory(name="Export School", kind=AgencyKind.EDUCATION_SCHOOL)
        police = AgencyFactory(name="Export Police", kind=AgencyKind.POLICE)
        teacher = make_user(Role.PRACTITIONER, agency=school)
        pupil = PersonFactory()
        InvolvementFactory(person=pupil, agency=school, lead_practitioner=teacher)
        share(teacher, pupil, police)
        client = signed_in(make_user(Role.MASH_MANAGER))

        @few
        @given(name=hostile.filter(lambda s: bool(s.strip()) and "\x00" not in s))
        @example(name='=HYPERLINK("http://example.invalid","sgfuzz")')
        @example(name="@SUM(1+1)")
        def download(name: str) -> None:
            # Agency names are unique: the recipient gets the same name and one more mark.
            Agency.objects.filter(pk=school.pk).update(name=name[:199])
            Agency.objects.filter(pk=police.pk).update(name=name[:199] + "\u200f")
            response = client.get(reverse("sharing:log-csv"))
            assert response.status_code == 200
            rows = _read_csv(response.content.decode("utf-8"))
            assert len(rows) == 2
            for cell in rows[1]:
                _assert_neutralised(cell)
            _assert_neutralised(rows[1][2], _stored(name[:199]))
            _assert_neutralised(rows[1][3], _stored(name[:199]) + "\u200f")

        download()


def _annual_report(value: str) -> Any:
    from safeguard.learning.annual_report import AnnualReport, Section, Table

    return AnnualReport(
        year=2026,
        start=dt.date(2026, 4, 1),
        end=dt.date(2027, 3, 31),
        sections=[
            Section(
                title=value,
                paragraphs=[value, f"Before {value} after"],
                tables=[Table(caption=value, header=[value, "Count"], rows=[[value, "3"]])],
            )
        ],
    )


class TestDocuments:
    @many
    @given(value=hostile)
    @example(value="a\x00b\x0bc")
    def test_the_annual_report_opens_in_word_with_the_text_intact(self, value):
        from docx import Document

        from safeguard.learning.annual_report import annual_report_docx

        data = annual_report_docx(_annual_report(value))
        document = Document(io.BytesIO(data))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        kept = XML_ILLEGAL.sub("", value)
        if kept.strip():
            # Word keeps the text (line breaks may come back as breaks or tabs).
            assert " ".join(kept.split()) in " ".join(text.split())
            assert any(" ".join(kept.split()) == " ".join(c.split()) for c in cells)

    @many
    @given(value=hostile)
    def test_pdf_templates_escape_every_field(self, value):
        from safeguard.learning.models import Briefing
        from safeguard.training.models import Booking, Course, Session

        course = Course(title=value)
        session = Session(
            pk=1,
            course=course,
            mode=Session._meta.get_field("mode").choices[0][0],
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(hours=2),
        )
        booking = Booking(session=session, name=value, agency_name=value)
        briefing = Briefing(reference="LB-0001", title=value)
        pages = {
            "certificate": render_to_string(
                "training/certificate.html",
                {"booking": booking, "session": session, "day": dt.date(2026, 11, 30), "hours": 2},
            ),
            "briefing": render_to_string(
                "learning/briefing_pdf.html",
                {
                    "briefing": briefing,
                    "sections": [(label, value) for _, label in Briefing.SECTIONS],
                },
            ),
            "annual report": render_to_string(
                "learning/annual_report_pdf.html", {"report": _annual_report(value)}
            ),
        }
        for where, html in pages.items():
            _assert_escaped(html, where)

    def test_every_canary_at_once_still_makes_each_pdf(self):
        from weasyprint import HTML

        text = "\n".join(CANARIES[:-3])  # the 20,000-character one costs time, not coverage
        html = render_to_string("learning/annual_report_pdf.html", {"report": _annual_report(text)})
        _assert_escaped(html, "annual report")
        assert bytes(HTML(string=html).write_pdf()).startswith(b"%PDF-")

    @many
    @given(location=hostile, kind=hostile)
    @example(location="Room 1\r\nATTENDEE:mailto:x@example.invalid\r\nEND:VEVENT", kind="x")
    def test_a_meeting_invitation_holds_one_event_and_nothing_injected(self, location, kind):
        from icalendar import Calendar

        from safeguard.meetings.calendar import meeting_ics
        from safeguard.meetings.models import Meeting, MeetingKind

        start = timezone.now().replace(microsecond=0)
        meeting = Meeting(
            kind=MeetingKind(name=kind),
            reference="MTG-0001",
            title="x",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            location=location,
        )
        calendar = Calendar.from_ical(meeting_ics(meeting, url="https://example.invalid/m/1"))
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 1
        allowed = {"UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "LOCATION"}
        assert set(events[0]) <= allowed | {"DESCRIPTION", "URL", "STATUS"}
        assert "ATTENDEE" not in events[0]
        if location:
            assert "LOCATION" in events[0]


class TestJson:
    @many
    @given(value=hostile)
    def test_json_exports_carry_any_text_back_unchanged(self, value):
        import json

        from safeguard.core.audit import json_safe

        data = json.dumps({"name": value}, ensure_ascii=False, indent=2)
        assert json.loads(data)["name"] == value
        # A subject access copy's values go through json_safe: NUL becomes a visible mark.
        kept = json.loads(json.dumps(json_safe(value), ensure_ascii=False))
        assert "\x00" not in kept
        assert len(kept) == len(value)
