"""Import e-learning registrations and completions from the e-learning platform's CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AgencyKind, AuditAction, User

from .events import TrainingEvent
from .models import ElearningRecord
from .services.common import _require


@dataclass
class ImportResult:
    """Rows kept, and rows rejected with the reason, numbered as in the file (header is 1)."""

    kept: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


ELEARNING_COLUMNS = ("email", "course", "sector", "registered_on", "completed_on")


def _sector(value: str) -> str | None:
    wanted = value.strip().lower()
    for code, label in AgencyKind.choices:
        if wanted in (code, str(label).lower()):
            return code
    return None


def _date(value: str) -> dt.date | None:
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    return None


def elearning_import(*, by: User, text: str, now: dt.datetime | None = None) -> ImportResult:
    """Import registrations and completions from the e-learning platform's CSV.

    Columns: email, course, sector, registered_on, completed_on (empty when not
    completed). The sector is the agency kind of the learner's agency, by code or
    name ("education_school" or "Education: school"). Each row is checked whole
    before anything is saved: a bad row is listed and saved not at all; good rows
    are kept (a row for the same email and course replaces the earlier one).
    """
    _require(by, "training.manage")
    now = now or timezone.now()
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ELEARNING_COLUMNS if c not in header]
    if missing:
        raise InvalidRequest(errors={"file": f"The file has no column called {', '.join(missing)}"})
    good: list[dict[str, Any]] = []
    today = timezone.localdate()
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        problems = []
        try:
            validate_email(row["email"])
        except ValidationError:
            problems.append("the email address is not valid")
        if not row["course"]:
            problems.append("the course is missing")
        sector = _sector(row["sector"])
        if sector is None:
            problems.append(f"unknown sector '{row['sector'][:60]}'")
        registered = _date(row["registered_on"])
        if registered is None:
            problems.append("the registration date is not a date like 2023-01-31")
        completed = None
        if row["completed_on"]:
            completed = _date(row["completed_on"])
            if completed is None:
                problems.append("the completion date is not a date like 2023-01-31")
            elif registered is not None and completed < registered:
                problems.append("it was completed before it was registered")
        if (registered and registered > today) or (completed and completed > today):
            problems.append("a date is in the future")
        if problems:
            result.rejected.append((number, "; ".join(problems)))
            continue
        good.append(
            {
                "email": row["email"].lower(),
                "course": row["course"][:200],
                "sector": sector,
                "registered_on": registered,
                "completed_on": completed,
            }
        )
    with transaction.atomic():
        for row in good:
            ElearningRecord.objects.update_or_create(
                email=row["email"],
                course=row["course"],
                defaults={**row, "imported_at": now},
            )
        result.kept = len(good)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=TrainingEvent.TRAINING_ELEARNING_IMPORT,
            object_id=now.strftime("%Y%m%d%H%M%S"),
            changes={"kept": result.kept, "rejected": len(result.rejected)},
        )
    return result
