"""Safe to publish: small counts hidden, and totals that cannot give them away."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.insight.suppression import publishable, suppress_table
from safeguard.insight.types import DataSet, Measure, Period, Row, Section, Table, Unit

MEASURE = Measure("test.table", "A table", "Counts for a test.")


def table(rows: list[list[int]], *, total_column: bool = False, percent: bool = False) -> Table:
    """A table with a total row (and optionally a total column and a percentage column)."""
    lines = [list(r) for r in rows]
    if total_column:
        for line in lines:
            line.append(sum(line))
    width = len(lines[0])
    grand = [sum(line[c] for line in lines) for c in range(width)]
    derived: dict[int, Unit] = {}
    if percent:
        derived[width] = Unit.PERCENT
        for line in lines:
            line.append(round(100 * line[0] / grand[0], 1) if grand[0] else None)
        grand.append(100.0 if grand[0] else None)
    columns = tuple(f"Column {c}" for c in range(len(lines[0])))
    return Table(
        measure=MEASURE,
        columns=columns,
        rows=tuple(Row(label=f"Row {i}", values=tuple(v)) for i, v in enumerate(lines)),
        total=Row(label="Total", values=tuple(grand)),
        derived=derived,
        total_column=len(rows[0]) if total_column else None,
    )


def grid(t: Table) -> list[list]:
    assert t.total is not None
    return [list(r.values) for r in t.rows] + [list(t.total.values)]


class TestPrimarySuppression:
    def test_counts_of_one_to_five_become_c_and_others_stay(self):
        out = suppress_table(table([[0], [3], [40], [12]]), low=1, high=5, mark="c")
        # 3 is hidden; alone in a column with a shown total it would be 55 - 52 = 3, so the
        # next smallest non-zero cell (12) is hidden too. 0 and 40 stay.
        assert grid(out) == [[0], ["c"], [40], ["c"], [55]]

    def test_a_small_total_is_hidden_too(self):
        out = suppress_table(table([[0], [2], [0]]), low=1, high=5, mark="c")
        assert grid(out) == [[0], ["c"], [0], ["c"]]

    def test_percentages_built_on_hidden_counts_are_hidden(self):
        out = suppress_table(table([[2], [30], [40]], percent=True), low=1, high=5, mark="c")
        rows = grid(out)
        assert rows[0] == ["c", "c"]
        assert rows[1] == ["c", "c"]  # 30 hidden as the second cell, so its share too
        assert rows[2] == [40, 55.6]
        assert rows[3] == [72, 100.0]

    def test_the_mark_and_range_follow_settings(self, settings):
        settings.INSIGHT_SUPPRESS_HIGH = 9
        settings.INSIGHT_SUPPRESS_MARK = "x"
        dataset = DataSet(
            period=Period.parse("2026Q3"),
            population=44_000,
            generated_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
            sections=(Section("test", "Test", (table([[8], [20], [30]]),)),),
        )
        out = publishable(dataset)
        assert out.published
        assert grid(out.table("test.table")) == [["x"], ["x"], [30], [58]]


class TestSecondarySuppression:
    def test_a_hidden_cell_in_a_row_with_a_total_column_hides_another_in_that_row(self):
        out = suppress_table(table([[3, 20, 30], [10, 40, 50]], total_column=True), low=1,
                             high=5, mark="c")  # fmt: skip
        rows = grid(out)
        # 3 is hidden; column 0's total (13) would give it away, so 10 is hidden; row 0's
        # total (53) would give 3 away, so 20 is hidden; row 1 then has 10 alone, so 40.
        assert rows[0] == ["c", "c", 30, 53]
        assert rows[1] == ["c", "c", 50, 100]
        assert rows[2] == [13, 60, 80, 153]


def lines_with_a_shown_total(t: Table) -> list[tuple[list, object]]:
    g = grid(t)
    height = len(t.rows)
    counts = [c for c in range(len(t.columns)) if c not in t.derived and c != t.total_column]
    found = []
    all_columns = counts + ([t.total_column] if t.total_column is not None else [])
    for c in all_columns:
        found.append(([g[r][c] for r in range(height)], g[height][c]))
    if t.total_column is not None:
        for r in range(height + 1):
            found.append(([g[r][c] for c in counts], g[r][t.total_column]))
    return found


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    total_column=st.booleans(),
)
def test_no_hidden_count_can_be_worked_out_from_a_shown_total(rows, total_column):
    original = table(rows, total_column=total_column)
    out = suppress_table(original, low=1, high=5, mark="c")
    before, after = grid(original), grid(out)
    for r, line in enumerate(after):
        for c, value in enumerate(line):
            # Every count from 1 to 5 is hidden; every shown figure is unchanged.
            if isinstance(before[r][c], int) and 1 <= before[r][c] <= 5:
                assert value == "c"
            if value != "c":
                assert value == before[r][c]
    for parts, total in lines_with_a_shown_total(out):
        if total == "c":
            continue
        hidden = [p for p in parts if p == "c"]
        # Subtracting the shown parts from the total gives the sum of the hidden ones:
        # with exactly one hidden, that would be its value.
        assert len(hidden) != 1
