"""Give the web application's PostgreSQL role least privilege (INSERT only on the audit log)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.core.privileges import app_role_apply, app_role_statements


class Command(BaseCommand):
    help = "Grant an existing PostgreSQL role what Safeguard needs, and no right to change the audit log."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--role", required=True, help="The role the web application connects as."
        )
        parser.add_argument(
            "--print", action="store_true", help="Print the SQL instead of running it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["print"]:
                statements = app_role_statements(options["role"])
            else:
                statements = app_role_apply(options["role"])
        except (ValueError, RuntimeError) as exc:
            raise CommandError(str(exc)) from exc
        for statement in statements:
            self.stdout.write(statement + ";")
