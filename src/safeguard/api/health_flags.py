"""Health flags for health systems: ``GET /api/v1/health-flags?nhs_number=...``.

A health agency's system looks a child up by NHS number and learns only what health
staff see on the page: that a flag exists, since when, and the lead professional's
contact. Nothing about the risk, the level, the plan or the panel. Only tokens of
health agencies may ask; every look-up is audited (found or not) and counts against
the token's rate limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from safeguard.exploitation.panel.services import health_flag_look_up

from .auth import partner_auth

router = Router(tags=["Health flags"], auth=partner_auth)

NHS_NUMBER = r"^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}$"


class LeadProfessionalOut(Schema):
    """Who to contact about the child."""

    name: str
    job_title: str
    agency: str
    phone: str
    email: str


class HealthFlagOut(Schema):
    """That a flag exists, since when, and who to contact: nothing more."""

    nhs_number: str
    flagged: bool = Field(..., description="Always true: no flag answers 404.")
    since: dt.datetime = Field(..., description="When the flag was raised (UTC).")
    lead_professional: LeadProfessionalOut


class ErrorOut(Schema):
    """What went wrong: a message, or a list of problems."""

    detail: str | list[dict[str, Any]]


@router.get(
    "",
    response={200: HealthFlagOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Whether a child is flagged to health services",
)
def health_flag_read(
    request: HttpRequest,
    nhs_number: str = Query(  # type: ignore[assignment]
        ..., min_length=10, max_length=12, pattern=NHS_NUMBER, description="e.g. 943 476 5919."
    ),
) -> Status[Any]:
    """The flag for an NHS number (health agencies' systems only); any other number: not found."""
    token = request.auth  # type: ignore[attr-defined]
    seen = health_flag_look_up(by=token.system_user, nhs_number=nhs_number, token=token)
    if seen is None:
        return Status(404, {"detail": "Not found"})
    return Status(
        200,
        {
            "nhs_number": seen.nhs_number,
            "flagged": True,
            "since": seen.since,
            "lead_professional": {
                "name": seen.lead_name,
                "job_title": seen.lead_job_title,
                "agency": seen.lead_agency,
                "phone": seen.lead_phone,
                "email": seen.lead_email,
            },
        },
    )
