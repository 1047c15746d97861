"""Pages for learning from cases: reviews and their clocks, 7 point briefings, action plans.

Thin: each view loads through a selector, asks the permission table, calls one
service and renders. Reviews and plans are the business unit's and panel chairs'
pages; published briefings are read by everyone in an agency, and an agency's
receiving team confirms its cascade and completes its plan actions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguard.core.errors import InvalidRequest
from safeguard.core.http import errors_on, form_post, posted, require_perm
from safeguard.people.services import people_listed_record

from . import selectors, services
from .events import LearningEvent
from .forms import (
    ActionForm,
    AuditCloseForm,
    AuditForm,
    BriefingForm,
    CascadeForm,
    ChildDeathForm,
    ConsiderCaseForm,
    ContributionForm,
    EvidenceForm,
    FindingForm,
    LinkChildForm,
    MemberForm,
    ModerationForm,
    NotifiedForm,
    PlanForm,
    PriorityForm,
    PublishReviewForm,
    RapidReviewForm,
    ReviewForm,
    SubmitCaseForm,
    WorkPlanForm,
    YouSaidForm,
)
from .models import (
    ActionPlan,
    AuditKind,
    Board,
    Briefing,
    BriefingStatus,
    CaseReview,
    ChildDeathSummary,
    Contribution,
    PlanItemStatus,
    ReviewKind,
    ReviewStatus,
    YouSaidWeDid,
)

MANAGE = "learning.manage_learning"


def _review(reference: str) -> CaseReview:
    review = selectors.review_page(reference)
    if review is None:
        raise Http404
    return review


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    """The business unit's overview: reviews and their clocks, briefings, plans."""
    require_perm(request, MANAGE)
    reviews = list(selectors.reviews_overview())
    return render(
        request,
        "learning/home.html",
        {
            "reviews": [(r, selectors.review_clocks(r)) for r in reviews],
            "briefings": Briefing.objects.order_by("-created_at")[:20],
            "plans": selectors.plans_overview(),
            "audits": selectors.audits_overview()[:20],
            "quarter": selectors.quarter_of(timezone.localdate()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_new(request: HttpRequest) -> HttpResponse:
    """Open a case review."""
    require_perm(request, MANAGE)
    form = ReviewForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.review_open(by=user, **data),
        done=lambda review: f"Review {review.reference} opened.",
        then=lambda review: reverse("learning:review", args=[review.reference]),
    )
    if done:
        return done
    return render(request, "learning/review_new.html", {"form": form})


def _review_context(request: HttpRequest, review: CaseReview, **forms: Any) -> dict[str, Any]:
    return {
        "review": review,
        "clocks": selectors.review_clocks(review),
        "children": selectors.review_children_for(request.user, review),
        "notified_form": forms.get("notified_form") or NotifiedForm(),
        "rapid_form": forms.get("rapid_form") or RapidReviewForm(),
        "child_form": forms.get("child_form") or LinkChildForm(),
        "publish_form": forms.get("publish_form")
        or PublishReviewForm(initial={"learning_summary": review.learning_summary}),
        "is_serious": review.kind == ReviewKind.SERIOUS_INCIDENT,
        "consider_form": forms.get("consider_form") or ConsiderCaseForm(),
        "to_consider": review.kind in services.SUBMITTABLE
        and not review.case_decision
        and review.status == ReviewStatus.OPEN,
    }


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, reference: str) -> HttpResponse:
    """A review, its clocks and its next step (each step is a form posting here)."""
    require_perm(request, MANAGE)
    found = _review(reference)
    step = request.POST.get("step", "")
    forms: dict[str, Any] = {}
    if request.method == "POST":
        user: Any = request.user
        here = reverse("learning:review", args=[found.reference])
        if step == "notified":
            done = form_post(
                request,
                forms.setdefault("notified_form", NotifiedForm(request.POST)),
                lambda data: services.review_notified(by=user, review=found, **data),
                field="notified_on",
                done="Notification recorded. The rapid review clock has started.",
                then=here,
            )
        elif step == "rapid":
            done = form_post(
                request,
                forms.setdefault("rapid_form", RapidReviewForm(request.POST)),
                lambda data: services.review_rapid_review_done(by=user, review=found, **data),
                field="done_on",
                done="Rapid review recorded.",
                then=here,
            )
        elif step == "child":
            done = form_post(
                request,
                forms.setdefault("child_form", LinkChildForm(request.POST)),
                lambda data: services.review_child_link(by=user, review=found, **data),
                field="person",
                done=lambda child: f"Child linked as {child.pseudonym}.",
                then=here,
            )
        elif step == "consider":
            done = form_post(
                request,
                forms.setdefault("consider_form", ConsiderCaseForm(request.POST)),
                lambda data: services.review_consider(by=user, review=found, **data),
                field="decision",
                done="Decision recorded. The partner who sent the case has it in their queue.",
                then=here,
            )
        elif step == "publish":
            done = form_post(
                request,
                forms.setdefault("publish_form", PublishReviewForm(request.POST)),
                lambda data: services.review_publish(by=user, review=found, **data),
                field="learning_summary",
                done="The learning is published.",
                then=here,
            )
        else:
            raise Http404
        if done:
            return done
    context = _review_context(request, found, **forms)
    named = [c["person"].pk for c in context["children"] if c["person"] is not None]
    if named:
        people_listed_record(by=request.user, person_ids=named, context=LearningEvent.CASE_REVIEW)  # type: ignore[arg-type]
    context["errors_form"] = next(iter(forms.values()), None)
    return render(request, "learning/review.html", context)


@login_required
@require_http_methods(["GET"])
def review_published(request: HttpRequest, reference: str) -> HttpResponse:
    """A review's published learning, as the partnership publishes it (pseudonyms only)."""
    require_perm(request, "learning.read_briefings")
    found = _review(reference)
    if found.published_on is None:
        raise Http404
    return render(request, "learning/review_published.html", {"review": found})


@login_required
@require_http_methods(["GET"])
def briefing_list(request: HttpRequest) -> HttpResponse:
    """Published 7 point briefings, for everyone in an agency."""
    require_perm(request, "learning.read_briefings")
    return render(
        request,
        "learning/briefings.html",
        {"briefings": selectors.briefings_published(), "can_manage": request.user.has_perm(MANAGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_edit(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    """Write or edit a draft briefing."""
    require_perm(request, MANAGE)
    briefing = selectors.briefing_page(reference) if reference else None
    if reference and briefing is None:
        raise Http404
    initial: dict[str, Any] = {}
    if briefing is not None:
        initial = {"title": briefing.title, "review": briefing.review}
        initial.update({name: getattr(briefing, name) for name in services.BRIEFING_FIELDS})
    form = BriefingForm(posted(request), initial=initial)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.briefing_save(
            by=user,
            briefing=briefing,
            **data,
        ),
        done="Briefing saved.",
        then=lambda saved: reverse("learning:briefing", args=[saved.reference]),
    )
    if done:
        return done
    return render(request, "learning/briefing_edit.html", {"form": form, "briefing": briefing})


def _briefing(request: HttpRequest, reference: str) -> Briefing:
    require_perm(request, "learning.read_briefings")
    briefing = selectors.briefing_page(reference)
    if briefing is None or (
        briefing.status != BriefingStatus.PUBLISHED and not request.user.has_perm(MANAGE)
    ):
        raise Http404
    return briefing


@login_required
@require_http_methods(["GET", "POST"])
def briefing(request: HttpRequest, reference: str) -> HttpResponse:
    """A briefing; an agency confirms its cascade here, the business unit publishes it."""
    found = _briefing(request, reference)
    cascade = selectors.cascade_for(request.user, found)
    can_confirm = cascade is not None and request.user.has_perm("learning.act_for_agency", cascade)
    form = CascadeForm(posted(request))
    publish_error = ""
    if request.method == "POST":
        user: Any = request.user
        if request.POST.get("step") == "publish":
            require_perm(request, MANAGE)
            try:
                services.briefing_publish(by=user, briefing=found)
            except InvalidRequest as exc:
                publish_error = str(exc)
            else:
                messages.success(
                    request, "Briefing published. Every agency has been asked to cascade it."
                )
                return redirect("learning:briefing", found.reference)
        else:
            if not can_confirm or cascade is None:
                raise Http404
            done = form_post(
                request,
                form,
                lambda data: services.cascade_confirm(by=user, cascade=cascade, **data),
                field="how_used",
                done="Thank you: your agency's cascade is recorded.",
                then=reverse("learning:briefing", args=[found.reference]),
            )
            if done:
                return done
    return render(
        request,
        "learning/briefing.html",
        {
            "briefing": found,
            "sections": [(label, getattr(found, name)) for name, label in Briefing.SECTIONS],
            "cascade": cascade,
            "can_confirm": can_confirm,
            "form": form,
            "can_manage": request.user.has_perm(MANAGE),
            "publish_error": publish_error,
        },
    )


@login_required
@require_http_methods(["GET"])
def briefing_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The briefing as a PDF in the partnership's style."""
    from weasyprint import HTML

    found = _briefing(request, reference)
    html = render_to_string(
        "learning/briefing_pdf.html",
        {
            "briefing": found,
            "sections": [(label, getattr(found, name)) for name, label in Briefing.SECTIONS],
        },
        request=request,
    )
    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="briefing-{found.reference}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """Start an action plan."""
    require_perm(request, MANAGE)
    form = PlanForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.plan_create(by=user, **data),
        done=lambda plan: f"Action plan {plan.reference} started.",
        then=lambda plan: reverse("learning:plan", args=[plan.reference]),
    )
    if done:
        return done
    return render(request, "learning/plan_new.html", {"form": form})


def _plan(reference: str) -> ActionPlan:
    plan = selectors.plan_page(reference)
    if plan is None:
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, reference: str) -> HttpResponse:
    """A plan: its actions by red, amber and green; add an action; sign it off."""
    found = _plan(reference)
    can_manage = request.user.has_perm(MANAGE)
    actions = list(found.actions.all())
    mine = [a for a in actions if request.user.has_perm("learning.act_for_agency", a)]
    if not can_manage and not mine:
        raise Http404
    form = ActionForm(request.POST if request.POST.get("step") == "action" else None)
    sign_off_error = ""
    if request.method == "POST":
        user: Any = request.user
        step = request.POST.get("step")
        if step == "action":
            require_perm(request, MANAGE)
            done = form_post(
                request,
                form,
                lambda data: services.plan_action_add(by=user, plan=found, **data),
                field="due_on",
                done="Action added and sent to the owner agency's queue.",
                then=reverse("learning:plan", args=[found.reference]),
            )
            if done:
                return done
        elif step == "sign_off":
            require_perm(request, MANAGE)
            try:
                services.plan_sign_off(by=user, plan=found)
            except InvalidRequest as exc:
                sign_off_error = str(exc)
            else:
                messages.success(request, "Action plan signed off.")
                return redirect("learning:plan", found.reference)
        else:
            raise Http404
    today = timezone.localdate()
    return render(
        request,
        "learning/plan.html",
        {
            "plan": found,
            "rows": [(a, a.rag(today), a in mine or can_manage) for a in actions],
            "form": form,
            "can_manage": can_manage,
            "sign_off_error": sign_off_error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_complete(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    """The owner agency records an action complete, with its evidence."""
    found = _plan(reference)
    action = next((a for a in found.actions.all() if a.pk == action_id), None)
    if action is None or not request.user.has_perm("learning.act_for_agency", action):
        raise Http404
    form = EvidenceForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.plan_action_complete(by=user, action=action, **data),
        field="evidence",
        done="Action recorded as complete.",
        then=reverse("learning:plan", args=[found.reference]),
    )
    if done:
        return done
    return render(
        request, "learning/action_complete.html", {"plan": found, "action": action, "form": form}
    )


@login_required
@require_http_methods(["GET"])
def quarterly_report(request: HttpRequest) -> HttpResponse:
    """The quarterly monitoring report of action plans, per subgroup."""
    require_perm(request, MANAGE)
    quarter = request.GET.get("quarter") or selectors.quarter_of(timezone.localdate())
    try:
        start, end = selectors.quarter_bounds(quarter)
    except (ValueError, IndexError):
        quarter = selectors.quarter_of(timezone.localdate())
        start, end = selectors.quarter_bounds(quarter)
        messages.error(request, "Enter a quarter like 2026Q3. Showing this quarter instead.")
    return render(
        request,
        "learning/quarterly.html",
        {
            "quarter": quarter,
            "start": start,
            "end": end,
            "reports": selectors.quarterly_report(quarter),
        },
    )


# --- audits -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def audit_new(request: HttpRequest) -> HttpResponse:
    """Ask agencies to take part in an audit."""
    require_perm(request, MANAGE)
    form = AuditForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.audit_request(by=user, **data),
        done=lambda audit: f"Audit {audit.reference} requested from every agency taking part.",
        then=lambda audit: reverse("learning:audit", args=[audit.reference]),
    )
    if done:
        return done
    return render(request, "learning/audit_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, reference: str) -> HttpResponse:
    """An audit: each agency sends its findings here; the business unit moderates and closes."""
    found = selectors.audit_page(reference)
    if found is None:
        raise Http404
    can_manage = request.user.has_perm(MANAGE)
    findings = list(found.findings.all())
    mine = next(
        (f for f in findings if f.agency_id == getattr(request.user, "agency_id", None)), None
    )
    can_send = mine is not None and request.user.has_perm("learning.act_for_agency", mine)
    if not can_manage and not can_send:
        raise Http404
    step = request.POST.get("step", "")
    finding_form = FindingForm(request.POST if step == "finding" else None)
    close_form = AuditCloseForm(request.POST if step == "close" else None)
    moderation_form = ModerationForm(request.POST if step == "moderate" else None)
    if request.method == "POST":
        user: Any = request.user
        here = reverse("learning:audit", args=[found.reference])
        if step == "finding" and can_send and mine is not None:
            done = form_post(
                request,
                finding_form,
                lambda data: services.finding_submit(by=user, finding=mine, **data),
                field="findings",
                done="Your agency's findings have been sent.",
                then=here,
            )
        elif step == "moderate" and can_manage:
            target = next((f for f in findings if str(f.pk) == request.POST.get("finding")), None)
            if target is None:
                raise Http404
            done = form_post(
                request,
                moderation_form,
                lambda data: services.finding_moderate(by=user, finding=target, **data),
                field="rating",
                done=f"Moderation of {target.agency.name} recorded.",
                then=here,
            )
        elif step == "close" and can_manage:
            done = form_post(
                request,
                close_form,
                lambda data: services.audit_close(by=user, audit=found, **data),
                field="learning_points",
                done="The audit is closed.",
                then=here,
            )
        else:
            raise Http404
        if done:
            return done
    return render(
        request,
        "learning/audit.html",
        {
            "audit": found,
            "findings": findings if can_manage else [],
            "mine": mine,
            "can_send": can_send,
            "can_manage": can_manage,
            "finding_form": finding_form,
            "close_form": close_form,
            "moderation_form": moderation_form,
            "is_school": found.kind == AuditKind.SCHOOL_SELF_ASSESSMENT,
            "errors_form": next(
                (f for f in (finding_form, close_form, moderation_form) if f.errors), None
            ),
        },
    )


# --- governance and the annual report -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def governance(request: HttpRequest) -> HttpResponse:
    """The Voice and Involvement log, partner contributions and the child death summary."""
    require_perm(request, MANAGE)
    step = request.POST.get("step", "")
    voice_form = YouSaidForm(request.POST if step == "voice" else None)
    money_form = ContributionForm(request.POST if step == "money" else None)
    death_form = ChildDeathForm(request.POST if step == "deaths" else None)
    if request.method == "POST":
        user: Any = request.user
        here = reverse("learning:governance")
        if step == "voice":
            done = form_post(
                request,
                voice_form,
                lambda data: services.you_said_we_did_add(by=user, **data),
                done="Entry added to the log.",
                then=here,
            )
        elif step == "money":
            done = form_post(
                request,
                money_form,
                lambda data: services.contribution_set(
                    by=user, year=data["year"], agency=data["agency"], amount=data["amount_pounds"]
                ),
                field="amount_pounds",
                done="Contribution recorded.",
                then=here,
            )
        elif step == "deaths":
            done = form_post(
                request,
                death_form,
                lambda data: services.child_death_summary_set(by=user, **data),
                field="modifiable_factors",
                done="Child death summary recorded.",
                then=here,
            )
        else:
            raise Http404
        if done:
            return done
    return render(
        request,
        "learning/governance.html",
        {
            "entries": YouSaidWeDid.objects.all()[:50],
            "contributions": Contribution.objects.select_related("agency")[:50],
            "summaries": ChildDeathSummary.objects.all()[:10],
            "boards": Board.objects.all(),
            "voice_form": voice_form,
            "money_form": money_form,
            "death_form": death_form,
            "errors_form": next(
                (f for f in (voice_form, money_form, death_form) if f.errors), None
            ),
        },
    )


def _report_year(request: HttpRequest) -> int:
    today = timezone.localdate()
    default = today.year if today.month >= 4 else today.year - 1
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@login_required
@require_http_methods(["GET"])
def annual_report(request: HttpRequest, fmt: str = "") -> HttpResponse:
    """The annual report draft for a financial year: the page, a PDF, or a Word document."""
    from .annual_report import annual_report as build
    from .annual_report import annual_report_docx

    require_perm(request, MANAGE)
    report = build(_report_year(request))
    services.annual_report_export_record(by=request.user, year=report.year, fmt=fmt or "page")  # type: ignore[arg-type]
    if fmt == "docx":
        response = HttpResponse(
            annual_report_docx(report),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f'attachment; filename="annual-report-{report.year}.docx"'
        return response
    if fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "learning/annual_report_pdf.html", {"report": report}, request=request
        )
        response = HttpResponse(
            bytes(HTML(string=html).write_pdf()), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="annual-report-{report.year}.pdf"'
        return response
    return render(request, "learning/annual_report.html", {"report": report})


@login_required
@require_http_methods(["GET", "POST"])
def submit_case(request: HttpRequest) -> HttpResponse:
    """Any partner submits a near miss, good practice or a case for a local review."""
    require_perm(request, "learning.submit_case")
    form = SubmitCaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form) as failed:
            review = services.review_submit(
                by=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
            )
        if not failed:
            return render(request, "learning/submitted.html", {"review": review})
    sent = selectors.cases_sent_by(user=request.user)
    return render(request, "learning/submit.html", {"form": form, "sent": sent})


@login_required
@require_http_methods(["GET"])
def sent_case(request: HttpRequest, reference: str) -> HttpResponse:
    """A case the user's agency sent for learning: where it stands and what was decided."""
    require_perm(request, "learning.submit_case")
    found = selectors.sent_case_for(user=request.user, reference=reference)
    if found is None:
        raise Http404
    services.sent_case_read(by=request.user, review=found)  # type: ignore[arg-type]
    return render(request, "learning/sent_case.html", {"review": found})


@login_required
@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, slug: str) -> HttpResponse:
    """The Executive or a subgroup: members, priorities and work plan."""
    require_perm(request, MANAGE)
    found = Board.objects.filter(slug=slug).first()
    if found is None:
        raise Http404
    step = request.POST.get("step", "")
    member_form = MemberForm(request.POST if step == "member" else None)
    priority_form = PriorityForm(
        request.POST if step == "priority" else None, initial={"year": timezone.localdate().year}
    )
    plan_form = WorkPlanForm(request.POST if step == "plan" else None, board=found)
    if request.method == "POST":
        user: Any = request.user
        here = reverse("learning:board", args=[found.slug])
        done: HttpResponse | None = None
        if step == "member":
            done = form_post(
                request,
                member_form,
                lambda data: services.board_member_add(by=user, board=found, **data),
                done="Member added.",
                then=here,
            )
        elif step == "priority":
            done = form_post(
                request,
                priority_form,
                lambda data: services.board_priority_add(by=user, board=found, **data),
                done="Priority added.",
                then=here,
            )
        elif step == "plan":
            done = form_post(
                request,
                plan_form,
                lambda data: services.work_plan_item_add(by=user, board=found, **data),
                field="description",
                done="Added to the work plan.",
                then=here,
            )
        elif step == "status":
            item = found.work_plan.filter(pk=request.POST.get("item") or 0).first()
            if item is None:
                raise Http404
            try:
                services.work_plan_item_status(
                    by=user, item=item, status=request.POST.get("status", "")
                )
            except InvalidRequest:
                messages.error(request, "Select how the work stands.")
            else:
                messages.success(request, "Work plan updated.")
                return redirect(here)
        else:
            raise Http404
        if done:
            return done
    return render(
        request,
        "learning/board.html",
        {
            "board": found,
            "members": found.members.select_related("agency"),
            "priorities": found.priorities.all(),
            "work_plan": found.work_plan.select_related("owner_agency", "priority"),
            "statuses": PlanItemStatus.choices,
            "member_form": member_form,
            "priority_form": priority_form,
            "plan_form": plan_form,
            "errors_form": next(
                (f for f in (member_form, priority_form, plan_form) if f.errors), None
            ),
        },
    )
