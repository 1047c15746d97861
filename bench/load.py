"""Load test: locust against ``safeguard serve`` (production settings), beside the issue 19 baseline.

Builds a fresh database (a temporary SQLite file, or a throw-away database on the
PostgreSQL server in ``DATABASE_URL``; ``--postgres`` starts one through
``scripts/with-postgres.sh``), loads the demo partnership (``seed_demo``), makes one
account per simulated user (half MASH workers, half social workers, each with a
confirmed authenticator app) and a partner API token, starts ``safeguard serve``
(gunicorn, ``--workers``) on loopback with production settings, and runs locust
headless (``bench/locustfile.py``) for a bounded time with a bounded number of users.

Prints p50, p95 and p99 latency, throughput and errors, overall and per request
type, the audit events written during the run, and the baseline measured for issue 19.

    python bench/load.py --postgres --children 2000 --users 50 --run-time 120   (make bench-load)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import ROOT, _drop_database, _prepare_database  # noqa: E402

HOST = "load.example-partnership.org.uk"
PASSWORD = "load-bench-password-" + "x" * 12  # noqa: S105 (synthetic accounts on a throw-away database)
BASELINE = {
    "label": "issue 19 baseline (PostgreSQL, 20,000 children, 4 workers, 50 users)",
    "rps": 27.6,
    "errors": 0,
    "p50_ms": 450,
    "p95_ms": 1200,
    "person_page_p50_ms": 660,
    "search_p50_ms": 890,
    "sign_in_p50_ms": 3600,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accounts(users: int, setup_path: Path) -> None:
    """Bench accounts (with authenticator keys), what each may open, and a partner token."""
    from django.db.models import Count
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.api.services import partner_token_create
    from safeguard.core.models import Agency, Team, TeamMembership, User
    from safeguard.core.services import roles_set_at_set_up
    from safeguard.frontdoor.categories import CATEGORIES
    from safeguard.people.access import people_visible_to

    templates = [
        User.objects.get(username="mash.worker"),
        User.objects.get(username="social.worker"),
    ]
    accounts = []
    for i in range(users):
        template = templates[i % 2]
        # Idempotent, so a prepared database (--existing) can be used again and again.
        user, _ = User.objects.get_or_create(
            username=f"load.{i:03d}", defaults={"agency": template.agency}
        )
        user.agency = template.agency
        user.set_password(PASSWORD)
        user.save()
        # Approved at set-up, as the demo's own accounts (roles needing a second
        # administrator's approval grant nothing until approved: every page was a 404).
        roles_set_at_set_up(user=user, codes=set(template.roles.values_list("code", flat=True)))
        # In the template's busiest team, so the team queue is one of the pages it opens.
        team = (
            Team.objects.filter(memberships__user=template, active=True)
            .annotate(items=Count("work_items"))
            .order_by("-items", "slug")
            .first()
        )
        if team is not None:
            TeamMembership.objects.get_or_create(
                team=team, user=user, defaults={"since": timezone.localdate()}
            )
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        visible = list(people_visible_to(template).order_by("id")[:200])
        people = [str(person.pk) for person in visible]
        names = sorted({person.family_name for person in visible})[:50]
        accounts.append(
            {
                "username": user.username,
                "key": device.key,
                "mash": bool(template.agency and template.agency.is_mash),
                "team": team.slug if team is not None else "",
                "people": people,
                "family_names": names,
            }
        )
    partner = Agency.objects.filter(is_mash=False).exclude(pk__in=[t.agency_id for t in templates])
    _, token = partner_token_create(by=None, agency=partner.first(), name="Load bench")  # type: ignore[arg-type]
    setup_path.write_text(
        json.dumps(
            {
                "host": HOST,
                "password": PASSWORD,
                "users": accounts,
                "token": token,
                "category": CATEGORIES[0].code,
            }
        )
    )


def _warm_up(port: int, workers: int) -> None:
    """Open the sign-in page until every worker has answered a few times.

    gunicorn binds the port before its workers have loaded the application, and each
    worker compiles its templates on its first requests: without this the first users'
    sign-in pages measured the start-up (5.5 s in the first smoke run), not the page.
    """
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (loopback, our own server)
        f"http://127.0.0.1:{port}/sign-in/",
        headers={"Host": HOST, "X-Forwarded-Proto": "https"},
    )
    deadline = time.monotonic() + 120
    answered = 0
    while answered < workers * 3 and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                answered += 1
        except urllib.error.HTTPError:
            answered += 1  # an answer all the same (the run itself reports any error)
        except OSError:
            time.sleep(0.3)


def _stats(prefix: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return rows


def _shown_and_audited(shown_path: Path, audit_event: Any, after: int) -> tuple[int, int]:
    """Requests whose answer showed personal data, and how many of them have a read event.

    The locust users note the server's ``X-Request-ID`` of every person page, and of every
    search or list that linked to a child, a MASH contact or an early help episode; each
    must have its own view or list event (carrying that request id) in the chain.
    """
    ids = {line.strip() for line in shown_path.read_text().splitlines() if line.strip()}
    audited: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 1000):
        audited |= set(
            audit_event.objects.filter(
                sequence__gt=after,
                request_id__in=wanted[start : start + 1000],
                action__in=["view", "list", "search"],
            ).values_list("request_id", flat=True)
        )
    return len(ids), len(audited)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Build, serve, run locust; the figures."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-load-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    if args.existing:
        # A prepared database (docs/performance.md: the demo at 20,000 children): no
        # migrate, no seeding; only the bench accounts are (re)made.
        url = os.environ["DATABASE_URL"]
        kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        label, pg_name = f"{kind} (prepared database)", None
    else:
        label, pg_name = _prepare_database(tmp)
    server = None
    try:
        base_env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        base_env.pop("SAFEGUARD_ENV", None)
        cli = [sys.executable, "-m", "safeguard.cli"]
        seed_seconds = None
        if not args.existing:
            subprocess.run([*cli, "migrate", "--noinput", "-v", "0"], env=base_env, check=True)
            began = time.monotonic()
            subprocess.run(
                [*cli, "seed_demo", "--children", str(args.children), "--seed", "1"],
                env={**base_env, "SAFEGUARD_DEMO": "1"},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            seed_seconds = round(time.monotonic() - began, 1)
        import django

        django.setup()
        from django.utils import timezone

        from safeguard.core.models import AuditEvent
        from safeguard.people.models import Person

        children = Person.objects.filter(
            date_of_birth__gt=timezone.localdate() - dt.timedelta(days=18 * 366)
        ).count()

        setup_path = tmp / "load-setup.json"
        _accounts(args.users, setup_path)

        env = {
            **base_env,
            "SAFEGUARD_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "SAFEGUARD_STATIC_ROOT": str(tmp / "static"),
            "SAFEGUARD_ACCESS_LOG": str(tmp / "access.log"),
            "SAFEGUARD_RATE_LIMIT_SEARCH": "",
            "SAFEGUARD_RATE_LIMIT_API": "",
            "EMAIL_URL": f"filemail://{tmp / 'mail'}",
            "HOME": str(tmp),
        }
        subprocess.run([*cli, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
            env=env,
            stdout=(tmp / "server.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.3)
        _warm_up(port, args.workers)
        audit_before = AuditEvent.objects.count()
        last_sequence = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)
        sequence_before = last_sequence.first() or 0
        shown_path = tmp / "shown.txt"
        shown_path.touch()
        prefix = tmp / "locust"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "--headless",
                "--only-summary",
                "--locustfile",
                str(Path(__file__).with_name("locustfile.py")),
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--loglevel",
                "WARNING",
            ],
            env={**base_env, "BENCH_USERS": str(setup_path), "BENCH_SHOWN": str(shown_path)},
            check=False,
            timeout=args.run_time + 600,
            stdout=subprocess.DEVNULL,
        )
        audit_after = AuditEvent.objects.count()
        stats = _stats(prefix)
        shown, audited = _shown_and_audited(shown_path, AuditEvent, sequence_before)
        return {
            "database": label,
            "children": children,
            "seed_seconds": seed_seconds,
            "workers": args.workers,
            "users": args.users,
            "run_time_s": args.run_time,
            "stats": stats,
            "audit_events_written": audit_after - audit_before,
            "requests_showing_personal_data": shown,
            "of_those_audited": audited,
            "load_average": os.getloadavg(),
        }
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        if pg_name:
            _drop_database(original_url, pg_name)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def print_report(result: dict[str, Any]) -> None:
    """Ours beside the baseline."""
    total = result["stats"]["Aggregated"]
    print(
        f"Load: {result['database']}, {result['children']:,} people under 18, gunicorn "
        f"{result['workers']} workers, {result['users']} users pausing 0.5-2 s, "
        f"{result['run_time_s']} s. Machine: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average "
        + ", ".join(f"{x:.1f}" for x in result["load_average"])
    )
    print("| Request | Requests | Errors | p50 (ms) | p95 (ms) | p99 (ms) | Requests/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, row in sorted(result["stats"].items(), key=lambda kv: kv[0] == "Aggregated"):
        print(
            f"| {name} | {row['requests']:,} | {row['failures']} | {row['p50_ms']:.0f} | "
            f"{row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['rps']:.1f} |"
        )
    b = BASELINE
    print(f"| {b['label']} | | {b['errors']} | {b['p50_ms']} | {b['p95_ms']} | | {b['rps']} |")
    print(
        f"Audit events written during the run: {result['audit_events_written']:,} "
        f"for {total['requests']:,} requests."
    )
    shown, audited = result["requests_showing_personal_data"], result["of_those_audited"]
    print(
        f"Requests that showed personal data: {shown:,}; with their audit event: {audited:,}; "
        f"without: {shown - audited:,}" + (" (none dropped under load)" if shown == audited else "")
    )
    print(
        f"Throughput {total['rps']:.1f} requests/s; p50 {total['p50_ms']:.0f} ms, "
        f"p95 {total['p95_ms']:.0f} ms, p99 {total['p99_ms']:.0f} ms; errors {total['failures']}"
    )
    print("peer: none (the baseline is this system before issue 19's changes)")


def main() -> None:
    """Run (under scripts/with-postgres.sh with --postgres)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="use the database in DATABASE_URL as it is (prepared, e.g. the demo at 20,000 "
        "children): no migrate, no seeding",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.postgres and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        argv = [a for a in sys.argv[1:] if a != "--postgres"]
        command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, __file__]
        raise SystemExit(subprocess.run([*command, *argv], check=False).returncode)
    if args.existing and not os.environ.get("DATABASE_URL"):
        raise SystemExit("--existing needs DATABASE_URL pointing at the prepared database")
    result = measure(args)
    if args.json:
        print(json.dumps(result))
    print_report(result)
    total = result["stats"].get("Aggregated", {})
    if (
        total.get("failures", 1)
        or not total.get("requests")
        or not result["requests_showing_personal_data"]  # a run that showed nobody proves nothing
        or result["requests_showing_personal_data"] != result["of_those_audited"]
    ):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
