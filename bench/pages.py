"""Benchmark the person page: SQL queries per request and median time, by chronology length.

Builds a fresh database (a temporary SQLite file, or a new throw-away database on
the PostgreSQL server that ``DATABASE_URL`` points at), creates one child with 10
relationships, then grows the child's chronology to 10, 100 and 1,000 events and
requests ``/people/<id>/`` with Django's test client, signed in as a practitioner
with two-factor sign-in completed. The page must make the same number of queries
whatever the length of the chronology (it shows 50 events a page).

    python bench/pages.py            # SQLite, or PostgreSQL if DATABASE_URL says so
    python bench/pages.py --both     # SQLite, then PostgreSQL via scripts/with-postgres.sh
    python bench/pages.py --markdown # also print the table as Markdown for docs/performance.md

There is no peer system to compare with, and the output says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10, 100, 1000)
RELATIONSHIPS = 10
REQUESTS = 20
WARM_UP = 3


def _prepare_database(tmp: Path) -> tuple[str, str | None]:
    """Point DATABASE_URL at a fresh database; return its label and, for PostgreSQL, its name."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"safeguard_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
            version = conn.execute("SHOW server_version").fetchone()
        os.environ["DATABASE_URL"] = urlunparse(urlparse(url)._replace(path=f"/{name}"))
        return f"PostgreSQL {version[0] if version else ''}".strip(), name
    path = tmp / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=FULL)", None


def _drop_database(original_url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(original_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build(practitioner_password: str) -> tuple[Any, Any, Any]:
    """One agency, one practitioner with a confirmed authenticator, one child with 10 relatives."""
    import datetime as dt

    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core.models import Agency, AgencyKind, Role, User
    from safeguard.core.services import roles_set_at_set_up
    from safeguard.people import services
    from safeguard.people.models import RelationshipKind

    call_command("migrate", verbosity=0, interactive=False)
    agency = Agency.objects.create(
        slug="bench-csc", name="Bench Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    user = User.objects.create_user(
        username="bench.worker", password=practitioner_password, agency=agency
    )
    roles_set_at_set_up(user=user, codes=[Role.PRACTITIONER])
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    child = services.person_create(
        by=user,
        given_name="Ava",
        family_name="Benchmark",
        date_of_birth=dt.date(2013, 4, 9),
        postcode="YO24 3AB",
        address_line_1="1 Example Street",
    )
    kinds = [RelationshipKind.PARENT, RelationshipKind.CARER, RelationshipKind.SIBLING]
    relatives = []
    for n in range(RELATIONSHIPS):
        relative = services.person_create(
            by=user,
            given_name=f"Relative{n}",
            family_name="Benchmark",
            date_of_birth=dt.date(1985 + n, 1, 1),
        )
        services.relationship_add(by=user, person=relative, other=child, kind=kinds[n % len(kinds)])
        relatives.append(relative)
    services.household_create(by=user, name="Benchmark household", members=[child, *relatives[:3]])
    return user, device, child


def _grow_chronology(child: Any, agency: Any, total: int) -> None:
    """Top the chronology up to ``total`` events (bulk insert: this is set-up, not the measure)."""
    import datetime as dt

    from django.utils import timezone

    from safeguard.people.models import ChronologyEvent

    have = ChronologyEvent.objects.filter(person=child).count()
    start = timezone.now() - dt.timedelta(days=3 * total)
    categories = [c for c, _ in ChronologyEvent.Category.choices]
    ChronologyEvent.objects.bulk_create(
        ChronologyEvent(
            person=child,
            occurred_at=start + dt.timedelta(days=3 * n, hours=n % 24),
            category=categories[n % len(categories)],
            title=f"Event {n}",
            detail="A synthetic chronology entry for the benchmark.",
            agency=agency,
        )
        for n in range(have, total)
    )


def _signed_in_client(user: Any, device: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def measure() -> dict[str, Any]:
    """Build the data and measure the person page at each chronology size."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    label, pg_name = _prepare_database(tmp)
    try:
        import django

        django.setup()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from safeguard.people.models import ChronologyEvent

        user, device, child = _build("bench-password-not-secret")
        client = _signed_in_client(user, device)
        url = f"/people/{child.pk}/"
        rows = []
        for size in SIZES:
            _grow_chronology(child, user.agency, size)
            if ChronologyEvent.objects.filter(person=child).count() != size:
                raise SystemExit(f"expected {size} chronology events")
            for _ in range(WARM_UP):
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            # Count now: the captured list is a view of the connection's log,
            # which the next request clears.
            query_count = len(captured.captured_queries)
            times, cpu_times = [], []
            for _ in range(REQUESTS):
                began, began_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                times.append((time.perf_counter() - began) * 1000)
                cpu_times.append((time.process_time() - began_cpu) * 1000)
            rows.append(
                {
                    "events": size,
                    "queries": query_count,
                    "median_ms": round(statistics.median(times), 1),
                    "p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1], 1),
                    "cpu_ms": round(statistics.median(cpu_times), 1),
                }
            )
        return {
            "database": label,
            "relationships": RELATIONSHIPS,
            "requests": REQUESTS,
            "rows": rows,
        }
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def print_table(results: list[dict[str, Any]], *, markdown: bool) -> None:
    """Print the figures as a plain table (and as Markdown when asked)."""
    print(
        f"Person page /people/<id>/, {RELATIONSHIPS} relationships, median of {REQUESTS} requests"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load}"
    )
    print(
        "Times are wall clock per request; CPU ms is this process only (not the database server)."
    )
    print(
        f"{'database':<42} {'events':>7} {'queries':>8} {'median ms':>10} {'p90 ms':>8} {'CPU ms':>7}"
    )
    for result in results:
        for row in result["rows"]:
            print(
                f"{result['database']:<42} {row['events']:>7,} {row['queries']:>8} "
                f"{row['median_ms']:>10} {row['p90_ms']:>8} {row['cpu_ms']:>7}"
            )
        counts = {row["queries"] for row in result["rows"]}
        verdict = "constant" if len(counts) == 1 else "GROWS with the chronology"
        print(f"{result['database']}: queries per request {verdict}")
    print("peer: none (no comparable open-source safeguarding records system to run beside it)")
    if markdown:
        print()
        print(
            "| Database | Chronology events | SQL queries per request | Median (ms) "
            "| 90th percentile (ms) | Median CPU, web process (ms) |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for result in results:
            for row in result["rows"]:
                print(
                    f"| {result['database']} | {row['events']:,} | {row['queries']} "
                    f"| {row['median_ms']} | {row['p90_ms']} | {row['cpu_ms']} |"
                )


def _run_child(command: list[str]) -> dict[str, Any] | None:
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    sys.stderr.write(completed.stdout + completed.stderr)
    return None


def main() -> None:
    """Parse the options and run the benchmark once, or on both databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
        return
    if not args.both:
        print_table([measure()], markdown=args.markdown)
        return
    me = [sys.executable, str(Path(__file__).resolve()), "--json"]
    env_sqlite = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results = []
    sqlite = subprocess.run(
        me, cwd=ROOT, capture_output=True, text=True, check=False, env=env_sqlite
    )
    if sqlite.returncode == 0:
        results.append(json.loads(sqlite.stdout.strip().splitlines()[-1]))
    else:
        sys.stderr.write(sqlite.stdout + sqlite.stderr)
    postgres = _run_child(["bash", str(ROOT / "scripts" / "with-postgres.sh"), *me])
    if postgres is not None:
        results.append(postgres)
    else:
        print("PostgreSQL: not available (see the error above)", file=sys.stderr)
    print_table(results, markdown=args.markdown)


if __name__ == "__main__":
    main()
