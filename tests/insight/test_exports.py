"""The workbook and CSV read back, written whole or not at all, and the dataset command."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from safeguard.core.models import AgencyKind
from safeguard.insight.engine import compute
from safeguard.insight.exports import atomic_write, write_csv, write_xlsx
from safeguard.insight.suppression import publishable
from safeguard.insight.types import Period

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")


@pytest.fixture
def seven_contacts(partnership):
    """Seven contacts from schools in July 2026 and two from the police: 9 in all."""
    child = partnership.person()
    for _ in range(7):
        partnership.contact(kind=AgencyKind.EDUCATION_SCHOOL, received="2026-07-06 09:00",
                            children=[child])  # fmt: skip
    for _ in range(2):
        partnership.contact(kind=AgencyKind.POLICE, received="2026-07-06 09:00", children=[child])
    return partnership


def sheet_rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


class TestWorkbook:
    def test_the_workbook_has_contents_a_sheet_per_section_and_definitions(
        self, seven_contacts, tmp_path
    ):
        path = write_xlsx(compute(Q3), tmp_path / "set.xlsx")
        book = load_workbook(path)
        assert book.sheetnames[0] == "Contents"
        assert "Definitions" in book.sheetnames
        assert "Front door" in book.sheetnames
        rows = sheet_rows(book["Front door"])
        assert ("2A: schools", 7, 0) in rows
        assert ("6: police", 2, 0) in rows
        assert ("Total", 9, 0) in rows
        definitions = sheet_rows(book["Definitions"])
        assert any(row[1] == "frontdoor.contacts_by_source" and "census" in row[3]
                   for row in definitions)  # fmt: skip

    def test_the_published_workbook_hides_small_counts(self, seven_contacts, tmp_path):
        path = write_xlsx(publishable(compute(Q3)), tmp_path / "set.xlsx")
        book = load_workbook(path)
        rows = sheet_rows(book["Front door"])
        # 2 is hidden; the column total 9 would give it away, so 7 is hidden too.
        assert ("2A: schools", "c", 0) in rows
        assert ("6: police", "c", 0) in rows
        assert ("Total", 9, 0) in rows
        assert "Safe to publish" in str(sheet_rows(book["Contents"])[1][0])

    def test_the_csv_has_one_line_per_figure(self, seven_contacts, tmp_path):
        path = write_csv(compute(Q3), tmp_path / "set.csv")
        lines = list(csv.DictReader(io.StringIO(path.read_text())))
        schools = [
            line for line in lines
            if line["measure"] == "frontdoor.contacts_by_source" and line["row"] == "2A: schools"
        ]  # fmt: skip
        assert [(line["column"], line["value"]) for line in schools] == [
            ("Contacts", "7"),
            ("Referrals", "0"),
        ]
        assert lines[0]["period"] == "2026Q3"


class TestNoHalfWrittenFile:
    def test_an_interrupted_export_leaves_the_old_file_and_no_temporary_one(self, tmp_path):
        target = tmp_path / "set.xlsx"
        target.write_bytes(b"the last good copy")

        def interrupted(stream):
            stream.write(b"half a workbook")
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            atomic_write(target, interrupted)
        assert target.read_bytes() == b"the last good copy"
        assert [p.name for p in tmp_path.iterdir()] == ["set.xlsx"]


class TestTheCommand:
    def test_writes_the_published_workbook_and_csv(self, seven_contacts, tmp_path):
        out = io.StringIO()
        call_command(
            "dataset", "--quarter", "2026Q3", "--out", str(tmp_path / "set.xlsx"),
            "--csv", str(tmp_path / "set.csv"), "--publish", stdout=out,
        )  # fmt: skip
        book = load_workbook(tmp_path / "set.xlsx")
        assert ("6: police", "c", 0) in sheet_rows(book["Front door"])
        trends = sheet_rows(book["Trends"])
        assert trends[0][1:9] == tuple(p.label for p in Q3.history(8))
        assert "c" in (tmp_path / "set.csv").read_text()
        assert "Wrote" in out.getvalue()

    def test_writes_the_executive_report_as_a_pdf_with_the_figures(self, seven_contacts, tmp_path):
        out = io.StringIO()
        call_command("dataset", "--quarter", "2026Q3", "--pdf", str(tmp_path / "report.pdf"),
                     stdout=out)  # fmt: skip
        content = (tmp_path / "report.pdf").read_bytes()
        assert content.startswith(b"%PDF")
        text = " ".join(
            " ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(content)).pages
        )
        assert "Contacts and referrals by source" in text
        assert "2A: schools 7" in text
        assert not list(tmp_path.glob(".report.pdf.*"))  # written whole: no half file left
        assert "Wrote" in out.getvalue()

    def test_a_quarter_with_no_records_says_so(self, partnership, tmp_path):
        out = io.StringIO()
        call_command("dataset", "--quarter", "2019Q1", "--no-trends",
                     "--out", str(tmp_path / "empty.xlsx"), stdout=out)  # fmt: skip
        assert "No records in this period" in out.getvalue()
        rows = sheet_rows(load_workbook(tmp_path / "empty.xlsx")["Early help"])
        assert ("No records in this period",) in [row[:1] for row in rows]

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["--quarter", "2026Q5", "--out", "x.xlsx"], "Enter a quarter like 2026Q3"),
            (
                ["--quarter", "2026Q3", "--out", "x.xlsx", "--population", "0"],
                "child population must be more than 0",
            ),  # fmt: skip
            (["--quarter", "2026Q3"], "Give --out"),
        ],
    )
    def test_bad_input_is_refused_with_a_reason(self, partnership, arguments, message, tmp_path):
        with pytest.raises(CommandError, match=message):
            call_command("dataset", *arguments)
        assert not (tmp_path / "x.xlsx").exists()
