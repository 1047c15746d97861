"""The engine: the data set for a period, from one set of SQL queries over an Arrow extract.

``compute(period)`` extracts the operational tables (``extract.py``), registers them in an
in-memory DuckDB connection and runs each section's query (``queries/<section>.sql``).
Every query returns long rows, ``measure, row_key, col_key, value``; the layouts below
turn them into tables with fixed rows and columns, totals, percentages and rates. The
only figures worked out here in Python are those that need the child population (rates)
or a share of a total (percentages), both from counts the SQL returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
from django.conf import settings
from django.utils import timezone

from safeguard.core.clock import UK
from safeguard.core.models import AgencyKind
from safeguard.earlyhelp.models import ClosureReason
from safeguard.exploitation.models.panel import ExploitationType, NrmExploitation, RiskLevel
from safeguard.frontdoor.models import Level
from safeguard.hsb.models import AimTool, CaseType
from safeguard.hsb.models import Level as HsbLevel
from safeguard.insight import queries
from safeguard.insight.definitions import SECTIONS, measure
from safeguard.insight.extract import Extract, extract
from safeguard.insight.types import DataSet, Period, Row, Section, Table, Unit
from safeguard.meetings.models import Attendance
from safeguard.people.models import Sex
from safeguard.sharing.models import Consent, Decision, ReviewOutcome

Labels = tuple[tuple[str, str], ...]

NO_RECORDS = "No records in this period"

SOURCE_LABELS: Labels = (
    ("2A", "2A: schools"),
    ("2B", "2B: education services"),
    ("3A", "3A: GP"),
    ("3B", "3B: health visitor or school nurse"),
    ("3F", "3F: other health services"),
    ("4", "4: housing"),
    ("5A", "5A: local authority social care"),
    ("5D", "5D: early help"),
    ("6", "6: police"),
    ("7", "7: other legal agency (youth justice, probation)"),
    ("8", "8: other (voluntary sector)"),
    ("10", "10: unknown"),
)
EXPLOITATION_COLUMNS: Labels = (
    (ExploitationType.CSE.value, "Sexual exploitation (CSE)"),
    (ExploitationType.CCE.value, "Criminal exploitation (CCE)"),
    (ExploitationType.BOTH.value, "Both"),
)
ATTENDANCE_COLUMNS: Labels = tuple(
    (value, label)
    for value, label in (
        (Attendance.ATTENDED.value, "Attended"),
        (Attendance.SUBSTITUTE.value, "Sent a substitute"),
        (Attendance.APOLOGIES.value, "Apologies"),
        (Attendance.DID_NOT_ATTEND.value, "Did not attend"),
        (Attendance.NOT_RECORDED.value, "Not recorded"),
    )
)
AGE_BANDS: Labels = (
    ("under_10", "Under 10"),
    ("10_13", "10 to 13"),
    ("14_15", "14 to 15"),
    ("16_17", "16 to 17"),
    ("18_over", "18 and over"),
    ("not_known", "Age not known"),
)
ETHNIC_GROUPS: Labels = (
    ("white", "White"),
    ("mixed", "Mixed or multiple ethnic groups"),
    ("asian", "Asian or Asian British"),
    ("black", "Black, Black British, Caribbean or African"),
    ("other", "Other ethnic group"),
    ("not_known", "Not known or not given"),
)
CONTEXTUAL_ROWS: Labels = (
    ("places_recorded", "Places recorded"),
    ("persons_of_concern_recorded", "Persons of concern recorded"),
    ("links_recorded", "Links recorded"),
    ("context_concerns_reported", "Context concerns reported"),
    ("disruption_actions_agreed", "Disruption actions agreed"),
    ("disruption_actions_completed", "Disruption actions completed"),
    ("networks_disrupted", "Networks disrupted"),
    ("operations_disrupted", "Operations disrupted"),
    ("children_at_risk_before", "Children at risk before the actions completed"),
    ("children_at_risk_after", "Children at risk after the actions completed"),
)


def _choices(choices: Any, keep: tuple[str, ...] | None = None) -> Labels:
    return tuple(
        (str(value), str(label))
        for value, label in choices.choices
        if keep is None or str(value) in keep
    )


@dataclass(frozen=True)
class Layout:
    """How a measure's long rows become a table."""

    key: str
    columns: Labels
    rows: Labels | None = None  # None: the rows the data has, labelled by ``row_label``
    row_label: Callable[[str], str] = str
    total_row: bool = False
    total_column: bool = False
    percent: bool = False  # a percentage column: the row's first count over the total's
    rate: bool = False  # a rate per 10,000 children from the first count
    medians: Labels = ()  # columns the SQL works out itself (a median), with their labels
    median_unit: Unit = Unit.DAYS
    headline_row: int | None = None
    headline_column: int = 0


def _agency_kind(value: str) -> str:
    return str(dict(AgencyKind.choices).get(value, value or "Not known"))


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "frontdoor.contacts_by_source",
        columns=(("contacts", "Contacts"), ("referrals", "Referrals")),
        rows=SOURCE_LABELS,
        total_row=True,
    ),
    Layout(
        "frontdoor.children_in_contacts",
        columns=(("children", "Children"),),
        rows=(("children", "Children named in contacts"),),
        rate=True,
    ),
    Layout(
        "frontdoor.decisions_by_level",
        columns=(("decisions", "Decisions"),),
        rows=_choices(Level),
        total_row=True,
        percent=True,
    ),
    Layout(
        "frontdoor.decided_in_time",
        columns=(("decisions", "Decisions"),),
        rows=(("in_time", "Within one working day"), ("late", "Later")),
        total_row=True,
        percent=True,
        headline_row=0,
        headline_column=1,
    ),
    Layout(
        "frontdoor.re_referrals",
        columns=(("referrals", "Referrals"),),
        rows=(
            ("repeat", "A child named had a referral in the 12 months before"),
            ("first", "No referral in the 12 months before"),
        ),
        total_row=True,
        percent=True,
        headline_row=0,
        headline_column=1,
    ),
    Layout(
        "earlyhelp.started",
        columns=(("episodes", "Episodes"),),
        rows=(("episodes", "Episodes started"),),
    ),
    Layout(
        "earlyhelp.reviewed",
        columns=(("episodes", "Episodes"),),
        rows=(("episodes", "Episodes with a review held"),),
    ),
    Layout(
        "earlyhelp.closed_by_reason",
        columns=(("episodes", "Episodes"),),
        rows=_choices(ClosureReason),
        total_row=True,
        percent=True,
    ),
    Layout(
        "earlyhelp.stepped",
        columns=(("episodes", "Episodes"),),
        rows=_choices(ClosureReason, keep=("stepped_up", "stepped_down")),
        headline_row=0,
    ),
    Layout(
        "sharing.decisions_by_consent",
        columns=_choices(Decision),
        rows=_choices(Consent),
        total_row=True,
        total_column=True,
    ),
    Layout(
        "sharing.requests_timeliness",
        columns=(("requests", "Requests"),),
        rows=(
            ("on_time", "Answered by the due date"),
            ("late", "Answered late"),
            ("not_answered", "Not answered yet"),
        ),
        total_row=True,
        percent=True,
        headline_row=1,
    ),
    Layout(
        "sharing.break_glass",
        columns=(("uses", "Uses"),),
        rows=(*_choices(ReviewOutcome), ("not_reviewed", "Not reviewed yet")),
        total_row=True,
    ),
    Layout(
        "meetings.attendance_by_agency",
        columns=ATTENDANCE_COLUMNS,
        row_label=_agency_kind,
        total_row=True,
        total_column=True,
        headline_column=len(ATTENDANCE_COLUMNS),
    ),
    Layout(
        "meetings.attendance_by_kind",
        columns=ATTENDANCE_COLUMNS,
        total_row=True,
        total_column=True,
        headline_column=len(ATTENDANCE_COLUMNS),
    ),
    Layout(
        "missing.episodes",
        columns=(("episodes", "Episodes"),),
        rows=(("episodes", "Missing episodes"),),
    ),
    Layout(
        "missing.children",
        columns=(("children", "Children"),),
        rows=(("children", "Children missing"),),
        rate=True,
    ),
    Layout(
        "missing.repeat",
        columns=(("children", "Children"),),
        rows=(("children", "Children with 3 or more episodes"),),
    ),
    Layout(
        "missing.return_interviews",
        columns=(("returns", "Returns"),),
        rows=(
            ("in_time", "Interview held within 72 hours"),
            ("late", "Interview held after 72 hours"),
            ("declined", "Declined by the child"),
            ("not_held", "Decided not to hold one"),
            ("waiting", "Still to be held"),
        ),
        total_row=True,
        percent=True,
        headline_row=0,
        headline_column=1,
    ),
    Layout(
        "exploitation.screened",
        columns=(("children", "Children"),),
        rows=(("children", "Children screened"),),
        rate=True,
    ),
    Layout(
        "exploitation.at_risk_by_level",
        columns=EXPLOITATION_COLUMNS,
        rows=_choices(RiskLevel, keep=("emerging", "moderate", "significant")),
        total_row=True,
        total_column=True,
        headline_column=len(EXPLOITATION_COLUMNS),
    ),
    Layout(
        "exploitation.at_risk_by_sex",
        columns=EXPLOITATION_COLUMNS,
        rows=_choices(Sex),
        total_row=True,
        total_column=True,
        headline_column=len(EXPLOITATION_COLUMNS),
    ),
    Layout(
        "exploitation.at_risk_by_age",
        columns=EXPLOITATION_COLUMNS,
        rows=AGE_BANDS,
        total_row=True,
        total_column=True,
        headline_column=len(EXPLOITATION_COLUMNS),
    ),
    Layout(
        "exploitation.at_risk_by_ethnicity",
        columns=EXPLOITATION_COLUMNS,
        rows=ETHNIC_GROUPS,
        total_row=True,
        total_column=True,
        headline_column=len(EXPLOITATION_COLUMNS),
    ),
    Layout(
        "exploitation.nrm_referrals",
        columns=(("referrals", "Referrals"),),
        rows=_choices(NrmExploitation),
        total_row=True,
    ),
    Layout(
        "exploitation.nrm_decision_days",
        columns=(("decisions", "Decisions"),),
        rows=(("decisions", "Reasonable grounds decisions"),),
        medians=(("median_days", "Median days"),),
        headline_column=1,
    ),
    Layout(
        "hsb.concerns_by_level",
        columns=(("concerns", "Concerns"),),
        rows=_choices(HsbLevel),
        total_row=True,
    ),
    Layout(
        "hsb.aim_assessments",
        columns=_choices(CaseType),
        rows=_choices(AimTool),
        total_row=True,
        total_column=True,
        headline_column=len(CaseType.choices),
    ),
    Layout(
        "hsb.both_roles",
        columns=(("children", "Children"),),
        rows=(("children", "Children both harmed and harming"),),
    ),
    Layout(
        "hsb.time_to_referral",
        columns=(("concerns", "Concerns referred"),),
        rows=(("concerns", "Concerns referred on"),),
        medians=(("median_hours", "Median hours"),),
        median_unit=Unit.HOURS,
        headline_column=1,
    ),
    Layout(
        "hsb.long_investigations",
        columns=(("investigations", "Investigations"),),
        rows=(("investigations", "Open over 3 months at the end of the period"),),
    ),
    Layout(
        "contextual.figures",
        columns=(("count", "Count"),),
        rows=CONTEXTUAL_ROWS,
        headline_row=6,  # networks disrupted
    ),
)


def population_default() -> int:
    """The child population rates are per 10,000 of (``INSIGHT_CHILD_POPULATION``)."""
    return int(getattr(settings, "INSIGHT_CHILD_POPULATION", 44_000))


def check_population(population: int | None) -> int:
    """The population to use, refusing zero or less with words a person can act on."""
    value = population_default() if population is None else int(population)
    if value <= 0:
        raise ValueError(
            "The child population must be more than 0: rates are per 10,000 children living "
            "in the area (set INSIGHT_CHILD_POPULATION, for York about 44,000 aged 0 to 19)."
        )
    return value


def uk_midnight(day: dt.date) -> dt.datetime:
    """The start of a UK day, as naive UTC (what the extract holds)."""
    local = dt.datetime.combine(day, dt.time(0), tzinfo=UK)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def window_start(earliest: Period) -> dt.datetime:
    """The first moment an extract must hold for the figures of ``earliest`` and later periods.

    A referral is a re-referral when the child had another in the 365 days before it, so
    the window opens a year (and a day, for the clock change) before the period starts.
    """
    return uk_midnight(earliest.start - dt.timedelta(days=366)).replace(tzinfo=dt.UTC)


def parameters(period: Period) -> dict[str, Any]:
    """The named parameters every query takes."""
    return {
        "start": period.start,
        "end": period.end,
        "start_at": uk_midnight(period.start),
        "end_at": uk_midnight(period.end),
    }


def connect(source: Extract | Mapping[str, Any]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the extract's tables registered (no extensions)."""
    tables = source.tables if isinstance(source, Extract) else source
    connection = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False})
    for name, table in tables.items():
        connection.register(name, table)
    return connection


Long = dict[str, dict[tuple[str, str], Any]]


def run_queries(connection: duckdb.DuckDBPyConnection, period: Period) -> Long:
    """Run every section's SQL for the period, as one statement: measure -> (row, column) -> value."""
    found: Long = defaultdict(dict)
    text = queries.combined()
    values = {
        name: value for name, value in parameters(period).items() if re.search(rf"\${name}\b", text)
    }
    for key, row, column, value in connection.execute(text, values).fetchall():
        found[key][(str(row), str(column))] = value
    return found


def _percent(part: Any, whole: Any) -> float | None:
    if not whole or part is None:
        return None
    return round(100 * part / whole, 1)


def _rate(count: Any, population: int) -> float | None:
    if count is None:
        return None
    return round(count * 10_000 / population, 1)


def build_table(layout: Layout, found: Mapping[tuple[str, str], Any], population: int) -> Table:
    """Lay out one measure's long rows as a table."""
    rows = layout.rows
    if rows is None:
        keys = sorted({row for row, _ in found}, key=lambda key: layout.row_label(key).lower())
        rows = tuple((key, layout.row_label(key)) for key in keys)
    column_labels = [label for _, label in layout.columns]
    counts_width = len(layout.columns)
    derived: dict[int, Unit] = {}
    if layout.total_column:
        column_labels.append("Total")
    if layout.percent:
        derived[len(column_labels)] = Unit.PERCENT
        column_labels.append("Percent")
    if layout.rate:
        derived[len(column_labels)] = Unit.RATE
        column_labels.append("Rate per 10,000 children")
    for _, label in layout.medians:
        derived[len(column_labels)] = layout.median_unit
        column_labels.append(label)

    def counts(key: str) -> list[Any]:
        line = [int(found.get((key, column), 0) or 0) for column, _ in layout.columns]
        if layout.total_column:
            line.append(sum(line))
        return line

    count_lines = {key: counts(key) for key, _ in rows}
    width = counts_width + (1 if layout.total_column else 0)
    grand = [sum(line[i] for line in count_lines.values()) for i in range(width)]

    def finish(key: str | None, line: list[Any]) -> tuple[Any, ...]:
        values = list(line)
        if layout.percent:
            values.append(_percent(line[0], grand[0]))
        if layout.rate:
            values.append(_rate(line[0], population))
        for column, _ in layout.medians:
            value = found.get((key, column)) if key is not None else None
            values.append(None if value is None else round(float(value), 1))
        return tuple(values)

    table_rows = tuple(
        Row(label=label, values=finish(key, count_lines[key])) for key, label in rows
    )
    total = Row(label="Total", values=finish(None, grand)) if layout.total_row else None
    return Table(
        measure=measure(layout.key),
        columns=tuple(column_labels),
        rows=table_rows,
        total=total,
        derived=derived,
        total_column=counts_width if layout.total_column else None,
        headline_row=layout.headline_row,
        headline_column=layout.headline_column,
    )


def assemble(found: Long, period: Period, population: int) -> tuple[Section, ...]:
    """Sections of tables from the queries' long rows."""
    by_section: dict[str, list[Table]] = defaultdict(list)
    for layout in LAYOUTS:
        table = build_table(layout, found.get(layout.key, {}), population)
        by_section[table.measure.section].append(table)
    return tuple(
        Section(key=key, title=SECTIONS[key], tables=tuple(by_section[key])) for key in SECTIONS
    )


def compute(
    period: Period, *, population: int | None = None, source: Extract | None = None
) -> DataSet:
    """The data set for ``period`` straight from the record (nothing suppressed)."""
    people = check_population(population)
    data = source or extract(
        until=uk_midnight(period.end).replace(tzinfo=dt.UTC), since=window_start(period)
    )
    with connect(data) as connection:
        return _dataset(connection, period, people)


def _dataset(connection: duckdb.DuckDBPyConnection, period: Period, people: int) -> DataSet:
    found = run_queries(connection, period)
    return DataSet(
        period=period,
        population=people,
        generated_at=timezone.now(),
        sections=assemble(found, period, people),
    )


@dataclass(frozen=True)
class Trend:
    """One measure's headline over several periods, oldest first, and its direction."""

    key: str
    title: str
    unit: Unit
    values: tuple[Any, ...]

    @property
    def direction(self) -> str:
        """Up, down or same: the latest period against the one before (unknown without both)."""
        if len(self.values) < 2:
            return "not known"
        before, latest = self.values[-2], self.values[-1]
        if not isinstance(before, int | float) or not isinstance(latest, int | float):
            return "not known"
        if latest > before:
            return "up"
        if latest < before:
            return "down"
        return "same"


def compute_history(
    period: Period, *, count: int = 8, population: int | None = None
) -> tuple[DataSet, ...]:
    """The data sets for ``period`` and the ones before it, oldest first, from one extract."""
    people = check_population(population)
    history = period.history(count)
    data = extract(
        until=uk_midnight(period.end).replace(tzinfo=dt.UTC), since=window_start(history[0])
    )
    with connect(data) as connection:  # the tables registered once for every period
        return tuple(_dataset(connection, step, people) for step in history)


def trends(datasets: tuple[DataSet, ...]) -> tuple[Trend, ...]:
    """Each measure's headline across the data sets (which may be published ones)."""
    if not datasets:
        return ()
    result = []
    for table in datasets[-1].tables():
        key = table.measure.key
        values = []
        for dataset in datasets:
            try:
                values.append(dataset.table(key).headline)
            except KeyError:
                values.append(None)
        unit = table.unit_of(table.headline_column)
        result.append(Trend(key=key, title=table.measure.title, unit=unit, values=tuple(values)))
    return tuple(result)
