"""The front door's partner API: submit a concern or a police form, read back its status.

Each call acts as the partner system's own account (see ``api.models.PartnerToken``)
and goes through the same services as the pages. A status is only returned for
references the caller's agency submitted; any other reference is 'not found'.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator, StrictBool, WithJsonSchema, field_validator

from safeguard.core.errors import Forbidden
from safeguard.core.forms import EARLIEST_DATE, LATEST_DATE
from safeguard.core.text import has_control_characters
from safeguard.frontdoor import categories as concern_categories
from safeguard.frontdoor import selectors, services
from safeguard.frontdoor.models import Contact, ContactStatus, PoliceFormKind, Submission

from .auth import partner_auth

router = Router(tags=["Front door"], auth=partner_auth)

NON_BLANK = r"\S"


def _iso_text_only(value: Any) -> Any:
    """Dates come as ISO text ("2014-05-17"); numbers are not read as timestamps."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("Enter a date as YYYY-MM-DD")
    return value


class TextIn(Schema):
    """A request body whose text never holds NUL or other control characters (a clear 422)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and has_control_characters(value):
            raise ValueError(
                "Remove control characters (such as NUL, U+0000) from this text; "
                "line breaks and tabs are fine"
            )
        return value


def _in_range(value: dt.date) -> dt.date:
    """The dates the pages accept too: no year 1, no year 9999."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"Enter a date between {EARLIEST_DATE:%-d %B %Y} and {LATEST_DATE:%-d %B %Y}"
        )
    return value


def _not_future(value: dt.date | None) -> dt.date | None:
    """Dates of birth and of what happened are today or in the past (as the services say)."""
    if value is not None and value > timezone.localdate():
        raise ValueError("Enter a date that is today or in the past")
    return value


# Stated in the schema as well as checked, so that the schema is no looser than the server.
_DATE_SCHEMA = {
    "format": "date",
    "formatMinimum": EARLIEST_DATE.isoformat(),
    "x-latest": "today",
    "description": f"YYYY-MM-DD, from {EARLIEST_DATE.isoformat()} to today.",
}
IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_text_only),
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", **_DATE_SCHEMA}),
]
PastDate = Annotated[IsoDate | None, AfterValidator(_not_future)]
NHS_NUMBER = r"^$|^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}$"
POSTCODE = r"^$|^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$"
PHONE = r"^[0-9 +()-]*$"
CategoryCode = Literal[tuple(c.code for c in concern_categories.CATEGORIES)]  # type: ignore[valid-type]


class ChildIn(TextIn):
    """A child named in a concern. Matched to an existing record by NHS number, or name and date of birth."""

    given_name: str = Field(..., min_length=1, max_length=100, pattern=NON_BLANK)
    family_name: str = Field(..., min_length=1, max_length=100, pattern=NON_BLANK)
    date_of_birth: PastDate = None
    sex: Literal["female", "male", "unknown"] = "unknown"
    nhs_number: str = Field(
        "", max_length=12, pattern=NHS_NUMBER, description="10 digits, e.g. 943 476 5919."
    )
    postcode: str = Field("", max_length=8, pattern=POSTCODE, description="e.g. YO1 7HH.")


class ConcernIn(TextIn):
    """A concern about one or more children for the Multi-Agency Safeguarding Hub (MASH)."""

    children: list[ChildIn] = Field(..., min_length=1, max_length=20)
    categories: list[CategoryCode] = Field(..., min_length=1, max_length=17)  # type: ignore[valid-type]
    what_happened: str = Field(..., min_length=1, max_length=10_000, pattern=NON_BLANK)
    happened_on: PastDate = None
    child_voice: str = Field(
        ...,
        min_length=1,
        max_length=10_000,
        pattern=NON_BLANK,
        description="What the child said and what life is like for them (required).",
    )
    immediate_danger: StrictBool = False
    family_knows: str = Field("", max_length=10_000)
    consent: Literal["given", "refused", "not_asked"]
    no_consent_reason: Literal[
        "", "increase_risk", "undermine_investigation", "delay_protection"
    ] = Field("", description="Required when consent is 'not_asked'.")
    others_involved: str = Field("", max_length=10_000)
    referrer_name: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    referrer_role: str = Field("", max_length=200)
    referrer_phone: str = Field("", max_length=40, pattern=PHONE)
    referrer_email: str = Field(..., min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


class PoliceFormIn(TextIn):
    """What every police partner form asks."""

    subject_name: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    subject_date_of_birth: PastDate = None
    location: str = Field("", max_length=500)
    details: str = Field(..., min_length=1, max_length=10_000, pattern=NON_BLANK)
    contact_name: str = Field(..., min_length=1, max_length=200, pattern=NON_BLANK)
    contact_phone: str = Field("", max_length=40, pattern=PHONE)
    contact_email: str = Field(..., min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


class MissingPersonIn(PoliceFormIn):
    """Missing person: missing now, returned, or further information."""

    report: Literal["missing", "returned", "further_information"] = "missing"
    last_seen: str = Field("", max_length=200)
    related_reference: str = Field("", max_length=40)


class WelfareCheckIn(PoliceFormIn):
    """Request police help with a welfare check."""

    why_police: str = Field(..., min_length=1, max_length=10_000, pattern=NON_BLANK)


class MentalHealthActIn(PoliceFormIn):
    """Request police help with a Mental Health Act assessment."""

    assessment_when: str = Field(..., min_length=1, max_length=500, pattern=NON_BLANK)
    risks: str = Field(..., min_length=1, max_length=10_000, pattern=NON_BLANK)


class IntelligenceIn(PoliceFormIn):
    """Community partner intelligence (to the police intelligence unit)."""

    source_grading: Literal["seen", "told_reliable", "told_unknown"]


class ReceiptOut(Schema):
    """The immediate receipt."""

    reference: str
    received_at: dt.datetime
    decision_due_at: dt.datetime | None = None
    message: str


class StatusOut(Schema):
    """What the submitting agency may know about its own submission."""

    reference: str
    kind: str
    status: str
    received_at: dt.datetime
    decision_due_at: dt.datetime | None = None
    outcome: str | None = None
    outcome_label: str | None = None
    message_to_referrer: str | None = None


class ErrorOut(Schema):
    """An error: a message, or a list of problems."""

    detail: str | list[dict[str, Any]]


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", field], "msg": message, "type": "value_error"}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@router.post(
    "/concerns", response={201: ReceiptOut, **ERRORS}, summary="Report a concern to the MASH"
)
def concern_submit(request: HttpRequest, payload: ConcernIn) -> Status[Any]:
    """Report a concern; the reference number comes back at once and a receipt goes by email."""
    user = request.auth.system_user  # type: ignore[attr-defined]
    try:
        contact = services.contact_submit(
            by=user,
            children=[
                services.ChildDetails(
                    given_name=c.given_name,
                    family_name=c.family_name,
                    date_of_birth=c.date_of_birth,
                    sex=c.sex,
                    nhs_number=c.nhs_number.replace(" ", ""),
                    postcode=c.postcode,
                )
                for c in payload.children
            ],
            categories=list(payload.categories),
            what_happened=payload.what_happened,
            happened_on=payload.happened_on,
            child_voice=payload.child_voice,
            immediate_danger=payload.immediate_danger,
            family_knows=payload.family_knows,
            consent=payload.consent,
            no_consent_reason=payload.no_consent_reason,
            others_involved=payload.others_involved,
            referrer_name=payload.referrer_name,
            referrer_role=payload.referrer_role,
            referrer_phone=payload.referrer_phone,
            referrer_email=payload.referrer_email,
            via=Submission.API,
        )
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    except Forbidden as exc:
        raise Forbidden("This partner system cannot report concerns.") from exc
    return Status(
        201,
        {
            "reference": contact.reference,
            "received_at": contact.received_at,
            "decision_due_at": contact.decision_due_at,
            "message": "Received by the Multi-Agency Safeguarding Hub (MASH). If a child is in immediate "
            "danger, call 999.",
        },
    )


def _police(
    request: HttpRequest,
    kind: str,
    payload: PoliceFormIn,
    answers: dict[str, str],
    related_reference: str = "",
) -> Status[Any]:
    user = request.auth.system_user  # type: ignore[attr-defined]
    try:
        form = services.police_form_submit(
            by=user,
            kind=kind,
            subject_name=payload.subject_name,
            subject_date_of_birth=payload.subject_date_of_birth,
            location=payload.location,
            details=payload.details,
            contact_name=payload.contact_name,
            contact_email=payload.contact_email,
            contact_phone=payload.contact_phone,
            answers=answers,
            related_reference=related_reference,
            via=Submission.API,
        )
    except ValidationError as exc:
        return Status(422, {"detail": _errors(exc)})
    except Forbidden as exc:
        raise Forbidden("This partner system cannot send police forms.") from exc
    return Status(
        201,
        {
            "reference": form.reference,
            "received_at": form.received_at,
            "decision_due_at": None,
            "message": "Received by North Yorkshire Police. In an emergency, call 999.",
        },
    )


MISSING_KINDS = {
    "missing": PoliceFormKind.MISSING_PERSON,
    "returned": PoliceFormKind.MISSING_RETURNED,
    "further_information": PoliceFormKind.MISSING_FURTHER_INFORMATION,
}


@router.post(
    "/police/missing-person", response={201: ReceiptOut, **ERRORS}, summary="Missing person"
)
def missing_person_submit(request: HttpRequest, payload: MissingPersonIn) -> Status[Any]:
    """Report a missing person, a return, or further information."""
    return _police(
        request,
        MISSING_KINDS[payload.report],
        payload,
        {"last_seen": payload.last_seen},
        related_reference=payload.related_reference,
    )


@router.post(
    "/police/welfare-check",
    response={201: ReceiptOut, **ERRORS},
    summary="Request police help with a welfare check",
)
def welfare_check_submit(request: HttpRequest, payload: WelfareCheckIn) -> Status[Any]:
    """Ask the police to help check on someone's welfare."""
    return _police(
        request, PoliceFormKind.WELFARE_CHECK, payload, {"why_police": payload.why_police}
    )


@router.post(
    "/police/mental-health-act",
    response={201: ReceiptOut, **ERRORS},
    summary="Request police help with a Mental Health Act assessment",
)
def mental_health_act_submit(request: HttpRequest, payload: MentalHealthActIn) -> Status[Any]:
    """Ask the police to help with a Mental Health Act assessment."""
    return _police(
        request,
        PoliceFormKind.MENTAL_HEALTH_ACT,
        payload,
        {"assessment_when": payload.assessment_when, "risks": payload.risks},
    )


@router.post(
    "/police/intelligence",
    response={201: ReceiptOut, **ERRORS},
    summary="Community partner intelligence",
)
def intelligence_submit(request: HttpRequest, payload: IntelligenceIn) -> Status[Any]:
    """Send community partner intelligence to the police intelligence unit."""
    return _police(
        request,
        PoliceFormKind.PARTNER_INTELLIGENCE,
        payload,
        {"source_grading": payload.source_grading},
    )


@router.get(
    "/status/{reference}",
    response={200: StatusOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Status of something your agency sent",
)
def status_read(request: HttpRequest, reference: str) -> Status[Any]:
    """The status of a concern or police form your agency sent (any other reference: not found)."""
    token = request.auth  # type: ignore[attr-defined]
    found = selectors.contact_status_for_agency(agency_id=token.agency_id, reference=reference[:40])
    if found is None:
        return Status(404, {"detail": "Not found"})
    if isinstance(found, Contact):
        decision = (
            getattr(found, "decision", None) if found.status == ContactStatus.DECIDED else None
        )
        return Status(
            200,
            {
                "reference": found.reference,
                "kind": "concern",
                "status": found.status,
                "received_at": found.received_at,
                "decision_due_at": found.decision_due_at,
                "outcome": decision.outcome if decision else None,
                "outcome_label": decision.get_outcome_display() if decision else None,
                "message_to_referrer": decision.message_to_referrer if decision else None,
            },
        )
    return Status(
        200,
        {
            "reference": found.reference,
            "kind": found.kind,
            "status": found.status,
            "received_at": found.received_at,
        },
    )
