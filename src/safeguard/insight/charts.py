"""Charts for the data set: line charts of eight quarters and bar charts, drawn offline to SVG.

Vega-Altair builds the chart and ``vl-convert-python`` renders it without a browser or
the internet. Every chart has a title, axis titles and alt text returned beside the SVG
(a screen reader, the PDF and the dashboard use the same words). A figure the record
cannot give (``None``) or a suppressed one (``"c"``) is a gap in the line or a missing
bar, never a zero; with no figure at all there is no chart, only a plain message.

Colours: our area is GOV.UK blue; comparison lines take the Okabe-Ito colour-blind-safe
set and each has its own dash pattern and point shape, so no line relies on colour.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .types import Cell, DataSet, Unit

# GOV.UK blue first, then Okabe-Ito (colour-blind safe), all readable on white.
PALETTE = ("#1d70b8", "#d55e00", "#009e73", "#cc79a7", "#0b0c0c", "#e69f00")
DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3])
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down")
FONT = "Arial, Helvetica, sans-serif"
WIDTH = 480
HEIGHT = 240
NO_DATA = "There are no figures to draw for this period."


@dataclass(frozen=True)
class Chart:
    """A drawn chart (``svg``) and the words that describe it (``alt``).

    With nothing to draw, ``svg`` is empty and ``alt`` is the plain message to show instead.
    """

    svg: str
    alt: str

    @property
    def drawn(self) -> bool:
        """Whether there is a picture (otherwise show ``alt`` as a sentence)."""
        return bool(self.svg)


def _number(cell: Cell) -> float | None:
    """A cell as a number to plot, or None for a gap (no data, or suppressed)."""
    if cell is None or isinstance(cell, str) or isinstance(cell, bool):
        return None
    return float(cell)


def _say(cell: Cell, unit: Unit | None = None) -> str:
    """A cell in words for the alt text."""
    if cell is None:
        return "no figure"
    if isinstance(cell, str):
        return "withheld because the number is small"
    text = f"{cell:,.1f}".removesuffix(".0") if isinstance(cell, float) else f"{cell:,}"
    if unit is Unit.PERCENT:
        return f"{text}%"
    if unit is Unit.DAYS:
        return f"{text} days"
    if unit is Unit.HOURS:
        return f"{text} hours"
    return text


def _render(spec: dict[str, Any]) -> str:
    """Draw a Vega-Lite specification to SVG, offline (the same chart is drawn once)."""
    return _draw(json.dumps(spec, sort_keys=True))


@lru_cache(maxsize=256)
def _draw(spec: str) -> str:
    import vl_convert as vlc

    return str(vlc.vegalite_to_svg(spec))


def _base(title: str) -> dict[str, Any]:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": title, "anchor": "start", "font": FONT, "fontSize": 16},
        "width": WIDTH,
        "height": HEIGHT,
        "background": "white",
        "config": {
            "font": FONT,
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#0b0c0c"},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom"},
        },
    }


def line_chart(
    series: Mapping[str, Sequence[tuple[str, Cell]]],
    *,
    title: str,
    y_title: str,
    x_title: str = "Quarter",
    unit: Unit | None = None,
) -> Chart:
    """Lines over periods, one per series (ours first, then comparisons), gaps left as gaps.

    ``series`` maps a name ("York", "England") to its (period label, value) points, oldest
    first. The x axis keeps every period in the order given, even one with no figure.
    """
    labels: list[str] = []
    for points in series.values():
        for label, _value in points:
            if label not in labels:
                labels.append(label)
    values = [
        {"period": label, "value": _number(cell), "series": name}
        for name, points in series.items()
        for label, cell in points
    ]
    if not any(row["value"] is not None for row in values):
        return Chart(svg="", alt=f"{title}: {NO_DATA}")
    names = list(series)
    spec = _base(title) | {
        "data": {"values": values},
        "mark": {
            "type": "line",
            "point": {"filled": True, "size": 60},
            "strokeWidth": 3,
            "invalid": "break-paths-show-domains",
        },
        "encoding": {
            "x": {
                "field": "period",
                "type": "ordinal",
                "title": x_title,
                "sort": labels,
                "scale": {"domain": labels},
                "axis": {"labelAngle": 0},
            },
            "y": {"field": "value", "type": "quantitative", "title": y_title},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": "Area",
                "sort": names,
                "scale": {"domain": names, "range": list(PALETTE[: len(names)])},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "title": "Area",
                "sort": names,
                "scale": {"domain": names, "range": list(DASHES[: len(names)])},
            },
            "shape": {
                "field": "series",
                "type": "nominal",
                "title": "Area",
                "sort": names,
                "scale": {"domain": names, "range": list(SHAPES[: len(names)])},
            },
        },
    }
    if len(names) == 1:
        for channel in ("color", "strokeDash", "shape"):
            spec["encoding"][channel]["legend"] = None
    parts = []
    for name, points in series.items():
        said = "; ".join(f"{label}: {_say(cell, unit)}" for label, cell in points)
        parts.append(f"{name}: {said}" if len(names) > 1 else said)
    alt = f"Line chart, {title}, {y_title} by {x_title.lower()}. " + ". ".join(parts) + "."
    return Chart(svg=_render(spec), alt=alt)


def bar_chart(
    data: Sequence[tuple[str, Cell]],
    *,
    title: str,
    x_title: str,
    y_title: str,
    unit: Unit | None = None,
) -> Chart:
    """Bars, one per (label, value); a missing or withheld value leaves its bar out."""
    values = [{"label": label, "value": _number(cell)} for label, cell in data]
    if not any(row["value"] is not None for row in values):
        return Chart(svg="", alt=f"{title}: {NO_DATA}")
    labels = [label for label, _cell in data]
    spec = _base(title) | {
        "data": {"values": values},
        "mark": {"type": "bar", "color": PALETTE[0], "invalid": "filter"},
        "encoding": {
            "x": {
                "field": "label",
                "type": "nominal",
                "title": x_title,
                "sort": labels,
                "scale": {"domain": labels},
                "axis": {"labelAngle": 0 if len(labels) <= 5 else -40, "labelLimit": 160},
            },
            "y": {"field": "value", "type": "quantitative", "title": y_title},
        },
    }
    said = "; ".join(f"{label}: {_say(cell, unit)}" for label, cell in data)
    alt = f"Bar chart, {title}, {y_title} by {x_title.lower()}. {said}."
    return Chart(svg=_render(spec), alt=alt)


_UNIT_TITLES = {
    Unit.COUNT: "Number",
    Unit.PERCENT: "Per cent",
    Unit.RATE: "Rate per 10,000 children",
    Unit.DAYS: "Days",
    Unit.HOURS: "Hours",
}


def trend_chart(
    datasets: Sequence[DataSet],
    measure_key: str,
    *,
    area: str = "Our partnership",
    comparison: Mapping[str, Sequence[Cell]] | None = None,
) -> Chart:
    """The measure's headline figure over the data sets' periods (eight quarters side by side).

    ``comparison`` maps an area ("England") to its values, one per data set in the same
    order (``comparison.comparison_for`` gives exactly that); a data set without the
    measure is a gap.
    """
    ordered = sorted(datasets, key=lambda item: item.period)
    measure = None
    points: list[tuple[str, Cell]] = []
    for dataset in ordered:
        try:
            table = dataset.table(measure_key)
        except KeyError:
            points.append((dataset.period.label, None))
            continue
        measure = table.measure
        points.append((dataset.period.label, table.headline))
    if measure is None:
        return Chart(svg="", alt=f"{measure_key}: {NO_DATA}")
    series: dict[str, Sequence[tuple[str, Cell]]] = {area: points}
    if comparison:
        labels = [label for label, _cell in points]
        for name, cells in comparison.items():
            series[name] = list(zip(labels, list(cells) + [None] * len(labels), strict=False))
    return line_chart(
        series,
        title=measure.title,
        y_title=_UNIT_TITLES[measure.unit],
        unit=measure.unit,
    )


def breakdown_chart(
    dataset: DataSet, measure_key: str, *, column: int = 0, x_title: str = "Group"
) -> Chart:
    """A bar for each row of the measure's table (its first column unless told)."""
    table = dataset.table(measure_key)
    data = [
        (row.label, row.values[column] if column < len(row.values) else None) for row in table.rows
    ]
    y_title = _UNIT_TITLES[table.measure.unit]
    if table.columns and column < len(table.columns) and table.measure.unit is Unit.COUNT:
        y_title = table.columns[column]
    return bar_chart(
        data,
        title=f"{table.measure.title}, {dataset.period.title}",
        x_title=x_title,
        y_title=y_title,
        unit=table.measure.unit,
    )
