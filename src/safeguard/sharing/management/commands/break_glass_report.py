"""Print the weekly emergency access (break-glass) report: ``safeguard break_glass_report --week 2026-W47``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeguard.sharing.selectors import break_glass_week, current_iso_week


class Command(BaseCommand):
    """Every break-glass use in one ISO week, with its review outcome (no child is named)."""

    help = "Report every emergency access (break-glass) use in one week."

    def add_arguments(self, parser: CommandParser) -> None:
        """``--week YYYY-Www`` (default: this week)."""
        parser.add_argument("--week", default="", help="ISO week, for example 2026-W47")

    def handle(self, *args: Any, **options: Any) -> None:
        """Print one line per use and a total."""
        week = options["week"] or current_iso_week()
        try:
            uses = break_glass_week(user=None, week=week)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Emergency access (break-glass) report for {week}")
        self.stdout.write("reference,opened_at,user,agency,reviewed,outcome")
        for use in uses:
            self.stdout.write(
                ",".join(
                    [
                        use.reference,
                        timezone.localtime(use.opened_at).strftime("%Y-%m-%d %H:%M"),
                        use.user.username,
                        use.agency.name.replace(",", " "),
                        "yes" if use.reviewed_at else "no",
                        use.outcome or "awaiting review",
                    ]
                )
            )
        reviewed = sum(1 for u in uses if u.reviewed_at)
        self.stdout.write(
            f"Total: {len(uses)} uses, {reviewed} reviewed, {len(uses) - reviewed} awaiting review"
        )
