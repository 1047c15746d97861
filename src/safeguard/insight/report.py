"""The PDF report for the partnership's Executive: the latest quarter's figures with trends.

Per section of the latest data set: each table with its definition beside it, a line
chart of the headline over the quarters given (eight side by side) with its alt text
printed under it, a bar chart of a breakdown, and a space for the subgroup's commentary.
A contents list comes first. WeasyPrint draws it, as learning's PDFs are drawn.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string

from . import charts
from .types import Cell, DataSet, Table, Unit

NOT_AVAILABLE = ":"  # the Government Statistical Service symbol for "not available"


def format_cell(cell: Cell, unit: Unit = Unit.COUNT) -> str:
    """A cell as printed: thousands separated, one decimal place, "c" kept, ":" for none."""
    if cell is None:
        return NOT_AVAILABLE
    if isinstance(cell, str):
        return cell
    if isinstance(cell, float) or unit in (Unit.PERCENT, Unit.RATE):
        text = f"{float(cell):,.1f}"
    else:
        text = f"{cell:,}"
    return f"{text}%" if unit is Unit.PERCENT else text


@dataclass
class _Figure:
    """One picture in the report, as an image the PDF embeds, with its words."""

    chart: charts.Chart

    @property
    def src(self) -> str:
        encoded = base64.b64encode(self.chart.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


@dataclass
class _TableView:
    table: Table
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    total: tuple[str, list[str]] | None
    figures: list[_Figure] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _table_view(
    table: Table,
    history: Sequence[DataSet],
    latest: DataSet,
    comparison: Mapping[str, Mapping[str, Sequence[Cell]]] | None,
) -> _TableView:
    unit = table.measure.unit
    view = _TableView(
        table=table,
        columns=list(table.columns),
        rows=[(row.label, [format_cell(c, unit) for c in row.values]) for row in table.rows],
        total=(table.total.label, [format_cell(c, unit) for c in table.total.values])
        if table.total
        else None,
    )
    key = table.measure.key
    trend = charts.trend_chart(
        history,
        key,
        area=str(getattr(settings, "SAFEGUARD_PARTNERSHIP_NAME", "") or "Our partnership"),
        comparison=(comparison or {}).get(key),
    )
    if trend.drawn:
        view.figures.append(_Figure(trend))
    else:
        view.messages.append(trend.alt)
    if len(table.rows) > 1:
        bars = charts.breakdown_chart(latest, key)
        if bars.drawn:
            view.figures.append(_Figure(bars))
    return view


def executive_pdf(
    datasets: list[DataSet],
    *,
    commentary: dict[str, str],
    comparison: Mapping[str, Mapping[str, Sequence[Cell]]] | None = None,
) -> bytes:
    """The Executive's report as PDF bytes.

    ``datasets`` are the quarters to show side by side (the latest is reported in full);
    ``commentary`` maps a section key to the subgroup's words (an empty box otherwise);
    ``comparison`` maps a measure key to ``comparison.comparison_for``'s answer for the
    same quarters, drawn beside ours.
    """
    from weasyprint import HTML

    if not datasets:
        raise ValueError("The report needs at least one quarter's data set.")
    history = sorted(datasets, key=lambda item: item.period)
    latest = history[-1]
    sections = [
        {
            "section": section,
            "commentary": (commentary.get(section.key) or "").strip(),
            "tables": [_table_view(table, history, latest, comparison) for table in section.tables],
        }
        for section in latest.sections
    ]
    html = render_to_string(
        "insight/executive_report.html",
        {
            "latest": latest,
            "first": history[0],
            "quarters": len(history),
            "sections": sections,
            "partnership": getattr(settings, "SAFEGUARD_PARTNERSHIP_NAME", ""),
            "not_available": NOT_AVAILABLE,
        },
    )
    return bytes(HTML(string=html).write_pdf())
