"""Writes and audited exports of the insight outputs: the census, entered measures, comparisons.

Each service checks the permission table, does its work in one transaction and writes
its audit event in the same transaction.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction

from . import census
from .comparison import ComparisonRefused, parse_comparison
from .events import InsightOutputEvent
from .measures import BY_KEY
from .models import ComparisonFigure, ComparisonUpload, MeasureValue
from .types import Period, Unit

DEFAULT_LA_CODE = "816"  # City of York; set SAFEGUARD_LA_CODE for another authority
MAX_VALUE = Decimal("1e12")


def la_code() -> str:
    """The local authority's three-digit DfE code, for the census header."""
    return str(getattr(settings, "SAFEGUARD_LA_CODE", "") or DEFAULT_LA_CODE)


@transaction.atomic(durable=True)
def cin_census_export(*, by: Any, year: Period) -> bytes:
    """The Children in Need census for the year, child by child, audited with every child named.

    Only the business unit may produce it: an analyst (or anyone else) is refused.
    """
    # A refused page is audited by core's middleware (a 403 answer); the CLI refuses outright.
    _require(
        by, "insight.export_census", "Only the partnership business unit may produce the census."
    )
    try:
        year = census.census_year(year)
    except ValueError as error:
        raise InvalidRequest(str(error), errors={"year": str(error)}) from None
    children = census.children_from_record(year)
    content = census.census_xml(year, children, la_code=la_code())
    audit_record(
        by=by,
        action=AuditAction.EXPORT,
        object_type=InsightOutputEvent.CIN_CENSUS,
        object_id=str(year),
        changes={"children": len(children), "bytes": len(content)},
        people=[uuid.UUID(child.person_id) for child in children],
    )
    return content


def _require(by: Any, perm: str, message: str) -> None:
    if by is None or not by.has_perm(perm):
        raise Forbidden(message)


@transaction.atomic(durable=True)
def measure_value_enter(
    *, by: Any, measure_key: str, period: Period, value: Decimal, note: str = ""
) -> MeasureValue:
    """Record a quarter's value of an entered measure; earlier values stay as history."""
    _require(by, "insight.enter_measures", "Only the partnership business unit enters measures.")
    measure = BY_KEY.get(measure_key)
    if measure is None or not measure.entered:
        raise InvalidRequest(
            "Choose a measure the business unit enters.",
            errors={"measure_key": "Choose a measure the business unit enters"},
        )
    if not period.is_quarter:
        raise InvalidRequest(
            "Enter a quarter, like 2026Q3.", errors={"period": "Enter a quarter, like 2026Q3"}
        )
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise InvalidRequest("Enter a number.", errors={"value": "Enter a number"})
    if value < 0:
        raise InvalidRequest(
            "The value cannot be negative.", errors={"value": "The value cannot be negative"}
        )
    if measure.unit is Unit.PERCENT and value > 100:  # noqa: PLR2004 - a percentage
        raise InvalidRequest(
            "A percentage must be between 0 and 100.",
            errors={"value": "A percentage must be between 0 and 100"},
        )
    entry = MeasureValue.objects.create(
        measure_key=measure_key,
        period=period.label,
        value=value.quantize(Decimal("0.01")),
        note=note.strip(),
        entered_by=by,
        entered_at=timezone.now(),
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=InsightOutputEvent.MEASURE_VALUE,
        object_id=entry.pk,
        changes={"measure": measure_key, "period": period.label, "value": str(entry.value)},
    )
    return entry


@transaction.atomic(durable=True)
def comparison_upload(
    *, by: Any, filename: str, content: bytes, description: str = ""
) -> ComparisonUpload:
    """Check a comparison file whole and store its rows; nothing is saved if any row is wrong."""
    _require(
        by, "insight.upload_comparison", "Only the partnership business unit uploads comparisons."
    )
    try:
        rows = parse_comparison(content)
    except ComparisonRefused as refused:
        raise InvalidRequest(
            "; ".join(refused.problems), errors={"file": "\n".join(refused.problems)}
        ) from None
    upload = ComparisonUpload.objects.create(
        filename=(filename or "comparison.csv")[:200],
        description=description.strip()[:200],
        uploaded_by=by,
        uploaded_at=timezone.now(),
        row_count=len(rows),
    )
    ComparisonFigure.objects.bulk_create(
        ComparisonFigure(
            upload=upload,
            measure_key=row.measure_key,
            period=row.period,
            area=row.area,
            value=row.value,
        )
        for row in rows
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=InsightOutputEvent.COMPARISON_FILE,
        object_id=upload.pk,
        changes={"filename": upload.filename, "rows": len(rows)},
    )
    return upload
