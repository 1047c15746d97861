"""Back up the database while Safeguard runs (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core.audit import CheckpointStoreMissing, checkpoint_write
from safeguard.core.backup import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to PATH (and the audit checkpoint store to "
        "PATH.checkpoints.jsonl), while the application keeps running. See docs/runbooks.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="A new file for the backup.")
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="First sign the newest audit event into the checkpoint store.",
        )
        parser.add_argument(
            "--pages",
            type=int,
            default=256,
            help="SQLite: pages copied a step (writers carry on between steps).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["checkpoint"]:
            try:
                checkpoint_write()
            except (CheckpointStoreMissing, ValueError) as exc:
                raise CommandError(f"Checkpoint not written: {exc}") from exc
        try:
            result = backup_database(
                target=options["path"], database=options["database"], pages=options["pages"]
            )
        except BackupError as exc:
            raise CommandError(f"Backup not taken: {exc}") from exc
        self.stdout.write(
            f"Backup written: {result.path} ({result.engine}, {result.bytes:,} bytes, "
            f"{result.seconds:.2f} s)."
        )
        if result.checkpoints:
            self.stdout.write(f"Audit checkpoints copied to {result.checkpoints}.")
        else:
            self.stdout.write("No audit checkpoint store is configured: none copied.")
