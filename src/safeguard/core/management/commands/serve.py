"""Run Safeguard for real: the web application under gunicorn, or the outbox worker.

``safeguard serve`` replaces itself with a gunicorn master process (so a service
manager's signals reach gunicorn directly: SIGTERM stops gracefully, SIGHUP
reloads the workers). ``safeguard serve --worker`` runs the outbox worker
(django-tasks-db's ``db_worker``) in the foreground instead, and beside it signs an
audit checkpoint every ``SAFEGUARD_AUDIT_CHECKPOINT_SECONDS`` (``--batch``: once, at the end).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from safeguard.core.audit import CheckpointStoreMissing, checkpoint_loop, checkpoint_write
from safeguard.gunicorn_conf import default_workers


class Command(BaseCommand):
    help = (
        "Serve the application under gunicorn (settings from the environment, "
        "see docs/runbooks.md), or with --worker run the outbox worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind",
            default=None,
            help="Address to listen on (default SAFEGUARD_BIND or 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default SAFEGUARD_WEB_WORKERS or 2 x cores + 1, capped).",
        )
        parser.add_argument(
            "--worker",
            action="store_true",
            help="Run the outbox worker (emails after commit) instead of the web server.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="With --worker: seconds between looks at the queue when it is empty.",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="With --worker: send everything waiting, then stop (for cron or a drill).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["worker"]:
            self._worker(
                interval=options["interval"], batch=options["batch"], verbosity=options["verbosity"]
            )
            return
        workers = options["workers"] if options["workers"] is not None else default_workers()
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:safeguard.gunicorn_conf",
            "--workers",
            str(workers),
        ]
        if options["bind"]:
            argv += ["--bind", options["bind"]]
        sys.stdout.flush()
        sys.stderr.flush()
        # The gunicorn master takes this process's place (same pid, same environment).
        os.execv(sys.executable, argv)  # noqa: S606

    def _worker(self, *, interval: float, batch: bool, verbosity: int = 1) -> None:
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            raise CommandError(
                "The outbox worker needs the database task backend: set "
                "SAFEGUARD_TASKS=database (the default when SAFEGUARD_ENV=production)."
            )
        stop = threading.Event()
        seconds = settings.AUDIT_CHECKPOINT_SECONDS
        if seconds > 0 and not batch:
            # Signs the newest audit event into the checkpoint store every few minutes, so
            # removing recent events or recomputing the chain is caught (docs/security.md).
            threading.Thread(
                target=checkpoint_loop,
                kwargs={"interval": float(seconds), "stop": stop},
                name="audit-checkpoints",
                daemon=True,
            ).start()
        # The worker asks the database for work after every task. With SQLite's default of a
        # connection per request, each of those closed the connection, and closing the last
        # one checkpoints the write-ahead log (a sync to disk): keep it, as PostgreSQL does.
        db = connection.settings_dict
        kept = db.get("CONN_MAX_AGE", 0)
        if connection.vendor == "sqlite" and not kept:
            connection.close()
            db["CONN_MAX_AGE"] = 60
        try:
            call_command(
                "db_worker",
                queue_name="default",
                interval=interval,
                reload=False,
                batch=batch,
                # A random pause at start spreads many workers' first looks; a batch run
                # (cron, a drill) is one worker that should start at once.
                startup_delay=not batch,
                verbosity=verbosity,
            )
        finally:
            stop.set()
            if db.get("CONN_MAX_AGE") != kept:
                connection.close()
                db["CONN_MAX_AGE"] = kept
            if batch:
                self._checkpoint_once()

    def _checkpoint_once(self) -> None:
        try:
            record = checkpoint_write()
        except (CheckpointStoreMissing, ValueError) as exc:
            self.stderr.write(f"Audit checkpoint not written: {exc}")
            return
        if record:
            self.stdout.write(f"Audit checkpoint written at event #{record['sequence']}.")
