import datetime as dt
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.records.parsing import (
    MAX_UPLOAD_BYTES,
    UploadError,
    check_mapping,
    clean_rows,
    file_kind,
    formula_safe,
    guess_mapping,
    parse_date,
    parse_file,
)

from .helpers import HEADER, csv_bytes, xlsx_bytes

SPREADSHEET_DATE = dt.datetime(2015, 4, 3)  # noqa: DTZ001 - spreadsheet dates have no zone
TODAY = dt.date(2026, 11, 21)


class TestFileKind:
    def test_csv_and_xlsx_are_accepted_by_extension_and_content(self):
        assert file_kind("extract.csv", csv_bytes([["1", "Ava", "Smith"] + [""] * 5])) == "csv"
        assert file_kind("extract.XLSX", xlsx_bytes([["1", "Ava", "Smith"]])) == "xlsx"

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("extract.pdf", b"%PDF-1.4", "must be a CSV or an Excel workbook"),
            ("extract.xlsx", b"Ref,Name\n1,Ava\n", "not a real Excel workbook"),
            ("extract.csv", b"PK\x03\x04rest of a zip", "not a CSV text file"),
            ("extract.csv", b"Ref\x00Name", "not a CSV text file"),
            ("extract.csv", b"", "empty"),
            ("extract.xls", b"\xd0\xcf\x11\xe0", "must be a CSV or an Excel workbook"),
        ],
    )
    def test_anything_else_is_refused_with_a_reason(self, name, content, message):
        with pytest.raises(UploadError, match=message):
            file_kind(name, content)

    def test_a_file_over_the_size_limit_is_refused(self):
        with pytest.raises(UploadError, match="smaller than 5 MB"):
            file_kind("big.csv", b"a," * (MAX_UPLOAD_BYTES // 2 + 1))

    def test_a_zip_that_is_not_a_workbook_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        with pytest.raises(UploadError, match="not a real Excel workbook"):
            file_kind("x.xlsx", buffer.getvalue())

    def test_a_zip_bomb_is_refused_before_it_is_expanded(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<x/>")
            archive.writestr("xl/workbook.xml", "<x/>")
            archive.writestr("xl/worksheets/sheet1.xml", "0" * (70 * 1024 * 1024))
        content = buffer.getvalue()
        assert len(content) < MAX_UPLOAD_BYTES
        with pytest.raises(UploadError, match="too large when unpacked"):
            file_kind("bomb.xlsx", content)

    def test_a_workbook_with_macros_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<x/>")
            archive.writestr("xl/workbook.xml", "<x/>")
            archive.writestr("xl/vbaProject.bin", "macro")
        with pytest.raises(UploadError, match="macros"):
            file_kind("m.xlsx", buffer.getvalue())


class TestParseFile:
    def test_a_semicolon_csv_with_a_byte_order_mark_is_read(self):
        content = "\ufeff".encode() + csv_bytes(
            [["7", "Ava", "Smith", "03/04/2015", "F", "", "", ""]], delimiter=";"
        )
        parsed = parse_file("x.csv", content)
        assert parsed.headers == HEADER
        assert parsed.rows[0][:4] == ["7", "Ava", "Smith", "03/04/2015"]

    def test_xlsx_dates_and_numbers_become_text(self):
        parsed = parse_file(
            "x.xlsx",
            xlsx_bytes([[12, "Ava", "Smith", SPREADSHEET_DATE, "F", None, None, 9434765919]]),
        )
        assert parsed.kind == "xlsx"
        assert parsed.rows[0][0] == "12"
        assert parsed.rows[0][3] == "2015-04-03"
        assert parsed.rows[0][7] == "9434765919"

    def test_a_file_with_only_blank_rows_is_refused(self):
        with pytest.raises(UploadError, match="no rows"):
            parse_file("x.csv", b"\n\n")


class TestParseDate:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("03/04/2015", dt.date(2015, 4, 3)),
            ("3.4.2015", dt.date(2015, 4, 3)),
            ("2015-04-03", dt.date(2015, 4, 3)),
            ("03-Apr-2015", dt.date(2015, 4, 3)),
            ("3rd April 2015", dt.date(2015, 4, 3)),
            ("04/23/2015", dt.date(2015, 4, 23)),
            ("03/04/15", dt.date(2015, 4, 3)),
        ],
    )
    def test_dates_as_agencies_write_them(self, text, expected):
        assert parse_date(text, TODAY) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("31/02/2015", "not a real date"),
            ("01/01/2030", "in the future"),
            ("soon", "not a date we can read"),
        ],
    )
    def test_bad_dates_say_what_is_wrong(self, text, message):
        with pytest.raises(ValueError, match=message):
            parse_date(text, TODAY)

    @given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    def test_any_past_date_written_day_first_reads_back(self, day):
        assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}", TODAY) == day


class TestMapping:
    def test_columns_are_guessed_from_common_headers(self):
        guess = guess_mapping(
            [
                "Ref",
                "Forename",
                "Surname",
                "DOB",
                "Gender",
                "Address",
                "Postcode",
                "NHS No",
                "Notes",
            ]
        )
        assert guess == {
            "Ref": "agency_record_id",
            "Forename": "given_name",
            "Surname": "family_name",
            "DOB": "date_of_birth",
            "Gender": "sex",
            "Address": "address",
            "Postcode": "postcode",
            "NHS No": "nhs_number",
            "Notes": "",
        }

    def test_a_mapping_needs_a_reference_and_a_name_and_no_field_twice(self):
        problems = check_mapping({"A": "given_name", "B": "given_name"})
        assert "Choose the column that holds the agency's own reference" in problems
        assert any("Only one column" in p for p in problems)


class TestCleanRows:
    def test_each_problem_names_the_row_the_column_and_what_is_wrong(self):
        rows = [
            ["1", "Ava", "Smith", "03/04/2015", "F", "1 Main St", "YO1 1AA", "9434765919"],
            ["", "Leo", "Jones", "03/04/2015", "M", "", "", ""],
            ["3", "", "", "03/04/2015", "M", "", "", ""],
            ["4", "Mia", "Shaw", "31/02/2015", "F", "", "", ""],
            ["1", "Ava", "Smith", "03/04/2015", "F", "", "", ""],
            ["6", "Theo", "Hill", "", "X", "", "not a postcode", "1234567890"],
        ]
        parsed = parse_file("x.csv", csv_bytes(rows))
        cleaned = clean_rows(parsed, guess_mapping(parsed.headers), today=TODAY)
        problems = [(p.row, p.column, p.skipped) for r in cleaned for p in r.problems]
        assert (3, "Ref", True) in problems
        assert (4, "Forename", True) in problems
        assert (5, "DOB", True) in problems
        assert (6, "Ref", True) in problems
        assert (7, "Gender", False) in problems
        assert (7, "Postcode", False) in problems
        assert (7, "NHS No", False) in problems
        first = cleaned[0]
        assert not first.problems
        assert first.values["date_of_birth"] == dt.date(2015, 4, 3)
        assert first.values["postcode"] == "YO1 1AA"
        assert first.values["sex"] == "female"
        assert cleaned[5].values["nhs_number"] == ""


def test_cells_that_a_spreadsheet_would_run_are_made_text():
    assert formula_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert formula_safe("+44") == "'+44"
    assert formula_safe("@SUM(A1)") == "'@SUM(A1)"
    assert formula_safe("Ava") == "Ava"


class TestCsvCellsOver1000CharactersAreCutWithoutWarning:
    """Finding: a cell longer than 1,000 characters was silently cut."""

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_a_cell_over_the_limit_is_reported_and_its_row_not_imported(self, kind):
        long_address = "Flat 1, " + "a" * 1_200
        rows = [
            ["1", "Ava", "Smith", "03/04/2015", "F", long_address, "YO1 1AA", ""],
            ["2", "Leo", "Jones", "03/04/2015", "M", "2 Main St", "YO1 1AA", ""],
        ]
        content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
        parsed = parse_file(f"x.{kind}", content)
        cleaned = clean_rows(parsed, guess_mapping(parsed.headers), today=TODAY)
        problem = cleaned[0].problems[0]
        assert (problem.row, problem.column, problem.skipped) == (2, "Address", True)
        assert "longer than 1,000 characters" in problem.message
        assert not cleaned[1].problems

    def test_a_value_cut_to_its_field_length_is_reported_as_a_warning(self):
        address = "b" * 400
        rows = [["1", "Ava", "Smith", "03/04/2015", "F", address, "YO1 1AA", ""]]
        parsed = parse_file("x.csv", csv_bytes(rows))
        cleaned = clean_rows(parsed, guess_mapping(parsed.headers), today=TODAY)
        (problem,) = cleaned[0].problems
        assert (problem.column, problem.skipped) == ("Address", False)
        assert problem.message == "Only the first 300 characters were kept (the cell has 400)"
        assert cleaned[0].values["address"] == address[:300]

    def test_a_cell_of_exactly_1000_characters_is_kept_whole(self):
        rows = [["1", "Ava", "Smith", "03/04/2015", "F", "", "YO1 1AA", "", "c" * 1_000]]
        parsed = parse_file("x.csv", csv_bytes(rows, header=[*HEADER, "Notes"]))
        assert parsed.rows[0][-1] == "c" * 1_000
        cleaned = clean_rows(parsed, guess_mapping(parsed.headers), today=TODAY)
        assert not cleaned[0].problems
