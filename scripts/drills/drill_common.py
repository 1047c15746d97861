"""Shared parts of the reliability drills (docs/reliability.md).

- :class:`PgCluster`: a throw-away PostgreSQL 15 server in a temporary directory on a
  free loopback port, as ``scripts/with-postgres.sh`` starts one (run as ``postgres``
  when the drill runs as root), with optional extra settings (WAL archiving).
- :func:`safeguard`: run a ``safeguard`` command against a given database.
- :func:`table_fingerprints`: row count and a checksum of every table's content.
- ``python scripts/drills/drill_common.py write --count N --tag T``: N realistic
  writes (``person_create``, each with its audit event and chronology entry) as the
  demo social worker; prints the ids it wrote as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
DEMO_WRITER = "social.worker"


def free_port() -> int:
    """A loopback port nothing listens on (until something is started there)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _chown_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


class PgCluster:
    """A PostgreSQL 15 server of its own, on 127.0.0.1, trusting local connections."""

    def __init__(self, root: Path, name: str, settings: Mapping[str, str] | None = None) -> None:
        """SETTINGS go into postgresql.conf at initdb (values quoted as the file wants)."""
        self.root = root
        self.data = root / name
        self.sock = root / f"{name}-sock"
        self.log = root / f"{name}.log"
        self.port = free_port()
        self.settings = dict(settings or {})
        self.running = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def initdb(self) -> PgCluster:
        self.data.mkdir(parents=True)
        _chown_postgres(self.data)
        subprocess.run(
            [
                *_as_postgres(),
                str(PGBIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        if self.settings:
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write("\n# drill settings\n")
                for key, value in self.settings.items():
                    conf.write(f"{key} = {value}\n")
        return self

    def configure(self, **settings: str) -> None:
        """Add settings to postgresql.auto.conf (read at the next start)."""
        with (self.data / "postgresql.auto.conf").open("a") as conf:
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")

    def start(self) -> PgCluster:
        self.sock.mkdir(exist_ok=True)
        _chown_postgres(self.sock)
        self.log.touch()
        _chown_postgres(self.log)
        options = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=on"
        options += " -c synchronous_commit=on"
        done = subprocess.run(
            [
                *_as_postgres(),
                str(PGBIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "300",
                "-o",
                options,
                "start",
            ],
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            log = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log}")
        self.running = True
        return self

    def stop(self, mode: str = "fast") -> None:
        if self.running:
            subprocess.run(
                [
                    *_as_postgres(),
                    str(PGBIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    mode,
                    "-w",
                    "stop",
                ],
                check=False,
                capture_output=True,
            )
            self.running = False

    def sql(self, query: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url(database), autocommit=True) as conn:
            cursor = conn.execute(query)  # type: ignore[arg-type]
            return list(cursor.fetchall()) if cursor.description else []

    def create_database(self, name: str) -> str:
        self.sql(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def wait_until_promoted(self, seconds: float = 300) -> None:
        """After a recovery start: wait until the server accepts writes."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if not self.sql("SELECT pg_is_in_recovery()")[0][0]:
                    return
            except Exception:  # noqa: BLE001, S110 (still starting)
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server still in recovery after {seconds} s; see {self.log}")


def drill_env(database_url: str, work: Path, **overrides: str) -> dict[str, str]:
    """The environment a ``safeguard`` command gets in a drill."""
    env = {k: v for k, v in os.environ.items() if k not in {"SAFEGUARD_ENV", "SAFEGUARD_DEMO"}}
    env.update(
        {
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "safeguard.settings",
            "DATABASE_URL": database_url,
            "SAFEGUARD_AUDIT_CHECKPOINTS": str(work / "audit-checkpoints.jsonl"),
            "SAFEGUARD_AUDIT_KEY": "drill-checkpoint-key-" + "x" * 40,
            "EMAIL_URL": f"filemail://{work / 'mail'}",
        }
    )
    env.update(overrides)
    return env


def safeguard(*args: str, env: Mapping[str, str], timeout: float = 600) -> str:
    """Run ``safeguard ARGS``; return its output, or raise with it if it failed."""
    done = subprocess.run(
        [sys.executable, "-m", "safeguard.cli", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"safeguard {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: Mapping[str, str], children: int) -> None:
    """Migrate and load a small demo partnership (people, records, audit events)."""
    safeguard("migrate", "--noinput", "--verbosity", "0", env=env)
    safeguard(
        "seed_demo", "--children", str(children), "--seed", "1", env={**env, "SAFEGUARD_DEMO": "1"}
    )


def write(env: Mapping[str, str], count: int, tag: str) -> list[str]:
    """COUNT person_create service calls in a separate process; the new people's ids."""
    done = subprocess.run(
        [sys.executable, __file__, "write", "--count", str(count), "--tag", tag],
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"writes failed:\n{done.stdout}\n{done.stderr}")
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def helper(*args: str, env: Mapping[str, str]) -> Any:
    """Run a subcommand of this file in a separate process; its last line as JSON."""
    done = subprocess.run(
        [sys.executable, __file__, *args],
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def backup(path: Path, env: Mapping[str, str], *, pages: int = 256) -> float:
    """``safeguard backup PATH``; the seconds it reports (the copy itself, not start-up)."""
    out = safeguard("backup", str(path), "--pages", str(pages), env=env)
    return float(out.split(" bytes, ")[1].split(" s)")[0])


def restore(path: Path, env: Mapping[str, str]) -> tuple[float, int]:
    """``safeguard restore PATH``: the seconds it reports and the audit events it verified."""
    out = safeguard("restore", str(path), env=env)
    seconds = float(re.search(r"bytes\) in ([0-9.]+) s\.", out)[1])  # type: ignore[index]
    return seconds, int(out.split("intact: ")[1].split(" ")[0])


def verify_audit(env: Mapping[str, str]) -> int:
    """Run ``safeguard verify_audit``; the number of events it verified (raises if broken)."""
    out = safeguard("verify_audit", env=env)
    return int(out.split("intact: ")[1].split(" ")[0])


def table_fingerprints(database_url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and an MD5 over its rows in a fixed order."""
    if database_url.startswith("sqlite"):
        path = database_url.split("sqlite:///", 1)[1]
        conn = sqlite3.connect(path)
        try:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            result = {}
            for table in sorted(tables):
                rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608
                import hashlib

                digest = hashlib.md5(usedforsecurity=False)
                for row in sorted(repr(r) for r in rows):
                    digest.update(row.encode())
                result[table] = (len(rows), digest.hexdigest())
            return result
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        result = {}
        for table in tables:
            row = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) "  # noqa: S608
                f'FROM "{table}" t'
            ).fetchone()
            assert row is not None
            result[table] = (int(row[0]), str(row[1]))
        return result


def compare(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    """Tables whose count or checksum differ (empty when the copy is exact)."""
    return [
        f"{t}: {before.get(t)} != {after.get(t)}"
        for t in sorted(set(before) | set(after))
        if before.get(t) != after.get(t)
    ]


def work_dir(prefix: str) -> Path:
    """A temporary directory the postgres user may also write in."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    _chown_postgres(path)
    path.chmod(0o755)
    return path


def _write_main(count: int, tag: str) -> None:
    import django

    django.setup()
    from safeguard.core.models import User
    from safeguard.people import services

    user = User.objects.get(username=DEMO_WRITER)
    ids = []
    for i in range(count):
        person = services.person_create(
            by=user, given_name=f"Drill{tag}", family_name=f"Row{i:05d}{secrets.token_hex(2)}"
        )
        ids.append(str(person.pk))
    print(json.dumps(ids))


def _partner_main() -> None:
    """A partner agency with an API token, and a MASH to receive its concerns."""
    import django

    django.setup()
    from safeguard.api.services import partner_token_create
    from safeguard.core.models import Agency
    from safeguard.frontdoor.categories import CATEGORIES

    partner = Agency.objects.create(name="Drill School", slug="drill-school")
    Agency.objects.create(name="Drill MASH", slug="drill-mash", is_mash=True)
    _, token = partner_token_create(by=None, agency=partner, name="Drill MIS")
    print(json.dumps({"token": token, "category": CATEGORIES[0].code}))


def _check_contacts_main(path: str) -> None:
    """Which acknowledged references exist; contacts and audit events that lack each other."""
    import django

    django.setup()
    from safeguard.core.models import AuditEvent, OutboxMessage
    from safeguard.frontdoor.models import Contact

    acknowledged = set(json.loads(Path(path).read_text()))
    contacts = set(Contact.objects.values_list("reference", flat=True))
    audited = set(
        AuditEvent.objects.filter(object_type="contact", action="create").values_list(
            "object_id", flat=True
        )
    )
    statuses: dict[str, int] = {}
    for status in OutboxMessage.objects.values_list("status", flat=True):
        statuses[status] = statuses.get(status, 0) + 1
    print(
        json.dumps(
            {
                "acknowledged": len(acknowledged),
                "found": len(acknowledged & contacts),
                "lost": sorted(acknowledged - contacts),
                "contacts": len(contacts),
                "contacts_without_audit_event": sorted(contacts - audited),
                "audit_events_without_contact": sorted(audited - contacts),
                "outbox": statuses,
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Drill helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("--count", type=int, required=True)
    w.add_argument("--tag", required=True)
    sub.add_parser("partner")
    c = sub.add_parser("check-contacts")
    c.add_argument("path")
    args = parser.parse_args()
    if args.command == "write":
        _write_main(args.count, args.tag)
    elif args.command == "partner":
        _partner_main()
    else:
        _check_contacts_main(args.path)
