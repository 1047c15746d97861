"""Send the training reminders that are due (run every hour or so from cron, like work_sweep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguard.training.reminders import reminders_send


class Command(BaseCommand):
    """``safeguard training_reminders``: sessions soon, evaluations, impact surveys, renewals."""

    help = "Send the training reminders that are due (sessions, evaluations, surveys, renewals)."

    def handle(self, *args: Any, **options: Any) -> None:
        """Send them and say how many went."""
        run = reminders_send()
        self.stdout.write(
            f"Session reminders {run.sessions}, evaluation reminders {run.evaluations}, "
            f"impact surveys opened {run.surveys_opened}, survey reminders {run.survey_reminders}, "
            f"surveys expired {run.surveys_expired}, renewal reminders {run.renewals}"
        )
