"""Walk the audit chain and say whether it is intact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core.audit import CheckpointStoreMissing, checkpoint_write, verify_chain


class Command(BaseCommand):
    help = (
        "Check that no audit event was altered, removed, inserted or reordered. In production "
        "(SAFEGUARD_ENV=production) it fails when no checkpoint store is configured or the "
        "store holds no checkpoint."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="After a successful check, sign the newest event into the checkpoint file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count, problem = verify_chain()
        if problem is not None:
            raise CommandError(f"Audit chain broken after {count} good events: {problem.message}")
        self.stdout.write(f"Audit chain intact: {count} events verified.")
        if options["checkpoint"]:
            try:
                record = checkpoint_write()
            except (CheckpointStoreMissing, ValueError) as exc:
                raise CommandError(f"Checkpoint not written: {exc}") from exc
            if record:
                self.stdout.write(f"Checkpoint written at event #{record['sequence']}.")
