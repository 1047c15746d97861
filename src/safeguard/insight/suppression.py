"""Safe to publish: small counts hidden as the Department for Education (DfE) does.

Primary suppression: every count from ``low`` to ``high`` (1 to 5) becomes the mark
(``"c"``). Secondary suppression: where a row or a column has a shown total, one hidden
cell could be worked out by subtracting the shown cells from the total, so the next
smallest shown cell in that line (a non-zero one where there is one) is hidden too.
Hiding a cell in a column can leave a row with one hidden cell, so the rule repeats
until no line with a shown total has exactly one hidden part. Figures worked out from
the counts in a row (a percentage, a rate, a median) are hidden whenever a count in the
row is. The settings ``INSIGHT_SUPPRESS_LOW``, ``INSIGHT_SUPPRESS_HIGH`` and
``INSIGHT_SUPPRESS_MARK`` change the rule.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings

from safeguard.insight.types import Cell, DataSet, Row, Section, Table


def rule() -> tuple[int, int, str]:
    """The suppression rule in force: the lowest and highest hidden count, and the mark."""
    return (
        int(getattr(settings, "INSIGHT_SUPPRESS_LOW", 1)),
        int(getattr(settings, "INSIGHT_SUPPRESS_HIGH", 5)),
        str(getattr(settings, "INSIGHT_SUPPRESS_MARK", "c")),
    )


Grid = list[list[Any]]


def _lines(
    table: Table, height: int, width: int
) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Each line with a total: its parts' positions and its total's position.

    Row ``height`` is the total row when the table has one; column ``table.total_column``
    is the total column when it has one.
    """
    counts = [c for c in range(width) if c not in table.derived and c != table.total_column]
    lines = []
    if table.total is not None:
        for column in [*counts, *([table.total_column] if table.total_column is not None else [])]:
            lines.append(([(row, column) for row in range(height)], (height, column)))
    if table.total_column is not None:
        rows = height + (1 if table.total is not None else 0)
        for row in range(rows):
            lines.append(([(row, column) for column in counts], (row, table.total_column)))
    return lines


def suppress_table(table: Table, *, low: int, high: int, mark: str) -> Table:
    """One table with small counts hidden, and enough others that totals reveal none."""
    grid: Grid = [list(row.values) for row in table.rows]
    height = len(grid)
    if table.total is not None:
        grid.append(list(table.total.values))
    width = len(table.columns)
    hidden = [[False] * width for _ in grid]

    for r, line in enumerate(grid):
        for c, value in enumerate(line):
            if c in table.derived or isinstance(value, bool) or not isinstance(value, int):
                continue
            if low <= value <= high:
                hidden[r][c] = True

    lines = _lines(table, height, width)
    changed = True
    while changed:
        changed = False
        for parts, (tr, tc) in lines:
            if hidden[tr][tc]:
                continue
            hidden_parts = [p for p in parts if hidden[p[0]][p[1]]]
            if len(hidden_parts) != 1:
                continue
            shown = [p for p in parts if not hidden[p[0]][p[1]]]
            if not shown:
                continue
            nonzero = [p for p in shown if grid[p[0]][p[1]]]
            r, c = min(nonzero or shown, key=lambda p: (grid[p[0]][p[1]] or 0, p))
            hidden[r][c] = True
            changed = True

    for r, line in enumerate(grid):
        row_hidden = any(hidden[r][c] for c in range(width) if c not in table.derived)
        for c in range(width):
            if hidden[r][c] or (c in table.derived and row_hidden):
                line[c] = mark

    # A percentage's denominator is the total: when the total is hidden, so are the shares.
    if table.total is not None and any(hidden[height][c] for c in range(width)):
        for line in grid:
            for c in table.derived:
                line[c] = mark

    rows = tuple(Row(label=row.label, values=tuple(grid[i])) for i, row in enumerate(table.rows))
    total = Row(label=table.total.label, values=tuple(grid[height])) if table.total else None
    return dataclasses.replace(table, rows=rows, total=total)


def publishable(
    dataset: DataSet, *, low: int | None = None, high: int | None = None, mark: str | None = None
) -> DataSet:
    """The data set as it may be published: small counts suppressed, ``published=True``."""
    default_low, default_high, default_mark = rule()
    low = default_low if low is None else low
    high = default_high if high is None else high
    mark = default_mark if mark is None else mark
    if dataset.published:
        return dataset
    sections = tuple(
        Section(
            key=section.key,
            title=section.title,
            note=section.note,
            tables=tuple(
                suppress_table(table, low=low, high=high, mark=mark) for table in section.tables
            ),
        )
        for section in dataset.sections
    )
    return dataclasses.replace(dataset, sections=sections, published=True)


def is_suppressed(value: Cell) -> bool:
    """Whether a cell shows the suppression mark rather than a figure."""
    return isinstance(value, str)
