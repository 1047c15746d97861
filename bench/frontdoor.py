"""Benchmark the front door: 10,000 concerns through the partner API, then the MASH queue page.

Builds a fresh database (a temporary SQLite file, or a new throw-away database on
the PostgreSQL server in ``DATABASE_URL``), makes a partner token for a school and
submits ``--concerns`` concerns (10,000 by default) to ``POST
/api/v1/frontdoor/concerns`` with Django's test client through the whole
middleware stack. Each concern names a new child (a record is created, the MASH
is given access, the child's chronology and the audit log are written, a receipt
is emailed to the in-memory outbox). It then leaves 1,000 contacts open (the rest
are marked decided directly in the database) and requests the Multi-Agency
Safeguarding Hub (MASH) queue page ``/mash/`` signed in as a MASH worker.

    python bench/frontdoor.py                 # SQLite, or PostgreSQL if DATABASE_URL says so
    python bench/frontdoor.py --both          # SQLite, then PostgreSQL via scripts/with-postgres.sh
    python bench/frontdoor.py --concerns 2000 # fewer concerns (the queue still has 1,000 open)

Printed: throughput (concerns a second), SQL queries per API request, SQL queries
per queue page, and the median and 90th percentile of 20 queue requests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
OPEN = 1_000
REQUESTS = 20
WARM_UP = 3

from pages import _drop_database, _prepare_database  # noqa: E402

GIVEN = (
    "Ava Noah Isla Leo Mia Theo Freya Kai Ruby Omar Zara Finley Aisha Reece Niamh Callum".split()
)
FAMILY = "Smith Jones Brown Khan Nowak Kelly Shaw Lister Metcalfe Hodgson Barker Ackroyd Pickering".split()


def _concern(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "children": [
            {
                "given_name": rng.choice(GIVEN),
                "family_name": f"{rng.choice(FAMILY)}{n}",
                "date_of_birth": f"{rng.randrange(2008, 2024)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}",
            }
        ],
        "categories": rng.sample(["neglect", "domestic_abuse", "self_harm", "going_missing"], k=2),
        "what_happened": "Arrived at school hungry and withdrawn.",
        "child_voice": "Said there is never any food at home.",
        "consent": "given",
        "referrer_name": "Bench Referrer",
        "referrer_email": "bench@example.invalid",
    }


def measure(concerns: int) -> dict[str, Any]:
    """Submit the concerns, open 1,000 of them, time the queue page."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-frontdoor-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    os.environ["EMAIL_URL"] = "memorymail://"
    label, pg_name = _prepare_database(tmp)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        settings.DEMO_MODE = True  # the queue page without a second factor in the bench client
        call_command("migrate", verbosity=0, interactive=False)
        from safeguard.api.services import partner_token_create
        from safeguard.core.models import Agency, AgencyKind, Role, User
        from safeguard.core.services import roles_set_at_set_up
        from safeguard.frontdoor.models import Contact, ContactStatus

        school = Agency.objects.create(
            slug="bench-school", name="Bench School", kind=AgencyKind.EDUCATION_SCHOOL
        )
        Agency.objects.create(
            slug="bench-mash",
            name="Bench MASH",
            kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            is_mash=True,
        )
        _, token = partner_token_create(by=None, agency=school, name="Bench MIS")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        rng = random.Random(1)

        def submit(n: int) -> None:
            response = api.post(
                "/api/v1/frontdoor/concerns",
                json.dumps(_concern(rng, n)),
                content_type="application/json",
            )
            if response.status_code != 201:
                raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")

        with CaptureQueriesContext(connection) as captured:
            submit(0)
        api_queries = len(captured.captured_queries)
        began = time.perf_counter()
        for n in range(1, concerns):
            submit(n)
        elapsed = time.perf_counter() - began
        throughput = (concerns - 1) / elapsed

        keep = list(Contact.objects.order_by("-pk").values_list("pk", flat=True)[:OPEN])
        Contact.objects.exclude(pk__in=keep).update(status=ContactStatus.DECIDED)
        open_count = Contact.objects.filter(status=ContactStatus.RECEIVED).count()

        mash = Agency.objects.get(slug="bench-mash")
        worker = User.objects.create(username="bench.mash", agency=mash)
        roles_set_at_set_up(user=worker, codes=[Role.MASH_WORKER])
        web = Client()
        web.force_login(worker)
        for _ in range(WARM_UP):
            if web.get("/mash/").status_code != 200:
                raise SystemExit("/mash/ did not answer 200")
        with CaptureQueriesContext(connection) as captured:
            web.get("/mash/")
        page_queries = len(captured.captured_queries)
        times = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            web.get("/mash/")
            times.append((time.perf_counter() - t0) * 1000)
        return {
            "database": label,
            "concerns": concerns,
            "throughput_per_s": round(throughput, 1),
            "api_queries": api_queries,
            "open_contacts": open_count,
            "page_queries": page_queries,
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(sorted(times)[int(len(times) * 0.9) - 1], 1),
        }
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def print_table(results: list[dict[str, Any]]) -> None:
    """Print the figures as a Markdown table."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}"
    )
    print(
        "| Database | Concerns via API | Concerns a second | SQL queries per API request "
        "| Open contacts | SQL queries, queue page | Queue median (ms) | Queue p90 (ms) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['database']} | {r['concerns']:,} | {r['throughput_per_s']} | {r['api_queries']} "
            f"| {r['open_contacts']:,} | {r['page_queries']} | {r['median_ms']} | {r['p90_ms']} |"
        )
    print("peer: none (no comparable open-source safeguarding front door to run beside it)")


def main() -> None:
    """Run once, or on both databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concerns", type=int, default=10_000)
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.concerns)))
        return
    if not args.both:
        print_table([measure(args.concerns)])
        return
    me = [sys.executable, str(Path(__file__).resolve()), "--json", "--concerns", str(args.concerns)]
    results = []
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    for command in (me, ["bash", str(ROOT / "scripts" / "with-postgres.sh"), *me]):
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, check=False, env=env
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if lines:
            results.append(json.loads(lines[-1]))
        else:
            sys.stderr.write(done.stdout + done.stderr)
    print_table(results)


if __name__ == "__main__":
    main()
