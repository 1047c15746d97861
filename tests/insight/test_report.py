"""The Executive's PDF: contents, each section's figures with definitions, charts and commentary."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from safeguard.insight.report import executive_pdf, format_cell
from safeguard.insight.types import Period, Unit

from .handmade import eight_quarters, quarter_dataset


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(content)).pages
    )


def image_count(content: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        count += len(xobjects)
    return count


class TestExecutivePdf:
    def test_the_latest_quarter_is_reported_with_definitions_trends_and_commentary(self):
        history = eight_quarters([10, 12, 14, 9, 11, 13, 15, 16])
        latest = quarter_dataset(
            Period.quarter(2026, 3),
            contacts=1234,
            by_source=(("Police", 700), ("Schools", 534)),
            within_one_day=87.5,
            return_interviews=None,
        )

        content = executive_pdf(
            [*history[:-1], latest],
            commentary={"frontdoor": "Contacts from schools rose after the autumn term began."},
            comparison={"frontdoor.contacts": {"England": [20, 21, 22, 23, 24, 25, 26, 27]}},
        )

        assert content.startswith(b"%PDF-")
        text = pdf_text(content)
        assert "Report for the Executive: July to September 2026" in text
        assert "Contents" in text
        assert "Front door" in text
        assert "Missing from home" in text
        # The figures, as printed, and a definition beside them.
        assert "1,234" in text
        assert "Police 700" in text
        assert "87.5%" in text
        assert "Every concern reported to the Multi-Agency Safeguarding Hub in the period." in text
        # Charts carry their description; the commentary is printed in its section.
        assert "Chart description: Line chart, Contacts received" in text
        assert "England: 2024Q4: 20" in text
        assert "Contacts from schools rose after the autumn term began." in text
        assert "Space for the subgroup's commentary." in text  # missing has none yet
        assert image_count(content) >= 2

    def test_a_measure_with_no_figures_says_so_instead_of_a_chart(self):
        history = [
            quarter_dataset(period, contacts=5, return_interviews=None)
            for period in Period.quarter(2026, 3).history(2)
        ]

        text = pdf_text(executive_pdf(history, commentary={}))

        assert "Return interviews offered within 72 hours: There are no figures to draw" in text

    def test_no_data_set_is_refused_with_a_message(self):
        with pytest.raises(ValueError, match="at least one"):
            executive_pdf([], commentary={})


class TestFormatCell:
    def test_cells_print_as_the_department_for_education_prints_them(self):
        assert format_cell(1234) == "1,234"
        assert format_cell("c") == "c"
        assert format_cell(None) == ":"
        assert format_cell(12.345, Unit.PERCENT) == "12.3%"
        assert format_cell(7, Unit.RATE) == "7.0"
