"""Reads for the insight pages: the data set laid out for a template, cells formatted.

Nothing here reaches a child's record: the pages show only what the engine returns,
which is counts, shares, rates and medians.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from safeguard.insight import charts
from safeguard.insight.comparison import comparisons_for
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

# The measure whose trend is drawn at the top of each section of the dashboard.
SECTION_HEADLINES: dict[str, str] = {
    "frontdoor": "frontdoor.contacts_by_source",
    "earlyhelp": "earlyhelp.started",
    "sharing": "sharing.requests_timeliness",
    "meetings": "meetings.attendance_by_agency",
    "missing": "missing.children",
    "exploitation": "exploitation.at_risk_by_level",
    "hsb": "hsb.concerns_by_level",
    "contextual": "contextual.figures",
}


def area_name() -> str:
    """What the charts call our own line."""
    return str(getattr(settings, "SAFEGUARD_PARTNERSHIP_NAME", "") or "Our partnership")


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


def shown_trend(
    trend: Trend, comparison: dict[str, list[float | None]] | None = None
) -> dict[str, Any]:
    """A trend's cells, formatted, with any comparison areas' figures for the same periods."""
    return {
        "title": trend.title,
        "key": trend.key,
        "values": [format_cell(value, trend.unit) for value in trend.values],
        "direction": trend.direction,
        "comparisons": [
            {"area": area, "values": [format_cell(value, trend.unit) for value in values]}
            for area, values in (comparison or {}).items()
        ],
    }


def chart(
    history: tuple[DataSet, ...], key: str, comparison: dict[str, list[float | None]] | None
) -> dict[str, str]:
    """A trend chart as an image the page embeds (``src``) and its words (``alt``)."""
    drawn = charts.trend_chart(history, key, area=area_name(), comparison=comparison)
    if not drawn.drawn:
        return {"src": "", "alt": drawn.alt}
    encoded = base64.b64encode(drawn.svg.encode("utf-8")).decode("ascii")
    return {"src": f"data:image/svg+xml;base64,{encoded}", "alt": drawn.alt}


def report_pdf(period: Period, *, published: bool = False) -> bytes:
    """The Executive's PDF report for the period, with eight periods of trends beside it."""
    from safeguard.insight.report import executive_pdf  # noqa: PLC0415  (WeasyPrint is heavy)

    history = compute_history(period)
    if published:
        history = tuple(publishable(dataset) for dataset in history)
    keys = [table.measure.key for table in history[-1].tables()]
    periods = [step.period for step in history]
    return executive_pdf(list(history), commentary={}, comparison=comparisons_for(keys, periods))


def dashboard(period: Period, *, published: bool = False) -> dict[str, Any]:
    """The dashboard's figures: the period's sections and eight periods of trends."""
    history = compute_history(period)
    if published:
        history = tuple(publishable(dataset) for dataset in history)
    dataset = history[-1]
    periods = [step.period for step in history]
    comparison = comparisons_for([table.measure.key for table in dataset.tables()], periods)
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
                "chart": chart(
                    history,
                    SECTION_HEADLINES[section.key],
                    comparison.get(SECTION_HEADLINES[section.key]),
                )
                if section.key in SECTION_HEADLINES and section.tables
                else None,
            }
            for section in dataset.sections
        ],
        "periods": [step.period.label for step in history],
        "trends": [shown_trend(trend, comparison.get(trend.key)) for trend in trends(history)],
    }


def record_figures(period: Period, keys: set[str]) -> dict[str, str]:
    """The headline figure of each data set measure in ``keys`` for the period, as shown."""
    dataset = compute(period)
    found = {}
    for table in dataset.tables():
        if table.measure.key in keys:
            unit = table.unit_of(table.headline_column)
            found[table.measure.key] = format_cell(table.headline, unit)
    return found


HEADLINES_SECONDS = 300


def headlines(period: Period) -> dict[str, Any]:
    """A few headline figures for the analyst's home page (suppressed as if published).

    Kept for five minutes per quarter in the cache, so the home page does not compute the
    whole data set on every load; the dashboard itself always computes afresh.
    """
    key = f"insight:headlines:{period.label}"
    found = cache.get(key)
    if found is None:
        found = _headlines(period)
        cache.set(key, found, HEADLINES_SECONDS)
    return dict(found)


def _headlines(period: Period) -> dict[str, Any]:
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
