"""The shapes the data set is made of, shared by the engine, the outputs and the pages.

A data set is the figures for one period, in sections (front door, early help...), each
a list of tables. A single figure is a table with one row and one column. Cells hold a
number, ``None`` where the record cannot say (no data for that period), or, in an output
marked for publication only, the suppression mark (a string such as ``"c"``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

Cell = int | float | str | None


class Unit(StrEnum):
    """What a figure counts: shown beside it and used to format it."""

    COUNT = "count"
    PERCENT = "percent"
    RATE = "rate_per_10000"
    DAYS = "days"
    HOURS = "hours"


class Source(StrEnum):
    """Where a measure's figure comes from."""

    RECORD = "record"  # computed from the operational record
    ENTERED = "entered"  # entered by the business unit each quarter (surveys, website figures)


_QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter or a financial year: ``start`` inclusive, ``end`` exclusive (UK dates).

    ``2026Q3`` is July to September 2026 (the second quarter of the financial year 2026 to
    2027); ``2026-27`` is 1 April 2026 to 31 March 2027.
    """

    start: dt.date
    end: dt.date
    label: str = field(compare=False)

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        """The calendar quarter ``number`` (1 to 4) of ``year``."""
        if not 1 <= number <= 4:
            raise ValueError("A quarter is numbered 1 to 4.")
        start = dt.date(year, 3 * (number - 1) + 1, 1)
        end = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
        return cls(start=start, end=end, label=f"{year}Q{number}")

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """The financial year starting on 1 April of ``year``."""
        return cls(
            start=dt.date(year, 4, 1),
            end=dt.date(year + 1, 4, 1),
            label=f"{year}-{str(year + 1)[-2:]}",
        )

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2026Q3``, ``2026-27``, ``2026/27``, ``2026-2027`` or ``FY2026-27``."""
        value = (text or "").strip()
        if match := _QUARTER.match(value):
            return cls.quarter(int(match[1]), int(match[2]))
        if match := _FINANCIAL_YEAR.match(value):
            first, second = int(match[1]), match[2]
            if int(second[-2:]) != (first + 1) % 100:
                raise ValueError("A financial year runs from one year into the next, like 2026-27.")
            return cls.financial_year(first)
        raise ValueError("Enter a quarter like 2026Q3 or a financial year like 2026-27.")

    @property
    def is_quarter(self) -> bool:
        """Whether the period is a quarter rather than a financial year."""
        return "Q" in self.label

    @property
    def last_day(self) -> dt.date:
        """The last day inside the period."""
        return self.end - dt.timedelta(days=1)

    @property
    def title(self) -> str:
        """Plain words: "July to September 2026" or "April 2026 to March 2027"."""
        last = self.last_day
        if self.start.year == last.year:
            return f"{_MONTHS[self.start.month - 1]} to {_MONTHS[last.month - 1]} {last.year}"
        return (
            f"{_MONTHS[self.start.month - 1]} {self.start.year} to "
            f"{_MONTHS[last.month - 1]} {last.year}"
        )

    def previous(self, count: int = 1) -> Period:
        """The period ``count`` steps before this one, of the same kind."""
        if self.is_quarter:
            index = self.start.year * 4 + (self.start.month - 1) // 3 - count
            return Period.quarter(index // 4, index % 4 + 1)
        return Period.financial_year(self.start.year - count)

    def history(self, count: int = 8) -> tuple[Period, ...]:
        """Return this period and the ones before it, oldest first (eight quarters side by side)."""
        return tuple(self.previous(step) for step in range(count - 1, -1, -1))

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Measure:
    """What a figure is: a stable key (``section.name``), a title and a written definition."""

    key: str
    title: str
    definition: str
    unit: Unit = Unit.COUNT
    source: Source = Source.RECORD

    @property
    def section(self) -> str:
        """The section key, the part of the measure key before the dot."""
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class Row:
    """One line of a table: its label and a cell per column."""

    label: str
    values: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """One measure's figures: rows (a breakdown) by columns, and a total row where counts add up.

    Secondary suppression relies on ``total``: where a row or column total is shown, hiding
    one small cell is not enough, so a second cell is hidden too.
    """

    measure: Measure
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None
    note: str = ""
    # Columns worked out from the counts in the same row (a percentage, a rate, a median):
    # suppressed whenever a count in their row is. Their units, by column index.
    derived: dict[int, Unit] = field(default_factory=dict, hash=False)
    # The index of a column that is the sum of the other count columns, if there is one.
    total_column: int | None = None
    headline_column: int = 0
    headline_row: int | None = None  # a row to take the headline from instead of the total

    @property
    def headline(self) -> Cell:
        """The one figure that stands for the table in a trend: the total, or the only cell."""
        column = self.headline_column
        if self.headline_row is not None and len(self.rows) > self.headline_row:
            values = self.rows[self.headline_row].values
            return values[column] if len(values) > column else None
        if self.total is not None and len(self.total.values) > column:
            return self.total.values[column]
        if len(self.rows) == 1 and len(self.rows[0].values) > column:
            return self.rows[0].values[column]
        return None

    @property
    def empty(self) -> bool:
        """Whether every count in the table is zero or unknown (nothing recorded)."""
        lines = [*self.rows, *([self.total] if self.total else [])]
        return all(
            value in (0, None)
            for line in lines
            for index, value in enumerate(line.values)
            if index not in self.derived
        )

    def unit_of(self, column: int) -> Unit:
        """What the cells of a column count (the measure's unit unless the column is derived)."""
        return self.derived.get(column, Unit.COUNT if self.derived else self.measure.unit)


@dataclass(frozen=True)
class Section:
    """A part of the data set (front door, early help...) with its tables."""

    key: str
    title: str
    tables: tuple[Table, ...]
    note: str = ""


@dataclass(frozen=True)
class DataSet:
    """The figures for one period, in sections."""

    period: Period
    population: int
    generated_at: dt.datetime
    sections: tuple[Section, ...]
    published: bool = False  # True once small counts are suppressed

    @property
    def empty(self) -> bool:
        """Whether nothing at all was recorded in the period."""
        return all(table.empty for table in self.tables())

    def table(self, key: str) -> Table:
        """The table for the measure ``key``."""
        for section in self.sections:
            for table in section.tables:
                if table.measure.key == key:
                    return table
        raise KeyError(key)

    def tables(self) -> tuple[Table, ...]:
        """Every table, section by section."""
        return tuple(table for section in self.sections for table in section.tables)
