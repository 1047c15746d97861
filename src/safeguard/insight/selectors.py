"""Reads for the insight pages: the data set laid out for a template, cells formatted.

Nothing here reaches a child's record: the pages show only what the engine returns,
which is counts, shares, rates and medians.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safeguard.insight.engine import NO_RECORDS, Trend, compute, compute_history, trends
from safeguard.insight.suppression import publishable
from safeguard.insight.types import Cell, DataSet, Period, Table, Unit

HEADLINE_KEYS = (
    "frontdoor.contacts_by_source",
    "frontdoor.decided_in_time",
    "earlyhelp.started",
    "missing.children",
    "exploitation.at_risk_by_level",
    "hsb.concerns_by_level",
)


def format_cell(value: Cell, unit: Unit) -> str:
    """A cell as the page shows it: 1,234, 45.5%, 12.3 per 10,000, 'c', or a dash."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if unit is Unit.PERCENT:
        return f"{value:.1f}%"
    if unit is Unit.RATE:
        return f"{value:,.1f}"
    if unit in (Unit.DAYS, Unit.HOURS):
        return (
            f"{value:,.1f}"
            if isinstance(value, float) and not value.is_integer()
            else f"{value:,.0f}"
        )
    return f"{value:,}"


@dataclass(frozen=True)
class ShownTable:
    """A table ready for the template."""

    table: Table
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    total: tuple[str, tuple[str, ...]] | None

    @property
    def measure(self) -> Any:
        """The measure (title, definition)."""
        return self.table.measure

    @property
    def anchor(self) -> str:
        """An id for the table on the page."""
        return self.table.measure.key.replace(".", "-").replace("_", "-")


def shown(table: Table) -> ShownTable:
    """Format every cell of a table."""

    def line(values: tuple[Cell, ...]) -> tuple[str, ...]:
        return tuple(format_cell(value, table.unit_of(i)) for i, value in enumerate(values))

    return ShownTable(
        table=table,
        rows=tuple((row.label, line(row.values)) for row in table.rows),
        total=(table.total.label, line(table.total.values)) if table.total else None,
    )


def shown_trend(trend: Trend) -> dict[str, Any]:
    """A trend's cells, formatted."""
    return {
        "title": trend.title,
        "key": trend.key,
        "values": [format_cell(value, trend.unit) for value in trend.values],
        "direction": trend.direction,
    }


def dashboard(period: Period, *, published: bool = False) -> dict[str, Any]:
    """The dashboard's figures: the period's sections and eight periods of trends."""
    history = compute_history(period)
    if published:
        history = tuple(publishable(dataset) for dataset in history)
    dataset = history[-1]
    return {
        "dataset": dataset,
        "empty": dataset.empty,
        "no_records": NO_RECORDS,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "tables": [shown(table) for table in section.tables],
            }
            for section in dataset.sections
        ],
        "periods": [step.period.label for step in history],
        "trends": [shown_trend(trend) for trend in trends(history)],
    }


def headlines(period: Period) -> dict[str, Any]:
    """A few headline figures for the analyst's home page (suppressed as if published)."""
    dataset: DataSet = publishable(compute(period))
    figures = []
    for key in HEADLINE_KEYS:
        table = dataset.table(key)
        figures.append(
            {
                "title": table.measure.title,
                "value": format_cell(table.headline, table.unit_of(table.headline_column)),
            }
        )
    return {"period": period, "figures": figures, "empty": dataset.empty}
