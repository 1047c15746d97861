"""Front door pages: report a concern, the MASH queue and triage, decisions, police forms.

Views are thin: parse, call one service or selector, render. Anything the
user may not see answers 'Page not found'.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.audit import AuditEntry, audit_record_many
from safeguard.core.errors import Forbidden
from safeguard.core.events import AuditEventType
from safeguard.core.http import permitted_or_404, require_perm
from safeguard.core.models import AuditAction
from safeguard.directory.selectors import signpost_suggestions
from safeguard.people.access import people_visible_to
from safeguard.people.forms import SearchForm
from safeguard.people.selectors import person_search
from safeguard.people.services import people_listed_record, person_view_record
from safeguard.work.selectors import items_about

from . import categories as concern_categories
from . import journey, selectors, services
from .events import FrontdoorEvent
from .forms import (
    POLICE_FORMS,
    AmendDecisionForm,
    ChallengeForm,
    ChallengeResolveForm,
    CorrectionForm,
    InformationAnswerForm,
    InformationRequestForm,
    NewChildForm,
    RequestReplyForm,
    SignOffForm,
    ThresholdDecisionForm,
    UrgencyForm,
)
from .hours import EMERGENCY_DUTY_TEAM_PHONE, MASH_EMAIL, MASH_PHONE, in_office_hours, office_hours
from .models import (
    LEVEL_DESCRIPTIONS,
    OUTCOMES_BY_LEVEL,
    ContactDraft,
    ContactStatus,
    Level,
    Outcome,
    PoliceFormKind,
)
from .services.mash_work import CONTACT_SUBJECT


def _hours_context() -> dict[str, Any]:
    start, end = office_hours()
    return {
        "in_office_hours": in_office_hours(),
        "office_opens": start.strftime("%H:%M"),
        "office_closes": end.strftime("%H:%M"),
        "edt_phone": EMERGENCY_DUTY_TEAM_PHONE,
        "mash_phone": MASH_PHONE,
        "mash_email": MASH_EMAIL,
    }


def _require_reporter(request: HttpRequest) -> None:
    require_perm(request, "frontdoor.report_concern")


def _draft(request: HttpRequest) -> dict[str, Any]:
    """The user's saved draft, without any child whose record they may no longer see.

    Access can end while a draft waits (a grant revoked, an involvement closed): the draft
    then stops naming that child, on every page, and is saved without them (issue 10).
    """
    draft = ContactDraft.objects.filter(user=request.user).first()
    data = dict(draft.data) if draft else {}
    data.setdefault("children", [])
    data.setdefault("answers", {})
    named = {str(c["person_id"]) for c in data["children"] if c.get("person_id")}
    if named:
        visible = {
            str(pk)
            for pk in people_visible_to(request.user)
            .filter(pk__in=_uuids(named))
            .values_list("pk", flat=True)
        }
        kept = [
            c for c in data["children"] if not c.get("person_id") or str(c["person_id"]) in visible
        ]
        if len(kept) != len(data["children"]):
            data["children"] = kept
            _save(request, data)
    return data


def _uuids(values: set[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def _save(request: HttpRequest, data: dict[str, Any]) -> None:
    services.contact_draft_save(by=request.user, data=data)  # type: ignore[arg-type]


def _apply_service_errors(form: Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Report a concern -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_start(request: HttpRequest) -> HttpResponse:
    """Start page: what happens, 999 and the Emergency Duty Team, continue a saved draft."""
    _require_reporter(request)
    has_draft = ContactDraft.objects.filter(user=request.user).exists()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "restart" and has_draft:
            # Deleting an unsent report (perhaps about a child in immediate danger) is asked first.
            return render(
                request,
                "frontdoor/report_restart.html",
                {"immediate_danger": journey.draft_says_immediate_danger(_draft(request))},
            )
        if action in ("restart", "restart-confirmed"):
            services.contact_draft_discard(by=request.user)  # type: ignore[arg-type]
            _save(request, {"children": [], "answers": {}})
            return redirect("frontdoor:report-children")
        data = _draft(request)
        if not has_draft:
            _save(request, data)
        missing = journey.first_missing(data)
        if missing is None:
            return redirect("frontdoor:report-check")
        if missing == "children":
            return redirect("frontdoor:report-children")
        return redirect("frontdoor:report-step", step=missing)
    return render(
        request, "frontdoor/report_start.html", {"has_draft": has_draft, **_hours_context()}
    )


def _describe_children(request: HttpRequest, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The draft's children for display; existing records the user may still see."""
    ids = [uuid.UUID(str(c["person_id"])) for c in data["children"] if c.get("person_id")]
    people = {p.pk: p for p in people_visible_to(request.user).filter(pk__in=ids)}
    rows = []
    for index, entry in enumerate(data["children"]):
        if entry.get("person_id"):
            person = people.get(uuid.UUID(str(entry["person_id"])))
            if person is None:
                continue
            rows.append(
                {
                    "index": index,
                    "name": person.full_name,
                    "date_of_birth": person.date_of_birth,
                    "known": True,
                    "person": person,
                }
            )
        else:
            new = entry.get("new", {})
            rows.append(
                {
                    "index": index,
                    "name": f"{new.get('given_name', '')} {new.get('family_name', '')}".strip(),
                    "date_of_birth": journey._date(new.get("date_of_birth")),
                    "known": False,
                }
            )
    if ids:
        people_listed_record(
            by=request.user, person_ids=list(people), context=FrontdoorEvent.CONTACT_DRAFT
        )  # type: ignore[arg-type]
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def report_children(request: HttpRequest) -> HttpResponse:
    """Which child or children: find an existing record, or describe a new child."""
    _require_reporter(request)
    data = _draft(request)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            try:
                person_id = uuid.UUID(request.POST.get("person_id", ""))
            except ValueError:
                raise Http404 from None
            if not request.user.has_perm("people.view_person", person_id):
                raise Http404
            if not any(c.get("person_id") == str(person_id) for c in data["children"]):
                data["children"].append({"person_id": str(person_id)})
                _save(request, data)
            return redirect("frontdoor:report-children")
        if action.startswith("remove-"):
            try:
                index = int(action.removeprefix("remove-"))
            except ValueError:
                index = -1
            if 0 <= index < len(data["children"]):
                data["children"].pop(index)
                _save(request, data)
            return redirect("frontdoor:report-children")
        if action == "continue":
            if data["children"]:
                if request.GET.get("change"):
                    return redirect("frontdoor:report-check")
                return redirect("frontdoor:report-step", step=journey.STEPS[0].slug)
            error = "Add at least one child"
    searching = request.user.has_perm("people.see_personal_data")
    search_form = SearchForm(request.GET if "q" in request.GET else None) if searching else None
    results = None
    if search_form is not None and search_form.is_bound and search_form.is_valid():
        query = search_form.cleaned_data["q"]
        if query is not None:
            with transaction.atomic():
                results = [r.person for r in person_search(user=request.user, query=query)][:20]
                people_listed_record(
                    by=request.user,
                    person_ids=[p.pk for p in results],  # type: ignore[arg-type]
                    context=FrontdoorEvent.CONTACT_CHILD_SEARCH,
                )
    return render(
        request,
        "frontdoor/report_children.html",
        {
            "children": _describe_children(request, data),
            "search_form": search_form,
            "results": results,
            "error": error,
            "change": bool(request.GET.get("change")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_child_new(request: HttpRequest) -> HttpResponse:
    """Describe a child Safeguard may not know yet (the record is linked, never duplicated)."""
    _require_reporter(request)
    form = NewChildForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = _draft(request)
        if len(data["children"]) >= 20:
            form.add_error(None, "A concern can name at most 20 children")
        else:
            data["children"].append({"new": journey.to_json(form.cleaned_data)})
            _save(request, data)
            return redirect("frontdoor:report-children")
    return render(request, "frontdoor/report_child_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def report_step(request: HttpRequest, step: str) -> HttpResponse:
    """One question page; each answer is saved to the draft as soon as it is valid."""
    _require_reporter(request)
    current = journey.STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    data = _draft(request)
    if not data["children"]:
        return redirect("frontdoor:report-children")
    stored = data["answers"].get(step, {})
    if step == "you" and not stored:
        user = request.user
        stored = {
            "referrer_name": user.get_full_name(),  # type: ignore[union-attr]
            "referrer_role": getattr(user, "job_title", ""),
            "referrer_phone": getattr(user, "phone", ""),
            "referrer_email": getattr(user, "email", ""),
        }
    initial = journey.initial_for(current, stored)
    if step == "child-voice" and "voice_approach" not in initial:
        initial["voice_approach"] = journey.voice_approach_for(data, timezone.localdate())
    form = current.form(request.POST if request.method == "POST" else None, initial=initial)
    changing = bool(request.GET.get("change"))
    if request.method == "POST" and form.is_valid():
        data["answers"][step] = journey.to_json(form.cleaned_data)
        _save(request, data)
        if step == "danger" and form.cleaned_data["immediate_danger"] == "yes":
            url = reverse("frontdoor:report-danger")
            return redirect(url + ("?change=1" if changing else ""))
        following = journey.next_slug(step)
        if changing or following is None:
            return redirect("frontdoor:report-check")
        return redirect("frontdoor:report-step", step=following)
    back_slug = journey.previous_slug(step)
    back = (
        reverse("frontdoor:report-check")
        if changing
        else reverse("frontdoor:report-step", kwargs={"step": back_slug})
        if back_slug
        else reverse("frontdoor:report-children")
    )
    return render(
        request,
        "frontdoor/report_step.html",
        {
            "form": form,
            "step": current,
            "back": back,
            "step_number": journey.STEPS.index(current) + 2,
            "step_count": len(journey.STEPS) + 1,
        },
    )


@login_required
@require_http_methods(["GET"])
def report_danger(request: HttpRequest) -> HttpResponse:
    """The child is in immediate danger: call 999 now (and the Emergency Duty Team out of hours)."""
    _require_reporter(request)
    following = (
        reverse("frontdoor:report-check")
        if request.GET.get("change")
        else reverse("frontdoor:report-step", kwargs={"step": journey.next_slug("danger")})
    )
    return render(request, "frontdoor/report_danger.html", {"next": following, **_hours_context()})


@login_required
@require_http_methods(["GET", "POST"])
def report_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then send."""
    _require_reporter(request)
    data = _draft(request)
    missing = journey.first_missing(data)
    if missing == "children":
        return redirect("frontdoor:report-children")
    if missing is not None:
        return redirect("frontdoor:report-step", step=missing)
    kwargs = journey.submission_kwargs(data)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            contact = services.contact_submit(by=request.user, **kwargs)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors = exc.message_dict
        except Forbidden:
            raise Http404 from None
        else:
            return redirect("frontdoor:report-sent", reference=contact.reference)
    answers = {
        k: v for step in journey.STEPS for k, v in data["answers"].get(step.slug, {}).items()
    }
    return render(
        request,
        "frontdoor/report_check.html",
        {
            "children": _describe_children(request, data),
            "answers": answers,
            "category_labels": concern_categories.labels(list(answers.get("categories", []))),
            "happened_on": journey._date(answers.get("happened_on")),
            "consent_text": journey.consent_text(
                answers.get("consent", ""), answers.get("no_consent_reason", "")
            ),
            "service_errors": [message for messages in errors.values() for message in messages],
        },
    )


@login_required
@require_http_methods(["GET"])
def report_sent(request: HttpRequest, reference: str) -> HttpResponse:
    """Confirmation: the reference number, and what happens next."""
    contact = selectors.referral_for_referrer(user=request.user, reference=reference)
    if contact is None:
        raise Http404
    return render(request, "frontdoor/report_sent.html", {"contact": contact, **_hours_context()})


@login_required
@require_http_methods(["GET"])
def my_referrals(request: HttpRequest) -> HttpResponse:
    """The concerns I reported and what the MASH decided (what I need to know only)."""
    _require_reporter(request)
    contacts = selectors.my_referrals(user=request.user)
    ids = {cc.person_id for c in contacts for cc in c.contact_children.all()}
    if ids:
        people_listed_record(
            by=request.user, person_ids=sorted(ids, key=str), context=FrontdoorEvent.MY_REFERRALS
        )  # type: ignore[arg-type]
    return render(
        request,
        "frontdoor/my_referrals.html",
        {"contacts": contacts, "forms": selectors.my_police_forms(user=request.user)},
    )


@login_required
@require_http_methods(["GET"])
def my_referral(request: HttpRequest, reference: str) -> HttpResponse:
    """One of my referrals: its status, and the outcome once the MASH has decided."""
    contact = selectors.referral_for_referrer(user=request.user, reference=reference)
    if contact is None:
        raise Http404
    return _my_referral_page(request, contact, ChallengeForm())


def _my_referral_page(
    request: HttpRequest, contact: Any, challenge_form: Form, status: int = 200
) -> HttpResponse:
    ids = [cc.person_id for cc in contact.contact_children.all()]
    people_listed_record(by=request.user, person_ids=ids, context=FrontdoorEvent.MY_REFERRAL)  # type: ignore[arg-type]
    decision = (
        getattr(contact, "decision", None) if contact.status == ContactStatus.DECIDED else None
    )
    challenge = next(
        (
            c
            for c in selectors.challenges_on(contact)
            if c.raised_by_agency_id == getattr(request.user, "agency_id", None)
        ),
        None,
    )
    return render(
        request,
        "frontdoor/my_referral.html",
        {
            "contact": contact,
            "decision": decision,
            "challenge": challenge,
            "challenge_form": challenge_form,
        },
        status=status,
    )


@login_required
@require_POST
def referral_challenge(request: HttpRequest, reference: str) -> HttpResponse:
    """Disagree with the MASH's decision on my referral, or escalate my challenge."""
    contact = selectors.referral_for_referrer(user=request.user, reference=reference)
    if contact is None:
        raise Http404
    form = ChallengeForm(request.POST)
    if form.is_valid():
        existing = next(
            (
                c
                for c in selectors.challenges_on(contact)
                if c.raised_by_agency_id == getattr(request.user, "agency_id", None)
            ),
            None,
        )
        try:
            if existing is None:
                services.challenge_raise(
                    by=request.user,  # type: ignore[arg-type]
                    contact=contact,
                    reason=form.cleaned_data["reason"],
                )
            else:
                services.challenge_escalate(
                    by=request.user,  # type: ignore[arg-type]
                    challenge=existing,
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        except Forbidden:
            raise Http404 from None
        else:
            return redirect(
                reverse("frontdoor:my-referral", kwargs={"reference": reference}) + "#challenge"
            )
    return _my_referral_page(request, contact, form)


# --- Multi-Agency Safeguarding Hub (MASH) ---------------------------------------------------


def _require_triage(request: HttpRequest) -> None:
    require_perm(request, "frontdoor.triage")


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(10_000, int(request.GET.get("page", "1"))))
    except ValueError:
        return 1


@login_required
@require_http_methods(["GET"])
def mash_queue(request: HttpRequest) -> HttpResponse:
    """The MASH queue: every open contact with its age, timer, RAG status and re-referral flag."""
    _require_triage(request)
    status = "sign_off" if request.GET.get("status") == "sign_off" else "open"
    page = _page_number(request)
    rows, total = selectors.mash_queue(user=request.user, status=status, page=page)
    ids = [p.pk for row in rows for p in row.children]
    if ids:
        people_listed_record(by=request.user, person_ids=ids, context=FrontdoorEvent.MASH_QUEUE)  # type: ignore[arg-type]
    pages = max(1, -(-total // selectors.QUEUE_PAGE_SIZE))
    return render(
        request,
        "frontdoor/mash_queue.html",
        {
            "rows": rows,
            "total": total,
            "status": status,
            "page": page,
            "pages": pages,
            "counts": selectors.queue_counts(user=request.user),
        },
    )


def _triage_page(request: HttpRequest, reference: str) -> selectors.ContactPage:
    _require_triage(request)
    data = selectors.contact_for_triage(user=request.user, reference=reference)
    if data is None:
        raise Http404
    return data


def _record_views(request: HttpRequest, data: selectors.ContactPage, page: AuditEventType) -> None:
    for cc in data.children:
        person_view_record(by=request.user, person_id=cc.person_id, page=page)  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET"])
def contact_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The triage page: the concern, the children, what agencies said, the decision."""
    data = _triage_page(request, reference)
    _record_views(request, data, FrontdoorEvent.CONTACT)
    return render(request, "frontdoor/contact_detail.html", _triage_context(request, data))


def _signpost_suggestions(data: selectors.ContactPage) -> list[dict[str, Any]]:
    """When the outcome is signposting: for each child, the directory's services that fit them.

    The child's age today and the contact's concern categories (the directory's need codes
    are the same codes) are all that is asked; nothing about the child leaves this page.
    """
    if data.decision is None or data.decision.outcome != Outcome.SIGNPOST:
        return []
    return signpost_suggestions(
        [cc.person for cc in data.children], list(data.contact.categories or [])
    )


def _triage_context(
    request: HttpRequest, data: selectors.ContactPage, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "page": data,
        "contact": data.contact,
        "category_labels": concern_categories.labels(data.contact.categories),
        "request_form": InformationRequestForm(),
        "can_sign_off": request.user.has_perm("frontdoor.sign_off"),
        "level_descriptions": LEVEL_DESCRIPTIONS,
        "urgency_form": UrgencyForm(initial={"urgency": data.contact.urgency}),
        "work_items": items_about(
            user=request.user, subject_type=CONTACT_SUBJECT, subject_id=data.contact.reference
        ),
        "signpost_suggestions": _signpost_suggestions(data),
    }
    resolving = extra.pop("resolve_form", None)
    for challenge in data.challenges:
        # Each open challenge has its own form (its own field ids), bound when it was just sent.
        challenge.resolve_form = (  # type: ignore[attr-defined]
            resolving
            if resolving is not None and resolving.prefix == f"challenge-{challenge.pk}"
            else ChallengeResolveForm(prefix=f"challenge-{challenge.pk}")
        )
    context.update(extra)
    return context


@login_required
@require_POST
def information_request_create(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask an agency what it knows."""
    data = _triage_page(request, reference)
    form = InformationRequestForm(request.POST)
    if form.is_valid():
        try:
            services.information_request_create(
                by=request.user,
                contact=data.contact,  # type: ignore[arg-type]
                agency=form.cleaned_data["agency"],
                question=form.cleaned_data["question"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect(
                reverse("frontdoor:contact", kwargs={"reference": reference}) + "#information"
            )
    _record_views(request, data, FrontdoorEvent.CONTACT)
    return render(
        request,
        "frontdoor/contact_detail.html",
        _triage_context(request, data, request_form=form),
        status=200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_request_answer(
    request: HttpRequest, reference: str, request_id: int
) -> HttpResponse:
    """Record what an agency told the MASH."""
    data = _triage_page(request, reference)
    info = next((r for r in data.requests if r.pk == request_id), None)
    if info is None:
        raise Http404
    form = InformationAnswerForm(
        request.POST if request.method == "POST" else None, initial={"answer": info.answer}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_answer(
                by=request.user,
                request=info,  # type: ignore[arg-type]
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect(
                reverse("frontdoor:contact", kwargs={"reference": reference}) + "#information"
            )
    _record_views(request, data, FrontdoorEvent.INFORMATION_REQUEST)
    return render(
        request,
        "frontdoor/information_answer.html",
        {"form": form, "info": info, "contact": data.contact},
    )


def _levels(form: Form) -> list[dict[str, Any]]:
    return [
        {
            "value": value,
            "label": label,
            "description": LEVEL_DESCRIPTIONS[value],
            "outcomes": [o.label for o in OUTCOMES_BY_LEVEL[value]],
            "checked": str(form["level"].value()) == str(value),
        }
        for value, label in Level.choices
    ]


def _decision_page_context(data: selectors.ContactPage, form: Form) -> dict[str, Any]:
    return {
        "form": form,
        "contact": data.contact,
        "page": data,
        "levels": _levels(form),
        "category_labels": concern_categories.labels(data.contact.categories),
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    """The asked agency answers a request for information from the MASH (reached from its queue)."""
    require_perm(request, "people.see_personal_data")
    info = permitted_or_404(
        request,
        selectors.request_for_answer(user=request.user, request_id=request_id),
        allowed=True,
        page=FrontdoorEvent.INFORMATION_REQUEST,
        object_id=request_id,
    )
    form = RequestReplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and info.answered_at is None and form.is_valid():
        try:
            services.information_request_reply(
                by=request.user,  # type: ignore[arg-type]
                request=info,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Your answer has been sent to the Multi-Agency Safeguarding Hub (MASH) "
                f"for contact {info.contact.reference}",
            )
            return redirect("frontdoor:request-answer", request_id=info.pk)
    children = selectors.request_children(info)
    people_listed_record(
        by=request.user,  # type: ignore[arg-type]
        person_ids=[cc.person_id for cc in children],
        context=FrontdoorEvent.INFORMATION_REQUEST,
    )
    return render(
        request,
        "frontdoor/request_answer.html",
        {"form": form, "info": info, "children": children},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def threshold_decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Decide a level on the continuum of need, what happens next and why, seeing the evidence."""
    data = _triage_page(request, reference)
    if not data.contact.is_open or data.decision is not None:
        return redirect("frontdoor:contact", reference=reference)
    form = ThresholdDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_decide(by=request.user, contact=data.contact, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect("frontdoor:contact", reference=reference)
    _record_views(request, data, FrontdoorEvent.THRESHOLD_DECISION)
    return render(request, "frontdoor/threshold_decide.html", _decision_page_context(data, form))


@login_required
@require_http_methods(["GET", "POST"])
def threshold_amend(request: HttpRequest, reference: str) -> HttpResponse:
    """A MASH manager amends a final decision with a reason; the earlier version is kept."""
    data = _triage_page(request, reference)
    require_perm(request, "frontdoor.sign_off")
    if data.decision is None or data.contact.status != ContactStatus.DECIDED:
        return redirect("frontdoor:contact", reference=reference)
    decision = data.decision
    form = AmendDecisionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "level": decision.level,
            "outcome": decision.outcome,
            "rationale": decision.rationale,
            "message_to_referrer": decision.message_to_referrer,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_amend(by=request.user, contact=data.contact, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect("frontdoor:contact", reference=reference)
    _record_views(request, data, FrontdoorEvent.THRESHOLD_DECISION)
    return render(
        request,
        "frontdoor/threshold_decide.html",
        {**_decision_page_context(data, form), "amending": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def threshold_sign_off(request: HttpRequest, reference: str) -> HttpResponse:
    """A MASH manager signs off (or sends back) a decision, seeing the concern and every answer."""
    data = _triage_page(request, reference)
    require_perm(request, "frontdoor.sign_off")
    if data.decision is None or data.contact.status != ContactStatus.AWAITING_SIGN_OFF:
        return redirect("frontdoor:contact", reference=reference)
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "approve":
                services.threshold_sign_off(
                    by=request.user,
                    contact=data.contact,  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                )
            else:
                services.threshold_return(
                    by=request.user,
                    contact=data.contact,  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect("frontdoor:contact", reference=reference)
    _record_views(request, data, FrontdoorEvent.THRESHOLD_SIGN_OFF)
    return render(
        request,
        "frontdoor/sign_off.html",
        {
            "form": form,
            "contact": data.contact,
            "decision": data.decision,
            "page": data,
            "category_labels": concern_categories.labels(data.contact.categories),
        },
    )


@login_required
@require_POST
def contact_urgency(request: HttpRequest, reference: str) -> HttpResponse:
    """The MASH changes how urgent a contact is (its deadline follows)."""
    data = _triage_page(request, reference)
    form = UrgencyForm(request.POST)
    if form.is_valid():
        try:
            services.contact_urgency_set(by=request.user, contact=data.contact, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect("frontdoor:contact", reference=reference)
    _record_views(request, data, FrontdoorEvent.CONTACT)
    return render(
        request,
        "frontdoor/contact_detail.html",
        _triage_context(request, data, urgency_form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_answer_correct(
    request: HttpRequest, reference: str, request_id: int
) -> HttpResponse:
    """Add a correction beside an agency's answer (the answer itself never changes after a decision)."""
    data = _triage_page(request, reference)
    info = next((r for r in data.requests if r.pk == request_id and r.answered_at), None)
    if info is None:
        raise Http404
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_answer_correct(
                by=request.user,
                request=info,  # type: ignore[arg-type]
                correction=form.cleaned_data["correction"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect(
                reverse("frontdoor:contact", kwargs={"reference": reference}) + "#information"
            )
    _record_views(request, data, FrontdoorEvent.INFORMATION_REQUEST)
    return render(
        request,
        "frontdoor/information_correct.html",
        {"form": form, "info": info, "contact": data.contact},
    )


@login_required
@require_POST
def challenge_resolve(request: HttpRequest, reference: str, challenge_id: int) -> HttpResponse:
    """Record how this stage of the escalation pathway resolved a professional challenge."""
    data = _triage_page(request, reference)
    challenge = next((c for c in data.challenges if c.pk == challenge_id), None)
    if challenge is None:
        raise Http404
    form = ChallengeResolveForm(request.POST, prefix=f"challenge-{challenge.pk}")
    if form.is_valid():
        try:
            services.challenge_resolve(
                by=request.user,  # type: ignore[arg-type]
                challenge=challenge,
                resolution=form.cleaned_data["resolution"],
                decision_changed=form.cleaned_data["decision_changed"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        except Forbidden:
            raise Http404 from None
        else:
            return redirect(
                reverse("frontdoor:contact", kwargs={"reference": reference}) + "#challenges"
            )
    _record_views(request, data, FrontdoorEvent.CONTACT)
    return render(
        request,
        "frontdoor/contact_detail.html",
        _triage_context(request, data, resolve_form=form),
    )


# --- Police partner forms --------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def police_forms(request: HttpRequest) -> HttpResponse:
    """The police partner forms, and the queues for police users."""
    require_perm(request, "frontdoor.submit_police_form")
    return render(
        request,
        "frontdoor/police_forms.html",
        {
            "forms": [(slug, title) for slug, (_f, title, _k) in POLICE_FORMS.items()],
            "police_queue": request.user.has_perm("frontdoor.see_police_queue"),
            "intelligence_queue": request.user.has_perm("frontdoor.see_intelligence"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def police_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Fill in one police partner form; the reference comes back at once."""
    require_perm(request, "frontdoor.submit_police_form")
    if slug not in POLICE_FORMS:
        raise Http404
    form_class, title, kind = POLICE_FORMS[slug]
    user = request.user
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={
            "contact_name": user.get_full_name(),  # type: ignore[union-attr]
            "contact_email": getattr(user, "email", ""),
            "contact_phone": getattr(user, "phone", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.police_form_submit(
                by=request.user,  # type: ignore[arg-type]
                kind=data.get("kind") or kind,
                subject_name=data["subject_name"],
                subject_date_of_birth=data.get("subject_date_of_birth"),
                location=data.get("location", ""),
                details=data["details"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data.get("contact_phone", ""),
                answers=form.answers(),
                related_reference=data.get("related_reference", "") or "",
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            return redirect("frontdoor:police-sent", reference=sent.reference)
    return render(
        request,
        "frontdoor/police_form.html",
        {
            "form": form,
            "title": title,
            "slug": slug,
            "intelligence": kind == PoliceFormKind.PARTNER_INTELLIGENCE,
        },
    )


def _police_forms_shown(request: HttpRequest, forms: Any, *, action: str) -> None:
    """Police forms name their subject: record the ones a page showed, in ONE event."""
    references = [f.reference for f in forms]
    if not references:
        return
    audit_record_many(
        by=request.user,
        entries=[
            AuditEntry(
                action=action,
                object_type=FrontdoorEvent.POLICE_FORM,
                object_id=references[0] if len(references) == 1 else "",
                changes={"forms": references} if len(references) > 1 else None,
            )
        ],
    )


@login_required
@require_http_methods(["GET"])
def police_sent(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt on screen."""
    form = selectors.police_form_for_user(user=request.user, reference=reference)
    if form is None or form.submitted_by_id != request.user.pk:
        raise Http404
    _police_forms_shown(request, [form], action=AuditAction.VIEW)
    return render(
        request,
        "frontdoor/police_sent.html",
        {"sent": form, "next_steps": services.police_next_steps(form)},
    )


@login_required
@require_http_methods(["GET"])
def police_queue(request: HttpRequest, intelligence: bool = False) -> HttpResponse:
    """The police queue, or the intelligence queue (intelligence users only)."""
    allowed = (
        request.user.has_perm("frontdoor.see_intelligence")
        if intelligence
        else request.user.has_perm("frontdoor.see_police_queue")
    )
    if not allowed:
        raise Http404
    rows = selectors.police_queue(user=request.user, intelligence=intelligence)
    _police_forms_shown(request, [row.form for row in rows], action=AuditAction.LIST)
    return render(
        request, "frontdoor/police_queue.html", {"rows": rows, "intelligence": intelligence}
    )


@login_required
@require_http_methods(["GET", "POST"])
def police_form_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One police form, for the queue that works it."""
    form = selectors.police_form_for_user(user=request.user, reference=reference)
    if form is None:
        raise Http404
    works_it = (
        request.user.has_perm("frontdoor.see_intelligence")
        if form.is_intelligence
        else request.user.has_perm("frontdoor.see_police_queue")
    )
    if request.method == "POST":
        if not works_it:
            raise Http404
        services.police_form_acknowledge(by=request.user, form=form)  # type: ignore[arg-type]
        return redirect("frontdoor:police-form-detail", reference=reference)
    _police_forms_shown(request, [form], action=AuditAction.VIEW)
    return render(
        request, "frontdoor/police_form_detail.html", {"sent": form, "works_it": works_it}
    )
