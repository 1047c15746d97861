"""Benchmark the team queue and My work: SQL queries per request and median time, by queue size.

Builds a fresh database (a temporary SQLite file, or a throw-away database on the
PostgreSQL server ``DATABASE_URL`` points at), one Multi-Agency Safeguarding Hub
(MASH) team with a manager and a worker, and children the team works with. It
fills the team's queue to 100 and then 10,000 open work items (a mix of
priorities and due moments, a tenth of them overdue) and requests the team queue
``/work/teams/<slug>/`` and My work ``/`` signed in as the worker.

Beside our pages it times the straightforward alternative in the same run: load
every open item, sort it in Python (overdue, priority, due), and ask the access
rule about each child one by one, which is what a page without the database
ordering, paging and one-query name check would do.

    python bench/queues.py            # SQLite, or PostgreSQL if DATABASE_URL says so
    python bench/queues.py --both     # SQLite, then PostgreSQL via scripts/with-postgres.sh
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import _drop_database, _prepare_database, _run_child, _signed_in_client  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 10_000)
CHILDREN = 500
REQUESTS = 10
WARM_UP = 2


def _build() -> tuple[Any, Any, Any, list[Any]]:
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core.models import Agency, AgencyKind, Role, Team, TeamMembership, User
    from safeguard.core.services import roles_set_at_set_up
    from safeguard.people.models import Involvement, Person

    call_command("migrate", verbosity=0, interactive=False)
    agency = Agency.objects.create(
        slug="bench-mash",
        name="Bench Safeguarding Hub",
        kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        is_mash=True,
    )
    worker = User.objects.create_user(username="bench.worker", agency=agency)
    worker.set_unusable_password()
    worker.save()
    roles_set_at_set_up(user=worker, codes=[Role.MASH_WORKER])
    device = TOTPDevice.objects.create(user=worker, name="Authenticator app", confirmed=True)
    team = Team.objects.create(
        agency=agency, slug="bench-mash-team", name="Bench hub team", purpose="mash"
    )
    today = timezone.localdate()
    TeamMembership.objects.create(team=team, user=worker, since=today)
    children = Person.objects.bulk_create(
        Person(given_name=f"Child{n}", family_name="Benchmark", date_of_birth=dt.date(2012, 1, 1))
        for n in range(CHILDREN)
    )
    Involvement.objects.bulk_create(
        Involvement(person=child, agency=agency, started=today) for child in children
    )
    return worker, device, team, children


def _fill(team: Any, children: list[Any], total: int) -> None:
    import datetime as dt
    import random

    from django.utils import timezone

    from safeguard.work.models import WorkItem

    have = WorkItem.objects.filter(team=team).count()
    rng = random.Random(total)
    now = timezone.now()
    WorkItem.objects.bulk_create(
        WorkItem(
            team=team,
            kind="other",
            title=f"Benchmark work {n}",
            person=children[n % len(children)],
            subject_type="person",
            subject_id=str(children[n % len(children)].pk),
            subject_label=f"Item {n}",
            due_at=now + dt.timedelta(hours=rng.randint(-24, 216)),
            clock="working_days",
            priority=rng.choice([1, 2, 3, 3, 3]),
        )
        for n in range(have, total)
    )


def _time(call: Any) -> tuple[float, float]:
    times = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(times), 1), round(sorted(times)[int(len(times) * 0.9) - 1], 1)


def _naive(user: Any, team: Any) -> int:
    """The straightforward alternative: everything into Python, one access check per child."""
    from django.utils import timezone

    from safeguard.people.access import can_view_person
    from safeguard.work.models import WorkItem

    now = timezone.now()
    items = list(WorkItem.objects.open().filter(team=team).select_related("person", "assignee"))
    items.sort(key=lambda i: (0 if i.due_at < now else 1, i.priority, i.due_at))
    return sum(1 for i in items if i.person_id and can_view_person(user, i.person))


def measure() -> dict[str, Any]:
    """Build the data and measure both pages, and the alternative, at each queue size."""
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

        # Count every query of the alternative, past Django's default log limit of 9,000.
        connection.queries_limit = 1_000_000
        worker, device, team, children = _build()
        client = _signed_in_client(worker, device)
        rows = []
        for size in SIZES:
            _fill(team, children, size)
            for name, url in (("team queue", f"/work/teams/{team.slug}/"), ("My work", "/")):
                for _ in range(WARM_UP):
                    response = client.get(url)
                    if response.status_code != 200:
                        raise SystemExit(f"{url} answered {response.status_code}")
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                queries = len(captured.captured_queries)
                median, p90 = _time(lambda url=url: client.get(url))
                rows.append(
                    {
                        "page": name,
                        "items": size,
                        "queries": queries,
                        "median_ms": median,
                        "p90_ms": p90,
                    }
                )
            with CaptureQueriesContext(connection) as captured:
                _naive(worker, team)
            queries = len(captured.captured_queries)
            median, p90 = _time(lambda: _naive(worker, team))
            rows.append(
                {
                    "page": "alternative: all in Python",
                    "items": size,
                    "queries": queries,
                    "median_ms": median,
                    "p90_ms": p90,
                }
            )
        return {"database": label, "requests": REQUESTS, "rows": rows}
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def print_table(results: list[dict[str, Any]]) -> None:
    """Print the figures as a table, ours beside the alternative."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Team queue and My work, median of {REQUESTS} requests; {CHILDREN} children")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load}"
    )
    print(
        f"{'database':<36} {'page':<28} {'open items':>10} {'queries':>8} {'median ms':>10} {'p90 ms':>8}"
    )
    for result in results:
        for row in result["rows"]:
            print(
                f"{result['database']:<36} {row['page']:<28} {row['items']:>10,} "
                f"{row['queries']:>8} {row['median_ms']:>10} {row['p90_ms']:>8}"
            )
        for page in ("team queue", "My work"):
            counts = {r["queries"] for r in result["rows"] if r["page"] == page}
            verdict = "constant" if len(counts) == 1 else "GROWS with the queue"
            print(f"{result['database']}: {page} queries per request {verdict}")


def main() -> None:
    """Parse the options and run once, or on both databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--json", action="store_true", help="print one JSON line (internal)")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure()))
        return
    if not args.both:
        print_table([measure()])
        return
    results = []
    sqlite_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    os.environ.clear()
    os.environ.update(sqlite_env)
    result = _run_child([sys.executable, __file__, "--json"])
    if result:
        results.append(result)
    result = _run_child(["bash", "scripts/with-postgres.sh", sys.executable, __file__, "--json"])
    if result:
        results.append(result)
    print_table(results)


if __name__ == "__main__":
    main()
