"""Make a partner API token for an agency's system: ``safeguard partner_token --agency SLUG --name NAME``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.api.services import partner_token_create
from safeguard.core.models import Agency


class Command(BaseCommand):
    """Print a new token once; only its hash is kept."""

    help = "Make a partner API token for an agency's system and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's slug, e.g. nyp")
        parser.add_argument("--name", required=True, help="The partner system's name")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with the slug {options['agency']!r}.")
        try:
            record, token = partner_token_create(by=None, agency=agency, name=options["name"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
        self.stderr.write(
            f"Token {record.token_prefix}... for {agency.name} ({record.name}). "
            "Copy it now: it is not shown again."
        )
