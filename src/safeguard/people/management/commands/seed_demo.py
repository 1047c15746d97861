"""Load the synthetic demo partnership."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguard.people.demo import ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Build a deterministic synthetic partnership (made-up people only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--children", type=int, default=2000, help="How many children (default 2,000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo partnership cannot be loaded in production.")
        if not 1 <= options["children"] <= 500_000:
            raise CommandError("--children must be between 1 and 500,000.")
        started = time.perf_counter()
        state = seed_demo(children=options["children"], seed=options["seed"])
        took = time.perf_counter() - started
        self.stdout.write(
            f"Demo partnership loaded in {took:.1f}s: {len(state.agencies)} agencies, "
            f"{len(state.children_made):,} children, {len(state.adults_made):,} adults, "
            f"{len(state.households):,} households."
        )
        if settings.DEMO_MODE:
            self.stdout.write(f"Demo sign-ins (password '{DEMO_PASSWORD}'):")
            for username, first, last, slug, _roles, title in ACCOUNTS:
                self.stdout.write(f"  {username:<16} {first} {last}, {title} ({slug})")
        else:
            self.stdout.write(
                "Accounts have no password: set SAFEGUARD_DEMO=1 to use the demo sign-ins."
            )
