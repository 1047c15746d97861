"""Pages for meetings: the user's meetings, a meeting, its items, minutes and outcome.

Thin: each view loads through a selector, asks the permission table, calls one
service and renders. Children named on a page are audited as listed; a meeting
the user may not see reads exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.clock import UK
from safeguard.core.errors import InvalidRequest
from safeguard.core.http import errors_on, permitted_or_404, require_perm
from safeguard.core.models import Agency, User
from safeguard.people.access import people_visible_to
from safeguard.people.services import people_listed_record

from . import selectors, services
from .calendar import meeting_ics
from .events import MeetingEvent
from .forms import (
    ActionForm,
    ActionUpdateForm,
    ArrangeForm,
    AttendanceForm,
    CancelForm,
    DecisionForm,
    ItemForm,
    ItemInviteForm,
    MoveForm,
    NotesForm,
    ResponseForm,
    ScheduleForm,
)
from .models import Action, AgendaItem, Meeting, MeetingStatus


def _meeting(request: HttpRequest, reference: str, perm: str = "meetings.view_meeting") -> Meeting:
    meeting = selectors.meeting_page(user=request.user, meeting_id=reference)
    return permitted_or_404(
        request, meeting, perm=perm, page=MeetingEvent.MEETING, object_id=reference
    )


def _audit_names(request: HttpRequest, items: list[AgendaItem]) -> None:
    named = [item.person_id for item in items if item.person_id is not None]
    if named:
        people_listed_record(by=request.user, person_ids=named, context=MeetingEvent.MEETING)  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings the user chairs or is invited to."""
    can_arrange = request.user.has_perm("meetings.arrange_meetings")
    if not can_arrange and not request.user.has_perm("meetings.see_meetings"):
        raise Http404
    return render(
        request,
        "meetings/list.html",
        {**selectors.user_meetings(user=request.user), "can_arrange": can_arrange},
    )


@login_required
@require_http_methods(["GET", "POST"])
def arrange(request: HttpRequest) -> HttpResponse:
    """Arrange a one-off meeting and invite agencies."""
    require_perm(request, "meetings.arrange_meetings")
    form = ArrangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = dt.datetime.combine(data["date"], data["time"], tzinfo=UK)
        clock_started_at = None
        if data.get("clock_date"):
            clock_started_at = dt.datetime.combine(
                data["clock_date"], data.get("clock_time") or dt.time(9, 0), tzinfo=UK
            )
        with errors_on(form) as failed:
            meeting = services.meeting_arrange(
                by=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                title=data["title"],
                starts_at=starts_at,
                duration_minutes=data["duration_minutes"],
                location=data.get("location") or "",
                agencies=list(data["agencies"]),
                clock_started_at=clock_started_at,
            )
        if not failed:
            messages.success(request, "Meeting arranged and invitations sent")
            return redirect("meetings:detail", reference=meeting.reference)
    return render(request, "meetings/arrange.html", {"form": form})


def _page_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    items, hidden = selectors.visible_items(user=request.user, meeting=meeting)
    _audit_names(request, items)
    runs = request.user.has_perm("meetings.run_meeting", meeting)
    invitations = list(meeting.invitations.all())
    own = [
        i
        for i in invitations
        if i.person_id == request.user.pk
        or (i.person_id is None and i.agency_id == request.user.agency_id)
    ]
    return {
        "meeting": meeting,
        "items": items,
        "hidden": hidden,
        "runs": runs and meeting.status == MeetingStatus.SCHEDULED,
        "is_chair": runs,
        "invitations": invitations,
        "own_invitations": own,
        "quorate": selectors.quorate(meeting),
        "outstanding": selectors.outstanding_actions(user=request.user, meeting=meeting),
        "suggestions": selectors.suggestions_open(user=request.user, meeting=meeting)
        if runs and meeting.status == MeetingStatus.SCHEDULED
        else [],
    }


@login_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A meeting: when and where, invitations and attendance, the agenda the user may see."""
    meeting = _meeting(request, reference)
    context = _page_context(request, meeting)
    if context["runs"]:
        context["attendance_form"] = AttendanceForm(invitations=context["invitations"])
        context["item_form"] = ItemForm(people=_people_for(request))
    context["response_form"] = ResponseForm()
    return render(request, "meetings/detail.html", context)


def _people_for(request: HttpRequest) -> list[Any]:
    return list(people_visible_to(request.user).order_by("family_name", "given_name")[:300])


@login_required
@require_POST
def respond(request: HttpRequest, reference: str, invitation_id: int) -> HttpResponse:
    """An invited agency or person answers: coming, apologies or a substitute."""
    meeting = _meeting(request, reference)
    invitation = next((i for i in meeting.invitations.all() if i.pk == invitation_id), None)
    if invitation is None:
        raise Http404
    form = ResponseForm(request.POST)
    if form.is_valid():
        with errors_on(form) as failed:
            services.invitation_respond(
                by=request.user,  # type: ignore[arg-type]
                invitation=invitation,
                response=form.cleaned_data["response"],
                substitute_name=form.cleaned_data.get("substitute_name") or "",
            )
        if not failed:
            messages.success(request, "Your answer has been sent to the chair")
            return redirect("meetings:detail", reference=reference)
    context = _page_context(request, meeting)
    context["response_form"] = form
    return render(request, "meetings/detail.html", context, status=400)


@login_required
@require_POST
def attendance(request: HttpRequest, reference: str) -> HttpResponse:
    """The chair records who came."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    form = AttendanceForm(request.POST, invitations=list(meeting.invitations.all()))
    if form.is_valid():
        with errors_on(form) as failed:
            services.attendance_record(
                by=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                attendance=form.attendance(),
            )
        if not failed:
            messages.success(request, "Attendance saved")
            return redirect("meetings:detail", reference=reference)
    context = _page_context(request, meeting)
    context.update(attendance_form=form, item_form=ItemForm(people=_people_for(request)))
    return render(request, "meetings/detail.html", context, status=400)


@login_required
@require_POST
def item_add(request: HttpRequest, reference: str) -> HttpResponse:
    """The chair puts a child, a family or a topic on the agenda."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    form = ItemForm(request.POST, people=_people_for(request))
    if form.is_valid():
        with errors_on(form) as failed:
            item = services.item_add(
                by=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                person=form.chosen_person(),
            )
        if not failed:
            messages.success(request, "Item added to the agenda")
            return redirect("meetings:item", reference=reference, item_id=item.pk)
    context = _page_context(request, meeting)
    context.update(
        item_form=form, attendance_form=AttendanceForm(invitations=context["invitations"])
    )
    return render(request, "meetings/detail.html", context, status=400)


def _item(request: HttpRequest, meeting: Meeting, item_id: int) -> AgendaItem:
    item = selectors.item_for(user=request.user, meeting=meeting, item_id=item_id)
    return permitted_or_404(
        request,
        item,
        allowed=item is not None,
        page=MeetingEvent.MEETING_ITEM,
        object_id=item_id,
    )


def _owner_choices(meeting: Meeting) -> dict[str, list[Any]]:
    users = list(
        User.objects.filter(services.user_choices_for(meeting))
        .select_related("agency")
        .order_by("last_name", "first_name")[:300]
    )
    agencies = list(
        Agency.objects.filter(pk__in=meeting.invitations.values("agency")).order_by("name")
    )
    return {"users": users, "agencies": agencies}


def _item_context(
    request: HttpRequest, meeting: Meeting, item: AgendaItem, **forms: Any
) -> dict[str, Any]:
    runs = request.user.has_perm("meetings.run_meeting", meeting) and not meeting.is_finalised
    owners = _owner_choices(meeting) if runs else {"users": [], "agencies": []}
    actions = list(item.actions.all())
    context: dict[str, Any] = {
        "meeting": meeting,
        "item": item,
        "runs": runs,
        "decisions": list(item.decisions.all()),
        "actions": actions,
    }
    if runs:
        context["notes_form"] = forms.get("notes_form") or NotesForm(
            initial={
                "discussion": item.discussion,
                "child_voice": item.child_voice,
                "worried_about": item.worried_about,
                "working_well": item.working_well,
                "needs_to_happen": item.needs_to_happen,
                "safety_scale": "" if item.safety_scale is None else str(item.safety_scale),
            }
        )
        context["decision_form"] = forms.get("decision_form") or DecisionForm()
        context["invite_form"] = forms.get("invite_form") or ItemInviteForm(
            agencies=_uninvited(meeting)
        )
        context["action_form"] = forms.get("action_form") or ActionForm(**owners)
        context["update_forms"] = [
            (
                action,
                forms.get(f"update_{action.pk}")
                or ActionUpdateForm(
                    prefix=f"action-{action.pk}",
                    initial={
                        "owner": f"u{action.owner_user_id}"
                        if action.owner_user_id
                        else (f"a{action.owner_agency_id}" if action.owner_agency_id else ""),
                        "due_on": action.due_on,
                    },
                    **owners,
                ),
            )
            for action in actions
        ]
    return context


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    """One agenda item: its notes (autosaved while the chair types), decisions and actions."""
    meeting = _meeting(request, reference)
    agenda_item = _item(request, meeting, item_id)
    if agenda_item.person_id:
        _audit_names(request, [agenda_item])
    if request.method == "POST":
        require_perm(request, "meetings.run_meeting", meeting)
        form = NotesForm(request.POST)
        autosave = request.headers.get("X-Autosave") == "1"
        if form.is_valid():
            with errors_on(form) as failed:
                services.item_notes_save(
                    by=request.user,  # type: ignore[arg-type]
                    item=agenda_item,
                    notes=form.cleaned_data,
                )
            if not failed:
                if autosave:
                    return HttpResponse(status=204)
                messages.success(request, "Notes saved")
                return redirect("meetings:item", reference=reference, item_id=item_id)
        if autosave:
            return HttpResponse(status=400)
        context = _item_context(request, meeting, agenda_item, notes_form=form)
        return render(request, "meetings/item.html", context, status=400)
    return render(request, "meetings/item.html", _item_context(request, meeting, agenda_item))


def _uninvited(meeting: Meeting) -> Any:
    return Agency.objects.filter(active=True).exclude(
        pk__in=meeting.invitations.filter(person__isnull=True).values("agency")
    )


@login_required
@require_POST
def item_invite(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    """The chair invites an agency for this item only."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    agenda_item = _item(request, meeting, item_id)
    form = ItemInviteForm(request.POST, agencies=_uninvited(meeting))
    if form.is_valid():
        with errors_on(form, field="agency") as failed:
            services.invitation_add(
                by=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                agency=form.cleaned_data["agency"],
                items=[agenda_item],
            )
        if not failed:
            messages.success(request, f"{form.cleaned_data['agency'].name} invited for this item")
            return redirect("meetings:item", reference=reference, item_id=item_id)
    context = _item_context(request, meeting, agenda_item, invite_form=form)
    return render(request, "meetings/item.html", context, status=400)


@login_required
@require_POST
def decision_add(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    """The chair records a decision on the item."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    agenda_item = _item(request, meeting, item_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        with errors_on(form, field="text") as failed:
            services.decision_add(by=request.user, item=agenda_item, text=form.cleaned_data["text"])  # type: ignore[arg-type]
        if not failed:
            messages.success(request, "Decision recorded")
            return redirect("meetings:item", reference=reference, item_id=item_id)
    context = _item_context(request, meeting, agenda_item, decision_form=form)
    return render(request, "meetings/item.html", context, status=400)


@login_required
@require_POST
def action_add(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    """The chair records an action on the item."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    agenda_item = _item(request, meeting, item_id)
    form = ActionForm(request.POST, **_owner_choices(meeting))
    if form.is_valid():
        owner_user, owner_agency = form.owners()
        with errors_on(form, field="description") as failed:
            services.action_add(
                by=request.user,  # type: ignore[arg-type]
                item=agenda_item,
                description=form.cleaned_data["description"],
                owner_user=owner_user,
                owner_agency=owner_agency,
                due_on=form.cleaned_data.get("due_on"),
            )
        if not failed:
            messages.success(request, "Action recorded")
            return redirect("meetings:item", reference=reference, item_id=item_id)
    context = _item_context(request, meeting, agenda_item, action_form=form)
    return render(request, "meetings/item.html", context, status=400)


@login_required
@require_POST
def action_update(
    request: HttpRequest, reference: str, item_id: int, action_id: int
) -> HttpResponse:
    """The chair gives an action its owner and due date."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    agenda_item = _item(request, meeting, item_id)
    action = Action.objects.filter(item=agenda_item, pk=action_id).first()
    if action is None:
        raise Http404
    form = ActionUpdateForm(request.POST, prefix=f"action-{action.pk}", **_owner_choices(meeting))
    if form.is_valid():
        owner_user, owner_agency = form.owners()
        with errors_on(form, field="owner") as failed:
            services.action_update(
                by=request.user,  # type: ignore[arg-type]
                action=action,
                owner_user=owner_user,
                owner_agency=owner_agency,
                due_on=form.cleaned_data.get("due_on"),
            )
        if not failed:
            messages.success(request, "Action updated")
            return redirect("meetings:item", reference=reference, item_id=item_id)
    context = _item_context(request, meeting, agenda_item, **{f"update_{action.pk}": form})
    return render(request, "meetings/item.html", context, status=400)


@login_required
@require_POST
def finalise(request: HttpRequest, reference: str) -> HttpResponse:
    """The chair finalises the minutes: actions become work, outcomes go to every agency."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    try:
        services.minutes_finalise(by=request.user, meeting=meeting)  # type: ignore[arg-type]
    except InvalidRequest as exc:
        context = _page_context(request, meeting)
        context.update(
            attendance_form=AttendanceForm(invitations=context["invitations"]),
            item_form=ItemForm(people=_people_for(request)),
            finalise_errors=_finalise_links(meeting, exc),
        )
        return render(request, "meetings/detail.html", context, status=400)
    messages.success(request, "Minutes finalised: actions sent as work, outcomes sent to agencies")
    return redirect("meetings:minutes", reference=reference)


def _finalise_links(meeting: Meeting, exc: InvalidRequest) -> list[dict[str, str]]:
    """Each problem, linked to the item page where it is put right."""
    links = []
    for key, message in (exc.errors or {"": str(exc)}).items():
        parts = key.split("-")
        href = ""
        if parts[0] == "item" and len(parts) > 1:
            href = reverse("meetings:item", args=[meeting.reference, int(parts[1])])
        elif parts[0] == "action" and len(parts) > 1:
            action = Action.objects.filter(pk=int(parts[1])).only("item_id").first()
            if action is not None:
                href = reverse("meetings:item", args=[meeting.reference, action.item_id])
                href += f"#action-{action.pk}"
        links.append({"href": href, "text": message})
    return links


@login_required
@require_http_methods(["GET"])
def minutes(request: HttpRequest, reference: str) -> HttpResponse:
    """The minutes: attendance, and each item the user may see with its decisions and actions."""
    meeting = _meeting(request, reference)
    return render(request, "meetings/minutes.html", _page_context(request, meeting))


@login_required
@require_http_methods(["GET"])
def minutes_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The minutes as a PDF marked OFFICIAL-SENSITIVE, holding only what the user may see."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    meeting = _meeting(request, reference)
    context = _page_context(request, meeting)
    context["now"] = timezone.now()
    services.minutes_export_record(by=request.user, meeting=meeting, items=context["items"])  # type: ignore[arg-type]
    html = render_to_string("meetings/minutes_pdf.html", context, request=request)
    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.reference}.pdf"'
    return response


@login_required
@require_http_methods(["GET"])
def outcome(request: HttpRequest, reference: str) -> HttpResponse:
    """The outcome sent to the user's agency; the first opening is the agency's receipt.

    Anyone in an agency the outcome was sent to may read it (the agency's team queue
    receives it, whoever was invited by name); children show only where the access rule
    lets the reader see them.
    """
    found = selectors.meeting_page(user=request.user, meeting_id=reference)
    allowed = found is not None and (
        request.user.has_perm("meetings.view_meeting", found)
        or selectors.notice_for(user=request.user, meeting=found) is not None
    )
    meeting = permitted_or_404(
        request, found, allowed=allowed, page=MeetingEvent.MEETING, object_id=reference
    )
    notice = services.outcome_open(by=request.user, meeting=meeting)  # type: ignore[arg-type]
    if notice is None:
        raise Http404
    items, hidden = selectors.visible_items(user=request.user, meeting=meeting, for_outcome=True)
    _audit_names(request, items)
    context = {"meeting": meeting, "items": items, "hidden": hidden, "notice": notice}
    return render(request, "meetings/outcome.html", context)


@login_required
@require_http_methods(["GET"])
def calendar_file(request: HttpRequest, reference: str) -> HttpResponse:
    """The meeting as an iCalendar file for the invitee's own calendar."""
    meeting = _meeting(request, reference)
    url = request.build_absolute_uri(reverse("meetings:detail", args=[reference]))
    response = HttpResponse(meeting_ics(meeting, url=url), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{meeting.reference}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def schedule_new(request: HttpRequest) -> HttpResponse:
    """Set up a recurring meeting: its meetings are made (off bank holidays) and invitations sent."""
    require_perm(request, "meetings.arrange_meetings")
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form, field="starts_on") as failed:
            schedule = services.schedule_create(
                by=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                title=data["title"],
                frequency=data["frequency"],
                weekday=data["weekday"],
                week_of_month=data.get("week_of_month") if data["frequency"] == "monthly" else None,
                start_time=data["time"],
                duration_minutes=data["duration_minutes"],
                starts_on=data["starts_on"],
                ends_on=data.get("ends_on"),
                location=data.get("location") or "",
                agencies=list(data["agencies"]),
            )
        if not failed:
            made = schedule.meetings.count()
            messages.success(
                request, f"Schedule set up: {made} meeting{'s' if made != 1 else ''} arranged"
            )
            return redirect("meetings:list")
    return render(request, "meetings/schedule_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    """The chair cancels a meeting; every invitee is told."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="reason") as failed:
            services.meeting_cancel(
                by=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                reason=form.cleaned_data["reason"],
            )
        if not failed:
            messages.success(request, "Meeting cancelled and every invited agency told")
            return redirect("meetings:detail", reference=reference)
    if not meeting.is_changeable:
        return _cannot_change(request, meeting, doing="cancel")
    return render(request, "meetings/cancel.html", {"form": form, "meeting": meeting})


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, reference: str) -> HttpResponse:
    """The chair moves a meeting to a new time (the chair must be free); invitees are told."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form, field="date") as failed:
            services.meeting_move(
                by=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                starts_at=dt.datetime.combine(data["date"], data["time"], tzinfo=UK),
                reason=data.get("reason") or "",
            )
        if not failed:
            messages.success(request, "Meeting moved and every invited agency told")
            return redirect("meetings:detail", reference=reference)
    if not meeting.is_changeable:
        return _cannot_change(request, meeting, doing="move")
    return render(request, "meetings/move.html", {"form": form, "meeting": meeting})


def _cannot_change(request: HttpRequest, meeting: Meeting, *, doing: str) -> HttpResponse:
    """Why a cancelled or finalised meeting cannot be cancelled or moved, instead of the form.

    A post still goes to the service first, which refuses it; the page then says why
    (answered as a bad request, since nothing was changed).
    """
    return render(
        request,
        "meetings/cannot_change.html",
        {"meeting": meeting, "doing": doing},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def suggestion_add(request: HttpRequest, reference: str) -> HttpResponse:
    """The chair adds an item the kind's agenda supplier suggested."""
    meeting = _meeting(request, reference, "meetings.run_meeting")
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        position = -1
    try:
        item = services.suggestion_add(
            by=request.user,  # type: ignore[arg-type]
            meeting=meeting,
            position=position,
            title=request.POST.get("title", ""),
        )
    except InvalidRequest as exc:
        context = _page_context(request, meeting)
        context.update(
            suggestion_error=str(exc),
            attendance_form=AttendanceForm(invitations=context["invitations"]),
            item_form=ItemForm(people=_people_for(request)),
            response_form=ResponseForm(),
        )
        return render(request, "meetings/detail.html", context, status=400)
    messages.success(request, "Item added to the agenda")
    return redirect("meetings:item", reference=reference, item_id=item.pk)


@login_required
@require_http_methods(["GET"])
def attendance_report(request: HttpRequest) -> HttpResponse:
    """Attendance at each kind of meeting by agency, over the last 12 months or all time."""
    require_perm(request, "meetings.see_attendance_report")
    period = request.GET.get("period", "year")
    since = None
    if period != "all":
        period = "year"
        since = timezone.now() - dt.timedelta(days=365)
    rows = selectors.attendance_by_agency_and_kind(since=since, until=timezone.now())
    return render(request, "meetings/attendance_report.html", {"rows": rows, "period": period})
