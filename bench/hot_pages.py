"""Profile the hot pages on a prepared database: SQL queries, time, the slowest queries.

Works on the database in ``DATABASE_URL`` as it is (the demo at 20,000 children in a
prepared PostgreSQL data directory, docs/performance.md; run it under
``bench/load_prepared.sh DATA_DIR --run bench/hot_pages.py`` so the prepared directory
is never written). Signs in the demo's MASH worker and social worker with Django's test
client (two factors completed) and requests each hot page the load test uses: a child's
page (the visible child with the longest chronology), search by the commonest family
name, the MASH queue, the early help list, My work, the team queues (the list and each
user's busiest team), and report a concern (its start and its search for a child). For
each: the SQL queries of one request, the median and worst of ``--requests`` requests after one
warm-up, the share of the time spent in SQL, and the slowest statements.

    python bench/hot_pages.py [--requests 5] [--slowest 3] [--profile "search"] [--json]

``--profile NAME`` also prints the cProfile of one request to that page (Safeguard's
25 functions by cumulative time, and the 15 functions with the most time of their own).
peer: none (this is Safeguard's own pages, profiled).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _client(username: str) -> tuple[Any, Any]:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, user


def _pages() -> list[tuple[str, str, str]]:
    """(name, username, path) for each hot page, chosen from the data as it is."""
    from django.db.models import Count

    from safeguard.core.models import Team, TeamMembership, User
    from safeguard.people.access import people_visible_to
    from safeguard.people.models import ChronologyEvent, Person

    social = User.objects.get(username="social.worker")
    visible = people_visible_to(social)
    busiest = (
        ChronologyEvent.objects.filter(person__in=visible)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    person_id = busiest["person_id"] if busiest else visible.values_list("pk", flat=True)[0]
    common = (
        Person.objects.filter(pk__in=visible.values("pk"))
        .values("family_name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    name = common["family_name"] if common else "Smith"
    pages = [
        ("person page", "social.worker", f"/people/{person_id}/"),
        ("search", "social.worker", f"/people/?q={name}"),
        ("search (MASH)", "mash.worker", f"/people/?q={name}"),
        ("MASH queue", "mash.worker", "/mash/"),
        ("early help list", "social.worker", "/early-help/"),
        ("My work", "social.worker", "/"),
        ("My work (MASH)", "mash.worker", "/"),
        ("team queues", "social.worker", "/work/"),
        ("report a concern", "social.worker", "/report/"),
        ("report a concern: find a child", "social.worker", f"/report/children/?q={name}"),
    ]
    for username in ("social.worker", "mash.worker"):
        team = (
            Team.objects.filter(
                pk__in=TeamMembership.objects.filter(user__username=username).values("team_id")
            )
            .annotate(n=Count("work_items"))
            .order_by("-n")
            .first()
        )
        if team is not None:
            pages.append((f"team queue ({username})", username, f"/work/teams/{team.slug}/"))
    return pages


def _one(client: Any, path: str) -> tuple[float, int, float, list[tuple[float, str]], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(path)
        took = time.perf_counter() - began
    timed = [(float(q.get("time") or 0), q["sql"]) for q in captured.captured_queries]
    sql = sum(t for t, _ in timed)
    return took, len(timed), sql, sorted(timed, reverse=True), response.status_code


def measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each page: queries, median and worst time, SQL time, the slowest statements."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    django.setup()
    clients: dict[str, Any] = {}
    results = []
    for name, username, path in _pages():
        if username not in clients:
            clients[username] = _client(username)[0]
        client = clients[username]
        _one(client, path)  # warm-up
        runs = [_one(client, path) for _ in range(args.requests)]
        times = [r[0] * 1000 for r in runs]
        slowest = runs[-1][3][: args.slowest]
        results.append(
            {
                "page": name,
                "user": username,
                "path": path,
                "status": runs[-1][4],
                "queries": runs[-1][1],
                "median_ms": round(statistics.median(times), 1),
                "worst_ms": round(max(times), 1),
                "sql_ms": round(statistics.median(r[2] * 1000 for r in runs), 1),
                "slowest": [(round(t * 1000, 1), sql[:300]) for t, sql in slowest],
            }
        )
        if args.profile and args.profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(path)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats("safeguard/", 25)
            stats.sort_stats("tottime").print_stats(15)
            results[-1]["profile"] = out.getvalue()
    return results


def main() -> None:
    """Print the table (and the slowest statements) for the database in DATABASE_URL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=3)
    parser.add_argument("--profile", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL must point at the prepared database")
    os.environ.pop("SAFEGUARD_ENV", None)
    results = measure(args)
    if args.json:
        print(json.dumps(results))  # noqa: T201
    print(  # noqa: T201
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
        "| Page | Status | SQL queries | Median (ms) | Worst (ms) | SQL (ms) |\n"
        "|---|---:|---:|---:|---:|---:|"
    )
    for r in results:
        print(  # noqa: T201
            f"| {r['page']} | {r['status']} | {r['queries']} | {r['median_ms']} | "
            f"{r['worst_ms']} | {r['sql_ms']} |"
        )
    for r in results:
        print(f"\n{r['page']} ({r['path']}):")  # noqa: T201
        for ms, sql in r["slowest"]:
            print(f"  {ms:8.1f} ms  {sql}")  # noqa: T201
        if "profile" in r:
            print(r["profile"])  # noqa: T201
    print("peer: none")  # noqa: T201


if __name__ == "__main__":
    main()
