"""Prompt the 4-weekly reviews of families' support during long police investigations.

Run it beside ``safeguard work_sweep`` (every few minutes, or daily: it never prompts twice).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguard.hsb.investigations import investigation_reviews_prompt


class Command(BaseCommand):
    """``safeguard hsb_sweep``."""

    help = "Prompt reviews of families' support during long police investigations."

    def handle(self, *args: Any, **options: Any) -> None:
        """Create the prompts that are due and say how many."""
        prompts = investigation_reviews_prompt()
        self.stdout.write(f"{len(prompts)} support review prompt(s) created")
