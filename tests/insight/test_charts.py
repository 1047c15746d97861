"""Charts: eight quarters as a line, breakdowns as bars, gaps left as gaps, words beside."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from safeguard.insight.charts import NO_DATA, bar_chart, breakdown_chart, line_chart, trend_chart
from safeguard.insight.types import Period

from .handmade import eight_quarters, quarter_dataset

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """Every piece of text drawn in the SVG."""
    root = ET.fromstring(svg)  # noqa: S314 - our own renderer's output
    return [node.text or "" for node in root.iter(f"{SVG}text")]


def line_paths(svg: str) -> list[str]:
    """The drawing instructions of each line."""
    return re.findall(r'aria-roledescription="line mark"[^>]*?d="([^"]*)"', svg) or re.findall(
        r'<path[^>]*aria-roledescription="line[^"]*"[^>]*d="([^"]*)"', svg
    )


class TestTrendChart:
    def test_eight_quarters_are_drawn_side_by_side_with_title_and_axis_titles(self):
        chart = trend_chart(eight_quarters([10, 12, 14, 9, 11, 13, 15, 16]), "frontdoor.contacts")

        drawn = texts(chart.svg)
        assert "Contacts received" in drawn
        assert "Quarter" in drawn
        assert "Number" in drawn
        for label in ("2024Q4", "2025Q1", "2026Q2", "2026Q3"):
            assert label in drawn
        assert chart.alt.startswith("Line chart, Contacts received")
        assert "2026Q3: 16" in chart.alt

    def test_a_suppressed_or_missing_quarter_is_a_gap_never_a_zero(self):
        chart = trend_chart(
            eight_quarters([10, 12, "c", 9, None, 13, 15, 16]), "frontdoor.contacts"
        )

        # The line is broken where figures are missing: more than one sub-path.
        (path,) = line_paths(chart.svg)
        assert path.count("M") >= 3
        assert "2025Q2: withheld because the number is small" in chart.alt
        assert "2025Q4: no figure" in chart.alt
        assert "2025Q2: 0" not in chart.alt

    def test_a_comparison_area_is_drawn_beside_ours_with_a_legend(self):
        chart = trend_chart(
            eight_quarters([10, 12, 14, 9, 11, 13, 15, 16]),
            "frontdoor.contacts",
            area="York",
            comparison={"England": [20, 21, 22, 23, 24, 25, 26, 27]},
        )

        drawn = texts(chart.svg)
        assert "York" in drawn
        assert "England" in drawn
        assert len(line_paths(chart.svg)) == 2
        assert "England: 2024Q4: 20" in chart.alt

    def test_no_figures_at_all_give_a_message_and_no_picture(self):
        chart = trend_chart(eight_quarters([None] * 8), "frontdoor.contacts")

        assert not chart.drawn
        assert NO_DATA in chart.alt

    def test_a_measure_no_data_set_holds_gives_a_message(self):
        chart = trend_chart(eight_quarters([1] * 8), "nothing.here")

        assert not chart.drawn


class TestBarChart:
    def test_each_row_is_a_bar_and_a_withheld_row_has_none(self):
        dataset = quarter_dataset(
            Period.quarter(2026, 3),
            contacts=40,
            by_source=(("Police", 20), ("Schools", 14), ("Health", "c")),
        )
        chart = breakdown_chart(dataset, "frontdoor.contacts", x_title="Source")

        root = ET.fromstring(chart.svg)  # noqa: S314 - our own renderer's output
        bars = [
            node
            for node in root.iter(f"{SVG}path")
            if (node.get("aria-roledescription") or "") == "bar"
        ]
        assert len(bars) == 2
        assert "Health" in texts(chart.svg)
        assert "Health: withheld because the number is small" in chart.alt
        assert "Police: 20" in chart.alt

    def test_plain_data_draws_with_the_colour_blind_safe_blue(self):
        chart = bar_chart(
            [("Prepare", 3), ("Prevent", 5)], title="Measures", x_title="P", y_title="Count"
        )

        assert "#1d70b8" in chart.svg.lower()
        assert "Measures" in texts(chart.svg)

    def test_empty_data_gives_no_chart(self):
        assert not bar_chart([], title="Nothing", x_title="a", y_title="b").drawn
        assert not line_chart({}, title="Nothing", y_title="b").drawn


class TestHours:
    def test_a_measure_in_hours_is_drawn_with_an_hours_axis(self):
        from safeguard.insight.charts import line_chart  # noqa: PLC0415
        from safeguard.insight.types import Unit  # noqa: PLC0415

        drawn = line_chart(
            {"Our partnership": [("2026Q2", 5.5), ("2026Q3", 4.0)]},
            title="Time from noticing to referral",
            y_title="Hours",
            unit=Unit.HOURS,
        )
        assert drawn.drawn
        assert "5.5 hours" in drawn.alt
