"""Import or export the services directory as Open Referral UK JSON.

``safeguard openreferral export services.json`` writes every service (``-`` for the
screen); ``safeguard openreferral import services.json`` adds or updates every service
in the file, or, when anything in it is wrong, imports nothing and lists each problem.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.directory import openreferral, selectors, services


class Command(BaseCommand):
    """Open Referral UK import and export for the services directory."""

    help = "Import or export the services directory as Open Referral UK JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        """``import FILE`` or ``export FILE`` (``-`` for standard input or output)."""
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file", help="The JSON file, or - for standard input/output")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the import or the export."""
        name = options["file"]
        if options["action"] == "export":
            data = [openreferral.service_full(s) for s in selectors.services_all()]
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            if name == "-":
                self.stdout.write(text, ending="")
            else:
                Path(name).write_text(text, encoding="utf-8")
                self.stdout.write(f"Exported {len(data)} services to {name}.")
            return
        try:
            content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {name}: {exc.strerror}") from None
        try:
            result = services.directory_import(by=None, content=content, file_name=Path(name).name)
        except services.ImportRefused as exc:
            lines = [f"Nothing was imported: {name} has {len(exc.problems)} problem(s):"]
            lines += [f"  - {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(
            f"Imported {result['created']} new and {result['updated']} changed services."
        )
