"""Restore a backup made by ``safeguard backup`` into the configured (empty) database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguard.core.audit import verify_chain
from safeguard.core.backup import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Load PATH (a file written by 'safeguard backup') into the database DATABASE_URL names, "
        "then check the audit chain against the checkpoints taken with that backup. Stop the "
        "web workers first. See docs/runbooks.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds tables (default: refuse).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_database(
                source=options["path"], database=options["database"], replace=options["replace"]
            )
        except BackupError as exc:
            raise CommandError(f"Not restored: {exc}") from exc
        self.stdout.write(
            f"Restored {result.path} ({result.engine}, {result.bytes:,} bytes) "
            f"in {result.seconds:.2f} s."
        )
        # Check against the checkpoints taken WITH the backup: the live store has signed
        # later events, which the copy rightly lacks.
        live_store = settings.AUDIT_CHECKPOINT_FILE
        settings.AUDIT_CHECKPOINT_FILE = result.checkpoints
        try:
            count, problem = verify_chain()
        finally:
            settings.AUDIT_CHECKPOINT_FILE = live_store
        if problem is not None:
            raise CommandError(
                f"Restored, but the audit chain is broken after {count} good events: "
                f"{problem.message}. Do not use this copy; see docs/runbooks.md."
            )
        against = (
            f"and the checkpoints in {result.checkpoints}"
            if result.checkpoints
            else "(no checkpoint copy beside the backup)"
        )
        self.stdout.write(f"Audit chain intact: {count} events verified {against}.")
