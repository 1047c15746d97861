"""Hostile input to every importer and parser: only our declared errors, never a crash (issue 19 item 5).

Property-based (hypothesis) at small budgets, so it runs in ``make test``: agency
extracts as CSV and XLSX (arbitrary cells, arbitrary and mutated bytes), dates,
identifiers (NHS number, Unique Pupil Number, postcode), the search box; and the
upload allow-list by content: zip bombs, SVG and HTML with script, other formats
named as a CSV or a workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import uuid
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.core.uploads import UploadRefused, sniff, svg_check, zip_check
from safeguard.people.identifiers import (
    is_valid_nhs_number,
    is_valid_postcode,
    is_valid_upn,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)
from safeguard.people.search import QueryError, parse_query
from safeguard.records.parsing import (
    UploadError,
    clean_rows,
    guess_mapping,
    parse_date,
    parse_file,
)

from ..records.helpers import HEADER, csv_bytes, xlsx_bytes

TODAY = dt.date(2026, 11, 30)
QUICK = settings(max_examples=40, deadline=None)
SLOW = settings(max_examples=12, deadline=None)

# Cells an agency extract could hold, hostile ones included.
cell_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "<script>alert(1)</script>",
            "31/02/2015",
            "0000000000",
            "943 476 5919",
            "\x00\x01\x1b",
            "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            "9" * 1_200,
            "",
        ]
    ),
)
rows = st.lists(st.lists(cell_text, min_size=0, max_size=10), min_size=0, max_size=6)


def _parse_and_clean(name: str, content: bytes) -> None:
    """Parse and check a file; only UploadError may come out, and every row is accounted for."""
    try:
        parsed = parse_file(name, content)
    except UploadError as exc:
        message = str(exc)
        assert message  # a sentence for the user
        return
    cleaned = clean_rows(parsed, guess_mapping(parsed.headers), today=TODAY)
    assert len(cleaned) == len(parsed.rows)
    for row in cleaned:
        for problem in row.problems:
            assert problem.message


class TestAgencyExtracts:
    @QUICK
    @given(rows, st.sampled_from([",", ";", "\t", "|"]))
    def test_any_csv_cells_give_rows_or_a_reason(self, data, delimiter):
        _parse_and_clean("extract.csv", csv_bytes(data, delimiter=delimiter))

    @QUICK
    @given(st.binary(max_size=2_000), st.sampled_from(["extract.csv", "extract.xlsx", "x.txt"]))
    def test_any_bytes_give_rows_or_a_reason(self, content, name):
        _parse_and_clean(name, content)

    @SLOW
    @given(
        st.lists(
            st.lists(
                st.one_of(
                    cell_text,
                    st.integers(min_value=-(10**15), max_value=10**15),
                    st.floats(allow_nan=True, allow_infinity=False),
                    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
                    st.booleans(),
                    st.none(),
                ),
                max_size=8,
            ),
            max_size=5,
        )
    )
    def test_any_workbook_cells_give_rows_or_a_reason(self, data):
        cleaned = [
            [
                c.replace("\x00", "").replace("\x01", "").replace("\x1b", "")
                if isinstance(c, str)
                else c
                for c in row
            ]
            for row in data
        ]
        try:
            content = xlsx_bytes(cleaned)
        except Exception:  # noqa: BLE001 - openpyxl refuses some strings; not our parser
            return
        _parse_and_clean("extract.xlsx", content)

    @SLOW
    @given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=40))
    def test_a_damaged_workbook_gives_rows_or_a_reason(self, seed, flips):
        content = bytearray(xlsx_bytes([["N1", "Ava", "Smith", "03/04/2015"]]))
        chance = random.Random(seed)  # noqa: S311 - test data, not security
        for _ in range(flips):
            content[chance.randrange(len(content))] = chance.randrange(256)
        _parse_and_clean("extract.xlsx", bytes(content))

    def test_a_cell_pointing_past_the_shared_strings_is_refused_with_a_reason(self):
        # Found by the property above: openpyxl reads a read-only sheet lazily, so a damaged
        # cell raised IndexError while the rows were read, a server error on the import page.
        content = xlsx_bytes([["N1", "Ava", "Smith", "03/04/2015"]])
        source = zipfile.ZipFile(io.BytesIO(content))
        damaged = io.BytesIO()
        with zipfile.ZipFile(damaged, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(
                        rb'<c r="A1" t="inlineStr">.*?</c>', b'<c r="A1" t="s"><v>99</v></c>', data
                    )
                target.writestr(item, data)
        with pytest.raises(UploadError, match="cannot be read"):
            parse_file("extract.xlsx", damaged.getvalue())


class TestDatesIdentifiersAndSearch:
    @QUICK
    @given(st.text(max_size=30))
    def test_any_date_text_is_a_past_date_or_a_reason(self, text):
        try:
            day = parse_date(text, today=TODAY)
        except ValueError as exc:
            message = str(exc)
            assert message
        else:
            assert dt.date(1900, 1, 1) <= day <= TODAY

    @QUICK
    @given(st.text(max_size=30))
    def test_identifiers_never_crash_and_normalising_is_stable(self, text):
        for normalise, valid in (
            (normalise_nhs_number, is_valid_nhs_number),
            (normalise_upn, is_valid_upn),
            (normalise_postcode, is_valid_postcode),
        ):
            once = normalise(text)
            assert normalise(once) == once
            assert isinstance(valid(text), bool)

    @QUICK
    @given(st.text(max_size=120))
    def test_any_search_text_is_a_query_or_a_reason(self, text):
        try:
            parse_query(text)
        except QueryError as exc:
            message = str(exc)
            assert message


@pytest.mark.django_db
class TestTheSearchPage:
    @settings(
        max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.text(max_size=80))
    def test_any_search_gets_a_page_never_a_server_error(self, signed_in, practitioner, text):
        response = signed_in(practitioner).get(reverse("people:search"), {"q": text})
        assert response.status_code in (200, 429)


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WORKBOOK_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
SVG_WITH_SCRIPT = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


class TestUploadsAreJudgedByContent:
    def test_a_workbook_that_unpacks_a_thousand_times_larger_is_refused(self):
        bomb = _zip({**WORKBOOK_PARTS, "xl/worksheets/sheet1.xml": b"\x00" * (20 * 1024 * 1024)})
        assert len(bomb) < 100_000
        with pytest.raises(UploadError, match="too large when unpacked"):
            parse_file("bomb.xlsx", bomb)

    def test_a_workbook_whose_xml_expands_entities_is_refused(self):
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(
                f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                for i in range(1, 9)
            )
            + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"&lol8;</workbook>"
        )
        good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["N1", "Ava", "Smith"]])))
        members = {name: good.read(name) for name in good.namelist()}
        members["xl/workbook.xml"] = laughs
        with pytest.raises(UploadError):
            parse_file("laughs.xlsx", _zip(members))

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (SVG_WITH_SCRIPT, "web page or an image"),
            (b"<html><body onload=alert(1)>Ref,Name</body></html>", "web page or an image"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not a CSV text file"),
            (b"\x7fELF\x02\x01\x01", "not a CSV text file"),
            (b"Ref,Name\n1,Ava\x1b[31m\n", "not a CSV text file"),
        ],
    )
    def test_a_file_named_csv_that_is_something_else_is_refused(self, content, message):
        with pytest.raises(UploadError, match=message):
            parse_file("extract.csv", content)

    def test_the_import_page_refuses_an_svg_with_script_with_an_error_message(
        self, signed_in, make_user, db
    ):
        from safeguard.core.models import Role
        from tests.factories import AgencyFactory

        mash = AgencyFactory(slug="mash-uploads", is_mash=True)
        worker = make_user(Role.MASH_WORKER, agency=mash)
        police = AgencyFactory(slug="police-uploads")
        upload = SimpleUploadedFile("extract.csv", SVG_WITH_SCRIPT, content_type="text/csv")
        response = signed_in(worker).post(
            reverse("records:import-upload"), {"agency": police.pk, "file": upload}
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert "not a CSV text file" in body
        assert "<script>alert(1)" not in body

    @pytest.mark.parametrize(
        ("content", "kind"),
        [
            (b"%PDF-1.7", "pdf"),
            (b"PK\x03\x04", "zip"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
            (b"\xef\xbb\xbf  <svg viewBox='0 0 1 1'>", "svg"),
            (b"<!DOCTYPE html><p>", "markup"),
            (",".join(HEADER).encode(), "text"),
        ],
    )
    def test_sniff_names_what_the_bytes_are(self, content, kind):
        assert sniff(content) == kind

    def test_an_svg_with_script_events_or_links_out_is_refused_and_a_plain_one_passes(self):
        svg_check(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>')
        for hostile in (
            SVG_WITH_SCRIPT,
            b'<svg onload="alert(1)"/>',
            b'<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
            b'<svg><image href="https://tracker.example/p.png"/></svg>',
            b"<svg><foreignObject><iframe src=x></iframe></foreignObject></svg>",
        ):
            with pytest.raises(UploadRefused):
                svg_check(hostile)

    def test_a_small_archive_whose_parts_unpack_beyond_the_ratio_is_refused(self):
        dense = _zip({"a.xml": b"a" * (2 * 1024 * 1024)})
        with pytest.raises(UploadRefused, match="too large when unpacked"):
            zip_check(dense, max_members=10, max_unpacked=100 * 1024 * 1024)

    @QUICK
    @given(st.binary(max_size=500))
    def test_any_bytes_are_a_readable_archive_or_refused(self, content):
        try:
            zip_check(content, max_members=10, max_unpacked=1024 * 1024).close()
        except UploadRefused as exc:
            message = str(exc)
            assert message


# Open Referral UK files (the services directory import) ---------------------------------

OPEN_REFERRAL_FILE = (
    __import__("pathlib").Path(__file__).parents[2]
    / "src/safeguard/directory/data/york_services.json"
)
# JSON values a damaged or hostile export could hold where a field should be: JSON's own
# NaN and Infinity, integers too long to print, floats, NUL and other control characters.
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "a\x00b", "\x1b\x07"]),
)
json_any = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=3)
    ),
    max_leaves=12,
)
RAW_JSON = [
    "NaN",
    "[NaN]",
    "Infinity",
    "-Infinity",
    "1e400",
    "9" * 5_000,
    "[" * 100_000,
    '{"contents": [' + "9" * 5_000 + "]}",
    "\ufeff[]",
    "",
]


def _damage(services: list[Any], paths: list[tuple[int, ...]], values: list[Any]) -> None:
    """Replace the values at some places (found by walking the file) with hostile ones."""
    for path, value in zip(paths, values, strict=False):
        target: Any = services
        for step in path[:-1]:
            target = target[step % len(target)] if isinstance(target, list) and target else None
            if isinstance(target, dict) and target:
                target = target[sorted(target)[step % len(target)]]
            if not isinstance(target, dict | list) or not target:
                break
        else:
            if isinstance(target, list) and target:
                target[path[-1] % len(target)] = value
            elif isinstance(target, dict) and target:
                target[sorted(target)[path[-1] % len(target)]] = value


def _only_our_errors(content: bytes | str) -> Any:
    from safeguard.directory.openreferral import parse_services

    parsed = parse_services(content)
    assert parsed.errors or parsed.services
    assert all(isinstance(e, str) and e for e in parsed.errors)
    assert not (parsed.errors and parsed.services)
    return parsed


class TestOpenReferralFiles:
    """The Open Referral UK file a business unit uploads: only our list of problems, never a crash."""

    @QUICK
    @given(content=st.binary(max_size=400))
    def test_any_bytes_get_a_list_of_problems(self, content):
        _only_our_errors(content)

    @settings(max_examples=len(RAW_JSON), deadline=None)
    @given(raw=st.sampled_from(RAW_JSON))
    def test_json_that_python_reads_strangely_gets_a_list_of_problems(self, raw):
        _only_our_errors(raw)
        _only_our_errors(raw.encode())

    @pytest.mark.parametrize(
        "raw", ["9" * 5_000, "[NaN]", "Infinity", '[{"minimum_age": 1e400}]'], ids=str.__len__
    )
    def test_json_python_reads_but_refuses_as_a_number_is_not_valid_json(self, raw):
        # Found by this fuzz: each raised ValueError (or OverflowError for the age) out of
        # the import, a server error on the upload page.
        parsed = _only_our_errors(raw.encode())
        assert parsed.errors[0].startswith("The file is not valid JSON")

    def test_a_nul_character_in_a_service_is_one_of_the_problems(self):
        # Found by this fuzz: saved as is, PostgreSQL refuses text with a NUL in it.
        services = json.loads(OPEN_REFERRAL_FILE.read_text())
        services[0]["description"] = "a\x00b"
        parsed = _only_our_errors(json.dumps(services))
        assert any("NUL character" in e for e in parsed.errors)

    @QUICK
    @given(value=json_any)
    def test_any_json_shape_gets_a_list_of_problems(self, value):
        _only_our_errors(json.dumps(value))
        _only_our_errors(json.dumps({"contents": [value]}))
        _only_our_errors(json.dumps([{"id": str(uuid.uuid4()), "name": "x", **{"status": value}}]))

    @QUICK
    @given(
        paths=st.lists(st.lists(st.integers(0, 40), min_size=1, max_size=5), max_size=4),
        values=st.lists(json_any, max_size=4),
    )
    def test_a_damaged_real_export_gets_a_list_of_problems(self, paths, values):
        services = json.loads(OPEN_REFERRAL_FILE.read_text())
        _damage(services, [tuple(p) for p in paths], values)
        _only_our_errors(json.dumps(services))

    @QUICK
    @given(data=st.data())
    def test_a_real_export_with_bytes_cut_or_flipped_gets_a_list_of_problems(self, data):
        content = bytearray(OPEN_REFERRAL_FILE.read_bytes())
        at = data.draw(st.integers(0, len(content) - 1))
        if data.draw(st.booleans()):
            content = content[:at]
        else:
            content[at] = data.draw(st.integers(0, 255))
        _only_our_errors(bytes(content))


@pytest.mark.django_db
class TestOpenReferralImport:
    """Through the import itself: a refusal with the problems, or every service saved."""

    @settings(
        max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        field=st.sampled_from(["name", "description", "email", "url", "eligibility_description"]),
        value=json_leaf,
    )
    def test_a_hostile_value_in_a_real_export_is_refused_or_saved(self, field, value):
        from django.db import transaction

        from safeguard.directory.services import directory_import
        from safeguard.directory.services.directory import ImportRefused

        services = json.loads(OPEN_REFERRAL_FILE.read_text())
        services[0][field] = value
        problems: list[str] = []
        try:
            with transaction.atomic():
                directory_import(by=None, content=json.dumps(services).encode(), file_name="f")
        except ImportRefused as exc:
            problems = exc.problems
            assert problems, "refused without saying why"
        assert all(problems)
