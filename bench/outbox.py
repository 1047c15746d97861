"""Benchmark the outbox: how fast queued emails leave, ours beside the old way.

Builds a fresh database (a temporary SQLite file, or a throw-away database on the
PostgreSQL server ``DATABASE_URL`` names), starts a real SMTP server (aiosmtpd) on
loopback, queues MESSAGES receipt emails and times sending them all, three times each way
(the best time counts):

- **cron, ours**: ``outbox_deliver_due`` (what ``safeguard outbox --retry`` runs):
  claims 50 messages in one transaction, sends them over one SMTP connection, and
  marks each sent in its own transaction as soon as the server accepted it;
- **cron, old way**: what it did until 30 November 2026: one try per message, each
  with its own claim (one transaction), its own SMTP connection (connect, EHLO,
  send, QUIT), its mark-sent transaction and a read back;
- **worker, ours**: the outbox worker (django-tasks-db's ``db_worker``, what
  ``safeguard serve --worker`` runs) working through one task per message, as
  ``outbox_enqueue`` queues them; a task takes up to 49 other due messages with its
  own, and the tasks of messages already sent stop at once;
- **worker, old way**: the same worker and tasks, each task sending only its own
  message the old way.

Each way checks that the SMTP server received every message exactly once.

    python bench/outbox.py [--messages 1000]    # SQLite, or PostgreSQL if DATABASE_URL says so
    bash scripts/with-postgres.sh python bench/outbox.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import _drop_database, _prepare_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


class Relay:
    """aiosmtpd on a free loopback port; counts the messages it accepts, by subject."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        sys.path.insert(0, str(ROOT))
        from tests.smtp_server import free_port

        self.port = free_port()
        self.subjects: list[str] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Note the subject; accept the message."""
        text = envelope.content.decode("utf-8", "replace")
        subject = next((x[9:] for x in text.splitlines() if x.startswith("Subject: ")), "")
        with self._lock:
            self.subjects.append(subject)
        return "250 Message accepted for delivery"


def _old_deliver(message_id: int) -> None:
    """One try at one message, as ``outbox_deliver`` made it until 30 November 2026."""
    from django.core.mail import EmailMessage
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from safeguard.core.models import OutboxDelivery, OutboxMessage, OutboxStatus
    from safeguard.core.outbox import max_attempts, retry_waits

    now = timezone.now()
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != OutboxStatus.QUEUED:
        return
    attempt = message.attempts + 1
    waits = retry_waits()
    wait = waits[min(attempt, len(waits)) - 1] if waits else dt.timedelta(0)
    claimed = (
        OutboxMessage.objects.filter(
            pk=message_id, status=OutboxStatus.QUEUED, attempts=message.attempts
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(attempts=attempt, next_attempt_at=now + wait)
    )
    if not claimed:
        message.refresh_from_db()
        return
    started = timezone.now()
    error = ""
    try:
        EmailMessage(message.subject, message.body, None, list(message.recipients)).send()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        OutboxDelivery.objects.create(
            message_id=message_id,
            attempt=attempt,
            attempted_at=started,
            succeeded=not error,
            error=error,
        )
        if not error:
            fields: dict[str, Any] = {
                "status": OutboxStatus.SENT,
                "sent_at": timezone.now(),
                "next_attempt_at": None,
                "last_error": "",
            }
        elif attempt >= max_attempts():
            fields = {"status": OutboxStatus.FAILED, "next_attempt_at": None, "last_error": error}
        else:
            fields = {"last_error": error}
        OutboxMessage.objects.filter(pk=message_id).update(**fields)
    message.refresh_from_db()


def _old_task_function(message_id: int) -> str:
    _old_deliver(message_id)
    return "done"


def _queue(count: int, tag: str, task: Any) -> list[int]:
    """COUNT receipt emails in the outbox, as the partner API's service writes them.

    TASK: ``True`` keeps the task ``outbox_enqueue`` queued for each; ``None`` drops
    them (the cron ways); a task queues that one for each instead.
    """
    from django.db import transaction

    from safeguard.core.outbox import outbox_enqueue

    ids = []
    for start in range(0, count, 100):
        with transaction.atomic():
            for n in range(start, min(count, start + 100)):
                message = outbox_enqueue(
                    kind="frontdoor.receipt",
                    recipients=[f"referrer{n}@example.org"],
                    subject=f"Concern received: {tag}-{n:06d}",
                    body="Thank you. The Multi-Agency Safeguarding Hub (MASH) has your concern.",
                    summary=f"Receipt {tag}-{n:06d}",
                )
                if message is not None:
                    ids.append(message.pk)
    if task is not True:
        from django_tasks_db.models import DBTaskResult

        # outbox_enqueue queued our task for each (the only tasks waiting): the cron ways
        # leave them out, the old worker way gets the old task instead.
        DBTaskResult.objects.filter(status="READY").delete()
    if task not in (None, True):
        for start in range(0, len(ids), 100):
            with transaction.atomic():
                for pk in ids[start : start + 100]:
                    task.enqueue(message_id=pk)
    return ids


def _check(relay: Relay, tag: str, count: int) -> None:
    from safeguard.core.models import OutboxMessage, OutboxStatus

    got = [s for s in relay.subjects if s.startswith(f"Concern received: {tag}-")]
    if len(got) != count or len(set(got)) != count:
        raise SystemExit(f"{tag}: {len(got)} received, {len(set(got))} distinct, of {count}")
    left = OutboxMessage.objects.filter(subject__startswith=f"Concern received: {tag}-")
    if left.exclude(status=OutboxStatus.SENT).exists():
        raise SystemExit(f"{tag}: not every message is marked sent")


def measure(messages: int) -> dict[str, Any]:
    """Queue and send MESSAGES emails each way, three times; the best time of each counts."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-outbox-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    os.environ["SAFEGUARD_TASKS"] = "database"
    os.environ["SAFEGUARD_OUTBOX_RETRY_MINUTES"] = "0,0,0,0,0"
    relay = Relay()
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{relay.port}"
    label, pg_name = _prepare_database(tmp)
    relay._controller.start()
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django_tasks import task

        from safeguard.core.outbox import outbox_deliver_due

        call_command("migrate", "core", verbosity=0, interactive=False)
        call_command("migrate", "django_tasks_database", verbosity=0, interactive=False)
        # The worker finds a task by its dotted path: __main__._old_task_function.
        old_task = task()(_old_task_function)
        globals()["_old_task_function"] = old_task

        def cron_ours(tag: str) -> None:
            outbox_deliver_due()

        def cron_old(tag: str) -> None:
            from safeguard.core.outbox import outbox_due

            for pk in list(outbox_due().values_list("pk", flat=True)):
                _old_deliver(pk)

        def worker_ours(tag: str) -> None:
            call_command("serve", "--worker", "--batch", verbosity=0)

        def worker_old(tag: str) -> None:
            # What `safeguard serve --worker` ran until 30 November 2026.
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

        ways = {
            "cron, ours": (cron_ours, None),
            "cron, old way": (cron_old, None),
            "worker, ours": (worker_ours, True),
            "worker, old way": (worker_old, old_task),
        }
        seconds: dict[str, float] = {}
        for round_ in range(3):
            for n, (name, (run, task_)) in enumerate(ways.items()):
                tag = f"r{round_}w{n}"
                _queue(messages, tag, task_)
                started = time.perf_counter()
                run(tag)
                took = time.perf_counter() - started
                _check(relay, tag, messages)
                seconds[name] = min(seconds.get(name, took), took)
        return {
            "database": label,
            "messages": messages,
            "seconds": {k: round(v, 2) for k, v in seconds.items()},
            "per_second": {k: round(messages / v, 1) for k, v in seconds.items()},
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    finally:
        relay._controller.stop()
        if pg_name:
            _drop_database(original_url, pg_name)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Parse the options, measure, print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.messages)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['database']}, {result['messages']} queued emails, "
        f"load average {result['load_average']}"
    )
    print("| way | seconds | emails a second |")
    print("|---|---:|---:|")
    for name, took in result["seconds"].items():
        print(f"| {name} | {took} | {result['per_second'][name]} |")


if __name__ == "__main__":
    main()
