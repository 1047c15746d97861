"""Pages for sharing with an agency, requests between agencies, break-glass and the sharing log.

Views are thin: parse, call one service or selector, render. A person the user
may not see answers 'Page not found', and the refusal is audited.
"""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguard.core.audit import audit_record
from safeguard.core.models import AuditAction
from safeguard.people.access import (
    AccessDenied,
    access_basis,
    can_view_person,
    sees_personal_data,
)
from safeguard.people.models import AccessGrant, Person
from safeguard.people.services import (
    access_denied_record,
    people_listed_record,
    person_view_record,
)

from . import selectors, services
from .forms import (
    BreakGlassFindForm,
    BreakGlassForm,
    LogFilterForm,
    RequestForm,
    ReviewForm,
    RevokeForm,
    ShareForm,
)
from .models import BreakGlassUse, Consent, Decision, LawfulBasis, NoConsentReason, Purpose
from .rules import (
    can_break_glass,
    can_record_decisions,
    can_review_break_glass,
    can_revoke_grant,
    can_share_about,
    can_use_requests,
    can_view_break_glass_report,
    can_view_sharing_log,
    is_safeguarding_lead,
)


def _apply_errors(form: Any, exc: ValidationError) -> None:
    for field_name, errors in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


def _visible_person(request: HttpRequest, person_id: uuid.UUID, page: str) -> Person:
    """The person when the access rule allows, else audit the refusal and answer 'not found'."""
    if not sees_personal_data(request.user):
        raise Http404
    person = Person.objects.filter(pk=person_id).first()
    if person is None or access_basis(request.user, person) is None:
        access_denied_record(by=request.user, person_id=person_id, page=page)  # type: ignore[arg-type]
        raise Http404
    return person


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Information sharing: where to find requests, reviews, the log and the weekly report."""
    user = request.user
    if not (can_use_requests(user) or can_view_sharing_log(user) or sees_personal_data(user)):
        raise Http404
    context = {
        "can_use_requests": can_use_requests(user),
        "can_view_log": can_view_sharing_log(user),
        "can_view_report": can_view_break_glass_report(user),
        "alerts": selectors.unread_alert_count(user=user),
        "sees_personal_data": sees_personal_data(user),
    }
    return render(request, "sharing/index.html", context)


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Sharing and access for one person: grants, decisions, requests, emergency access."""
    subject = _visible_person(request, person_id, "sharing_person")
    data = selectors.person_sharing(person=subject)
    person_view_record(by=request.user, person_id=subject.pk, page="sharing_person")  # type: ignore[arg-type]
    revocable = {
        g.pk
        for g, status in data.grants
        if status == "active" and can_revoke_grant(request.user, g)
    }
    return render(
        request,
        "sharing/person.html",
        {
            "person": subject,
            "data": data,
            "revocable": revocable,
            "can_share": can_record_decisions(request.user),
        },
    )


def _request_id(request: HttpRequest) -> int | None:
    value = request.GET.get("request") or request.POST.get("request") or ""
    return int(value) if value.isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Share with an agency: one action that records the decision and grants access."""
    user = request.user
    if not can_record_decisions(user):
        raise Http404
    subject = Person.objects.filter(pk=person_id).first()
    if subject is None:
        raise Http404
    answering = selectors.open_request_for(
        user=user, person=subject, request_id=_request_id(request)
    )
    if not can_share_about(user, subject, answering):
        access_denied_record(by=user, person_id=person_id, page="sharing_share")  # type: ignore[arg-type]
        raise Http404
    sees = can_view_person(user, subject)
    events = selectors.shareable_events(user=user, person=subject) if sees else []
    form = ShareForm(
        request.POST if request.method == "POST" else None,
        own_agency_id=user.agency_id,  # type: ignore[union-attr]
        events=events,
        fixed_agency=answering.from_agency if answering else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.sharing_decision_record(
                by=user,  # type: ignore[arg-type]
                person=subject,
                recipient_agency=data["recipient_agency"],
                recipient_name=data["recipient_name"],
                purpose=data["purpose"],
                decision=data["decision"],
                consent=data["consent"],
                no_consent_reason=data["no_consent_reason"],
                lawful_basis=data["lawful_basis"],
                judgement=data["judgement"],
                summary=data["summary"],
                event_ids=data.get("items") or [],
                ends_on=data["ends_on"],
                request=answering,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            verb = "shared with" if decision.decision == Decision.SHARE else "not to share with"
            messages.success(
                request,
                f"Decision {verb} {decision.recipient_agency.name} recorded. Reference {decision.reference}",
            )
            if sees:
                return redirect("sharing:person", person_id=subject.pk)
            return redirect("sharing:requests")
    if request.method == "GET":
        person_view_record(by=user, person_id=subject.pk, page="sharing_share")  # type: ignore[arg-type]
    return render(
        request,
        "sharing/share.html",
        {"form": form, "person": subject, "answering": answering, "sees_record": sees},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Ask another agency for information about this person, by a date."""
    subject = _visible_person(request, person_id, "sharing_request")
    if not can_use_requests(request.user):
        raise Http404
    form = RequestForm(
        request.POST if request.method == "POST" else None, own_agency_id=request.user.agency_id
    )  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            made = services.information_request_create(
                by=request.user,  # type: ignore[arg-type]
                person=subject,
                to_agency=form.cleaned_data["to_agency"],
                purpose=form.cleaned_data["purpose"],
                asked=form.cleaned_data["asked"],
                due_date=form.cleaned_data["due_date"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"Request sent to {made.to_agency.name}. Reference {made.reference}"
            )
            return redirect("sharing:person", person_id=subject.pk)
    return render(request, "sharing/request_form.html", {"form": form, "person": subject})


@login_required
@require_http_methods(["GET"])
def requests(request: HttpRequest) -> HttpResponse:
    """Requests to and from my agency; overdue ones are shown on both sides."""
    if not can_use_requests(request.user):
        raise Http404
    include_closed = request.GET.get("show") == "all"
    data = selectors.agency_requests(user=request.user, include_closed=include_closed)
    named = {r.person_id for r in data.incoming} | {r.person_id for r in data.outgoing}
    if named:
        people_listed_record(
            by=request.user, person_ids=sorted(named, key=str), context="information_requests"
        )  # type: ignore[arg-type]
    return render(
        request, "sharing/requests.html", {"data": data, "include_closed": include_closed}
    )


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Emergency access to a record outside the user's access: reason, password, alerts."""
    user = request.user
    if not can_break_glass(user):
        raise Http404
    subject = get_object_or_404(Person, pk=person_id)
    if can_view_person(user, subject):
        return redirect("people:detail", person_id=subject.pk)
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            use = services.break_glass_open(
                by=user,  # type: ignore[arg-type]
                person=subject,
                reason=form.cleaned_data["reason"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Emergency access granted for 24 hours. Reference {use.reference}. "
                "Your safeguarding lead has been told.",
            )
            return redirect("people:detail", person_id=subject.pk)
    return render(request, "sharing/break_glass.html", {"form": form, "person_id": subject.pk})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_find(request: HttpRequest) -> HttpResponse:
    """Find the one record needed in an emergency by exact identifiers, then ask for access."""
    user = request.user
    if not can_break_glass(user):
        raise Http404
    form = BreakGlassFindForm(request.POST if request.method == "POST" else None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = selectors.person_exact_match(
            nhs_number=data.get("nhs_number") or "",
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            date_of_birth=data.get("date_of_birth"),
        )
        audit_record(
            by=user,
            action=AuditAction.SEARCH,
            object_type="break_glass_find",
            person_id=found.pk if found else None,
            changes={"by": "nhs_number" if data.get("nhs_number") else "name_and_date_of_birth"},
            outcome="ok" if found else "not_found",
        )
        if found is not None:
            if can_view_person(user, found):
                return redirect("people:detail", person_id=found.pk)
            return redirect("sharing:break-glass", person_id=found.pk)
        not_found = True
    return render(request, "sharing/break_glass_find.html", {"form": form, "not_found": not_found})


@login_required
@require_http_methods(["GET", "POST"])
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    """End a grant now: its holder's next request is refused."""
    grant = (
        AccessGrant.objects.select_related("agency", "user", "granted_by", "person")
        .filter(pk=grant_id)
        .first()
    )
    if (
        grant is None
        or not sees_personal_data(request.user)
        or not can_view_person(request.user, grant.person)
    ):
        raise Http404
    if not can_revoke_grant(request.user, grant):
        raise Http404
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_grant_revoke(
                by=request.user, grant=grant, reason=form.cleaned_data["reason"]
            )  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_errors(form, exc)
        except AccessDenied:
            raise Http404 from None
        else:
            messages.success(request, "Access ended")
            return redirect("sharing:person", person_id=grant.person_id)
    return render(
        request, "sharing/revoke.html", {"form": form, "grant": grant, "person": grant.person}
    )


@login_required
@require_http_methods(["GET"])
def reviews(request: HttpRequest) -> HttpResponse:
    """Emergency accesses waiting for the signed-in reviewer."""
    if not sees_personal_data(request.user):
        raise Http404
    queue = selectors.review_queue(user=request.user)
    done = selectors.recently_reviewed(user=request.user)
    return render(request, "sharing/reviews.html", {"queue": queue, "done": done})


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, use_id: int) -> HttpResponse:
    """Review one emergency access: decide whether it was a genuine emergency."""
    use = (
        BreakGlassUse.objects.select_related("user", "agency", "grant", "person", "reviewed_by")
        .filter(pk=use_id)
        .first()
    )
    if use is None or not can_review_break_glass(request.user, use):
        raise Http404
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and use.reviewed_at is None and form.is_valid():
        try:
            services.break_glass_review(
                by=request.user,  # type: ignore[arg-type]
                use=use,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                end_access=form.cleaned_data["end_access"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Review of {use.reference} recorded")
            return redirect("sharing:reviews")
    show_person = can_view_person(request.user, use.person)
    if show_person:
        person_view_record(by=request.user, person_id=use.person_id, page="break_glass_review")  # type: ignore[arg-type]
    return render(
        request, "sharing/review.html", {"form": form, "use": use, "show_person": show_person}
    )


def _log_filters(form: LogFilterForm) -> selectors.LogFilters:
    if not form.is_valid():
        return selectors.LogFilters()
    data = form.cleaned_data
    return selectors.LogFilters(
        agency_id=int(data["agency"]) if data.get("agency") else None,
        purpose=data.get("purpose") or "",
        consent=data.get("consent") or "",
        decision=data.get("decision") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@login_required
@require_http_methods(["GET"])
def log(request: HttpRequest) -> HttpResponse:
    """The partnership's Information Sharing log: every decision, filterable, no child named."""
    if not can_view_sharing_log(request.user):
        raise Http404
    form = LogFilterForm(request.GET or None)
    rows = selectors.sharing_log(filters=_log_filters(form))
    paginator = Paginator(rows, selectors.LOG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sharing/log.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(request.GET)},
    )


EXPORTS_PER_HOUR = 20
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@login_required
@require_http_methods(["GET"])
def log_csv(request: HttpRequest) -> HttpResponse:
    """The Information Sharing log as CSV, with the same filters."""
    if not can_view_sharing_log(request.user):
        raise Http404
    if selectors.recent_exports(user=request.user) >= EXPORTS_PER_HOUR:
        audit_record(
            by=request.user,
            action=AuditAction.DENY,
            object_type="sharing_log",
            reason=f"More than {EXPORTS_PER_HOUR} exports in an hour",
            outcome="refused",
        )
        return render(request, "sharing/too_many.html", {"limit": EXPORTS_PER_HOUR}, status=429)
    form = LogFilterForm(request.GET or None)
    filters = _log_filters(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="information-sharing-log-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Reference",
            "Decided at (UK time)",
            "From agency",
            "To agency",
            "Purpose",
            "Decision",
            "Consent",
            "Reason for sharing without consent",
            "Lawful basis",
            "Sensitive record types",
            "Items SHA-256",
        ]
    )
    count = 0
    with transaction.atomic():
        for row in selectors.sharing_log(filters=filters).iterator(chunk_size=2000):
            count += 1
            writer.writerow(
                [
                    csv_safe(v)
                    for v in (
                        row.reference,
                        timezone.localtime(row.decided_at).strftime("%Y-%m-%d %H:%M"),
                        row.from_agency.name,
                        row.recipient_agency.name,
                        Purpose(row.purpose).label,
                        Decision(row.decision).label,
                        Consent(row.consent).label,
                        NoConsentReason(row.no_consent_reason).label
                        if row.no_consent_reason
                        else "",
                        LawfulBasis(row.lawful_basis).label,
                        "; ".join(row.record_types or []),
                        row.items_sha256,
                    )
                ]
            )
        audit_record(
            by=request.user,
            action=AuditAction.EXPORT,
            object_type="sharing_log",
            changes={"rows": count, "filters": request.GET.dict()},
        )
    return response


@login_required
@require_http_methods(["GET"])
def break_glass_report(request: HttpRequest) -> HttpResponse:
    """Every emergency access in one week: who, when, which agency, and how it was reviewed."""
    if not can_view_break_glass_report(request.user):
        raise Http404
    week = request.GET.get("week") or selectors.current_iso_week()
    error = ""
    try:
        uses = selectors.break_glass_week(user=request.user, week=week)
    except ValueError as exc:
        error = str(exc)
        uses = []
    context = {
        "week": week,
        "error": error,
        "uses": uses,
        "reviewed": sum(1 for u in uses if u.reviewed_at),
        "lead_only": not can_view_sharing_log(request.user) and is_safeguarding_lead(request.user),
    }
    return render(request, "sharing/break_glass_report.html", context)
