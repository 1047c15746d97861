"""People's rights pages: subject access requests and the monthly retention review.

Only Multi-Agency Safeguarding Hub (MASH) managers handle them (the
``rights.handle_subject_access`` permission); everyone else gets 'page not
found'. A handler opens a person's record only through an open request for that
person (a basis of the access rule, audited with the request's reference); without
one, the person's page opens only with the reason given at the search (audited) and
only records a new request. The copy is released only after the checks in
``services.py`` and a second manager's sign-off. The partnership business unit sees
the request register and retention figures without any names.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.errors import DomainError, InvalidRequest
from safeguard.core.events import AuditEventType
from safeguard.core.http import errors_on, permitted_or_404, require_perm
from safeguard.people.access import access_basis_detail
from safeguard.people.models import Person
from safeguard.people.services import people_listed_record, person_view_record

from . import retention, services
from .events import RightsEvent
from .forms import (
    ExtendForm,
    FindForm,
    IdentityForm,
    ItemDecisionForm,
    KeepForm,
    RefuseForm,
    StandingForm,
    SubjectAccessRequestForm,
)
from .models import RetentionDeletion, RetentionRule, SubjectAccessItem, SubjectAccessRequest
from .rules import open_subject_access_requests
from .subject_access import (
    due_date_for,
    open_reason_clean,
    subject_access_request_complete,
    subject_access_request_create,
)

if TYPE_CHECKING:
    from safeguard.core.models import User


def _handler_or_404(request: HttpRequest) -> None:
    require_perm(request, "rights.handle_subject_access")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


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


def _viewed(request: HttpRequest, sar: SubjectAccessRequest, page: AuditEventType) -> None:
    """Audit a page naming the person, with the basis (the open request's reference)."""
    person_view_record(
        by=_user(request),
        person_id=sar.person_id,
        page=page,
        basis=access_basis_detail(request.user, sar.person_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_subject_access(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A person's subject access requests, and recording a new one.

    A handler with no basis to see the person (no open request, no involvement) reaches
    this page only from the search, with the reason they gave there: the page is opened
    with that reason recorded, and the request is recorded with it. Without a reason the
    page answers 'page not found', as for anyone else.
    """
    _handler_or_404(request)
    person = Person.objects.filter(pk=person_id).first()
    basis = access_basis_detail(request.user, person) if person is not None else None
    reason = ""
    if request.method == "POST" and request.POST.get("open_reason"):
        try:
            reason = open_reason_clean(request.POST["open_reason"])
        except InvalidRequest:
            reason = ""
    if basis is None and (person is None or request.method != "POST" or not reason):
        permitted_or_404(
            request,
            person,
            allowed=False,
            page=RightsEvent.SUBJECT_ACCESS_INTAKE,
            object_id=person_id,
            person_id=person_id if person is not None else None,
        )
    assert person is not None  # noqa: S101 - permitted_or_404 raised otherwise
    # From a search result: the reason alone (the request form always sends its fields).
    opening = request.method == "POST" and set(request.POST) <= {
        "csrfmiddlewaretoken",
        "open_reason",
    }
    form = SubjectAccessRequestForm(
        None if request.method != "POST" or opening else request.POST,
        initial={"open_reason": reason},
    )
    if request.method == "POST" and not opening and form.is_valid():
        with errors_on(form, field="received_on") as failed:
            sar = subject_access_request_create(
                by=_user(request),
                person=person,
                requester_kind=form.cleaned_data["requester_kind"],
                requester_name=form.cleaned_data["requester_name"],
                received_on=form.cleaned_data["received_on"],
                open_reason=reason,
            )
        if not failed:
            messages.success(
                request,
                f"Request {sar.reference} recorded: the reply is due by {sar.due_on:%-d %B %Y}",
            )
            return redirect("rights:subject-access-request", request_id=sar.pk)
    requests = (
        list(SubjectAccessRequest.objects.filter(person=person).select_related("recorded_by"))
        if basis is not None
        else []
    )
    if basis is None:
        # Opened with the reason typed at the search: recorded as the reason for this view.
        services.subject_access_intake_view_record(by=_user(request), person=person, reason=reason)
    else:
        person_view_record(
            by=_user(request), person_id=person.pk, page=RightsEvent.SUBJECT_ACCESS, basis=basis
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


def _request_context(sar: SubjectAccessRequest) -> dict[str, Any]:
    items = list(sar.items.all())
    problems = services.release_problems(sar)
    return {
        "sar": sar,
        "person": sar.person,
        "today": timezone.localdate(),
        "items_total": len(items),
        "items_decided": sum(1 for i in items if i.decision),
        "problems": problems,
        "standing_problem": services.standing_problem(sar),
        "age": services.person_age_at_request(sar),
        "first_due": due_date_for(sar.clock_starts_on),
        "refuse_form": RefuseForm(),
    }


def _render_request(
    request: HttpRequest, sar: SubjectAccessRequest, *, error: str = "", form: Any = None
) -> HttpResponse:
    context = _request_context(sar)
    context["errors"] = [e for e in error.split("; ") if e]
    context["can_sign_off"] = request.user.has_perm("rights.sign_off_subject_access", sar)
    if form is not None:
        context["refuse_form"] = form
    _viewed(request, sar, RightsEvent.SUBJECT_ACCESS_PAGE)
    return render(request, "rights/subject_access/request.html", context)


@login_required
@require_http_methods(["GET"])
def subject_access_request_page(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """One request: who asked, the deadline, and every check before the copy is released."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_PAGE)
    return _render_request(request, sar)


@login_required
@require_http_methods(["GET", "POST"])
def subject_access_identity(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Record the proof of identity seen."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_IDENTITY)
    form = IdentityForm(
        request.POST or None,
        initial={
            "evidence": sar.identity_evidence,
            "evidence_received_on": sar.identity_evidence_received_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="evidence") as failed:
            services.subject_access_identity_record(
                by=_user(request),
                request=sar,
                evidence=form.cleaned_data["evidence"],
                evidence_received_on=form.cleaned_data["evidence_received_on"],
            )
        if not failed:
            messages.success(request, "Identity check recorded")
            return redirect("rights:subject-access-request", request_id=sar.pk)
    _viewed(request, sar, RightsEvent.SUBJECT_ACCESS_IDENTITY)
    return render(request, "rights/subject_access/identity.html", {"sar": sar, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def subject_access_standing(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Record why the requester may have the person's information."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_STANDING)
    child = services.is_child_request(sar)
    form = StandingForm(
        request.POST or None,
        requester_kind=sar.requester_kind,
        child=child,
        initial={
            name: getattr(sar, name)
            for name in (
                "parental_responsibility_evidence",
                "child_competent",
                "child_view",
                "child_view_notes",
                "authority_evidence",
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form) as failed:
            services.subject_access_standing_record(
                by=_user(request), request=sar, **form.cleaned_data
            )
        if not failed:
            messages.success(request, "Standing check recorded")
            return redirect("rights:subject-access-request", request_id=sar.pk)
    _viewed(request, sar, RightsEvent.SUBJECT_ACCESS_STANDING)
    return render(
        request,
        "rights/subject_access/standing.html",
        {"sar": sar, "form": form, "child": child, "age": services.person_age_at_request(sar)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject_access_extend(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Extend the deadline by one or two further months, with the reason."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_EXTENSION)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="told_on") as failed:
            services.subject_access_extend(by=_user(request), request=sar, **form.cleaned_data)
        if not failed:
            messages.success(
                request, f"Deadline extended: the reply is now due by {sar.due_on:%-d %B %Y}"
            )
            return redirect("rights:subject-access-request", request_id=sar.pk)
    _viewed(request, sar, RightsEvent.SUBJECT_ACCESS_EXTENSION)
    return render(
        request,
        "rights/subject_access/extend.html",
        {"sar": sar, "form": form, "first_due": due_date_for(sar.clock_starts_on)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject_access_items(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Every record the copy would hold, with its decision; gather them (again)."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_REVIEW)
    error = ""
    if request.method == "POST":
        try:
            added = services.subject_access_items_gather(by=_user(request), request=sar)
        except InvalidRequest as exc:
            error = str(exc)
        else:
            messages.success(request, f"Records gathered: {added} added to the review")
            return redirect("rights:subject-access-items", request_id=sar.pk)
    _viewed(request, sar, RightsEvent.SUBJECT_ACCESS_REVIEW)
    return render(
        request,
        "rights/subject_access/items.html",
        {"sar": sar, "items": list(sar.items.select_related("decided_by")), "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject_access_item(request: HttpRequest, request_id: uuid.UUID, item_id: int) -> HttpResponse:
    """One record as it stands, and the decision about releasing it."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_ITEM)
    item = get_object_or_404(SubjectAccessItem, pk=item_id, request=sar)
    item.request = sar
    live, entries = services.item_live(item)
    labels = services.field_labels(live, entries)
    form = ItemDecisionForm(
        request.POST or None,
        labels=labels,
        initial={
            "decision": item.decision,
            "redacted_fields": item.redacted_fields,
            "note": item.note,
            "data_kind": item.data_kind,
            "professional_name": item.professional_name,
            "professional_role": item.professional_role,
            "opinion_on": item.opinion_on,
            "exemption": item.exemption,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("redacted_fields", [])
        with errors_on(form, field="note") as failed:
            services.subject_access_item_decide(by=_user(request), item=item, **data)
        if not failed:
            messages.success(request, f"Decision recorded: {item.summary}")
            following = sar.items.filter(decision="").order_by("position", "id").first()
            if following is not None:
                return redirect(
                    "rights:subject-access-item", request_id=sar.pk, item_id=following.pk
                )
            return redirect("rights:subject-access-items", request_id=sar.pk)
    _viewed(request, sar, RightsEvent.SUBJECT_ACCESS_ITEM)
    return render(
        request,
        "rights/subject_access/item.html",
        {"sar": sar, "item": item, "live": live, "entries": entries[:50], "form": form},
    )


@require_POST
@login_required
def subject_access_sign_off(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """A second manager signs off the review."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_SIGN_OFF)
    try:
        services.subject_access_sign_off(by=_user(request), request=sar)
    except InvalidRequest as exc:
        return _render_request(request, sar, error=str(exc))
    messages.success(request, f"Review of {sar.reference} signed off: the copy can be released")
    return redirect("rights:subject-access-request", request_id=sar.pk)


@require_POST
@login_required
def subject_access_release(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Make the reviewed copy and keep it for download."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_RELEASE)
    try:
        services.subject_access_release(by=_user(request), request=sar)
    except InvalidRequest as exc:
        return _render_request(request, sar, error=str(exc))
    messages.success(request, f"Copy for {sar.reference} released: download it and send it")
    return redirect("rights:subject-access-request", request_id=sar.pk)


@login_required
@require_http_methods(["GET"])
def subject_access_download(request: HttpRequest, request_id: uuid.UUID, fmt: str) -> HttpResponse:
    """Download the released copy, as PDF or JSON (each download is audited)."""
    if fmt not in ("pdf", "json"):
        raise Http404
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_DOWNLOAD)
    try:
        data = services.subject_access_copy_download(by=_user(request), request=sar, fmt=fmt)
    except InvalidRequest as exc:
        return _render_request(request, sar, error=str(exc))
    content_type = "application/pdf" if fmt == "pdf" else "application/json"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def subject_access_complete(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Record that the reply was sent."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_COMPLETE)
    try:
        subject_access_request_complete(by=_user(request), request=sar)
    except InvalidRequest as exc:
        return _render_request(request, sar, error=str(exc))
    messages.success(request, f"Request {sar.reference} marked as replied to")
    return redirect("rights:subject-access")


@require_POST
@login_required
def subject_access_refuse(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Close the request without a copy, with the reason."""
    sar = _request_or_404(request, request_id, RightsEvent.SUBJECT_ACCESS_REFUSE)
    form = RefuseForm(request.POST)
    if form.is_valid():
        with errors_on(form) as failed:
            services.subject_access_request_refuse(
                by=_user(request), request=sar, reason=form.cleaned_data["reason"]
            )
        if not failed:
            messages.success(request, f"Request {sar.reference} closed without a copy")
            return redirect("rights:subject-access")
    return _render_request(request, sar, form=form)


@login_required
@require_http_methods(["GET"])
def rights_register(request: HttpRequest) -> HttpResponse:
    """Open subject access requests with their due dates, and a way to find a person.

    Finding someone the handler has no other basis to see needs a reason, recorded with
    the search and with every person it names (as the MASH search across everyone).
    """
    require_perm(request, "rights.see_rights_register")
    handler = request.user.has_perm("rights.handle_subject_access")
    open_requests = list(open_subject_access_requests().select_related("person").order_by("due_on"))
    found: list[Person] = []
    form = FindForm(request.GET if handler and "q" in request.GET else None)
    if handler:
        if open_requests:
            people_listed_record(
                by=_user(request),
                person_ids=[r.person_id for r in open_requests],
                context=RightsEvent.SUBJECT_ACCESS_REGISTER,
            )
        if form.is_bound and form.is_valid():
            found = services.subject_access_find(
                by=_user(request), query=form.cleaned_data["q"], reason=form.cleaned_data["reason"]
            )
    return render(
        request,
        "rights/subject_access/register.html",
        {
            "handler": handler,
            "open_requests": open_requests,
            "form": form,
            "searched": form.is_bound and form.is_valid(),
            "reason": form.cleaned_data.get("reason", "")
            if form.is_bound and form.is_valid()
            else "",
            "found": found,
            "today": timezone.localdate(),
        },
    )


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
