"""Write a subject access copy for one person: DIR/<id>.pdf and DIR/<id>.json."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguard.people.models import Person
from safeguard.rights.models import SubjectAccessRequest
from safeguard.rights.subject_access import subject_access_export


class Command(BaseCommand):
    help = (
        "Export everything held about one person as a readable PDF and a machine-readable JSON "
        "file: the full, unreviewed working copy, for someone with server access. The export is "
        "audited. The copy sent to a requester is released on the request's page, after the "
        "identity and standing checks, a decision on every record and a second manager's sign-off."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--person", required=True, help="The person's record number (UUID).")
        parser.add_argument(
            "--out", required=True, help="Directory to write <id>.pdf and <id>.json into."
        )
        parser.add_argument(
            "--request",
            default="",
            help="Reference of the subject access request (SAR-...) the copy is made for.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person_id = uuid.UUID(str(options["person"]))
        except ValueError as exc:
            raise CommandError("--person must be a record number (UUID)") from exc
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise CommandError(f"No person with record number {person_id}")
        request = None
        if options["request"]:
            request = SubjectAccessRequest.objects.filter(
                reference=options["request"], person=person
            ).first()
            if request is None:
                raise CommandError(f"No request {options['request']} about this person")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        files = subject_access_export(by=None, person=person, request=request)
        for fmt, data in files.items():
            (out / f"{person.pk}.{fmt}").write_bytes(data)
        self.stdout.write(f"Wrote {out / f'{person.pk}.pdf'} and {out / f'{person.pk}.json'}")
