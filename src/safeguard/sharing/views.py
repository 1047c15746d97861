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

from safeguard.core.errors import Forbidden
from safeguard.core.events import AuditEventType
from safeguard.core.http import form_add_errors, permitted_or_404, require_perm
from safeguard.core.ratelimit import failure_count, failures_blocked, too_many_requests_page
from safeguard.frontdoor.selectors import requests_for_agency
from safeguard.people.access import AccessBasis
from safeguard.people.http import visible_person_or_404
from safeguard.people.models import AccessGrant, Person
from safeguard.people.services import people_listed_record, person_view_record

from . import selectors, services
from .events import SharingEvent
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
from .rules import can_revoke_grant, can_share_about, is_safeguarding_lead


def _apply_errors(form: Any, exc: ValidationError) -> None:
    form_add_errors(form, exc)


def _visible_person(
    request: HttpRequest, person_id: uuid.UUID, page: AuditEventType, *, whole_record: bool = True
) -> tuple[Person, AccessBasis]:
    """The person when the access rule allows, else audit the refusal and answer 'not found'.

    Pages about the whole record (``whole_record``) are not opened by a share of chosen records.
    """
    require_perm(request, "people.see_personal_data")
    return visible_person_or_404(request, person_id, page, whole_record=whole_record)


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Information sharing: where to find requests, reviews, the log and the weekly report."""
    user = request.user
    if not (
        user.has_perm("sharing.use_requests")
        or user.has_perm("sharing.view_sharing_log")
        or user.has_perm("people.see_personal_data")
    ):
        raise Http404
    context = {
        "can_use_requests": user.has_perm("sharing.use_requests"),
        "can_view_log": user.has_perm("sharing.view_sharing_log"),
        "can_view_report": user.has_perm("sharing.view_break_glass_report"),
        "alerts": selectors.unread_alert_count(user=user),
        "sees_personal_data": user.has_perm("people.see_personal_data"),
    }
    return render(request, "sharing/index.html", context)


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Sharing and access for one person: grants, decisions, requests, emergency access."""
    subject, basis = _visible_person(request, person_id, SharingEvent.SHARING_PERSON)
    data = selectors.person_sharing(person=subject, user=request.user)
    person_view_record(
        by=request.user, person_id=subject.pk, page=SharingEvent.SHARING_PERSON, basis=basis
    )  # type: ignore[arg-type]
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
            "can_share": request.user.has_perm("sharing.record_decisions"),
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
    require_perm(request, "sharing.record_decisions")
    subject = Person.objects.filter(pk=person_id).first()
    if subject is None:
        raise Http404
    answering = selectors.open_request_for(
        user=user, person=subject, request_id=_request_id(request)
    )
    permitted_or_404(
        request,
        subject,
        allowed=can_share_about(user, subject, answering),
        page=SharingEvent.SHARING_SHARE,
        object_id=person_id,
        person_id=person_id,
    )
    sees = user.has_perm("people.view_person", subject)
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
        person_view_record(by=user, person_id=subject.pk, page=SharingEvent.SHARING_SHARE)  # type: ignore[arg-type]
    return render(
        request,
        "sharing/share.html",
        {"form": form, "person": subject, "answering": answering, "sees_record": sees},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Ask another agency for information about this person, by a date."""
    # Asking for more shows nothing of the record: a recipient of chosen records may ask.
    subject, _ = _visible_person(
        request, person_id, SharingEvent.SHARING_REQUEST, whole_record=False
    )
    require_perm(request, "sharing.use_requests")
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
    person_view_record(by=request.user, person_id=subject.pk, page=SharingEvent.SHARING_REQUEST)  # type: ignore[arg-type]
    return render(request, "sharing/request_form.html", {"form": form, "person": subject})


@login_required
@require_http_methods(["GET"])
def requests(request: HttpRequest) -> HttpResponse:
    """Requests to and from my agency; overdue ones are shown on both sides."""
    require_perm(request, "sharing.use_requests")
    include_closed = request.GET.get("show") == "all"
    data = selectors.agency_requests(user=request.user, include_closed=include_closed)
    mash_requests = requests_for_agency(user=request.user, include_answered=include_closed)
    named = {r.person_id for r in data.incoming} | {r.person_id for r in data.outgoing}
    if named:
        people_listed_record(
            by=request.user,
            person_ids=sorted(named, key=str),
            context=SharingEvent.INFORMATION_REQUESTS,
        )  # type: ignore[arg-type]
    return render(
        request,
        "sharing/requests.html",
        {"data": data, "include_closed": include_closed, "mash_requests": mash_requests},
    )


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Emergency access to a record outside the user's access: reason, password, alerts."""
    user = request.user
    require_perm(request, "sharing.break_glass")
    subject = get_object_or_404(Person, pk=person_id)
    if user.has_perm("people.view_person", subject):
        return redirect("people:detail", person_id=subject.pk)
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # The password step-up is throttled like sign-in (the refusal is audited as a 429).
        retry_after = failures_blocked(scope="step_up", key=f"user:{user.pk}")
        if retry_after:
            return too_many_requests_page(request, scope="step_up", retry_after=retry_after)
    if request.method == "POST" and form.is_valid():
        try:
            use = services.break_glass_open(
                by=user,  # type: ignore[arg-type]
                person=subject,
                reason=form.cleaned_data["reason"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            if "password" in getattr(exc, "error_dict", {}):
                failure_count(scope="step_up", key=f"user:{user.pk}")
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
    require_perm(request, "sharing.break_glass")
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
        services.break_glass_find_record(
            by=user,  # type: ignore[arg-type]
            found=found,
            by_nhs_number=bool(data.get("nhs_number")),
        )
        if found is not None:
            if user.has_perm("people.view_person", found):
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
    require_perm(request, "sharing.revoke_grant", grant)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_grant_revoke(
                by=request.user, grant=grant, reason=form.cleaned_data["reason"]
            )  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_errors(form, exc)
        except Forbidden:
            raise Http404 from None
        else:
            messages.success(request, "Access ended")
            return redirect("sharing:person", person_id=grant.person_id)
    person_view_record(by=request.user, person_id=grant.person_id, page=SharingEvent.SHARING_REVOKE)  # type: ignore[arg-type]
    return render(
        request, "sharing/revoke.html", {"form": form, "grant": grant, "person": grant.person}
    )


@login_required
@require_http_methods(["GET"])
def reviews(request: HttpRequest) -> HttpResponse:
    """Emergency accesses waiting for the signed-in reviewer."""
    require_perm(request, "people.see_personal_data")
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
    if use is None or not request.user.has_perm("sharing.review_break_glass", use):
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
    show_person = request.user.has_perm("people.view_person", use.person)
    if show_person:
        person_view_record(
            by=request.user, person_id=use.person_id, page=SharingEvent.BREAK_GLASS_REVIEW
        )  # type: ignore[arg-type]
    return render(
        request,
        "sharing/review.html",
        {
            "form": form,
            "use": use,
            "show_person": show_person,
            "activity": selectors.break_glass_activity(use=use),
        },
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
    require_perm(request, "sharing.view_sharing_log")
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
    require_perm(request, "sharing.view_sharing_log")
    if selectors.recent_exports(user=request.user) >= EXPORTS_PER_HOUR:
        services.sharing_log_export_refused_record(by=request.user, limit=EXPORTS_PER_HOUR)  # type: ignore[arg-type]
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
        services.sharing_log_export_record(
            by=request.user,  # type: ignore[arg-type]
            rows=count,
            filters=request.GET.dict(),
        )
    return response


@login_required
@require_http_methods(["GET"])
def break_glass_report(request: HttpRequest) -> HttpResponse:
    """Every emergency access in one week: who, when, which agency, and how it was reviewed."""
    require_perm(request, "sharing.view_break_glass_report")
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
        "lead_only": not request.user.has_perm("sharing.view_sharing_log")
        and is_safeguarding_lead(request.user),
    }
    return render(request, "sharing/break_glass_report.html", context)
