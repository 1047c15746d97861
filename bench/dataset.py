"""Benchmark the partnership data set: the engine (DuckDB over Arrow) against the Django ORM.

Generates a partnership of ``--children`` children (1,000,000 by default) and ``--events``
event rows (10,000,000 by default: contacts, the children they name, threshold decisions,
missing episodes, return interviews and screenings, spread over two years) straight into
Arrow tables, and the same rows into a fresh PostgreSQL database with ``COPY``. It then
computes one quarter's figures three ways, in one run:

- the real path: the extract from PostgreSQL (``insight/extract.py``: one ``COPY`` per
  table into Arrow, the quarter's window) and then the engine, the data set's own SQL
  (``insight/queries``) on DuckDB over it, every section, then suppression for
  publication;
- the engine alone, on the generated Arrow tables;
- the Django ORM: aggregate queries on PostgreSQL for the same figures (front door,
  missing and exploitation screening: the sections with generated rows).

It checks the three agree figure by figure, and prints the times (and the CPU time of
its own process for the extract and the engine) and the ratio of the ORM's time to the
real path's.

    bash scripts/with-postgres.sh python bench/dataset.py                  # full scale
    bash scripts/with-postgres.sh python bench/dataset.py --children 100000 --events 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from pages import _drop_database, _prepare_database  # noqa: E402

QUARTER = "2026Q3"
WINDOW_DAYS = 730  # events spread over the two years up to the quarter's end
SOURCES = ["education_school", "police", "health_gp", "health_visiting", "childrens_social_care"]


def _columns_to_fill(cursor: Any, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO'",
        [table],
    )
    return list(cursor.fetchall())


def _constant(data_type: str, n: int, moment: dt.datetime) -> pa.Array:
    if data_type in ("text", "character varying"):
        return pa.repeat("x", n)
    if data_type == "boolean":
        return pa.repeat(False, n)
    if data_type in ("integer", "smallint", "bigint"):
        return pa.repeat(1, n)
    if data_type.startswith("timestamp"):
        return pa.repeat(pa.scalar(moment, pa.timestamp("us")), n)
    if data_type == "date":
        return pa.repeat(pa.scalar(moment.date(), pa.date32()), n)
    if data_type in ("jsonb", "json"):
        return pa.repeat("[]", n)
    raise ValueError(f"no filler for {data_type}")


def copy_table(connection: Any, table: str, given: dict[str, Any], n: int) -> float:
    """COPY ``n`` rows into ``table``: the given columns, constants for other required ones."""
    started = time.perf_counter()
    moment = dt.datetime(2026, 1, 1)  # noqa: DTZ001 - naive UTC, as the extract holds
    with connection.cursor() as cursor:
        fill = {
            name: _constant(kind, n, moment)
            for name, kind in _columns_to_fill(cursor, table)
            if name not in given
        }
    arrays = {**{k: pa.array(v) if not isinstance(v, pa.Array) else v for k, v in given.items()}}
    arrays.update(fill)
    data = pa.table(arrays)
    names = ", ".join(f'"{name}"' for name in data.column_names)
    raw = connection.connection  # psycopg 3
    step = 500_000
    with raw.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:  # noqa: S608
            for offset in range(0, n, step):
                buffer = io.BytesIO()
                pacsv.write_csv(
                    data.slice(offset, step),
                    buffer,
                    write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
                )
                copy.write(buffer.getvalue())
    raw.commit()
    return time.perf_counter() - started


def generate(children: int, events: int, seed: int = 15) -> dict[str, Any]:  # noqa: PLR0914
    """Numpy columns for every generated table, shared by the Arrow and PostgreSQL copies."""
    rng = np.random.default_rng(seed)
    end = dt.datetime(2026, 10, 1)  # noqa: DTZ001 - naive UTC, as the extract holds
    start = end - dt.timedelta(days=WINDOW_DAYS)
    span = int((end - start).total_seconds())
    base = np.datetime64(start, "s")

    def moments(n: int) -> np.ndarray:
        return base + rng.integers(0, span, n).astype("timedelta64[s]")

    # events = contacts * (1 child + 0.8 decisions) + missing * (1 + 0.8 interviews) + screenings
    contacts = int(events * 0.45 / 1.8)
    missing = int(events * 0.45 / 1.8)
    screenings = events - int(contacts * 1.8) - int(missing * 1.8)
    data: dict[str, Any] = {}
    data["person_uuid"] = np.array([uuid.UUID(int=i + 1) for i in range(children)])
    born = np.datetime64("2006-01-01") + rng.integers(0, 20 * 365, children).astype(
        "timedelta64[D]"
    )
    data["person_born"] = born
    data["person_sex"] = rng.choice(
        np.array(["female", "male", "unknown"]), children, p=[0.49, 0.49, 0.02]
    )

    received = moments(contacts)
    data["contact_received"] = received
    data["contact_source"] = rng.integers(0, len(SOURCES), contacts)
    data["contact_child"] = rng.integers(0, children, contacts)
    decided_mask = rng.random(contacts) < 0.8
    data["contact_decided_mask"] = decided_mask
    data["contact_decided"] = received + rng.integers(600, 4 * 86_400, contacts).astype(
        "timedelta64[s]"
    )
    # Due by the partnership's clock (one working day, office hours, bank holidays), as the
    # front door stores it and as the extract works it out.
    from safeguard.insight.extract import decision_due  # noqa: PLC0415

    data["contact_due"] = (
        decision_due(pa.array(received.astype("datetime64[us]")))
        .to_numpy(zero_copy_only=False)
        .astype("datetime64[s]")
    )
    data["contact_level"] = rng.integers(1, 5, contacts)

    since = moments(missing)
    data["missing_since"] = since
    data["missing_child"] = (rng.zipf(1.6, missing) - 1) % children  # a few go missing often
    returned_mask = rng.random(missing) < 0.8
    data["missing_returned_mask"] = returned_mask
    data["missing_returned"] = since + rng.integers(3_600, 3 * 86_400, missing).astype(
        "timedelta64[s]"
    )
    data["interview_held"] = data["missing_returned"] + rng.integers(
        3_600, 6 * 86_400, missing
    ).astype("timedelta64[s]")
    data["interview_status"] = rng.choice(
        np.array(["completed", "declined", "offered"]), missing, p=[0.7, 0.1, 0.2]
    )
    data["screening_child"] = rng.integers(0, children, screenings)
    data["screening_on"] = (
        base + rng.integers(0, span, screenings).astype("timedelta64[s]")
    ).astype("datetime64[D]")
    data["sizes"] = {"contacts": contacts, "missing": missing, "screenings": screenings}
    return data


def arrow_tables(data: dict[str, Any]) -> dict[str, pa.Table]:
    """The extract's tables (``insight/extract.py`` SCHEMAS), straight from the generated columns."""
    from safeguard.insight.extract import REFERRAL_SOURCES, SCHEMAS  # noqa: PLC0415

    children = len(data["person_uuid"])
    tables = {name: schema.empty_table() for name, schema in SCHEMAS.items()}
    tables["persons"] = pa.table(
        {
            "child_id": np.arange(1, children + 1),
            "date_of_birth": data["person_born"],
            "sex": data["person_sex"],
            "ethnic_group": pa.repeat("white", children),
        },
        schema=SCHEMAS["persons"],
    )
    n = data["sizes"]["contacts"]
    decided = data["contact_decided_mask"]
    codes = np.array([REFERRAL_SOURCES[s] for s in SOURCES])
    tables["contacts"] = pa.table(
        {
            "contact_id": np.arange(1, n + 1),
            "received_at": data["contact_received"].astype("datetime64[us]"),
            "source_code": codes[data["contact_source"]],
            "due_at": data["contact_due"].astype("datetime64[us]"),
            "decided_at": pa.array(data["contact_decided"].astype("datetime64[us]"), mask=~decided),
            "level": pa.array(data["contact_level"], mask=~decided),
            "outcome": pa.array(np.full(n, "x"), mask=~decided),
        },
        schema=SCHEMAS["contacts"],
    )
    tables["contact_children"] = pa.table(
        {"contact_id": np.arange(1, n + 1), "child_id": data["contact_child"] + 1},
        schema=SCHEMAS["contact_children"],
    )
    m = data["sizes"]["missing"]
    returned = data["missing_returned_mask"]
    tables["missing_episodes"] = pa.table(
        {
            "episode_id": np.arange(1, m + 1),
            "child_id": data["missing_child"] + 1,
            "missing_since": data["missing_since"].astype("datetime64[us]"),
            "returned_at": pa.array(
                data["missing_returned"].astype("datetime64[us]"), mask=~returned
            ),
        },
        schema=SCHEMAS["missing_episodes"],
    )
    ids = np.arange(1, m + 1)[returned]
    status = data["interview_status"][returned]
    held = data["interview_held"][returned].astype("datetime64[us]")
    tables["return_interviews"] = pa.table(
        {
            "episode_id": ids,
            "due_at": (data["missing_returned"][returned] + np.timedelta64(72 * 3600, "s")).astype(
                "datetime64[us]"
            ),
            "status": status,
            "held_at": pa.array(held, mask=status != "completed"),
        },
        schema=SCHEMAS["return_interviews"],
    )
    tables["screenings"] = pa.table(
        {"child_id": data["screening_child"] + 1, "screened_on": data["screening_on"]},
        schema=SCHEMAS["screenings"],
    )
    return tables


def load_postgres(data: dict[str, Any]) -> dict[str, float]:
    """The same rows into the real Django tables on PostgreSQL, with COPY."""
    from django.db import connection  # noqa: PLC0415

    from safeguard.core.models import Agency, User  # noqa: PLC0415

    agencies = {
        kind: Agency.objects.create(slug=f"bench-{kind}", name=f"Bench {kind}", kind=kind).pk
        for kind in SOURCES
    }
    user = User.objects.create_user(username="bench.user", password=uuid.uuid4().hex)
    times: dict[str, float] = {}
    children = len(data["person_uuid"])
    uuids = np.array([str(u) for u in data["person_uuid"]])
    times["people_person"] = copy_table(
        connection,
        "people_person",
        {
            "id": uuids,
            "date_of_birth": data["person_born"],
            "sex": data["person_sex"],
            "ethnicity": pa.repeat("white_british", children),
        },
        children,
    )
    n = data["sizes"]["contacts"]
    source_ids = np.array([agencies[s] for s in SOURCES])[data["contact_source"]]
    times["frontdoor_contact"] = copy_table(
        connection,
        "frontdoor_contact",
        {
            "id": np.arange(1, n + 1),
            "reference": np.char.add("C-", np.arange(1, n + 1).astype(str)),
            "received_at": data["contact_received"],
            "referrer_id": np.full(n, user.pk),
            "referrer_agency_id": source_ids,
            "consent": pa.repeat("given", n),
            "submitted_via": pa.repeat("web", n),
            "decision_due_at": data["contact_due"],
        },
        n,
    )
    times["frontdoor_contactchild"] = copy_table(
        connection,
        "frontdoor_contactchild",
        {"contact_id": np.arange(1, n + 1), "person_id": uuids[data["contact_child"]]},
        n,
    )
    decided = data["contact_decided_mask"]
    d = int(decided.sum())
    times["frontdoor_thresholddecision"] = copy_table(
        connection,
        "frontdoor_thresholddecision",
        {
            "contact_id": np.arange(1, n + 1)[decided],
            "level": data["contact_level"][decided],
            "outcome": pa.repeat("section_17", d),
            "decided_by_id": np.full(d, user.pk),
            "decided_at": data["contact_decided"][decided],
        },
        d,
    )
    m = data["sizes"]["missing"]
    returned = data["missing_returned_mask"]
    times["exploitation_missingepisode"] = copy_table(
        connection,
        "exploitation_missingepisode",
        {
            "id": np.arange(1, m + 1),
            "reference": np.char.add("M-", np.arange(1, m + 1).astype(str)),
            "person_id": uuids[data["missing_child"]],
            "missing_since": data["missing_since"],
            "reported_at": data["missing_since"],
            "created_at": data["missing_since"],
            "recording_agency_id": np.full(m, agencies["police"]),
            "recorded_by_id": np.full(m, user.pk),
            "returned_at": pa.array(
                data["missing_returned"].astype("datetime64[us]"), mask=~returned
            ),
        },
        m,
    )
    r = int(returned.sum())
    status = data["interview_status"][returned]
    times["exploitation_returninterview"] = copy_table(
        connection,
        "exploitation_returninterview",
        {
            "episode_id": np.arange(1, m + 1)[returned],
            "due_at": data["missing_returned"][returned] + np.timedelta64(72 * 3600, "s"),
            "status": status,
            "held_at": pa.array(
                data["interview_held"][returned].astype("datetime64[us]"),
                mask=status != "completed",
            ),
            "updated_by_id": np.full(r, user.pk),
        },
        r,
    )
    s = data["sizes"]["screenings"]
    times["exploitation_screening"] = copy_table(
        connection,
        "exploitation_screening",
        {
            "reference": np.char.add("S-", np.arange(1, s + 1).astype(str)),
            "person_id": uuids[data["screening_child"]],
            "screened_on": data["screening_on"],
            "screened_by_id": np.full(s, user.pk),
            "agency_id": np.full(s, agencies["police"]),
            "proposed_level": pa.repeat("moderate", s),
            "judgement_level": pa.repeat("moderate", s),
        },
        s,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return times


def orm_figures(period: Any) -> dict[str, Any]:  # noqa: PLR0914
    """The same figures with Django ORM aggregate queries (front door, missing, screening)."""
    from django.db.models import Count, Exists, F, OuterRef, Q  # noqa: PLC0415

    from safeguard.exploitation.models import MissingEpisode, ReturnInterview, Screening  # noqa: PLC0415
    from safeguard.frontdoor.models import Contact, ContactChild, ThresholdDecision  # noqa: PLC0415
    from safeguard.insight.engine import uk_midnight  # noqa: PLC0415
    from safeguard.insight.extract import REFERRAL_SOURCES  # noqa: PLC0415

    start_at = uk_midnight(period.start).replace(tzinfo=dt.UTC)
    end_at = uk_midnight(period.end).replace(tzinfo=dt.UTC)
    received = Contact.objects.filter(received_at__gte=start_at, received_at__lt=end_at)
    figures: dict[str, Any] = {}
    by_kind = received.values("referrer_agency__kind").annotate(
        contacts=Count("pk"), referrals=Count("pk", filter=Q(decision__level=4))
    )
    sources: dict[str, list[int]] = {}
    for row in by_kind:
        code = REFERRAL_SOURCES[row["referrer_agency__kind"]]
        line = sources.setdefault(code, [0, 0])
        line[0] += row["contacts"]
        line[1] += row["referrals"]
    figures["frontdoor.contacts_by_source"] = sources
    figures["frontdoor.children_in_contacts"] = (
        ContactChild.objects.filter(contact__in=received).values("person").distinct().count()
    )
    decided = ThresholdDecision.objects.filter(decided_at__gte=start_at, decided_at__lt=end_at)
    figures["frontdoor.decisions_by_level"] = dict(
        decided.values_list("level").annotate(n=Count("pk")).order_by()
    )
    figures["frontdoor.decided_in_time"] = decided.filter(
        decided_at__lte=F("contact__decision_due_at")
    ).count()
    earlier = ThresholdDecision.objects.filter(
        level=4,
        contact__contact_children__person=OuterRef("contact__contact_children__person"),
        decided_at__lt=OuterRef("decided_at"),
        decided_at__gte=OuterRef("decided_at") - dt.timedelta(days=365),
    ).exclude(contact=OuterRef("contact"))
    figures["frontdoor.re_referrals"] = (
        decided.filter(level=4).filter(Exists(earlier)).values("pk").distinct().count()
    )
    started = MissingEpisode.objects.filter(missing_since__gte=start_at, missing_since__lt=end_at)
    figures["missing.episodes"] = started.count()
    per_child = started.values("person").annotate(n=Count("pk")).order_by()
    figures["missing.children"] = per_child.count()
    figures["missing.repeat"] = per_child.filter(n__gte=3).count()
    interviews = ReturnInterview.objects.filter(
        episode__returned_at__gte=start_at, episode__returned_at__lt=end_at
    )
    figures["missing.return_interviews_in_time"] = interviews.filter(
        status="completed", held_at__lte=F("due_at")
    ).count()
    figures["exploitation.screened"] = (
        Screening.objects.filter(screened_on__gte=period.start, screened_on__lt=period.end)
        .values("person")
        .distinct()
        .count()
    )
    return figures


def engine_figures(dataset: Any) -> dict[str, Any]:
    """The engine's figures in the ORM's shape, to compare."""
    from safeguard.insight.engine import SOURCE_LABELS  # noqa: PLC0415

    sources = {
        code: list(dataset.table("frontdoor.contacts_by_source").rows[i].values)
        for i, (code, _) in enumerate(SOURCE_LABELS)
    }
    sources = {code: line for code, line in sources.items() if line != [0, 0]}
    levels = {
        i + 1: row.values[0]
        for i, row in enumerate(dataset.table("frontdoor.decisions_by_level").rows)
    }
    returns = dataset.table("missing.return_interviews").rows
    return {
        "frontdoor.contacts_by_source": sources,
        "frontdoor.children_in_contacts": dataset.table("frontdoor.children_in_contacts").headline,
        "frontdoor.decisions_by_level": {k: v for k, v in levels.items() if v},
        "frontdoor.decided_in_time": dataset.table("frontdoor.decided_in_time").rows[0].values[0],
        "frontdoor.re_referrals": dataset.table("frontdoor.re_referrals").rows[0].values[0],
        "missing.episodes": dataset.table("missing.episodes").headline,
        "missing.children": dataset.table("missing.children").headline,
        "missing.repeat": dataset.table("missing.repeat").headline,
        "missing.return_interviews_in_time": returns[0].values[0],
        "exploitation.screened": dataset.table("exploitation.screened").headline,
    }


def _progress(text: str) -> None:
    print(f"[{dt.datetime.now(dt.UTC):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def engine_dataset(engine: Any, publishable: Any, data_set: Any, period: Any, tables: Any) -> Any:
    """Every section's figures for ``period`` from Arrow tables, then suppressed to publish."""
    with engine.connect(tables) as connection:
        found = engine.run_queries(connection, period)
    dataset = data_set(
        period=period,
        population=44_000,
        generated_at=dt.datetime.now(dt.UTC),
        sections=engine.assemble(found, period, 44_000),
    )
    publishable(dataset)
    return dataset


def main() -> None:  # noqa: PLR0915
    """Generate, load, compute both ways, compare and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    original = os.environ.get("DATABASE_URL", "")
    if not original.startswith(("postgres://", "postgresql://")):
        sys.exit("Run under PostgreSQL: bash scripts/with-postgres.sh python bench/dataset.py")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    os.environ.setdefault("SAFEGUARD_ENV", "test")
    with tempfile.TemporaryDirectory() as tmp:
        label, name = _prepare_database(Path(tmp))
        import django  # noqa: PLC0415

        django.setup()
        from django.core.management import call_command  # noqa: PLC0415

        from safeguard.insight import engine  # noqa: PLC0415
        from safeguard.insight.suppression import publishable  # noqa: PLC0415
        from safeguard.insight.types import DataSet, Period  # noqa: PLC0415

        try:
            call_command("migrate", verbosity=0, interactive=False)
            period = Period.parse(QUARTER)
            clock = time.perf_counter()
            data = generate(args.children, args.events)
            generated_seconds = time.perf_counter() - clock
            clock = time.perf_counter()
            tables = arrow_tables(data)
            to_arrow = time.perf_counter() - clock
            rows = sum(t.num_rows for t in tables.values())
            _progress(f"generated {rows:,} rows in {generated_seconds:.1f} s; COPY into PostgreSQL")
            copies = load_postgres(data)
            _progress(f"COPY done in {sum(copies.values()):.1f} s; engine alone")

            # The engine alone, on the generated Arrow tables (no extract).
            clock = time.perf_counter()
            alone = engine_dataset(engine, publishable, DataSet, period, tables)
            alone_seconds = time.perf_counter() - clock

            # The real path: the extract from PostgreSQL, then the engine over it.
            from safeguard.insight.extract import extract  # noqa: PLC0415

            _progress(f"engine alone {alone_seconds:.2f} s; extract from PostgreSQL")
            clock, cpu = time.perf_counter(), time.process_time()
            extracted = extract(
                until=engine.uk_midnight(period.end).replace(tzinfo=dt.UTC),
                since=engine.window_start(period),
            )
            extract_seconds = time.perf_counter() - clock
            extract_cpu = time.process_time() - cpu
            clock, cpu = time.perf_counter(), time.process_time()
            dataset = engine_dataset(engine, publishable, DataSet, period, extracted.tables)
            engine_seconds = time.perf_counter() - clock
            engine_cpu = time.process_time() - cpu

            _progress(f"extract {extract_seconds:.2f} s, engine {engine_seconds:.2f} s; ORM")
            clock = time.perf_counter()
            orm = orm_figures(period)
            orm_seconds = time.perf_counter() - clock

            ours = engine_figures(dataset)
            generated = engine_figures(alone)
            disagree = {k: (ours[k], orm[k]) for k in orm if ours[k] != orm[k]}
            disagree.update(
                {f"{k} (generated)": (generated[k], orm[k]) for k in orm if generated[k] != orm[k]}
            )
            real_seconds = extract_seconds + engine_seconds

            print(f"Database: {label}")
            print(f"Children: {args.children:,}; event rows: {rows - args.children:,} "
                  f"(contacts {data['sizes']['contacts']:,}, missing {data['sizes']['missing']:,}, "
                  f"screenings {data['sizes']['screenings']:,})")  # fmt: skip
            print(f"Generate (numpy): {generated_seconds:.1f} s; to Arrow: {to_arrow:.1f} s; "
                  f"COPY into PostgreSQL: {sum(copies.values()):.1f} s")  # fmt: skip
            print(f"Extract, PostgreSQL -> Arrow (COPY per table, {extracted.rows:,} rows in the "
                  f"window): {extract_seconds:.2f} s")  # fmt: skip
            print(f"Engine, DuckDB over the extract (every section, {QUARTER}, with suppression): "
                  f"{engine_seconds:.2f} s")  # fmt: skip
            print(f"Extract + engine: {real_seconds:.2f} s")
            # CPU time of this process: what the load on a shared machine does not inflate
            # (DuckDB's threads count; PostgreSQL's own work for the COPY does not).
            print(f"CPU time in this process: extract {extract_cpu:.2f} s, "
                  f"engine {engine_cpu:.2f} s")  # fmt: skip
            print(f"Django ORM aggregates on PostgreSQL (front door, missing, screening): "
                  f"{orm_seconds:.2f} s")  # fmt: skip
            print(f"Ratio (ORM / (extract + engine)): {orm_seconds / real_seconds:.2f}x")
            print(f"Engine alone on the generated Arrow tables: {alone_seconds:.2f} s "
                  f"(ORM / engine alone: {orm_seconds / alone_seconds:.2f}x)")  # fmt: skip
            if disagree:
                print(f"FIGURES DISAGREE: {disagree}")
                sys.exit(1)
            print(
                f"Figures agree: {len(orm)} measures compared (extract + engine, engine on the "
                "generated tables and the ORM)"
            )
        finally:
            if name:
                _drop_database(original, name)


if __name__ == "__main__":
    main()
