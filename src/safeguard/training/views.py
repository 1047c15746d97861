"""Pages for training: the catalogue, booking, the register, evaluation, surveys and reports.

Thin: each view asks the permission table, calls one service or selector and renders.
Training holds staff, never children; a page the user may not open answers 'not found'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from safeguard.core.clock import UK
from safeguard.core.errors import InvalidRequest
from safeguard.core.http import errors_on, require_perm

from . import selectors, services
from .elearning import elearning_import
from .forms import (
    BookForForm,
    BookingEndForm,
    CapacityForm,
    CourseForm,
    ElearningForm,
    EvaluationForm,
    ImpactForm,
    ImpactManagerForm,
    SessionForm,
    TrainingRecordForm,
)
from .models import Booking, BookingStatus, Course, ImpactSurvey, Session, SurveyStatus


def _session(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("course", "trainer"), pk=pk)


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The courses, the next sessions, and the user's own training."""
    require_perm(request, "training.book")
    return render(
        request,
        "training/index.html",
        {
            "courses": selectors.courses(),
            "sessions": selectors.upcoming_sessions()[:30],
            "manages": request.user.has_perm("training.manage"),
            "sees_reports": request.user.has_perm("training.see_reports"),
            "runs": Session.objects.filter(trainer=request.user, cancelled_at__isnull=True)
            .select_related("course")
            .order_by("-starts_at")[:10],
            **selectors.my_training(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET"])
def course(request: HttpRequest, slug: str) -> HttpResponse:
    """A course: who it is for, what you will learn, and its next sessions."""
    require_perm(request, "training.book")
    found = get_object_or_404(Course.objects.select_related("skill"), slug=slug)
    sessions = selectors.upcoming_sessions().filter(course=found)
    return render(request, "training/course.html", {"course": found, "sessions": sessions})


def _session_context(request: HttpRequest, session: Session, **extra: Any) -> dict[str, Any]:
    user = request.user
    mine = (
        session.bookings.filter(learner=user)
        .exclude(status=BookingStatus.CANCELLED)
        .order_by("-created_at")
        .first()
    )
    members = selectors.team_members_for(user)
    runs = user.has_perm("training.run_session", session)
    return {
        "session": session,
        "course": session.course,
        "mine": mine,
        "taken": selectors.places_taken(session),
        "started": session.starts_at <= timezone.now(),
        "members": members,
        "book_for_form": extra.pop("book_for_form", None) or BookForForm(members=members),
        "runs": runs,
        "groups": selectors.session_bookings(session) if runs else None,
        "manages": user.has_perm("training.manage"),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: book a place (or a waiting-list place), for yourself or your team."""
    require_perm(request, "training.book")
    found = _session(pk)
    book_for_form = None
    error = ""
    if request.method == "POST":
        learner = request.user
        if request.POST.get("action") == "book_for":
            book_for_form = BookForForm(
                request.POST, members=selectors.team_members_for(request.user)
            )
            if not book_for_form.is_valid():
                return render(
                    request,
                    "training/session.html",
                    _session_context(request, found, book_for_form=book_for_form),
                )
            learner = book_for_form.cleaned_data["learner"]
        try:
            result = services.booking_create(by=request.user, session=found, learner=learner)  # type: ignore[arg-type]
        except InvalidRequest as exc:
            error = str(exc)
        else:
            who = "You are" if learner == request.user else f"{result.booking.name} is"
            if result.waiting:
                messages.success(request, f"The session is full: {who} on the waiting list")
            else:
                messages.success(request, f"Place booked: {who} booked on this session")
            return redirect("training:session", pk=found.pk)
    return render(
        request,
        "training/session.html",
        _session_context(request, found, book_for_form=book_for_form, error=error),
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a booking, or say the learner cannot attend."""
    booking = get_object_or_404(Booking.objects.select_related("session__course", "learner"), pk=pk)
    if not services.booking_can_change(request.user, booking):
        raise Http404
    form = BookingEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="what") as failed:
            services.booking_end(
                by=request.user,  # type: ignore[arg-type]
                booking=booking,
                not_attending=form.cleaned_data["what"] == "not_attending",
                reason=form.cleaned_data["reason"],
            )
        if not failed:
            messages.success(
                request,
                "Apologies recorded: the place is free for someone else"
                if form.cleaned_data["what"] == "not_attending"
                else "Booking cancelled",
            )
            return redirect("training:session", pk=booking.session_id)
    return render(request, "training/booking_end.html", {"booking": booking, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-in list on the day: the trainer ticks who came."""
    found = _session(pk)
    require_perm(request, "training.run_session", found)
    booked = list(found.bookings.filter(status=BookingStatus.BOOKED).order_by("name"))
    error = ""
    if request.method == "POST":
        ticked = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
        try:
            services.register_record(
                by=request.user,  # type: ignore[arg-type]
                session=found,
                attended={b.pk: b.pk in ticked for b in booked},
            )
        except InvalidRequest as exc:
            error = str(exc)
        else:
            messages.success(request, f"Register saved: {len(ticked)} of {len(booked)} came")
            return redirect("training:session", pk=found.pk)
    return render(
        request,
        "training/register.html",
        {
            "session": found,
            "booked": booked,
            "error": error,
            "started": found.starts_at <= timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation straight after the course; only people who came evaluate."""
    booking = get_object_or_404(Booking.objects.select_related("session__course"), pk=pk)
    if booking.learner_id != request.user.pk:
        raise Http404
    done = hasattr(booking, "evaluation")
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    refused = ""
    if not booking.attended:
        refused = "Only people who came to the session can evaluate it."
    elif done:
        refused = "You have already evaluated this session. Thank you."
    if request.method == "POST" and not refused and form.is_valid():
        with errors_on(form) as failed:
            services.evaluation_submit(
                by=request.user,  # type: ignore[arg-type]
                booking=booking,
                ratings=form.ratings(),
                likelihood=form.cleaned_data["likelihood"],
                comments=form.cleaned_data["comments"],
            )
        if not failed:
            messages.success(request, "Thank you: your evaluation is saved")
            return redirect("training:index")
    return render(
        request, "training/evaluate.html", {"booking": booking, "form": form, "refused": refused}
    )


@login_required
@require_http_methods(["GET"])
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate of attendance, as a PDF."""
    from weasyprint import HTML

    booking = get_object_or_404(Booking.objects.select_related("session__course"), pk=pk)
    if booking.learner_id != request.user.pk and not request.user.has_perm("training.manage"):
        raise Http404
    if not booking.attended:
        raise Http404
    services.certificate_issue(by=request.user, booking=booking)  # type: ignore[arg-type]
    html = render_to_string(
        "training/certificate.html",
        {
            "booking": booking,
            "session": booking.session,
            "day": booking.session.starts_at.astimezone(UK).date(),
            "hours": (booking.session.ends_at - booking.session.starts_at).total_seconds() / 3600,
        },
        request=request,
    )
    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{booking.session.reference}-{booking.pk}.pdf"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def impact(request: HttpRequest, pk: int) -> HttpResponse:
    """The learner's six-month impact survey."""
    survey = get_object_or_404(
        ImpactSurvey.objects.select_related("booking__session__course"), pk=pk
    )
    if survey.booking.learner_id != request.user.pk:
        raise Http404
    form = ImpactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and survey.status == SurveyStatus.OPEN and form.is_valid():
        with errors_on(form) as failed:
            services.impact_answer(
                by=request.user,  # type: ignore[arg-type]
                survey=survey,
                practice_changed=form.cleaned_data["practice_changed"],
                example=form.cleaned_data["example"],
            )
        if not failed:
            messages.success(request, "Thank you: your answer is saved")
            return redirect("training:index")
    return render(request, "training/impact.html", {"survey": survey, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def impact_manager(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager's stage of the impact survey."""
    survey = get_object_or_404(
        ImpactSurvey.objects.select_related("booking__session__course"), pk=pk
    )
    if survey.manager_id != request.user.pk:
        raise Http404
    form = ImpactManagerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and survey.status == SurveyStatus.MANAGER and form.is_valid():
        with errors_on(form) as failed:
            services.impact_manager_answer(
                by=request.user,  # type: ignore[arg-type]
                survey=survey,
                saw_change=form.cleaned_data["saw_change"],
                comments=form.cleaned_data["comments"],
            )
        if not failed:
            messages.success(request, "Thank you: your answer is saved")
            return redirect("training:index")
    return render(request, "training/impact_manager.html", {"survey": survey, "form": form})


# --- The business unit's pages --------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def manage(request: HttpRequest) -> HttpResponse:
    """Courses and their sessions, for the business unit."""
    require_perm(request, "training.manage")
    return render(
        request,
        "training/manage.html",
        {
            "courses": Course.objects.select_related("skill").order_by("title"),
            "sessions": selectors.upcoming_sessions(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Add a course, or change one."""
    require_perm(request, "training.manage")
    found = get_object_or_404(Course, slug=slug) if slug else None
    initial = (
        {
            "title": found.title,
            "summary": found.summary,
            "audience": found.audience,
            "learning_outcomes": found.learning_outcomes,
            "skill": found.skill_id,
            "impact_asks_manager": found.impact_asks_manager,
        }
        if found
        else None
    )
    form = CourseForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form) as failed:
            saved = services.course_save(
                by=request.user,  # type: ignore[arg-type]
                course=found,
                slug=found.slug if found else slugify(data["title"])[:80] or "course",
                title=data["title"],
                summary=data["summary"],
                audience=data["audience"],
                learning_outcomes=data["learning_outcomes"],
                skill=data["skill"],
                impact_asks_manager=data["impact_asks_manager"],
            )
        if not failed:
            messages.success(request, "Course saved")
            return redirect("training:course", slug=saved.slug)
    return render(request, "training/course_edit.html", {"form": form, "course": found})


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Plan a session of a course."""
    require_perm(request, "training.manage")
    found = get_object_or_404(Course, slug=slug)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form) as failed:
            added = services.session_add(
                by=request.user,  # type: ignore[arg-type]
                course=found,
                starts_at=dt.datetime.combine(data["date"], data["start_time"], tzinfo=UK),
                ends_at=dt.datetime.combine(data["date"], data["end_time"], tzinfo=UK),
                mode=data["mode"],
                capacity=data["capacity"],
                trainer=data["trainer"],
                joining_link=data["joining_link"] or "",
                venue=data["venue"],
                open_to_public=data["open_to_public"],
            )
        if not failed:
            messages.success(request, "Session planned")
            return redirect("training:session", pk=added.pk)
    return render(request, "training/session_add.html", {"form": form, "course": found})


@login_required
@require_http_methods(["GET", "POST"])
def session_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a session's places, or cancel it."""
    require_perm(request, "training.manage")
    found = _session(pk)
    form = CapacityForm(
        request.POST if request.method == "POST" else None, initial={"capacity": found.capacity}
    )
    cancel_error = ""
    if request.method == "POST" and request.POST.get("action") == "cancel":
        form = CapacityForm(initial={"capacity": found.capacity})
        try:
            services.session_cancel(
                by=request.user, session=found, reason=request.POST.get("reason", "")
            )  # type: ignore[arg-type]
        except InvalidRequest as exc:
            cancel_error = str(exc)
        else:
            messages.success(request, "Session cancelled: everyone booked has been told")
            return redirect("training:manage")
    elif request.method == "POST" and form.is_valid():
        with errors_on(form) as failed:
            services.session_capacity_change(
                by=request.user,  # type: ignore[arg-type]
                session=found,
                capacity=form.cleaned_data["capacity"],
            )
        if not failed:
            messages.success(request, "Places changed")
            return redirect("training:session", pk=found.pk)
    return render(
        request,
        "training/session_manage.html",
        {"session": found, "form": form, "cancel_error": cancel_error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def records(request: HttpRequest) -> HttpResponse:
    """Who is trained in what, and record training done elsewhere."""
    require_perm(request, "training.manage")
    form = TrainingRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form) as failed:
            services.training_record_add(
                by=request.user,  # type: ignore[arg-type]
                learner=data["learner"],
                skill=data["skill"],
                trained_on=data["trained_on"],
                note=data["note"],
            )
        if not failed:
            messages.success(request, "Training recorded")
            return redirect("training:records")
    return render(
        request,
        "training/records.html",
        {
            "records": selectors.training_records(skill=request.GET.get("skill") or None),
            "form": form,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET"])
def reports(request: HttpRequest) -> HttpResponse:
    """The year's figures per course, per sector, and the e-learning by sector."""
    require_perm(request, "training.see_reports")
    years = selectors.report_years()
    try:
        year = int(request.GET.get("year", years[0]))
    except ValueError:
        year = years[0]
    if year not in years:
        year = years[0]
    return render(
        request,
        "training/reports.html",
        {"report": selectors.report(year=year), "years": years, "year": year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def elearning(request: HttpRequest) -> HttpResponse:
    """Import e-learning registrations and completions from the platform's CSV."""
    require_perm(request, "training.manage")
    form = ElearningForm(request.POST if request.method == "POST" else None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="file") as failed:
            result = elearning_import(by=request.user, text=form.cleaned_data["file"])  # type: ignore[arg-type]
        if failed:
            result = None
    return render(request, "training/elearning.html", {"form": form, "result": result})
