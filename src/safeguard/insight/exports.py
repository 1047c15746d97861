"""The data set as files people open: an XLSX workbook and CSV, written whole or not at all.

The workbook has a contents sheet (the period, whether small counts are suppressed, each
section's sheet), a sheet per section (each measure's table with its definition above
it), a trends sheet when trends are given, and a definitions sheet. The CSV is long:
one line per cell, so it loads into any tool. Both go to a temporary file in the same
directory first and replace the target only when complete (``os.replace``), so an
interrupted export leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from safeguard.insight.definitions import MEASURES
from safeguard.insight.types import DataSet, Unit

SHEET_NAMES = {
    "frontdoor": "Front door",
    "earlyhelp": "Early help",
    "sharing": "Information sharing",
    "meetings": "Meetings",
    "missing": "Missing",
    "exploitation": "Exploitation",
    "hsb": "Harmful sexual behaviour",
    "contextual": "Contextual safeguarding",
}
CSV_HEADER = ("period", "section", "measure", "title", "row", "column", "value", "unit")


def safe(value: Any) -> Any:
    """A text cell that cannot run as a spreadsheet formula (leading = + - @ quoted)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Write through ``write`` to a temporary file beside ``path``, then move it into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return target


def _status(dataset: DataSet) -> str:
    if dataset.published:
        return "Safe to publish: counts of 1 to 5 and any that would reveal them are shown as c."
    return "Not for publication: small counts are shown. Use the published version to share."


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28].strip()
    name, number = base, 2
    while name in used:
        name = f"{base[:25]} {number}"
        number += 1
    used.add(name)
    return name


def _unit_words(unit: Unit) -> str:
    return {
        Unit.COUNT: "count",
        Unit.PERCENT: "percent",
        Unit.RATE: "rate per 10,000 children",
        Unit.DAYS: "days",
        Unit.HOURS: "hours",
    }[unit]


def workbook(dataset: DataSet, trends: Sequence[Any] = (), periods: Sequence[str] = ()) -> Workbook:
    """Build the workbook in memory."""
    book = Workbook()
    bold = Font(bold=True)
    contents = book.active
    assert contents is not None  # noqa: S101 (a new workbook always has a sheet)
    contents.title = "Contents"
    contents.append([f"Partnership data set: {dataset.period.title} ({dataset.period.label})"])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([_status(dataset)])
    contents.append([f"Child population for rates: {dataset.population:,}"])
    contents.append([f"Generated: {dataset.generated_at:%d %B %Y %H:%M} UTC"])
    contents.append([])
    contents.append(["Sheet", "What it holds"])
    for cell in contents[6]:
        cell.font = bold
    used = {"Contents", "Definitions", "Trends"}
    for section in dataset.sections:
        sheet = book.create_sheet(_sheet_title(SHEET_NAMES.get(section.key, section.title), used))
        contents.append([sheet.title, section.title])
        sheet.append([section.title])
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([f"{dataset.period.title}. {_status(dataset)}"])
        if section.note:
            sheet.append([section.note])
        for table in section.tables:
            sheet.append([])
            sheet.append([table.measure.title])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([table.measure.definition])
            if table.empty:
                sheet.append(["No records in this period"])
            sheet.append(["", *(safe(column) for column in table.columns)])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table.rows:
                sheet.append([safe(row.label), *row.values])
            if table.total is not None:
                sheet.append([table.total.label, *table.total.values])
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        sheet.column_dimensions["A"].width = 48
        for index in range(2, 9):
            sheet.column_dimensions[get_column_letter(index)].width = 16
    if trends:
        contents.append(["Trends", "Each measure's headline figure period by period"])
        sheet = book.create_sheet("Trends")
        sheet.append(["Measure", *periods, "Direction of travel"])
        for cell in sheet[1]:
            cell.font = bold
        for trend in trends:
            sheet.append([trend.title, *trend.values, trend.direction])
        sheet.column_dimensions["A"].width = 48
    contents.append(["Definitions", "What every measure counts"])
    definitions = book.create_sheet("Definitions")
    definitions.append(["Measure", "Key", "Unit", "Definition"])
    for cell in definitions[1]:
        cell.font = bold
    for measure in MEASURES:
        definitions.append(
            [measure.title, measure.key, _unit_words(measure.unit), measure.definition]
        )
    definitions.column_dimensions["A"].width = 40
    definitions.column_dimensions["D"].width = 100
    contents.column_dimensions["A"].width = 30
    contents.column_dimensions["B"].width = 70
    return book


def xlsx_bytes(dataset: DataSet, trends: Sequence[Any] = (), periods: Sequence[str] = ()) -> bytes:
    """The workbook as bytes (for a download)."""
    buffer = io.BytesIO()
    workbook(dataset, trends, periods).save(buffer)
    return buffer.getvalue()


def write_xlsx(
    dataset: DataSet,
    path: str | os.PathLike[str],
    trends: Sequence[Any] = (),
    periods: Sequence[str] = (),
) -> Path:
    """Write the workbook to ``path`` whole or not at all."""
    return atomic_write(path, lambda stream: workbook(dataset, trends, periods).save(stream))


def csv_lines(dataset: DataSet) -> Iterator[tuple[Any, ...]]:
    """One line per cell, after the header."""
    yield CSV_HEADER
    for section in dataset.sections:
        for table in section.tables:
            lines = [*table.rows, *([table.total] if table.total is not None else [])]
            for line in lines:
                for index, value in enumerate(line.values):
                    yield (
                        dataset.period.label,
                        section.key,
                        table.measure.key,
                        table.measure.title,
                        safe(line.label),
                        safe(table.columns[index]),
                        "" if value is None else value,
                        _unit_words(table.unit_of(index)),
                    )


def csv_text(dataset: DataSet) -> str:
    """The CSV as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(csv_lines(dataset))
    return buffer.getvalue()


def write_csv(dataset: DataSet, path: str | os.PathLike[str]) -> Path:
    """Write the CSV to ``path`` whole or not at all."""
    return atomic_write(path, lambda stream: stream.write(csv_text(dataset).encode("utf-8")))
