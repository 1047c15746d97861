"""The monthly retention report: records due for review, without names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguard.rights.retention import parse_month, retention_review


class Command(BaseCommand):
    help = (
        "List the records whose retention period ends by the end of the month (or has ended). "
        "Prints record numbers only; names are on the retention page."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--month", default="", help="Year and month, like 2026-11 (default: this month)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                parse_month(options["month"])
                if options["month"]
                else timezone.localdate().replace(day=1)
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        items = retention_review(month=month)
        self.stdout.write(f"Records due for review by the end of {month:%B %Y}: {len(items)}")
        for item in items:
            status = "deletion proposed" if item.proposal else "to review"
            self.stdout.write(
                f"{item.due_on.isoformat()}  {item.record_type:<32} {item.object_id}  {status}"
            )
