"""The missing part's partner API: a partner system reports a missing child.

The report is the police partner "missing person" form (it lands in the police
queue as before) and, when the NHS number names a child the partner's agency
works with now, the missing episode itself, in one transaction: the school is
told, the Philomena profile is released, the repeat-missing rule is checked. A
rejected episode leaves nothing saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from safeguard.core.errors import Forbidden
from safeguard.exploitation.missing import services as missing
from safeguard.frontdoor import services as frontdoor
from safeguard.frontdoor.models import PoliceFormKind, Submission

from .auth import partner_auth
from .frontdoor import ERRORS, PoliceFormIn, _errors

router = Router(tags=["Missing children"], auth=partner_auth)


class MissingReportIn(PoliceFormIn):
    """A missing child: the police partner form's questions and the episode's."""

    nhs_number: str = Field("", max_length=12, pattern=r"^[0-9 ]*$")
    kind: Literal["missing_from_home", "missing_from_care", "away_from_placement"] = (
        "missing_from_home"
    )
    missing_since: dt.datetime = Field(
        ..., description="When the child was last seen (with a time zone)."
    )
    last_seen_where: str = Field(..., min_length=1, max_length=300, pattern=r"\S")
    last_seen_with: str = Field("", max_length=300)
    whereabouts: str = Field("", max_length=300)
    reported_by_kind: Literal[
        "parent", "foster_carer", "childrens_home", "school", "social_worker", "other"
    ] = "other"


class MissingReportOut(Schema):
    """The form's reference, and the episode's when one was opened."""

    reference: str
    received_at: dt.datetime
    episode_reference: str | None = None
    message: str


@router.post(
    "/reports",
    response={201: MissingReportOut, **ERRORS},
    summary="Report a missing child",
)
def missing_report(request: HttpRequest, payload: MissingReportIn) -> Status[Any]:
    """Report a missing child: the police form and, for a child you work with, the episode."""
    user = request.auth.system_user  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            form = frontdoor.police_form_submit(
                by=user,
                kind=PoliceFormKind.MISSING_PERSON,
                subject_name=payload.subject_name,
                subject_date_of_birth=payload.subject_date_of_birth,
                location=payload.location,
                details=payload.details,
                contact_name=payload.contact_name,
                contact_email=payload.contact_email,
                contact_phone=payload.contact_phone,
                answers={"last_seen": payload.last_seen_where},
                via=Submission.API,
            )
            episode = missing.missing_report_from_partner(
                by=user,
                police_form=form,
                nhs_number=payload.nhs_number,
                kind=payload.kind,
                missing_since=payload.missing_since,
                reported_by_kind=payload.reported_by_kind,
                last_seen_where=payload.last_seen_where,
                last_seen_with=payload.last_seen_with,
                whereabouts=payload.whereabouts,
            )
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    except Forbidden as exc:
        raise Forbidden("This partner system cannot report missing children.") from exc
    return Status(
        201,
        {
            "reference": form.reference,
            "received_at": form.received_at,
            "episode_reference": episode.reference if episode else None,
            "message": (
                "Received by North Yorkshire Police. In an emergency, call 999."
                + ("" if episode else " The police will match the form to the child's record.")
            ),
        },
    )
