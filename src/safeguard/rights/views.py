"""People's rights pages: subject access requests and the monthly retention review.

Only Multi-Agency Safeguarding Hub (MASH) managers handle them (the
``rights.handle_subject_access`` permission); everyone else gets 'page not
found'. A handler opens a person's record, and makes the copy, only through an
open request for that person (a basis of the access rule, audited with the
request's reference); without one the person's page only records a new request.
The partnership business unit sees the request register and retention figures
without any names.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.errors import DomainError
from safeguard.core.events import AuditEventType
from safeguard.core.forms import GovukDateField, TextField
from safeguard.core.http import errors_on, permitted_or_404, require_perm
from safeguard.people.access import access_basis_detail
from safeguard.people.models import Person
from safeguard.people.services import people_listed_record, person_view_record

from . import retention
from .events import RightsEvent
from .models import RetentionDeletion, RetentionRule, SubjectAccessRequest
from .subject_access import (
    subject_access_export,
    subject_access_request_complete,
    subject_access_request_create,
)


class SubjectAccessRequestForm(forms.Form):
    """Record who asked for a copy and when the request arrived."""

    requester_kind = forms.ChoiceField(
        label="Who asked?",
        choices=SubjectAccessRequest.Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who asked for the copy"},
    )
    requester_name = forms.CharField(
        label="Name of the person who asked",
        max_length=200,
        error_messages={"required": "Enter the name of the person who asked"},
    )
    received_on = GovukDateField(
        label="Date the request was received",
        past_only=True,
        help_text="For example, 27 3 2026. The reply is due one calendar month later.",
    )


class KeepForm(forms.Form):
    """Why a record due for deletion is being kept."""

    reason = TextField(
        label="Why should this record be kept?",
        max_length=2000,
        error_messages={"required": "Enter why the record should be kept"},
    )


def _handler_or_404(request: HttpRequest) -> None:
    require_perm(request, "rights.handle_subject_access")


def _request_or_404(
    request: HttpRequest, request_id: uuid.UUID, page: AuditEventType
) -> SubjectAccessRequest:
    """A request whose person the handler may open (an open request is itself the basis)."""
    _handler_or_404(request)
    sar = SubjectAccessRequest.objects.select_related("person").filter(pk=request_id).first()
    return permitted_or_404(
        request,
        sar,
        perm="rights.open_subject_access_request",
        page=page,
        object_id=request_id,
        person_id=sar.person_id if sar is not None else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_subject_access(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A person's subject access requests: record a new one, download the copy."""
    _handler_or_404(request)
    person = get_object_or_404(Person.objects.select_related("current_school"), pk=person_id)
    form = SubjectAccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="received_on") as failed:
            sar = subject_access_request_create(
                by=request.user,  # type: ignore[arg-type]
                person=person,
                requester_kind=form.cleaned_data["requester_kind"],
                requester_name=form.cleaned_data["requester_name"],
                received_on=form.cleaned_data["received_on"],
            )
        if not failed:
            messages.success(
                request,
                f"Request {sar.reference} recorded: the reply is due by {sar.due_on:%-d %B %Y}",
            )
            return redirect("rights:person-subject-access", person_id=person.pk)
    # Without a basis (no open request, no other reason to see the person) the page only
    # records a new request: the earlier requests and their copies stay closed.
    basis = access_basis_detail(request.user, person)
    requests = (
        list(SubjectAccessRequest.objects.filter(person=person).select_related("recorded_by"))
        if basis is not None
        else []
    )
    person_view_record(
        by=request.user,  # type: ignore[arg-type]
        person_id=person.pk,
        page=RightsEvent.SUBJECT_ACCESS if basis is not None else RightsEvent.SUBJECT_ACCESS_INTAKE,
        basis=basis,
    )
    return render(
        request,
        "rights/subject_access/person.html",
        {
            "person": person,
            "form": form,
            "requests": requests,
            "intake": basis is None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET"])
def subject_access_download(request: HttpRequest, request_id: uuid.UUID, fmt: str) -> HttpResponse:
    """Make and download the copy for a request, as PDF or JSON (each download is audited)."""
    if fmt not in ("pdf", "json"):
        raise Http404
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_DOWNLOAD)
    files = subject_access_export(by=request.user, person=sar.person, request=sar, formats=[fmt])  # type: ignore[arg-type]
    content_type = "application/pdf" if fmt == "pdf" else "application/json"
    response = HttpResponse(files[fmt], content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def subject_access_complete(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Record that the reply was sent."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_COMPLETE)
    subject_access_request_complete(by=request.user, request=sar)  # type: ignore[arg-type]
    messages.success(request, f"Request {sar.reference} marked as replied to")
    return redirect("rights:person-subject-access", person_id=sar.person_id)


@login_required
@require_http_methods(["GET"])
def rights_register(request: HttpRequest) -> HttpResponse:
    """Open subject access requests with their due dates, and a way to find a person."""
    require_perm(request, "rights.see_rights_register")
    handler = request.user.has_perm("rights.handle_subject_access")
    open_requests = list(
        SubjectAccessRequest.objects.exclude(status=SubjectAccessRequest.Status.COMPLETED)
        .select_related("person")
        .order_by("due_on")
    )
    found: list[Person] = []
    query = request.GET.get("q", "").strip()[:200]
    if handler:
        if open_requests:
            people_listed_record(
                by=request.user,  # type: ignore[arg-type]
                person_ids=[r.person_id for r in open_requests],
                context=RightsEvent.SUBJECT_ACCESS_REGISTER,
            )
        if query:
            found = _find(request.user, query)
            people_listed_record(
                by=request.user,  # type: ignore[arg-type]
                person_ids=[p.pk for p in found],
                context=RightsEvent.SUBJECT_ACCESS_FIND,
            )
    return render(
        request,
        "rights/subject_access/register.html",
        {
            "handler": handler,
            "open_requests": open_requests,
            "query": query,
            "found": found,
            "today": timezone.localdate(),
        },
    )


def _find(user: object, query: str) -> list[Person]:
    """Find the person a request is about, by record number, NHS number or name."""
    from safeguard.people.search import QueryError, parse_query
    from safeguard.people.selectors import person_search_all

    try:
        return [Person.objects.get(pk=uuid.UUID(query))]
    except (ValueError, Person.DoesNotExist):
        pass
    try:
        parsed = parse_query(query)
    except QueryError:
        return []
    return [r.person for r in person_search_all(user=user, query=parsed)][:20]


@login_required
@require_http_methods(["GET"])
def retention_review(request: HttpRequest) -> HttpResponse:
    """The monthly report of records due for review, with the two-person deletion."""
    require_perm(request, "rights.see_rights_register")
    handler = request.user.has_perm("rights.handle_subject_access")
    today = timezone.localdate()
    month_text = request.GET.get("month", f"{today:%Y-%m}")
    error = ""
    try:
        month = retention.parse_month(month_text)
    except ValueError as exc:
        error = str(exc)
        month = today.replace(day=1)
    items = retention.retention_review(month=month, with_names=handler)
    if handler and items:
        people_listed_record(
            by=request.user,  # type: ignore[arg-type]
            person_ids=sorted({i.person_id for i in items}, key=str),
            context=RightsEvent.RETENTION_REVIEW,
        )
    return render(
        request,
        "rights/retention/review.html",
        {
            "handler": handler,
            "items": items,
            "month": month,
            "month_text": month_text,
            "error": error or request.session.pop("retention_problem", ""),
            "rules": RetentionRule.objects.all(),
            "recent": RetentionDeletion.objects.exclude(
                status=RetentionDeletion.Status.PROPOSED
            ).select_related("rule")[:20],
            "keep_form": KeepForm(),
        },
    )


@require_POST
@login_required
def retention_propose(request: HttpRequest) -> HttpResponse:
    """First person proposes deleting a record that is due."""
    _handler_or_404(request)
    try:
        retention.retention_deletion_propose(
            by=request.user,  # type: ignore[arg-type]
            record_type=request.POST.get("record_type", ""),
            object_id=request.POST.get("object_id", ""),
        )
    except retention.RetentionError as exc:
        request.session["retention_problem"] = str(exc)
    else:
        messages.success(
            request,
            "Deletion proposed: a second Multi-Agency Safeguarding Hub (MASH) manager must now approve it",
        )
    return redirect(f"{_review_url()}?month={request.POST.get('month', '')}")


@require_POST
@login_required
def retention_decide(request: HttpRequest, deletion_id: uuid.UUID) -> HttpResponse:
    """Second person approves (and the record is deleted), or anyone keeps it with a reason."""
    _handler_or_404(request)
    deletion = get_object_or_404(RetentionDeletion, pk=deletion_id)
    try:
        with transaction.atomic():
            if request.POST.get("decision") == "approve":
                retention.retention_deletion_approve(by=request.user, deletion=deletion)  # type: ignore[arg-type]
                messages.success(
                    request, "Approved: the record has been deleted and the deletion recorded"
                )
            else:
                form = KeepForm(request.POST)
                if not form.is_valid():
                    request.session["retention_problem"] = "Enter why the record should be kept"
                else:
                    retention.retention_deletion_cancel(
                        by=request.user,  # type: ignore[arg-type]
                        deletion=deletion,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, "The record will be kept")
    except DomainError as exc:
        request.session["retention_problem"] = str(exc)
    return redirect(f"{_review_url()}?month={request.POST.get('month', '')}")


def _review_url() -> str:
    from django.urls import reverse

    return reverse("rights:retention-review")
