"""Benchmark the audit chain at 10,000 and 100,000 events: append and verify, beside the plain way.

Builds a fresh database (a temporary SQLite file, or a throw-away database on the
PostgreSQL server in ``DATABASE_URL``; ``--both`` runs SQLite then PostgreSQL via
``scripts/with-postgres.sh``) and, for each size:

- **append, ours**: ``audit_record_many`` in transactions of 50 events (one list
  page's worth: the chain lock, read the newest hash, SHA-256 each event, insert);
- **append, the straightforward alternative**: the same rows with no chain (no
  lock, no previous-hash read, no hashing) inserted 50 to a transaction into a
  scratch table of the same shape: what an unchained audit log costs;
- **verify, ours**: ``verify_chain()`` (what ``safeguard verify_audit`` runs): keyset
  batches of 2,000 rows by id, recomputing every hash;
- **verify, the straightforward alternative**: the obvious loop over
  ``AuditEvent.objects.order_by("sequence")``, recomputing every hash, with all
  rows loaded at once; its peak memory is the difference.

Each verification runs twice, alternating with the other; the better time counts
(the first pass also warms the caches).

With ``--lists`` it measures instead what a list page costs the audit (issue 19: an
audit that scales): REQUESTS list requests each showing SHOWN children, written

- **before**: one event per child shown (what every list page did until November
  2026: ``audit_record_many`` with one ``LIST`` entry per child), and
- **after**: ``people_listed_record``, one event naming every child shown (an
  ``AuditSubject`` row per child, hashed into the chain),

reporting events, rows and bytes (the audit tables and their indexes) per request,
milliseconds per request, and ``verify_chain`` over the result.

    python bench/audit.py                 # SQLite, or PostgreSQL if DATABASE_URL says so
    python bench/audit.py --both --markdown
    python bench/audit.py --sizes 10000   # a shorter run
    python bench/audit.py --lists --both --markdown   # before/after per list request
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import ROOT, _drop_database, _prepare_database  # noqa: E402

PAGE = 50


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _append_ours(user: Any, count: int) -> float:
    from safeguard.core.audit import AuditEntry, audit_record_many
    from safeguard.core.models import AuditAction
    from safeguard.people.events import PeopleEvent

    began = time.perf_counter()
    for start in range(0, count, PAGE):
        audit_record_many(
            by=user,
            entries=[
                AuditEntry(
                    action=AuditAction.LIST,
                    object_type=PeopleEvent.PERSON,
                    object_id=str(uuid.uuid4()),
                    person_id=uuid.uuid4(),
                    changes={"page": "search", "position": i},
                )
                for i in range(start, min(start + PAGE, count))
            ],
        )
    return time.perf_counter() - began


def _append_plain(user: Any, count: int) -> float:
    """The same columns, no chain: 50 plain INSERTs a transaction into a scratch table."""
    from django.db import connection, transaction
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_audit")
        cursor.execute(
            "CREATE TABLE bench_plain_audit AS SELECT * FROM core_auditevent WHERE 1 = 0"
        )
    columns = (
        "id, sequence, occurred_at, actor_id, actor_username, agency_id, agency_name, action, "
        "object_type, object_id, person_id, changes, reason, request_id, outcome, previous_hash, hash"
    )
    placeholders = ", ".join(["%s"] * 17)
    sql = f"INSERT INTO bench_plain_audit ({columns}) VALUES ({placeholders})"  # noqa: S608

    def person_value() -> Any:
        return uuid.uuid4() if connection.vendor == "postgresql" else uuid.uuid4().hex

    began = time.perf_counter()
    for start in range(0, count, PAGE):
        now = timezone.now()
        rows = [
            (
                i + 1,
                i + 1,
                now,
                user.pk,
                user.username,
                user.agency_id,
                "",
                "list",
                "person",
                str(uuid.uuid4()),
                person_value(),
                json.dumps({"page": "search", "position": i}),
                "",
                "",
                "ok",
                "",
                "",
            )
            for i in range(start, min(start + PAGE, count))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    return time.perf_counter() - began


def _verify_plain() -> tuple[int, bool]:
    """The straightforward verification: every row at once, in sequence order."""
    from safeguard.core.audit import GENESIS_HASH, event_hash
    from safeguard.core.models import AuditEvent

    previous = GENESIS_HASH
    count = 0
    intact = True
    for event in list(AuditEvent.objects.order_by("sequence")):
        if event.previous_hash != previous or event_hash(previous, event) != event.hash:
            intact = False
            break
        previous = event.hash
        count += 1
    return count, intact


def measure(sizes: list[int]) -> dict[str, Any]:
    """Append and verify at each size (cumulative: the chain grows to each size in turn)."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-audit-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    label, pg_name = _prepare_database(tmp)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from safeguard.core.audit import verify_chain
        from safeguard.core.models import Agency, AgencyKind, AuditEvent, Role, User

        call_command("migrate", verbosity=0, interactive=False)
        agency = Agency.objects.create(
            name="Bench Council", slug="bench-council", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
        )
        user = User.objects.create_user(username="bench.worker", password=None, agency=agency)
        user.roles.set(Role.objects.filter(code=Role.PRACTITIONER))
        rows = []
        for size in sizes:
            have = AuditEvent.objects.count()
            append_ours = _append_ours(user, size - have)
            append_plain = _append_plain(user, size - have)
            # Each way twice, alternating, best of two: the first pass also warms the caches.
            rss_before = _rss_mib()
            rss_ours = rss_before
            ours_times: list[float] = []
            plain_times: list[float] = []
            for _ in range(2):
                began = time.perf_counter()
                count, problem = verify_chain()
                ours_times.append(time.perf_counter() - began)
                if not plain_times:
                    rss_ours = _rss_mib()
                began = time.perf_counter()
                plain_count, plain_intact = _verify_plain()
                plain_times.append(time.perf_counter() - began)
            verify_ours, verify_plain = min(ours_times), min(plain_times)
            rss_plain = _rss_mib()
            if problem is not None or count != size or plain_count != size or not plain_intact:
                raise SystemExit(f"chain not intact at {size}: {problem}")
            appended = size - have
            rows.append(
                {
                    "events": size,
                    "appended": appended,
                    "append_ours_per_s": round(appended / append_ours),
                    "append_plain_per_s": round(appended / append_plain),
                    "verify_ours_s": round(verify_ours, 2),
                    "verify_plain_s": round(verify_plain, 2),
                    "verify_ours_per_s": round(size / verify_ours),
                    "peak_rss_mib_after_ours": round(max(rss_before, rss_ours)),
                    "peak_rss_mib_after_plain": round(rss_plain),
                }
            )
        return {"database": label, "rows": rows}
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def _audit_bytes() -> int:
    """Bytes the audit tables and their indexes take (SQLite: the whole file's pages in use)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('core_auditevent') "
                "+ pg_total_relation_size('core_auditsubject')"
            )
            return int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_count")
        pages = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA freelist_count")
        pages -= int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        return pages * int(cursor.fetchone()[0])


def _list_before(user: Any, people: list[uuid.UUID]) -> None:
    from safeguard.core.audit import AuditEntry, audit_record_many
    from safeguard.core.models import AuditAction
    from safeguard.people.events import PeopleEvent

    audit_record_many(
        by=user,
        entries=[
            AuditEntry(
                action=AuditAction.LIST,
                object_type=PeopleEvent.SEARCH_RESULT,
                object_id=str(pid),
                person_id=pid,
            )
            for pid in people
        ],
    )


def _list_after(user: Any, people: list[uuid.UUID]) -> None:
    from safeguard.people.events import PeopleEvent
    from safeguard.people.services import people_listed_record

    people_listed_record(by=user, person_ids=people, context=PeopleEvent.SEARCH_RESULT)


def measure_lists(requests: int, shown: int) -> dict[str, Any]:
    """REQUESTS list requests of SHOWN children each, written the old way then the new."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-audit-lists-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    label, pg_name = _prepare_database(tmp)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from safeguard.core.audit import verify_chain
        from safeguard.core.models import Agency, AgencyKind, AuditEvent, AuditSubject, Role, User

        call_command("migrate", verbosity=0, interactive=False)
        agency = Agency.objects.create(
            name="Bench Council", slug="bench-council", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
        )
        user = User.objects.create_user(username="bench.worker", password=None, agency=agency)
        user.roles.set(Role.objects.filter(code=Role.PRACTITIONER))
        children = [uuid.uuid4() for _ in range(shown * 10)]
        rows = []
        for way, write in (("before", _list_before), ("after", _list_after)):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE core_auditevent")
            events_before = AuditEvent.objects.count()
            subjects_before = AuditSubject.objects.count()
            bytes_before = _audit_bytes()
            began = time.perf_counter()
            for i in range(requests):
                start = (i * shown) % len(children)
                write(user, (children + children)[start : start + shown])
            seconds = time.perf_counter() - began
            events = AuditEvent.objects.count() - events_before
            subjects = AuditSubject.objects.count() - subjects_before
            rows.append(
                {
                    "way": way,
                    "requests": requests,
                    "shown": shown,
                    "events_per_request": round(events / requests, 2),
                    "subject_rows_per_request": round(subjects / requests, 2),
                    "bytes_per_request": round((_audit_bytes() - bytes_before) / requests),
                    "ms_per_request": round(1000 * seconds / requests, 2),
                }
            )
        began = time.perf_counter()
        count, problem = verify_chain()
        verify_seconds = time.perf_counter() - began
        if problem is not None:
            raise SystemExit(f"chain not intact: {problem}")
        return {
            "database": label,
            "lists": rows,
            "verified": count,
            "verify_s": round(verify_seconds, 2),
        }
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def print_lists(results: list[dict[str, Any]], *, markdown: bool) -> None:
    """Before beside after, per list request."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        "Audit cost of a list request, one event per child shown (before) and one event per "
        f"list (after). Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, load average {load}"
    )
    print(
        "| Database | Way | Requests x children shown | Events / request | Name rows / request | "
        "Bytes / request | ms / request | Chain verified (events, s) |"
    )
    if markdown:
        print("|---|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        for r in result["lists"]:
            print(
                f"| {result['database']} | {r['way']} | {r['requests']} x {r['shown']} | "
                f"{r['events_per_request']} | {r['subject_rows_per_request']} | "
                f"{r['bytes_per_request']:,} | {r['ms_per_request']} | "
                f"{result['verified']:,}, {result['verify_s']} |"
            )


def print_table(results: list[dict[str, Any]], *, markdown: bool) -> None:
    """Print ours beside the straightforward alternative."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Audit chain: append ({PAGE} events a transaction) and verify. Machine: {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}"
    )
    header = (
        "| Database | Events | Append, ours (events/s) | Append, no chain (events/s) | "
        "Verify, ours (s) | Verify, all rows at once (s) | Peak RSS after ours / after all-at-once (MiB) |"
    )
    print(header)
    if markdown:
        print("|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        for r in result["rows"]:
            print(
                f"| {result['database']} | {r['events']:,} | {r['append_ours_per_s']:,} | "
                f"{r['append_plain_per_s']:,} | {r['verify_ours_s']} | {r['verify_plain_s']} | "
                f"{r['peak_rss_mib_after_ours']} / {r['peak_rss_mib_after_plain']} |"
            )
    print("peer: the straightforward alternative in the same run (no comparable system exists)")


def _run_child(command: list[str]) -> dict[str, Any] | None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT ") :]))
    print(done.stdout, done.stderr, file=sys.stderr)
    return None


def main() -> None:
    """Measure; with --both, SQLite then PostgreSQL in child processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one RESULT line (for --both)")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--lists", action="store_true", help="before/after per list request")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--shown", type=int, default=20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.both:
        me = [sys.executable, __file__, "--json", "--sizes", args.sizes]
        if args.lists:
            me += ["--lists", "--requests", str(args.requests), "--shown", str(args.shown)]
        env_sqlite = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        results = []
        for command, env in (
            (me, env_sqlite),
            (["bash", str(ROOT / "scripts" / "with-postgres.sh"), *me], env_sqlite),
        ):
            done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
            found = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
            if not found:
                print(done.stdout, done.stderr, file=sys.stderr)
                raise SystemExit(1)
            results.append(json.loads(found[-1][len("RESULT ") :]))
        (print_lists if args.lists else print_table)(results, markdown=args.markdown)
        return
    result = measure_lists(args.requests, args.shown) if args.lists else measure(sizes)
    if args.json:
        print("RESULT " + json.dumps(result))
    else:
        (print_lists if args.lists else print_table)([result], markdown=args.markdown)


if __name__ == "__main__":
    main()
