"""``safeguard import_records --agency SLUG --file F [--mapping ...]``: import an agency's extract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.core.models import Agency
from safeguard.records.parsing import MAX_UPLOAD_BYTES, UploadError
from safeguard.records.services import records_import_file


class Command(BaseCommand):
    """Import a CSV or XLSX extract of one agency's records, link them and report row by row."""

    help = (
        "Import an agency's records from a CSV or XLSX file. Re-importing the same file changes "
        "nothing. --mapping takes 'Column=field,...' or a JSON file; without it columns are guessed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="The agency's slug, e.g. nyp")
        parser.add_argument("--file", required=True, help="A .csv or .xlsx file")
        parser.add_argument(
            "--mapping", default="", help="'Surname=family_name,DOB=date_of_birth' or a .json file"
        )
        parser.add_argument(
            "--user", default="", help="Username recorded as doing the import (MASH staff)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(slug=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency with the slug '{options['agency']}'")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise CommandError(
                f"The file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'")
        try:
            result = records_import_file(
                by=user,
                agency=agency,
                file_name=path.name,
                content=path.read_bytes(),
                mapping=_mapping(options["mapping"]),
            )
        except UploadError as exc:
            raise CommandError(str(exc)) from None
        for problem in result.problems:
            state = "left out" if problem["skipped"] else "imported"
            self.stderr.write(
                f"row {problem['row']}, column '{problem['column']}': {problem['message']} ({state})"
            )
        if result.linkage_error:
            self.stderr.write(f"Imported but not matched: {result.linkage_error}")
        self.stdout.write(
            f"{agency.slug}: {result.created} new, {result.updated} changed, {result.unchanged} unchanged, "
            f"{result.rejected} left out; {result.auto_linked} linked automatically, "
            f"{result.awaiting_review} awaiting review, {result.new_people} new people"
        )


def _mapping(value: str) -> dict[str, str] | None:
    if not value:
        return None
    if value.endswith(".json"):
        try:
            data = json.loads(Path(value).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the mapping file: {exc}") from None
        if not isinstance(data, dict):
            raise CommandError("The mapping file must hold an object of column: field")
        return {str(k): str(v) for k, v in data.items()}
    mapping = {}
    for part in value.split(","):
        if "=" not in part:
            raise CommandError(f"Write each mapping as Column=field, not '{part}'")
        column, field_name = part.split("=", 1)
        mapping[column.strip()] = field_name.strip()
    return mapping
