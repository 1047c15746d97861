"""Read an agency's CSV or XLSX extract safely, match its columns, and check it row by row.

Files are parsed in memory and never written under the web root. Only
``.csv`` and ``.xlsx`` are accepted, decided by their content (``core.uploads.sniff``:
first bytes; markup such as SVG or HTML is never a CSV) and the name must agree;
XLSX archives are checked for declared size, parts and compression ratio before they
are opened, so a zip bomb is refused before it is expanded (and openpyxl reads the
XML with defusedxml, so entity expansion is refused too).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from safeguard.core.uploads import UploadRefused, sniff, zip_check
from safeguard.people.identifiers import (
    is_valid_nhs_number,
    is_valid_postcode,
    is_valid_upn,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)
from safeguard.people.search import normalise_text

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 1_000
MAX_XLSX_UNCOMPRESSED = 60 * 1024 * 1024
MAX_XLSX_MEMBERS = 500
ALLOWED_EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx"}
IGNORE = ""

# The fields an agency record has, in the order the mapping page shows them.
FIELDS: dict[str, str] = {
    "agency_record_id": "The agency's own reference (required)",
    "given_name": "Given name",
    "middle_names": "Middle names",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "postcode": "Postcode",
    "nhs_number": "NHS number",
    "unique_pupil_number": "Unique Pupil Number (UPN)",
    "police_reference": "Police reference",
}

_HEADER_GUESSES: dict[str, tuple[str, ...]] = {
    "agency_record_id": (
        "record id",
        "recordid",
        "id",
        "agency id",
        "reference",
        "ref",
        "client id",
        "person id",
        "case id",
        "pupil id",
        "patient id",
        "nominal id",
        "local id",
        "mrn",
    ),
    "given_name": ("given name", "first name", "forename", "forenames", "firstname", "first names"),
    "middle_names": ("middle name", "middle names", "other forenames"),
    "family_name": ("family name", "surname", "last name", "lastname", "family"),
    "date_of_birth": ("date of birth", "dob", "birth date", "birthdate", "d o b"),
    "sex": ("sex", "gender", "sex at birth"),
    "address": ("address", "address line 1", "address 1", "street", "home address"),
    "postcode": ("postcode", "post code", "postal code", "zip"),
    "nhs_number": ("nhs number", "nhs no", "nhs", "nhsnumber", "nhs num"),
    "unique_pupil_number": ("upn", "unique pupil number", "pupil number"),
    "police_reference": (
        "police reference",
        "police ref",
        "crime reference",
        "pnc id",
        "niche id",
        "occurrence",
    ),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class UploadError(ValueError):
    """A file we refuse, with a sentence saying why in plain English."""


@dataclass
class ParsedFile:
    """The header row and the data rows of an extract, every cell as text."""

    kind: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class RowProblem:
    """What is wrong in one row: the spreadsheet row number, the column, and what."""

    row: int
    column: str
    message: str
    skipped: bool = True

    def as_dict(self) -> dict[str, Any]:
        """For storing on the import."""
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "skipped": self.skipped,
        }


@dataclass
class CleanRow:
    """One row mapped to agency record fields, cleaned, with its content hash."""

    row: int
    values: dict[str, Any]
    raw: dict[str, str]
    content_hash: str = ""
    problems: list[RowProblem] = field(default_factory=list)


def formula_safe(value: Any) -> str:
    """A cell value that a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def file_kind(file_name: str, content: bytes) -> str:
    """'csv' or 'xlsx' when both the extension and the first bytes agree, else UploadError."""
    lower = (file_name or "").lower()
    extension = next((ext for ext in ALLOWED_EXTENSIONS if lower.endswith(ext)), None)
    if extension is None:
        raise UploadError("The file must be a CSV or an Excel workbook (.xlsx)")
    if not content:
        raise UploadError("The selected file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    kind = ALLOWED_EXTENSIONS[extension]
    # The content decides (its first bytes); the name only has to agree with it.
    found = sniff(content)
    if kind == "xlsx":
        if found != "zip":
            raise UploadError("The file is not a real Excel workbook (.xlsx)")
        _check_xlsx_archive(content)
    else:
        if found in ("svg", "markup"):
            raise UploadError("The file is a web page or an image, not a CSV text file")
        if found != "text":
            raise UploadError("The file is not a CSV text file")
        _decode(content)
    return kind


def _check_xlsx_archive(content: bytes) -> None:
    try:
        archive = zip_check(
            content, max_members=MAX_XLSX_MEMBERS, max_unpacked=MAX_XLSX_UNCOMPRESSED
        )
    except UploadRefused as exc:
        message = str(exc).replace("The file", "The workbook")
        if "readable archive" in message:
            message = "The file is not a real Excel workbook (.xlsx)"
        raise UploadError(message) from None
    with archive:
        names = {m.filename for m in archive.infolist()}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UploadError("The file is not a real Excel workbook (.xlsx)")
        if any(n.lower().endswith((".bin", ".vba")) for n in names):
            raise UploadError("The workbook contains macros: save it as a plain .xlsx or CSV")


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadError(
        "The spreadsheet (CSV) file must be saved as UTF-8 text"
    )  # pragma: no cover - cp1252 decodes most bytes


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()[: MAX_CELL_CHARS + 1]  # one more: clean_rows reports the cut


def parse_file(file_name: str, content: bytes) -> ParsedFile:
    """Read the header row and data rows of a checked CSV or XLSX file."""
    kind = file_kind(file_name, content)
    rows = _read_xlsx(content) if kind == "xlsx" else _read_csv(content)
    rows = [r for r in rows if any(cell for cell in r)] if rows else []
    if not rows:
        raise UploadError("The file has no rows")
    headers = [h.strip() for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise UploadError(f"The file must have {MAX_COLUMNS} columns or fewer")
    if not any(headers):
        raise UploadError("The first row must name the columns")
    data = rows[1:]
    if len(data) > MAX_ROWS:
        raise UploadError(
            f"The file must have {MAX_ROWS:,} rows or fewer: split it into smaller files"
        )
    width = len(headers)
    data = [(r + [""] * width)[:width] for r in data]
    return ParsedFile(kind=kind, headers=headers, rows=data)


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text), dialect)
        rows = []
        for row in reader:
            # One character more than allowed is kept, so that clean_rows can say a cell was cut.
            rows.append([cell.strip()[: MAX_CELL_CHARS + 1] for cell in row[: MAX_COLUMNS + 1]])
            if len(rows) > MAX_ROWS + 1:
                raise UploadError(
                    f"The file must have {MAX_ROWS:,} rows or fewer: split it into smaller files"
                )
    except csv.Error as exc:
        raise UploadError(f"The spreadsheet (CSV) file cannot be read: {exc}") from None
    return rows


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise UploadError("The Excel workbook cannot be read: save it again as .xlsx") from None
    try:
        rows = _xlsx_rows(workbook)
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - read-only sheets are parsed lazily: a damaged part fails here
        raise UploadError("The Excel workbook cannot be read: save it again as .xlsx") from None
    finally:
        workbook.close()
    return rows


def _xlsx_rows(workbook: Any) -> list[list[str]]:
    if not workbook.worksheets:
        raise UploadError("The Excel workbook has no sheet: save the extract as the first sheet")
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
        rows.append([_cell_text(v) for v in row])
        if len(rows) > MAX_ROWS + 1:
            raise UploadError(
                f"The file must have {MAX_ROWS:,} rows or fewer: split it into smaller files"
            )
    return rows


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """For each column header, the field it most likely holds ('' to ignore it)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = normalise_text(header).replace("_", " ")
        guess = IGNORE
        for field_name, names in _HEADER_GUESSES.items():
            if field_name in used:
                continue
            if key in names or key == field_name.replace("_", " "):
                guess = field_name
                break
        if guess:
            used.add(guess)
        mapping[header] = guess
    return mapping


def check_mapping(mapping: dict[str, str]) -> list[str]:
    """Problems with a column mapping, in words (empty when it can be used)."""
    problems = []
    chosen = [f for f in mapping.values() if f]
    unknown = sorted({f for f in chosen if f not in FIELDS})
    if unknown:
        problems.append(f"Unknown fields: {', '.join(unknown)}")
    if "agency_record_id" not in chosen:
        problems.append("Choose the column that holds the agency's own reference")
    if not ({"given_name", "family_name"} & set(chosen)):
        problems.append("Choose at least one column for a name")
    duplicates = sorted({f for f in chosen if chosen.count(f) > 1})
    for field_name in duplicates:
        problems.append(f"Only one column can be '{FIELDS.get(field_name, field_name)}'")
    return problems


_DATE_NUMERIC = re.compile(r"^(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{1,4})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}
_DATE_WORDS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([a-z]{3,9})[\s\-/,]+(\d{2,4})$")


def _full_year(year: int, today: dt.date) -> int:
    if year >= 100:
        return year
    century = today.year - today.year % 100
    return century + year if century + year <= today.year else century - 100 + year


def parse_date(text: str, today: dt.date | None = None) -> dt.date:
    """A date as UK agencies write it (day first), or ValueError saying what is wrong.

    ``03/04/2015`` is 3 April 2015; ``2015-04-03`` is read year first; when
    the second number cannot be a month (``04/23/2015``) the day and month are
    taken the other way round, as a United States system would have written them.
    """
    today = today or timezone.localdate()
    value = text.strip().lower()
    match = _DATE_NUMERIC.match(value)
    if match:
        a, b, c = (int(x) for x in match.groups())
        if len(match.group(1)) == 4:
            year, month, day = a, b, c
        else:
            day, month, year = a, b, _full_year(c, today)
            if month > 12 >= day:
                day, month = month, day
    else:
        words = _DATE_WORDS.match(value)
        if not words or words.group(2)[:3] not in _MONTHS:
            raise ValueError(
                f"'{text}' is not a date we can read: use day/month/year, like 17/05/2014"
            )
        day, month, year = (
            int(words.group(1)),
            _MONTHS[words.group(2)[:3]],
            _full_year(int(words.group(3)), today),
        )
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None
    if date > today:
        raise ValueError(f"'{text}' is in the future")
    if date.year < 1900:
        raise ValueError(f"'{text}' is before 1900")
    return date


_SEX = {
    "f": "female",
    "female": "female",
    "girl": "female",
    "woman": "female",
    "2": "female",
    "m": "male",
    "male": "male",
    "boy": "male",
    "man": "male",
    "1": "male",
    "u": "unknown",
    "unknown": "unknown",
    "not known": "unknown",
    "0": "unknown",
    "9": "unknown",
}


# Fields kept shorter than a cell may be: a longer value is cut, and the cut is reported.
_KEPT_LENGTHS = {"address": 300, "police_reference": 50}


def clean_rows(
    parsed: ParsedFile, mapping: dict[str, str], *, today: dt.date | None = None
) -> list[CleanRow]:
    """Map, clean and check every row; rows with a skipping problem are not imported."""
    today = today or timezone.localdate()
    index = {header: position for position, header in enumerate(parsed.headers)}
    column_for = {f: h for h, f in mapping.items() if f and h in index}
    seen_ids: dict[str, int] = {}
    cleaned: list[CleanRow] = []
    for offset, row in enumerate(parsed.rows):
        row_number = offset + 2  # row 1 is the header, as a spreadsheet numbers it
        raw = {h: row[i] for h, i in index.items() if h}
        get = {f: row[index[h]].strip() for f, h in column_for.items()}
        item = CleanRow(row=row_number, values={}, raw=raw)
        problems = item.problems

        def col(field_name: str) -> str:
            return column_for.get(field_name, FIELDS[field_name])

        for field_name, value in get.items():
            if len(value) > MAX_CELL_CHARS:
                # Read no further than this: the cell was cut, so the row is not imported.
                problems.append(
                    RowProblem(
                        row_number,
                        col(field_name),
                        f"The cell is longer than {MAX_CELL_CHARS:,} characters: "
                        "the row was not imported",
                    )
                )
        for field_name, limit in _KEPT_LENGTHS.items():
            if MAX_CELL_CHARS >= len(get.get(field_name, "")) > limit:
                problems.append(
                    RowProblem(
                        row_number,
                        col(field_name),
                        f"Only the first {limit} characters were kept (the cell has "
                        f"{len(get[field_name]):,})",
                        skipped=False,
                    )
                )
        agency_id = get.get("agency_record_id", "")
        if not agency_id:
            problems.append(
                RowProblem(row_number, col("agency_record_id"), "The agency's reference is missing")
            )
        elif len(agency_id) > 100:
            problems.append(
                RowProblem(
                    row_number,
                    col("agency_record_id"),
                    "The reference must be 100 characters or fewer",
                )
            )
        elif agency_id in seen_ids:
            problems.append(
                RowProblem(
                    row_number,
                    col("agency_record_id"),
                    f"The reference '{agency_id}' is also in row {seen_ids[agency_id]}",
                )
            )
        else:
            seen_ids[agency_id] = row_number
        given, family = get.get("given_name", ""), get.get("family_name", "")
        if not given and not family:
            problems.append(RowProblem(row_number, col("given_name"), "There is no name"))
        for name_field, limit in (("given_name", 100), ("family_name", 100), ("middle_names", 200)):
            if len(get.get(name_field, "")) > limit:
                problems.append(
                    RowProblem(
                        row_number, col(name_field), f"The name must be {limit} characters or fewer"
                    )
                )
        dob_text = get.get("date_of_birth", "")
        dob = None
        if dob_text:
            try:
                dob = parse_date(dob_text, today)
            except ValueError as exc:
                problems.append(RowProblem(row_number, col("date_of_birth"), str(exc)))
        sex_text = normalise_text(get.get("sex", ""))
        sex = _SEX.get(sex_text, "unknown")
        if sex_text and sex_text not in _SEX:
            problems.append(
                RowProblem(
                    row_number,
                    col("sex"),
                    f"'{get['sex']}' is not a sex we know: recorded as not known",
                    skipped=False,
                )
            )
        nhs = normalise_nhs_number(get.get("nhs_number", ""))
        if nhs and not is_valid_nhs_number(nhs):
            problems.append(
                RowProblem(
                    row_number,
                    col("nhs_number"),
                    "The NHS number is not a real one (its check digit is wrong): imported without it",
                    skipped=False,
                )
            )
            nhs = ""
        postcode = get.get("postcode", "")
        if postcode and not is_valid_postcode(postcode):
            problems.append(
                RowProblem(
                    row_number,
                    col("postcode"),
                    f"'{postcode}' is not a UK postcode: imported without it",
                    skipped=False,
                )
            )
            postcode = ""
        upn = normalise_upn(get.get("unique_pupil_number", ""))
        if upn and not is_valid_upn(upn):
            problems.append(
                RowProblem(
                    row_number,
                    col("unique_pupil_number"),
                    "The Unique Pupil Number is not a real one: imported without it",
                    skipped=False,
                )
            )
            upn = ""
        item.values = {
            "agency_record_id": agency_id,
            "given_name": given[:100],
            "middle_names": get.get("middle_names", "")[:200],
            "family_name": family[:100],
            "date_of_birth_text": dob_text[:40],
            "date_of_birth": dob,
            "sex": sex,
            "address": get.get("address", "")[:300],
            "postcode": normalise_postcode(postcode) if postcode else "",
            "nhs_number": nhs,
            "unique_pupil_number": upn,
            "police_reference": get.get("police_reference", "")[:50],
        }
        item.content_hash = content_hash(item.values)
        cleaned.append(item)
    return cleaned


def content_hash(values: dict[str, Any]) -> str:
    """SHA-256 of a record's cleaned values: the same row always gives the same hash."""
    payload = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def file_sha256(content: bytes) -> str:
    """The uploaded file's SHA-256, to recognise the same extract uploaded again."""
    return hashlib.sha256(content).hexdigest()
