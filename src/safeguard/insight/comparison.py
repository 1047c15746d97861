"""Comparison figures: national or statistical-neighbour values shown beside ours.

The business unit uploads a CSV file with the columns ``measure key``, ``period``,
``area`` and ``value``. The file is checked whole before anything is saved: a file
that is not text, has the wrong columns, a value that is not a number, a period we
cannot read or a measure key the data set does not have is refused with every bad row
listed. Each upload is kept; the newest upload's figure wins where two overlap.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from safeguard.core.uploads import sniff

from .measures import data_set_keys
from .types import Period

COLUMNS = ("measure key", "period", "area", "value")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
MAX_ERRORS_LISTED = 20


@dataclass(frozen=True)
class ComparisonRow:
    """One checked row of a comparison file."""

    measure_key: str
    period: str
    area: str
    value: Decimal


class ComparisonRefused(ValueError):
    """A comparison file we will not save, with every problem in plain English."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _header(cell: str) -> str:
    return " ".join(cell.strip().lower().replace("_", " ").split())


def parse_comparison(
    content: bytes, *, known_keys: Iterable[str] | None = None
) -> list[ComparisonRow]:
    """Check a comparison file and return its rows, or raise :class:`ComparisonRefused`."""
    if not content.strip():
        raise ComparisonRefused(["The file is empty."])
    if len(content) > MAX_BYTES:
        raise ComparisonRefused(["The file must be smaller than 2 MB."])
    if sniff(content) != "text":
        raise ComparisonRefused(["The file must be a CSV file (text with commas)."])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ComparisonRefused(["The file must be saved as UTF-8 text."]) from None
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ComparisonRefused(["The file has no header row."]) from None
    found = tuple(_header(cell) for cell in header)
    if found != COLUMNS:
        raise ComparisonRefused(
            [
                "The first row must name the columns: measure key, period, area, value "
                f"(it names: {', '.join(cell for cell in header if cell.strip()) or 'nothing'})."
            ]
        )
    keys = frozenset(known_keys) if known_keys is not None else data_set_keys()
    rows: list[ComparisonRow] = []
    problems: list[str] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(problems) >= MAX_ROWS:
                problems.append(f"The file must have at most {MAX_ROWS:,} rows.")
                break
            if len(cells) != len(COLUMNS):
                problems.append(f"Row {number}: it must have 4 values, it has {len(cells)}.")
                continue
            key, period_text, area, value_text = (cell.strip() for cell in cells)
            row_problems = []
            if key not in keys:
                row_problems.append(f"the measure key '{key[:60]}' is not in the data set")
            try:
                period = Period.parse(period_text).label
            except ValueError:
                period = ""
                row_problems.append(
                    f"the period '{period_text[:20]}' is not like 2026Q3 or 2026-27"
                )
            if not area or len(area) > 100:
                row_problems.append("the area must be named (at most 100 characters)")
            try:
                value = Decimal(value_text.replace(",", ""))
                if not value.is_finite() or abs(value) >= Decimal("1e12"):
                    raise InvalidOperation
            except InvalidOperation:
                value = Decimal(0)
                row_problems.append(f"the value '{value_text[:20]}' is not a number")
            if row_problems:
                problems.append(f"Row {number}: " + "; ".join(row_problems) + ".")
                continue
            rows.append(ComparisonRow(key, period, area, value.quantize(Decimal("0.01"))))
    except csv.Error:
        problems.append("The file could not be read as CSV.")
    if problems:
        if len(problems) > MAX_ERRORS_LISTED:
            hidden = len(problems) - MAX_ERRORS_LISTED
            problems = problems[:MAX_ERRORS_LISTED] + [f"And {hidden} more rows with problems."]
        raise ComparisonRefused(problems)
    if not rows:
        raise ComparisonRefused(["The file has a header but no figures."])
    return rows


def comparison_for(
    measure_key: str, periods: Sequence[Period | str]
) -> dict[str, list[float | None]]:
    """Each area's value for the measure in each period (None where there is none).

    The lists line up with ``periods``, ready for ``charts.trend_chart(comparison=...)``.
    Where two uploads hold the same area and period, the newer one wins.
    """
    from .models import ComparisonFigure

    labels = [period.label if isinstance(period, Period) else str(period) for period in periods]
    figures = (
        ComparisonFigure.objects.filter(measure_key=measure_key, period__in=labels)
        .order_by("upload__uploaded_at", "upload_id")
        .values_list("area", "period", "value")
    )
    found: dict[str, dict[str, float]] = {}
    for area, period, value in figures:
        found.setdefault(area, {})[period] = float(value)
    return {area: [values.get(label) for label in labels] for area, values in sorted(found.items())}


def comparisons_for(
    measure_keys: Iterable[str], periods: Sequence[Period | str]
) -> dict[str, dict[str, list[float | None]]]:
    """``comparison_for`` for many measures at once, in one query: measure -> area -> values."""
    from .models import ComparisonFigure

    labels = [period.label if isinstance(period, Period) else str(period) for period in periods]
    figures = (
        ComparisonFigure.objects.filter(measure_key__in=list(measure_keys), period__in=labels)
        .order_by("upload__uploaded_at", "upload_id")
        .values_list("measure_key", "area", "period", "value")
    )
    found: dict[str, dict[str, dict[str, float]]] = {}
    for key, area, period, value in figures:
        found.setdefault(key, {}).setdefault(area, {})[period] = float(value)
    return {
        key: {
            area: [values.get(label) for label in labels] for area, values in sorted(areas.items())
        }
        for key, areas in found.items()
    }


def comparison_uploads(limit: int = 20) -> list[Any]:
    """The most recent uploads, newest first."""
    from .models import ComparisonUpload

    return list(ComparisonUpload.objects.select_related("uploaded_by")[:limit])
