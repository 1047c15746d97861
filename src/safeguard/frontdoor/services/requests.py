"""Requests for information: the MASH asks an agency what it knows, the agency answers.

One concept across the front door and information sharing (see ``docs/sharing.md``):
a request for information is a work item of kind "answer a request for information"
in the asked agency's receiving team (``work.services.team_receiving_for``), with a
deadline from the partnership's clock (4 working hours; 1 hour round the clock when
the contact says a child is in immediate danger). Someone in that agency answers it
in Safeguard; the answer, who gave it and when appear on the contact for the MASH,
and the work item closes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.models import AuditAction
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent, Visibility
from safeguard.people.services import chronology_add
from safeguard.work.models import Priority, WorkKind
from safeguard.work.services import (
    deadline_for,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from ..events import FrontdoorEvent
from ..models import MashEnquiry
from ..rules import can_answer_request
from ._common import _text

if TYPE_CHECKING:
    from safeguard.core.models import User

# What a MASH request's work item is about (a sharing request's is "sharing.information_request").
REQUEST_SUBJECT = "frontdoor.information_request"
REQUEST_NAME = "Request for information"


def request_work_create(*, by: User, request: MashEnquiry, notify: bool = True) -> None:
    """Put the request in the asked agency's queue (inside the asking service's transaction)."""
    contact = request.contact
    urgent = bool(contact.immediate_danger)
    children = list(contact.children.all()[:2])
    work_item_create(
        by=by,
        team=team_receiving_for(request.agency),
        kind=WorkKind.ANSWER_REQUEST,
        title=f"{REQUEST_NAME} from the Multi-Agency Safeguarding Hub (MASH)",
        detail=request.question,
        subject_type=REQUEST_SUBJECT,
        subject_id=request.pk,
        subject_url=reverse("frontdoor:request-answer", args=[request.pk]),
        subject_label=f"{REQUEST_NAME} on contact {contact.reference}",
        person=children[0] if len(children) == 1 else None,
        deadline=deadline_for("answer_request_immediate" if urgent else "answer_request"),
        priority=Priority.IMMEDIATE if urgent else Priority.STANDARD,
        notify=notify,
    )


def request_chronology(
    *, by: User, request: MashEnquiry, title: str, at: dt.datetime, entry: MashEnquiry | None = None
) -> None:
    """Note a request, answer or correction in each child's chronology.

    Always for the MASH and children's social care only (issue 10), whoever wrote it
    and whichever page it came from.
    """
    for person in request.contact.children.all():
        chronology_add(
            by=by,
            person=person,
            occurred_at=at,
            category=ChronologyEvent.Category.CONTACT,
            title=title,
            source_type="frontdoor.information_request",
            source_id=str((entry or request).pk),
            visibility=Visibility.MASH_AND_SOCIAL_CARE,
        )


def request_work_close(*, by: User, request: MashEnquiry) -> None:
    """The request is answered: its work item is done."""
    work_items_close_for(
        by=by,
        subject_type=REQUEST_SUBJECT,
        subject_id=request.pk,
        kinds=(WorkKind.ANSWER_REQUEST,),
        outcome=f"Answered by {request.answered_by} ({getattr(request.answered_by, 'agency', '')})",
    )


def information_request_reply(*, by: User, request: MashEnquiry, answer: str) -> MashEnquiry:
    """Someone in the asked agency answers the MASH's request for information.

    The answer is recorded once, with who gave it and when; it then appears on the
    contact, and the work item in the agency's queue closes.
    """
    if not can_answer_request(by, request):
        raise AccessDenied("Only the agency that was asked can answer this request.")
    errors: dict[str, str] = {}
    answer = _text(answer, name="answer", label="what your agency knows", errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            MashEnquiry.objects.select_for_update()
            .select_related("contact", "agency")
            .get(pk=request.pk)
        )
        if locked.answered_at is not None:
            raise ValidationError({"answer": "This request has already been answered"})
        now = timezone.now()
        locked.answer = answer
        locked.answered_at = now
        locked.answered_by = by
        locked.save(update_fields=["answer", "answered_at", "answered_by"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=FrontdoorEvent.INFORMATION_REQUEST,
            object_id=locked.pk,
            changes={"answered": {"before": False, "after": True}, "by_asked_agency": True},
        )
        request_chronology(
            by=by,
            request=locked,
            at=now,
            title=(
                f"{locked.agency.name} answered the Multi-Agency Safeguarding Hub (MASH)'s "
                f"request for information ({locked.contact.reference})"
            ),
        )
        request_work_close(by=by, request=locked)
    request.answer, request.answered_at, request.answered_by = answer, now, by
    return request
