"""Show the outbox, list its failures, or send the messages whose next try is due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from safeguard.core.models import OutboxMessage, OutboxStatus
from safeguard.core.outbox import (
    max_attempts,
    outbox_deliver_due,
    outbox_problems,
    outbox_requeue,
)


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%-d %b %Y %H:%M}" if value else "-"


class Command(BaseCommand):
    help = (
        "Emails waiting in the outbox: counts by default; --failures lists what is not sent; "
        "--retry sends every message whose next try is due; --requeue ID gives a failed "
        "message new tries."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--failures",
            action="store_true",
            help="List failed and still-queued messages (references only, never names).",
        )
        parser.add_argument(
            "--retry", action="store_true", help="Try now every queued message that is due."
        )
        parser.add_argument(
            "--requeue",
            type=int,
            metavar="ID",
            help="Put a failed message back in the queue with a fresh set of tries.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue"] is not None:
            try:
                message = outbox_requeue(message_id=options["requeue"])
            except OutboxMessage.DoesNotExist as exc:
                raise CommandError(f"No outbox message {options['requeue']}") from exc
            self.stdout.write(f"Message {message.pk}: {message.get_status_display()}.")
        if options["retry"]:
            tried = outbox_deliver_due()
            sent = sum(1 for m in tried if m.status == OutboxStatus.SENT)
            failed = sum(1 for m in tried if m.status == OutboxStatus.FAILED)
            self.stdout.write(
                f"Tried {len(tried)} due message(s): {sent} sent, "
                f"{len(tried) - sent - failed} to try again later, {failed} failed."
            )
        if options["failures"]:
            problems = list(outbox_problems())
            if not problems:
                self.stdout.write("No failed or waiting messages.")
            for m in problems:
                self.stdout.write(
                    f"#{m.pk} {m.get_status_display()} | {m.summary} | created {_when(m.created_at)} "
                    f"| tries {m.attempts} of {max_attempts()} | next try {_when(m.next_attempt_at)} "
                    f"| last error: {m.last_error or '-'}"
                )
        if not (options["failures"] or options["retry"] or options["requeue"] is not None):
            counts = dict(
                OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()
            )
            self.stdout.write(
                ", ".join(
                    f"{label}: {counts.get(value, 0)}" for value, label in OutboxStatus.choices
                )
            )
