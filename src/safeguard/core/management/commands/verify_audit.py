"""Walk the audit chain and say whether it is intact."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core.audit import (
    CheckpointStoreMissing,
    checkpoint_write,
    verify_chain,
    verify_since_checkpoint,
)


class Command(BaseCommand):
    help = (
        "Check that no audit event was altered, removed, inserted or reordered. In production "
        "(SAFEGUARD_ENV=production) it fails when no checkpoint store is configured or the "
        "store holds no checkpoint. By default the whole chain is rehashed; "
        "--since-checkpoint checks the newest signed checkpoint and only the events after it "
        "(the nightly check; docs/runbooks.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="After a successful check, sign the newest event into the checkpoint file.",
        )
        parser.add_argument(
            "--since-checkpoint",
            action="store_true",
            help=(
                "Start from the newest signed checkpoint: check every checkpoint's signature "
                "and stored hash, then rehash only the events after the newest one. Falls "
                "back to the whole chain when there is no checkpoint."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since: int | None = None
        if options["since_checkpoint"]:
            count, problem, since = verify_since_checkpoint()
        else:
            count, problem = verify_chain()
        if problem is not None:
            raise CommandError(f"Audit chain broken after {count} good events: {problem.message}")
        if since is not None:
            self.stdout.write(
                f"Audit chain intact: {count} events verified from the signed checkpoint at "
                f"event #{since} (every checkpoint's signature and hash checked)."
            )
        else:
            self.stdout.write(f"Audit chain intact: {count} events verified.")
        if options["checkpoint"]:
            try:
                record = checkpoint_write()
            except (CheckpointStoreMissing, ValueError) as exc:
                raise CommandError(f"Checkpoint not written: {exc}") from exc
            if record:
                self.stdout.write(f"Checkpoint written at event #{record['sequence']}.")
