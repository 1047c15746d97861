"""Drill: SIGKILL the web server, the outbox worker and the database mid-work; nothing acknowledged is lost.

Runs the production server (``safeguard serve``: gunicorn, production settings) and
the outbox worker (``safeguard serve --worker``) against a fresh database, with a
real SMTP server (aiosmtpd) on loopback as the mail relay. Client threads report
concerns through the partner API (``POST /api/v1/frontdoor/concerns``: a contact,
its audit event and a receipt email in the outbox, all in one transaction), each
with an ``Idempotency-Key``, and send a failed or refused request again with the
same key and body (so ``contacts_not_acknowledged`` should be 0). A
killer thread meanwhile sends SIGKILL at random moments to:

- a gunicorn worker (the master starts another);
- the gunicorn master (the drill starts ``safeguard serve`` again, as systemd would);
- the outbox worker (started again after a pause, so receipts queue up meanwhile);
- with ``--database postgres``, every PostgreSQL process (then ``pg_ctl start``:
  crash recovery from the WAL).

A supervisor thread starts again, as systemd's ``Restart=always`` would, an outbox
worker or gunicorn master that exited by itself (the worker stops when the database
is killed under it).

Afterwards (the cron safety net ``safeguard outbox --retry`` run once, as
docs/runbooks.md sets it up): every acknowledged concern (HTTP 201 with a
reference) is in the database, no contact lacks its audit event nor the reverse,
``safeguard verify_audit`` passes, and the SMTP server received a receipt for every
acknowledged concern, including those queued while the worker was dead.

    python scripts/drills/crash.py [--database sqlite|postgres] [--writes 1000] [--clients 4]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from drill_common import (
    PgCluster,
    drill_env,
    free_port,
    helper,
    safeguard,
    verify_audit,
    work_dir,
)

HOST = "drill.example-partnership.org.uk"
RECEIPT = re.compile(r"^Subject: Concern received: (\S+)", re.MULTILINE)


class MailRelay:
    """A real SMTP server on loopback; remembers each message's subject and body."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[str] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._lock:
            self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 Message accepted for delivery"

    def start(self) -> MailRelay:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class Processes:
    """The web server and the outbox worker, started again whenever the drill kills them."""

    def __init__(self, env: dict[str, str], work: Path, port: int) -> None:
        self.env = env
        self.work = work
        self.port = port
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = (work / "processes.log").open("ab")

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "safeguard.cli", "serve", *args],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_web(self) -> None:
        self.web = self._spawn("--bind", f"127.0.0.1:{self.port}", "--workers", "2")
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.web.poll() is not None:  # e.g. the port still held by dying workers
                time.sleep(0.5)
                self.web = self._spawn("--bind", f"127.0.0.1:{self.port}", "--workers", "2")
                continue
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                if self.web_workers():
                    return
            time.sleep(0.2)
        self.log.flush()
        tail = (self.work / "processes.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the web server did not start:\n{tail}")

    def web_workers(self) -> list[int]:
        if self.web is None:
            return []
        out = subprocess.run(
            ["pgrep", "-P", str(self.web.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def start_worker(self) -> None:
        self.worker = self._spawn("--worker", "--interval", "0.2")

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def _concern(n: int, category: str) -> bytes:
    return json.dumps(
        {
            "children": [{"given_name": "Crash", "family_name": f"Drill{n:06d}"}],
            "categories": [category],
            "what_happened": f"Drill concern {n}",
            "child_voice": "Synthetic drill data.",
            "consent": "given",
            "referrer_name": "Drill referrer",
            "referrer_email": f"drill{n}@example.org",
        }
    ).encode()


def _progress(done: int, writes: int, started: float, kills: dict[str, int]) -> None:
    """One line on standard error: how far the drill has got (it can run for hours)."""
    elapsed = time.monotonic() - started
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"[crash drill] {done}/{writes} writes acknowledged after {elapsed:.0f} s "
        f"(load average {load}); kills so far {kills}",
        file=sys.stderr,
        flush=True,
    )


def run(
    *,
    database: str = "sqlite",
    writes: int = 1000,
    clients: int = 4,
    mean_seconds_between_kills: float = 2.0,
    keep: bool = False,
) -> dict[str, Any]:
    """Run the drill; return its figures (``ok`` when nothing acknowledged was lost)."""
    work = work_dir("safeguard-drill-crash-")
    relay = MailRelay().start()
    cluster: PgCluster | None = None
    processes: Processes | None = None
    try:
        if database == "postgres":
            cluster = PgCluster(work, "db").initdb().start()
            url = cluster.create_database("safeguard")
        else:
            url = f"sqlite:///{work / 'crash.sqlite3'}"
        setup_env = drill_env(url, work)
        # Setting up is not what the drill measures: on a loaded machine migrating takes minutes.
        safeguard("migrate", "--noinput", "--verbosity", "0", env=setup_env, timeout=3600)
        partner = helper("partner", env=setup_env)
        env = drill_env(
            url,
            work,
            SAFEGUARD_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(64),
            ALLOWED_HOSTS=HOST,
            SAFEGUARD_STATIC_ROOT=str(work / "static"),
            SAFEGUARD_STATIC_COMPRESS="0",
            SAFEGUARD_ACCESS_LOG=str(work / "access.log"),
            SAFEGUARD_RATE_LIMIT_API="",
            SAFEGUARD_OUTBOX_RETRY_MINUTES="0,0,0,0,0",
            SAFEGUARD_TASKS="database",
            EMAIL_URL=f"smtp://127.0.0.1:{relay.port}",
            HOME=str(work),
        )
        safeguard("collectstatic", "--noinput", "--verbosity", "0", env=env, timeout=3600)
        processes = Processes(env, work, free_port())
        processes.start_web()
        processes.start_worker()

        lock = threading.Lock()
        restart_lock = threading.Lock()  # the killer and the supervisor take turns
        acknowledged: dict[str, int] = {}
        queued_while_worker_dead: set[str] = set()
        worker_dead = threading.Event()
        counters = {"attempted": 0, "refused": 0, "failed": 0}
        kills = {"web_worker": 0, "web_master": 0, "outbox_worker": 0, "database": 0}
        stop = threading.Event()
        next_number = iter(range(1, 10**9))
        progress_every = max(1, min(500, writes // 10))
        started = time.monotonic()

        def client() -> None:
            # A request that failed or was refused is sent again with the same body and
            # Idempotency-Key, as a partner system should: never a second contact.
            retry: int | None = None
            while not stop.is_set():
                with lock:
                    if len(acknowledged) >= writes or counters["attempted"] >= writes * 3:
                        return
                    counters["attempted"] += 1
                    n = retry if retry is not None else next(next_number)
                retry = None
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", processes.port, timeout=60)
                    conn.request(
                        "POST",
                        "/api/v1/frontdoor/concerns",
                        body=_concern(n, partner["category"]),
                        headers={
                            "Host": HOST,
                            "X-Forwarded-Proto": "https",
                            "Authorization": f"Bearer {partner['token']}",
                            "Content-Type": "application/json",
                            "Idempotency-Key": f"drill-concern-{n}",
                        },
                    )
                    response = conn.getresponse()
                    body = response.read()
                    conn.close()
                except (OSError, http.client.HTTPException):
                    with lock:
                        counters["failed"] += 1
                    retry = n
                    time.sleep(0.2)
                    continue
                if response.status == 201:
                    reference = json.loads(body)["reference"]
                    with lock:
                        acknowledged[reference] = n
                        if worker_dead.is_set():
                            queued_while_worker_dead.add(reference)
                        done = len(acknowledged)
                    if done % progress_every == 0:
                        _progress(done, writes, started, kills)
                else:
                    retry = n
                    with lock:
                        counters["refused"] += 1
                    time.sleep(0.2)

        def kill_database() -> None:
            assert cluster is not None
            master = int((cluster.data / "postmaster.pid").read_text().split()[0])
            os.kill(master, signal.SIGSTOP)  # no new backends while we collect them
            children = subprocess.run(
                ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
            ).stdout.split()
            for pid in [*map(int, children), master]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for pid in [*map(int, children), master]:
                while Path(f"/proc/{pid}").exists():
                    time.sleep(0.05)
            cluster.running = True  # pg_ctl start after a crash: recovery from the WAL
            cluster.start()

        def kill_outbox_worker(pause: float, until_queued: int = 0) -> None:
            """Kill the worker; restart it after PAUSE s and UNTIL_QUEUED receipts queued meanwhile."""
            assert processes.worker is not None
            os.kill(processes.worker.pid, signal.SIGKILL)
            processes.worker.wait()
            worker_dead.set()
            deadline = time.monotonic() + 60
            stop.wait(pause)
            while len(queued_while_worker_dead) < until_queued and time.monotonic() < deadline:
                if stop.wait(0.2):
                    break
            worker_dead.clear()
            processes.start_worker()

        exits = {"outbox_worker": 0, "web_master": 0}

        def supervise() -> None:
            """Start again what exited by itself, as systemd's ``Restart=always`` would.

            The outbox worker stops when the database goes away under it (django-tasks-db
            raises the connection error); systemd starts it again after ``RestartSec=5``
            (docs/runbooks.md). The killer's own kills are restarted by the killer.
            """
            while not stop.wait(1.0):
                with restart_lock:
                    worker = processes.worker
                    if (
                        worker is not None
                        and not worker_dead.is_set()
                        and worker.poll() is not None
                    ):
                        exits["outbox_worker"] += 1
                        stop.wait(5.0)
                        processes.start_worker()
                    web = processes.web
                    if web is not None and web.poll() is not None:
                        exits["web_master"] += 1
                        stop.wait(2.0)
                        processes.start_web()

        def killer() -> None:
            rng = random.Random(19)  # noqa: S311
            # First, for certain: the outbox worker dies while receipts are being queued.
            stop.wait(2.0)
            with restart_lock:
                kill_outbox_worker(1.0, until_queued=5)
            kills["outbox_worker"] += 1
            choices = ["web_worker"] * 5 + ["outbox_worker"] * 2 + ["web_master"]
            if cluster is not None:
                choices += ["database"]
            while not stop.wait(rng.expovariate(1 / mean_seconds_between_kills)):
                with restart_lock:
                    what = kill(rng, choices)
                if what:
                    kills[what] += 1

        def kill(rng: random.Random, choices: list[str]) -> str:
            """SIGKILL one thing at random; return what, or "" when there was nothing to kill."""
            what = rng.choice(choices)
            web, worker = processes.web, processes.worker
            if what == "web_worker" and (pids := processes.web_workers()):
                os.kill(rng.choice(pids), signal.SIGKILL)
            elif what == "web_master" and web is not None and web.poll() is None:
                os.kill(web.pid, signal.SIGKILL)
                web.wait()
                # As systemd does before Restart= (KillMode=control-group): the
                # orphaned workers of the dead master are killed too.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(web.pid, signal.SIGKILL)
                processes.start_web()
            elif what == "outbox_worker" and worker is not None and worker.poll() is None:
                kill_outbox_worker(rng.uniform(1.0, 3.0))
            elif what == "database":
                kill_database()
            else:
                return ""
            return what

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        killing = threading.Thread(target=killer, daemon=True)
        supervising = threading.Thread(target=supervise, daemon=True)
        for thread in threads:
            thread.start()
        killing.start()
        supervising.start()
        for thread in threads:
            thread.join()
        stop.set()
        killing.join()
        supervising.join()
        load_seconds = time.monotonic() - started

        # Let the outbox drain; then the cron safety net, once.
        if processes.worker is None or processes.worker.poll() is not None:
            processes.start_worker()
        references = set(acknowledged)

        def received() -> set[str]:
            with relay._lock:
                text = "\n".join(relay.messages)
            return set(RECEIPT.findall(text)) & references

        mailed_at_end_of_load = len(received())
        drain_started = time.monotonic()
        deadline = drain_started + 120
        while time.monotonic() < deadline and received() != references:
            time.sleep(0.5)
        drain_seconds = time.monotonic() - drain_started
        before_retry = len(received())
        # At 10,000 writes on a loaded machine thousands of receipts may still be queued.
        retry_started = time.monotonic()
        retry_out = safeguard("outbox", "--retry", env=env, timeout=3600)
        retry_seconds = time.monotonic() - retry_started
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and received() != references:
            time.sleep(0.5)
        processes.stop()

        refs_file = work / "acknowledged.json"
        refs_file.write_text(json.dumps(sorted(references)))
        found = helper("check-contacts", str(refs_file), env=setup_env)
        events = verify_audit(setup_env)
        mailed = received()
        with relay._lock:
            per_reference: dict[str, int] = {}
            for message in relay.messages:
                for reference in set(RECEIPT.findall(message)) & references:
                    per_reference[reference] = per_reference.get(reference, 0) + 1
        figures = {
            "drill": "crash",
            "database": database,
            "writes_attempted": counters["attempted"],
            "writes_acknowledged": len(references),
            "writes_found": found["found"],
            "writes_lost": len(found["lost"]),
            # With Idempotency-Key retries, no contact beyond those acknowledged.
            "contacts_not_acknowledged": found["contacts"] - found["found"],
            "refused_or_failed_requests": counters["refused"] + counters["failed"],
            "contacts_without_audit_event": len(found["contacts_without_audit_event"]),
            "audit_events_without_contact": len(found["audit_events_without_contact"]),
            "audit_events_verified": events,
            "kills": kills,
            "exited_by_themselves_and_restarted": exits,
            "load_seconds": round(load_seconds, 1),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "receipts_mailed": len(mailed),
            "receipts_missing": len(references - mailed),
            "receipts_sent_twice": sum(1 for c in per_reference.values() if c > 1),
            "queued_while_outbox_worker_dead": len(queued_while_worker_dead),
            "of_those_mailed": len(queued_while_worker_dead & mailed),
            "mailed_by_end_of_load": mailed_at_end_of_load,
            "worker_drain_seconds": round(drain_seconds, 1),
            "mailed_before_cron_retry": before_retry,
            "cron_retry": retry_out.strip(),
            "cron_retry_seconds": round(retry_seconds, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "outbox": found["outbox"],
        }
        figures["ok"] = (
            figures["writes_lost"] == 0
            and figures["writes_acknowledged"] > 0
            and figures["contacts_without_audit_event"] == 0
            and figures["audit_events_without_contact"] == 0
            and figures["receipts_missing"] == 0
        )
        return figures
    finally:
        if processes is not None:
            processes.stop()
        relay.stop()
        if cluster is not None:
            cluster.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    """Command line: print the figures as JSON and a one-line verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--writes", type=int, default=1000, help="acknowledged writes to reach")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=2.0, help="mean seconds between kills")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    # SIGTERM (and SIGINT, which a background shell job ignores) end the run cleanly:
    # the servers it started are stopped and its directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    f = run(
        database=args.database,
        writes=args.writes,
        clients=args.clients,
        mean_seconds_between_kills=args.kill_every,
        keep=args.keep,
    )
    print(json.dumps(f, indent=2))
    print(
        f"Crash drill ({f['database']}): {f['writes_acknowledged']} writes acknowledged, "
        f"{f['writes_found']} found, {f['writes_lost']} lost; kills {f['kills']}; "
        f"contacts without audit event {f['contacts_without_audit_event']}, audit events without "
        f"contact {f['audit_events_without_contact']}; audit chain {f['audit_events_verified']} "
        f"events verified; receipts mailed {f['receipts_mailed']}/{f['writes_acknowledged']} "
        f"({f['queued_while_outbox_worker_dead']} queued while the outbox worker was dead, "
        f"{f['of_those_mailed']} of them mailed). " + ("PASS" if f["ok"] else "FAIL")
    )
    return 0 if f["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
