"""The extract: the operational tables the data set needs, as Arrow tables, with no names.

Each table holds only the columns a query reads. A child is a number given out in this
extract alone (``child_id``): no name, no date of birth beyond what an age band needs
(the date itself stays in the extract, which never leaves the process), no identifier
from the record. Times are UTC without a time zone (Arrow ``timestamp[us]``); dates are
dates. The same tables can be written to Parquet and read by Spark (docs/insight.md).

How it reads: one SQL query per table, written from the Django models' table and column
names (a renamed field fails loudly), run on the database directly, never through model
instances. On PostgreSQL each query is a ``COPY (SELECT ...) TO STDOUT`` in CSV that
``pyarrow.csv`` parses in bulk; on SQLite a plain DB-API cursor, its columns built into Arrow
arrays in bulk. The numbers given out (children, contacts, episodes...) are worked out in
Arrow too: in the order each key is first seen, table by table, rows in primary key order.

Where the one-working-day clock needs the partnership's calendar (bank holidays, office
hours), the due moment is worked out here with ``core.clock``'s calendar and extracted as
a column, so the SQL only compares two times.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from safeguard.core import clock
from safeguard.core.models import AgencyKind

# Children in Need census referral source codes, by the referring agency's kind
# (docs/insight.md). An early help episode stepping up is "5D: early help".
REFERRAL_SOURCES: dict[str, str] = {
    AgencyKind.CHILDRENS_SOCIAL_CARE: "5A",
    AgencyKind.POLICE: "6",
    AgencyKind.HEALTH_ICB: "3F",
    AgencyKind.HEALTH_HOSPITAL: "3F",
    AgencyKind.HEALTH_GP: "3A",
    AgencyKind.HEALTH_VISITING: "3B",
    AgencyKind.HEALTH_MENTAL: "3F",
    AgencyKind.EDUCATION_SCHOOL: "2A",
    AgencyKind.EDUCATION_COLLEGE: "2B",
    AgencyKind.EDUCATION_EARLY_YEARS: "2B",
    AgencyKind.YOUTH_JUSTICE: "7",
    AgencyKind.VOLUNTARY: "8",
    AgencyKind.HOUSING: "4",
    AgencyKind.PROBATION: "7",
}
EARLY_HELP_SOURCE = "5D"
UNKNOWN_SOURCE = "10"

TS = pa.timestamp("us")

# Every table's columns and Arrow types: the contract between extract, SQL and the bench.
SCHEMAS: dict[str, pa.Schema] = {
    "persons": pa.schema(
        [
            ("child_id", pa.int64()),
            ("date_of_birth", pa.date32()),
            ("sex", pa.string()),
            ("ethnic_group", pa.string()),
        ]
    ),
    "contacts": pa.schema(
        [
            ("contact_id", pa.int64()),
            ("received_at", TS),
            ("source_code", pa.string()),
            ("due_at", TS),
            ("decided_at", TS),
            ("level", pa.int64()),
            ("outcome", pa.string()),
        ]
    ),
    "contact_children": pa.schema([("contact_id", pa.int64()), ("child_id", pa.int64())]),
    "eh_episodes": pa.schema(
        [
            ("episode_id", pa.int64()),
            ("opened_on", pa.date32()),
            ("closed_on", pa.date32()),
            ("closure_reason", pa.string()),
        ]
    ),
    "eh_reviews": pa.schema([("episode_id", pa.int64()), ("held_at", TS)]),
    "sharing_decisions": pa.schema(
        [("decided_at", TS), ("decision", pa.string()), ("consent", pa.string())]
    ),
    "sharing_requests": pa.schema(
        [("due_date", pa.date32()), ("answered_on", pa.date32()), ("status", pa.string())]
    ),
    "break_glass": pa.schema([("opened_at", TS), ("outcome", pa.string())]),
    "invitations": pa.schema(
        [
            ("starts_at", TS),
            ("meeting_kind", pa.string()),
            ("agency_kind", pa.string()),
            ("attendance", pa.string()),
        ]
    ),
    "missing_episodes": pa.schema(
        [
            ("episode_id", pa.int64()),
            ("child_id", pa.int64()),
            ("missing_since", TS),
            ("returned_at", TS),
        ]
    ),
    "return_interviews": pa.schema(
        [("episode_id", pa.int64()), ("due_at", TS), ("status", pa.string()), ("held_at", TS)]
    ),
    "screenings": pa.schema([("child_id", pa.int64()), ("screened_on", pa.date32())]),
    "panel_decisions": pa.schema(
        [
            ("child_id", pa.int64()),
            ("recorded_at", TS),
            ("exploitation", pa.string()),
            ("level", pa.string()),
        ]
    ),
    "nrm_referrals": pa.schema(
        [
            ("referral_id", pa.int64()),
            ("child_id", pa.int64()),
            ("referred_on", pa.date32()),
            ("exploitation", pa.string()),
        ]
    ),
    "nrm_decisions": pa.schema(
        [("referral_id", pa.int64()), ("stage", pa.string()), ("decided_on", pa.date32())]
    ),
    "hsb_concerns": pa.schema(
        [
            ("concern_id", pa.int64()),
            ("recorded_at", TS),
            ("noticed_at", TS),
            ("referred_at", TS),
            ("level", pa.string()),
        ]
    ),
    "hsb_concern_children": pa.schema(
        [("concern_id", pa.int64()), ("child_id", pa.int64()), ("role", pa.string())]
    ),
    "aim_assessments": pa.schema(
        [("started_on", pa.date32()), ("tool", pa.string()), ("case_type", pa.string())]
    ),
    "hsb_investigations": pa.schema(
        [("started_on", pa.date32()), ("status", pa.string()), ("closed_on", pa.date32())]
    ),
    # Contextual safeguarding: only when each thing was recorded, never what it was.
    "context_places": pa.schema([("recorded_at", TS)]),
    "context_persons": pa.schema([("recorded_at", TS)]),
    "context_links": pa.schema([("recorded_at", TS)]),
    "context_concerns": pa.schema([("reported_at", TS)]),
    "disruption_actions": pa.schema(
        [
            ("agreed_at", TS),
            ("completed_on", pa.date32()),
            ("outcome", pa.string()),
            ("children_at_risk_before", pa.int64()),
            ("children_at_risk_after", pa.int64()),
        ]
    ),
}


def ethnic_group(code: str) -> str:
    """The broad 2021 census group of an ethnicity code (white, mixed, asian, black, other)."""
    for group in ("white", "mixed", "asian", "black", "other"):
        if code.startswith(group):
            return group
    return "not_known"


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """An aware time as naive UTC (what the extract holds)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass
class Extract:
    """The Arrow tables, by name, and the pseudonymous child numbers given out."""

    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """How many rows the extract holds (all tables)."""
        return sum(table.num_rows for table in self.tables.values())


# --- Reading: one SQL query per table ------------------------------------------------------

# How a raw column is read: the Arrow type it arrives as. Key columns (primary and foreign
# keys) are numbered afterwards; their type follows the key field (``_Sql.key``: a UUID is
# text).
INT, TEXT, TIME, DATE = pa.int64(), pa.string(), TS, pa.date32()


@dataclass(frozen=True)
class _Query:
    """One table's query (what follows ``SELECT``), its parameters and its columns' types."""

    select: str
    params: tuple[Any, ...]
    columns: tuple[tuple[str, pa.DataType], ...]


class _Sql:
    """Quoted table and column names from the models, and the vendor's spelling of a time."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.quote = connection.ops.quote_name
        self.postgres = connection.vendor == "postgresql"

    def table(self, model: Any, alias: str) -> str:
        """``"app_model" AS alias``."""
        return f"{self.quote(model._meta.db_table)} AS {alias}"

    def col(self, model: Any, name: str, alias: str) -> str:
        """``alias."column"`` for the model field ``name`` (its real column; ``pk``: the key)."""
        found = model._meta.pk if name == "pk" else model._meta.get_field(name)
        return f"{alias}.{self.quote(found.column)}"

    def time(self, model: Any, name: str, alias: str) -> str:
        """A time column as naive UTC text (SQLite already stores it so)."""
        column = self.col(model, name, alias)
        return f"({column} AT TIME ZONE 'UTC')" if self.postgres else column

    def key(self, model: Any, name: str) -> pa.DataType:
        """The Arrow type a key field arrives as (text for a UUID)."""
        target = model._meta.pk if name == "pk" else model._meta.get_field(name)
        target = getattr(target, "target_field", target)
        return TEXT if target.get_internal_type() == "UUIDField" else INT

    def at(self, moment: dt.datetime) -> Any:
        """A moment as the database adapter wants it for a comparison."""
        return self.connection.ops.adapt_datetimefield_value(moment)

    def on(self, day: dt.date) -> Any:
        """A date as the database adapter wants it for a comparison."""
        return self.connection.ops.adapt_datefield_value(day)


def _read(connection: Any, query: _Query) -> pa.Table:
    """Run one query and return its rows as an Arrow table (bulk, no model instances)."""
    sql = f"SELECT {query.select}"
    names = [name for name, _ in query.columns]
    types = dict(query.columns)
    if connection.vendor == "postgresql":
        return _read_postgres(connection, sql, query.params, names, types)
    with connection.cursor() as cursor:
        cursor.execute(sql, query.params)
        rows = cursor.fetchall()
    values = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    arrays = []
    for name, column in zip(names, values, strict=True):
        kind = types[name]
        given = next((value for value in column if value is not None), None)
        if kind in (TIME, DATE) and isinstance(given, str):  # ISO text, not converted
            arrays.append(pa.array(column, type=TEXT).cast(kind))
        else:
            arrays.append(pa.array(column, type=kind))
    return pa.Table.from_arrays(arrays, names=names)


def _read_postgres(
    connection: Any,
    sql: str,
    params: tuple[Any, ...],
    names: list[str],
    types: dict[str, pa.DataType],
) -> pa.Table:
    """``COPY (SELECT ...) TO STDOUT`` in CSV, parsed by ``pyarrow.csv`` in one go."""
    import psycopg  # noqa: PLC0415

    connection.ensure_connection()
    raw = connection.connection
    select = psycopg.ClientCursor(raw).mogrify(sql, params)
    buffer = io.BytesIO()
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy,
    ):
        for chunk in copy:
            buffer.write(chunk)
    if not buffer.tell():
        return pa.Table.from_arrays([pa.array([], type=types[name]) for name in names], names=names)
    buffer.seek(0)
    return pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            # PostgreSQL writes NULL as nothing and an empty string as "": keep them apart.
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    ).combine_chunks()


# --- Numbers given out in the extract ------------------------------------------------------


def _number(*columns: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """Number the keys in ``columns`` 1, 2, 3... in the order first seen (nulls stay null)."""
    common = columns[0].type
    chunks: list[pa.Array] = []
    for column in columns:
        values = column.cast(common)
        chunks.extend(values.chunks if isinstance(values, pa.ChunkedArray) else [values])
    seen = pc.unique(pa.chunked_array(chunks, type=common)).drop_null()
    return [
        pc.add(pc.index_in(column.cast(common), value_set=seen).cast(pa.int64()), 1)
        for column in columns
    ]


# --- Derived columns -----------------------------------------------------------------------


def decision_due(received: pa.Array | pa.ChunkedArray) -> pa.Array:
    """When each contact's one-working-day decision is due (naive UTC), for the whole column.

    The same rule as ``core.clock.add_working_days(received, 1)``, in numpy: the clock
    starts at the receipt if it came in office hours on a working day, else when the office
    next opens (UK local time); the decision is due at that clock time on the next working
    day (Monday to Friday, not a bank holiday in England and Wales, from ``core.clock``).
    A due day is a working day, never the Sunday the clocks change on, so its UK time is
    never missing or doubled when it goes back to UTC.
    """
    if isinstance(received, pa.ChunkedArray):
        received = received.combine_chunks()
    if received.null_count == len(received):
        return pa.nulls(len(received), type=TS)
    opens, closes = clock.office_hours()
    local = uk_local(received).to_numpy(zero_copy_only=False)
    missing = np.isnat(local)
    local = np.where(missing, local[~missing][0], local)
    day = local.astype("datetime64[D]")
    time = local - day
    holidays = bank_holidays(day.min(), day.max() + np.timedelta64(31, "D"))
    opening, closing = _since_midnight(opens), _since_midnight(closes)
    working = np.is_busday(day, holidays=holidays)
    inside = working & (time >= opening) & (time < closing)
    early = working & (time < opening)
    # The next working day after a day: roll back to a working day, then one on.
    start_day = np.where(
        inside | early, day, np.busday_offset(day, 1, roll="backward", holidays=holidays)
    )
    start_time = np.where(inside, time, opening)
    due_day = np.busday_offset(start_day, 1, roll="backward", holidays=holidays)
    due_local = pa.array(due_day.astype("datetime64[us]") + start_time, type=TS)
    due = pc.assume_timezone(
        due_local, clock.UK.key, ambiguous="earliest", nonexistent="earliest"
    ).cast(pa.timestamp("us", tz="UTC"))
    return pc.if_else(pa.array(missing), pa.scalar(None, TS), due.cast(TS))


def _since_midnight(moment: dt.time) -> np.timedelta64:
    return np.timedelta64(
        ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + moment.microsecond,
        "us",
    )


def bank_holidays(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    """The bank holidays in England and Wales between two days, from ``core.clock``."""
    days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    return np.array(
        [value for value in days if clock.is_bank_holiday(value.astype(dt.date))],
        dtype="datetime64[D]",
    )


def uk_local(moments: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Each naive UTC moment as the UK wall-clock time (naive)."""
    aware = moments.cast(pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us", tz=clock.UK.key))
    return pc.local_timestamp(aware)


def uk_date(moments: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The UK calendar date of each naive UTC moment."""
    return uk_local(moments).cast(pa.date32())


def _source_codes(kind: str, via: str) -> tuple[str, list[Any]]:
    """The census referral source as a SQL ``CASE`` over the agency kind, and its parameters."""
    from safeguard.frontdoor.models import Submission  # noqa: PLC0415

    params: list[Any] = [str(Submission.EARLY_HELP), EARLY_HELP_SOURCE]
    whens = []
    for agency_kind, code in REFERRAL_SOURCES.items():
        whens.append(f"WHEN {kind} = %s THEN %s")
        params.extend([str(agency_kind), code])
    params.append(UNKNOWN_SOURCE)
    return f"CASE WHEN {via} = %s THEN %s {' '.join(whens)} ELSE %s END", params


# --- The extract ---------------------------------------------------------------------------


def _queries(  # noqa: PLR0914, PLR0915
    sql: _Sql, moment: dt.datetime, day: dt.date, since: dt.datetime | None
) -> dict[str, _Query]:
    """Every table's query: rows before ``until``, and where a window applies, since ``since``."""
    from safeguard.contextual.models import (  # noqa: PLC0415
        ContextConcern,
        DisruptionAction,
        Link,
        PersonOfConcern,
        Place,
    )
    from safeguard.core.models import Agency  # noqa: PLC0415
    from safeguard.earlyhelp.models import Episode  # noqa: PLC0415
    from safeguard.exploitation.models import (  # noqa: PLC0415
        MissingEpisode,
        NrmDecision,
        NrmReferral,
        PanelDecision,
        ReturnInterview,
        Screening,
    )
    from safeguard.frontdoor.models import Contact, ContactChild, ThresholdDecision  # noqa: PLC0415
    from safeguard.hsb.models import (  # noqa: PLC0415
        AimAssessment,
        Concern,
        ConcernChild,
        Investigation,
    )
    from safeguard.meetings.models import (  # noqa: PLC0415
        FamilyMeeting,
        FamilyStage,
        Invitation,
        Meeting,
        MeetingKind,
        MeetingStatus,
    )
    from safeguard.people.models import Person  # noqa: PLC0415
    from safeguard.sharing.models import (  # noqa: PLC0415
        BreakGlassUse,
        SharingDecision,
        SharingRequest,
    )

    c, t, q = sql.col, sql.time, sql.table
    until, until_day = sql.at(moment), sql.on(day)
    start = sql.at(since) if since else None
    start_day = sql.on(since.astimezone(clock.UK).date()) if since else None

    def window(*conditions: str, dated: bool = False) -> tuple[str, tuple[Any, ...]]:
        """`` AND (a >= since OR b >= since)`` when a window is asked for."""
        if since is None:
            return "", ()
        value = start_day if dated else start
        return f" AND ({' OR '.join(f'{x} >= %s' for x in conditions)})", (value,) * len(conditions)

    out: dict[str, _Query] = {}
    out["persons"] = _Query(
        f"{c(Person, 'pk', 'p')}, {c(Person, 'date_of_birth', 'p')}, "
        f"{c(Person, 'sex', 'p')}, "
        f"CASE WHEN substr(coalesce({c(Person, 'ethnicity', 'p')}, ''), 1, 5) "
        f"IN ('white', 'mixed', 'asian', 'black', 'other') "
        f"THEN substr({c(Person, 'ethnicity', 'p')}, 1, 5) ELSE 'not_known' END "
        f"FROM {q(Person, 'p')} WHERE {c(Person, 'merged_into', 'p')} IS NULL "
        f"ORDER BY {c(Person, 'pk', 'p')}",
        (),
        (
            ("person", sql.key(Person, "pk")),
            ("date_of_birth", DATE),
            ("sex", TEXT),
            ("ethnic_group", TEXT),
        ),
    )

    source, source_params = _source_codes(c(Agency, "kind", "a"), c(Contact, "submitted_via", "c"))
    contact_from = (
        f"FROM {q(Contact, 'c')} "
        f"LEFT JOIN {q(Agency, 'a')} ON {c(Agency, 'pk', 'a')} = {c(Contact, 'referrer_agency', 'c')} "
        f"LEFT JOIN {q(ThresholdDecision, 'd')} "
        f"ON {c(ThresholdDecision, 'contact', 'd')} = {c(Contact, 'pk', 'c')} "
        f"WHERE {c(Contact, 'received_at', 'c')} < %s"
    )
    contact_window, contact_window_params = window(
        c(Contact, "received_at", "c"), c(ThresholdDecision, "decided_at", "d")
    )
    out["contacts"] = _Query(
        f"{c(Contact, 'pk', 'c')}, {t(Contact, 'received_at', 'c')}, {source}, "
        f"{t(ThresholdDecision, 'decided_at', 'd')}, {c(ThresholdDecision, 'level', 'd')}, "
        f"{c(ThresholdDecision, 'outcome', 'd')} "
        f"{contact_from}{contact_window} ORDER BY {c(Contact, 'pk', 'c')}",
        (*source_params, until, *contact_window_params),
        (
            ("contact", sql.key(Contact, "pk")),
            ("received_at", TIME),
            ("source_code", TEXT),
            ("decided_at", TIME),
            ("level", INT),
            ("outcome", TEXT),
        ),
    )
    out["contact_children"] = _Query(
        f"{c(ContactChild, 'contact', 'cc')}, {c(ContactChild, 'person', 'cc')} "
        f"FROM {q(ContactChild, 'cc')} "
        f"JOIN {q(Contact, 'c')} ON {c(Contact, 'pk', 'c')} = {c(ContactChild, 'contact', 'cc')} "
        f"LEFT JOIN {q(ThresholdDecision, 'd')} "
        f"ON {c(ThresholdDecision, 'contact', 'd')} = {c(Contact, 'pk', 'c')} "
        f"WHERE {c(Contact, 'received_at', 'c')} < %s{contact_window} "
        f"ORDER BY {c(ContactChild, 'pk', 'cc')}",
        (until, *contact_window_params),
        (
            ("contact", sql.key(ContactChild, "contact")),
            ("person", sql.key(ContactChild, "person")),
        ),
    )

    extra, extra_params = window(
        c(Episode, "opened_on", "e"), c(Episode, "closed_on", "e"), dated=True
    )
    out["eh_episodes"] = _Query(
        f"{c(Episode, 'pk', 'e')}, {c(Episode, 'opened_on', 'e')}, "
        f"{c(Episode, 'closed_on', 'e')}, nullif({c(Episode, 'closure_reason', 'e')}, '') "
        f"FROM {q(Episode, 'e')} WHERE {c(Episode, 'opened_on', 'e')} < %s{extra} "
        f"ORDER BY {c(Episode, 'pk', 'e')}",
        (until_day, *extra_params),
        (
            ("episode", sql.key(Episode, "pk")),
            ("opened_on", DATE),
            ("closed_on", DATE),
            ("closure_reason", TEXT),
        ),
    )
    extra, extra_params = window(c(Meeting, "starts_at", "m"))
    out["eh_reviews"] = _Query(
        f"{c(Meeting, 'episode', 'm')}, {t(Meeting, 'starts_at', 'm')} "
        f"FROM {q(FamilyMeeting, 'f')} "
        f"JOIN {q(Meeting, 'm')} ON {c(Meeting, 'pk', 'm')} = {c(FamilyMeeting, 'meeting', 'f')} "
        f"WHERE {c(FamilyMeeting, 'stage', 'f')} = %s AND {c(Meeting, 'starts_at', 'm')} < %s "
        f"AND {c(Meeting, 'episode', 'm')} IS NOT NULL "
        f"AND {c(Meeting, 'status', 'm')} <> %s{extra} "
        f"ORDER BY {c(FamilyMeeting, 'pk', 'f')}",
        (str(FamilyStage.REVIEW), until, str(MeetingStatus.CANCELLED), *extra_params),
        (("episode", sql.key(Meeting, "episode")), ("held_at", TIME)),
    )

    extra, extra_params = window(c(SharingDecision, "decided_at", "s"))
    out["sharing_decisions"] = _Query(
        f"{t(SharingDecision, 'decided_at', 's')}, {c(SharingDecision, 'decision', 's')}, "
        f"{c(SharingDecision, 'consent', 's')} FROM {q(SharingDecision, 's')} "
        f"WHERE {c(SharingDecision, 'decided_at', 's')} < %s{extra} "
        f"ORDER BY {c(SharingDecision, 'pk', 's')}",
        (until, *extra_params),
        (("decided_at", TIME), ("decision", TEXT), ("consent", TEXT)),
    )
    extra, extra_params = window(c(SharingRequest, "due_date", "r"), dated=True)
    out["sharing_requests"] = _Query(
        f"{c(SharingRequest, 'due_date', 'r')}, {t(SharingRequest, 'answered_at', 'r')}, "
        f"{c(SharingRequest, 'status', 'r')} FROM {q(SharingRequest, 'r')} "
        f"WHERE {c(SharingRequest, 'created_at', 'r')} < %s{extra} "
        f"ORDER BY {c(SharingRequest, 'pk', 'r')}",
        (until, *extra_params),
        (("due_date", DATE), ("answered_at", TIME), ("status", TEXT)),
    )
    extra, extra_params = window(c(BreakGlassUse, "opened_at", "b"))
    out["break_glass"] = _Query(
        f"{t(BreakGlassUse, 'opened_at', 'b')}, "
        f"coalesce(nullif({c(BreakGlassUse, 'outcome', 'b')}, ''), 'not_reviewed') "
        f"FROM {q(BreakGlassUse, 'b')} WHERE {c(BreakGlassUse, 'opened_at', 'b')} < %s{extra} "
        f"ORDER BY {c(BreakGlassUse, 'pk', 'b')}",
        (until, *extra_params),
        (("opened_at", TIME), ("outcome", TEXT)),
    )

    extra, extra_params = window(c(Meeting, "starts_at", "m"))
    out["invitations"] = _Query(
        f"{t(Meeting, 'starts_at', 'm')}, {c(MeetingKind, 'name', 'k')}, "
        f"coalesce({c(Agency, 'kind', 'a')}, ''), {c(Invitation, 'attendance', 'i')} "
        f"FROM {q(Invitation, 'i')} "
        f"JOIN {q(Meeting, 'm')} ON {c(Meeting, 'pk', 'm')} = {c(Invitation, 'meeting', 'i')} "
        f"JOIN {q(MeetingKind, 'k')} ON {c(MeetingKind, 'pk', 'k')} = {c(Meeting, 'kind', 'm')} "
        f"LEFT JOIN {q(Agency, 'a')} ON {c(Agency, 'pk', 'a')} = {c(Invitation, 'agency', 'i')} "
        f"WHERE {c(Meeting, 'starts_at', 'm')} < %s AND {c(Meeting, 'status', 'm')} <> %s{extra} "
        f"ORDER BY {c(Invitation, 'pk', 'i')}",
        (until, str(MeetingStatus.CANCELLED), *extra_params),
        (("starts_at", TIME), ("meeting_kind", TEXT), ("agency_kind", TEXT), ("attendance", TEXT)),
    )

    missing_window, missing_params = window(
        c(MissingEpisode, "missing_since", "e"), c(MissingEpisode, "returned_at", "e")
    )
    out["missing_episodes"] = _Query(
        f"{c(MissingEpisode, 'pk', 'e')}, {c(MissingEpisode, 'person', 'e')}, "
        f"{t(MissingEpisode, 'missing_since', 'e')}, {t(MissingEpisode, 'returned_at', 'e')} "
        f"FROM {q(MissingEpisode, 'e')} "
        f"WHERE {c(MissingEpisode, 'missing_since', 'e')} < %s{missing_window} "
        f"ORDER BY {c(MissingEpisode, 'pk', 'e')}",
        (until, *missing_params),
        (
            ("episode", sql.key(MissingEpisode, "pk")),
            ("person", sql.key(MissingEpisode, "person")),
            ("missing_since", TIME),
            ("returned_at", TIME),
        ),
    )
    out["return_interviews"] = _Query(
        f"{c(ReturnInterview, 'episode', 'r')}, {t(ReturnInterview, 'due_at', 'r')}, "
        f"{c(ReturnInterview, 'status', 'r')}, {t(ReturnInterview, 'held_at', 'r')} "
        f"FROM {q(ReturnInterview, 'r')} JOIN {q(MissingEpisode, 'e')} "
        f"ON {c(MissingEpisode, 'pk', 'e')} = {c(ReturnInterview, 'episode', 'r')} "
        f"WHERE {c(MissingEpisode, 'missing_since', 'e')} < %s{missing_window} "
        f"ORDER BY {c(ReturnInterview, 'pk', 'r')}",
        (until, *missing_params),
        (
            ("episode", sql.key(ReturnInterview, "episode")),
            ("due_at", TIME),
            ("status", TEXT),
            ("held_at", TIME),
        ),
    )

    extra, extra_params = window(c(Screening, "screened_on", "s"), dated=True)
    out["screenings"] = _Query(
        f"{c(Screening, 'person', 's')}, {c(Screening, 'screened_on', 's')} "
        f"FROM {q(Screening, 's')} WHERE {c(Screening, 'screened_on', 's')} < %s{extra} "
        f"ORDER BY {c(Screening, 'pk', 's')}",
        (until_day, *extra_params),
        (("person", sql.key(Screening, "person")), ("screened_on", DATE)),
    )
    extra, extra_params = window(c(PanelDecision, "recorded_at", "d"))
    out["panel_decisions"] = _Query(
        f"{c(PanelDecision, 'person', 'd')}, {t(PanelDecision, 'recorded_at', 'd')}, "
        f"{c(PanelDecision, 'exploitation', 'd')}, {c(PanelDecision, 'level', 'd')} "
        f"FROM {q(PanelDecision, 'd')} WHERE {c(PanelDecision, 'recorded_at', 'd')} < %s{extra} "
        f"ORDER BY {c(PanelDecision, 'pk', 'd')}",
        (until, *extra_params),
        (
            ("person", sql.key(PanelDecision, "person")),
            ("recorded_at", TIME),
            ("exploitation", TEXT),
            ("level", TEXT),
        ),
    )
    # The National Referral Mechanism (NRM) tables are read whole (up to ``until``): a
    # decision's days count from a referral of any date, and its first decision decides.
    out["nrm_referrals"] = _Query(
        f"{c(NrmReferral, 'pk', 'n')}, {c(NrmReferral, 'person', 'n')}, "
        f"{c(NrmReferral, 'referred_on', 'n')}, {c(NrmReferral, 'exploitation', 'n')} "
        f"FROM {q(NrmReferral, 'n')} WHERE {c(NrmReferral, 'referred_on', 'n')} < %s "
        f"ORDER BY {c(NrmReferral, 'pk', 'n')}",
        (until_day,),
        (
            ("referral", sql.key(NrmReferral, "pk")),
            ("person", sql.key(NrmReferral, "person")),
            ("referred_on", DATE),
            ("exploitation", TEXT),
        ),
    )
    out["nrm_decisions"] = _Query(
        f"{c(NrmDecision, 'referral', 'n')}, {c(NrmDecision, 'stage', 'n')}, "
        f"{c(NrmDecision, 'decided_on', 'n')} FROM {q(NrmDecision, 'n')} "
        f"WHERE {c(NrmDecision, 'decided_on', 'n')} < %s ORDER BY {c(NrmDecision, 'pk', 'n')}",
        (until_day,),
        (("referral", sql.key(NrmDecision, "referral")), ("stage", TEXT), ("decided_on", DATE)),
    )

    # Harmful sexual behaviour concerns are read whole: a child in both roles counts over
    # every concern ever recorded, and investigations open over 3 months start long before.
    out["hsb_concerns"] = _Query(
        f"{c(Concern, 'pk', 'h')}, {t(Concern, 'recorded_at', 'h')}, "
        f"{t(Concern, 'noticed_at', 'h')}, {t(Concern, 'referred_at', 'h')}, "
        f"{c(Concern, 'level', 'h')} FROM {q(Concern, 'h')} "
        f"WHERE {c(Concern, 'recorded_at', 'h')} < %s ORDER BY {c(Concern, 'pk', 'h')}",
        (until,),
        (
            ("concern", sql.key(Concern, "pk")),
            ("recorded_at", TIME),
            ("noticed_at", TIME),
            ("referred_at", TIME),
            ("level", TEXT),
        ),
    )
    out["hsb_concern_children"] = _Query(
        f"{c(ConcernChild, 'concern', 'n')}, {c(ConcernChild, 'person', 'n')}, "
        f"{c(ConcernChild, 'role', 'n')} FROM {q(ConcernChild, 'n')} "
        f"JOIN {q(Concern, 'h')} ON {c(Concern, 'pk', 'h')} = {c(ConcernChild, 'concern', 'n')} "
        f"WHERE {c(Concern, 'recorded_at', 'h')} < %s ORDER BY {c(ConcernChild, 'pk', 'n')}",
        (until,),
        (
            ("concern", sql.key(ConcernChild, "concern")),
            ("person", sql.key(ConcernChild, "person")),
            ("role", TEXT),
        ),
    )
    extra, extra_params = window(c(AimAssessment, "started_on", "a"), dated=True)
    out["aim_assessments"] = _Query(
        f"{c(AimAssessment, 'started_on', 'a')}, {c(AimAssessment, 'tool', 'a')}, "
        f"{c(AimAssessment, 'case_type', 'a')} FROM {q(AimAssessment, 'a')} "
        f"WHERE {c(AimAssessment, 'started_on', 'a')} < %s{extra} "
        f"ORDER BY {c(AimAssessment, 'pk', 'a')}",
        (until_day, *extra_params),
        (("started_on", DATE), ("tool", TEXT), ("case_type", TEXT)),
    )
    out["hsb_investigations"] = _Query(
        f"{c(Investigation, 'started_on', 'v')}, {c(Investigation, 'status', 'v')}, "
        f"{c(Investigation, 'closed_on', 'v')} FROM {q(Investigation, 'v')} "
        f"WHERE {c(Investigation, 'started_on', 'v')} < %s ORDER BY {c(Investigation, 'pk', 'v')}",
        (until_day,),
        (("started_on", DATE), ("status", TEXT), ("closed_on", DATE)),
    )

    # Contextual safeguarding: only when each thing was recorded, never what it was.
    for name, model, column in (
        ("context_places", Place, "recorded_at"),
        ("context_persons", PersonOfConcern, "recorded_at"),
        ("context_links", Link, "recorded_at"),
        ("context_concerns", ContextConcern, "reported_at"),
    ):
        extra, extra_params = window(c(model, column, "x"))
        out[name] = _Query(
            f"{t(model, column, 'x')} FROM {q(model, 'x')} "
            f"WHERE {c(model, column, 'x')} < %s{extra} ORDER BY {c(model, 'pk', 'x')}",
            (until, *extra_params),
            ((column, TIME),),
        )
    agreed_window, agreed_params = window(c(DisruptionAction, "agreed_at", "x"))
    done_window, done_params = window(c(DisruptionAction, "completed_on", "x"), dated=True)
    if since is not None:  # either end of the action inside the window
        action_window = f" AND ({agreed_window[5:]} OR {done_window[5:]})"
    else:
        action_window = ""
    out["disruption_actions"] = _Query(
        f"{t(DisruptionAction, 'agreed_at', 'x')}, "
        f"{c(DisruptionAction, 'completed_on', 'x')}, "
        f"nullif({c(DisruptionAction, 'outcome', 'x')}, ''), "
        f"{c(DisruptionAction, 'children_at_risk_before', 'x')}, "
        f"{c(DisruptionAction, 'children_at_risk_after', 'x')} FROM {q(DisruptionAction, 'x')} "
        f"WHERE ({c(DisruptionAction, 'agreed_at', 'x')} < %s "
        f"OR {c(DisruptionAction, 'completed_on', 'x')} < %s){action_window} "
        f"ORDER BY {c(DisruptionAction, 'pk', 'x')}",
        (until, until_day, *agreed_params, *done_params),
        (
            ("agreed_at", TIME),
            ("completed_on", DATE),
            ("outcome", TEXT),
            ("children_at_risk_before", INT),
            ("children_at_risk_after", INT),
        ),
    )
    return out


def extract(*, until: dt.datetime | None = None, since: dt.datetime | None = None) -> Extract:
    """Read the operational tables (everything before ``until``, UTC) into Arrow.

    One query per table, whatever the volume. With ``since``, tables whose figures only
    count things inside a period hold only rows from ``since`` on (see ``window_start``);
    tables a figure reads whole (people, the NRM, harmful sexual behaviour) stay whole.
    """
    from django.db import connection  # noqa: PLC0415

    moment = until or dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    day = moment.astimezone(clock.UK).date()  # date fields: before the UK day ``until`` starts
    raw = {
        name: _read(connection, query)
        for name, query in _queries(_Sql(connection), moment, day, since).items()
    }
    return Extract(tables=_shape(raw))


def _shape(raw: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The raw rows as the extract's tables: keys numbered, derived columns added."""
    children = _number(
        raw["persons"]["person"],
        raw["contact_children"]["person"],
        raw["missing_episodes"]["person"],
        raw["screenings"]["person"],
        raw["panel_decisions"]["person"],
        raw["nrm_referrals"]["person"],
        raw["hsb_concern_children"]["person"],
    )
    (
        persons,
        contact_children,
        missing_children,
        screened_children,
        panel_children,
        nrm_children,
        concern_children,
    ) = children
    contacts, named_contacts = _number(
        raw["contacts"]["contact"], raw["contact_children"]["contact"]
    )
    episodes, reviewed = _number(raw["eh_episodes"]["episode"], raw["eh_reviews"]["episode"])
    missing, interviewed = _number(
        raw["missing_episodes"]["episode"], raw["return_interviews"]["episode"]
    )
    referrals, decided = _number(raw["nrm_referrals"]["referral"], raw["nrm_decisions"]["referral"])
    concerns, named_concerns = _number(
        raw["hsb_concerns"]["concern"], raw["hsb_concern_children"]["concern"]
    )

    def build(name: str, **columns: Any) -> pa.Table:
        schema = SCHEMAS[name]
        source = raw[name]
        arrays = [
            columns[column] if column in columns else source[column] for column in schema.names
        ]
        return pa.Table.from_arrays(
            [
                pa.array(a, type=f.type) if not hasattr(a, "cast") else a.cast(f.type)
                for a, f in zip(arrays, schema, strict=True)
            ],
            schema=schema,
        )

    received = raw["contacts"]["received_at"]
    answered = raw["sharing_requests"]["answered_at"]
    out = {
        "persons": build("persons", child_id=persons),
        "contacts": build("contacts", contact_id=contacts, due_at=decision_due(received)),
        "contact_children": build(
            "contact_children", contact_id=named_contacts, child_id=contact_children
        ),
        "eh_episodes": build("eh_episodes", episode_id=episodes),
        "eh_reviews": build("eh_reviews", episode_id=reviewed),
        "sharing_requests": build("sharing_requests", answered_on=uk_date(answered)),
        "missing_episodes": build(
            "missing_episodes", episode_id=missing, child_id=missing_children
        ),
        "return_interviews": build("return_interviews", episode_id=interviewed),
        "screenings": build("screenings", child_id=screened_children),
        "panel_decisions": build("panel_decisions", child_id=panel_children),
        "nrm_referrals": build("nrm_referrals", referral_id=referrals, child_id=nrm_children),
        "nrm_decisions": build("nrm_decisions", referral_id=decided),
        "hsb_concerns": build("hsb_concerns", concern_id=concerns),
        "hsb_concern_children": build(
            "hsb_concern_children", concern_id=named_concerns, child_id=concern_children
        ),
    }
    for name in SCHEMAS:
        if name not in out:
            out[name] = build(name)
    return {name: out[name] for name in SCHEMAS}
