"""Tell managers about work that became overdue, and move work from people whose absence began.

Run it every few minutes (cron, a systemd timer, or the orchestrator's scheduled job);
each run does only what has not been done before, so running it twice is harmless.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguard.work.services import absences_start, work_escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate overdue work items to their team managers (once each) and re-allocate the "
        "work of people whose recorded absence has started."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = work_escalate_overdue()
        started = absences_start()
        self.stdout.write(
            f"{len(escalated)} overdue item(s) escalated; "
            f"{len(started)} absence(s) started and their work re-allocated."
        )
