"""Periods: quarters and financial years as the partnership names them."""

import datetime as dt

import pytest

from safeguard.insight.types import Period


class TestPeriods:
    def test_a_quarter_runs_three_calendar_months(self) -> None:
        period = Period.parse("2026Q3")
        assert (period.start, period.end) == (dt.date(2026, 7, 1), dt.date(2026, 10, 1))
        assert period.title == "July to September 2026"

    def test_the_fourth_quarter_ends_at_the_new_year(self) -> None:
        assert Period.parse("2026q4").end == dt.date(2027, 1, 1)

    def test_a_financial_year_runs_april_to_march(self) -> None:
        for text in ("2026-27", "2026/27", "2026-2027", "FY2026-27"):
            period = Period.parse(text)
            assert (period.start, period.end) == (dt.date(2026, 4, 1), dt.date(2027, 4, 1))
        assert Period.parse("2026-27").title == "April 2026 to March 2027"

    def test_eight_quarters_side_by_side_cross_the_year(self) -> None:
        labels = [p.label for p in Period.parse("2026Q2").history(8)]
        assert labels == [
            "2024Q3",
            "2024Q4",
            "2025Q1",
            "2025Q2",
            "2025Q3",
            "2025Q4",
            "2026Q1",
            "2026Q2",
        ]

    @pytest.mark.parametrize("text", ["", "2026Q5", "2026-28", "next quarter"])
    def test_anything_else_is_refused_with_a_plain_message(self, text: str) -> None:
        with pytest.raises(ValueError, match="2026"):
            Period.parse(text)
