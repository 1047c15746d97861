"""Write the Children in Need census for a collection year as XML, for the business unit."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safeguard.core.errors import DomainError
from safeguard.insight.services import cin_census_export
from safeguard.insight.types import Period


class Command(BaseCommand):
    help = (
        "Write the Department for Education Children in Need census (child by child, XML) for "
        "a collection year. Child-level: only a business unit account may produce it, and the "
        "export is audited. The file appears whole or not at all."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", required=True, help="The collection year, like 2026-27.")
        parser.add_argument("--out", required=True, help="The XML file to write.")
        parser.add_argument(
            "--user", required=True, help="Username of the business unit account producing it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = Period.parse(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user '{options['user']}'")
        try:
            content = cin_census_export(by=user, year=year)
        except DomainError as error:
            raise CommandError(str(error)) from None
        out = Path(options["out"])
        # Write beside the target and move into place: never a half-written file.
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".cin-", suffix=".xml")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            Path(temporary).replace(out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(f"Wrote {out}")
