"""Pages for work: team queues, one item and what can be done with it, absences and teams.

Thin: each view loads through a selector, asks the permission table, calls one
service and renders. Every child a page names is audited as listed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.errors import Forbidden
from safeguard.core.http import errors_on, permitted_or_404, require_perm
from safeguard.core.models import Team, User
from safeguard.people.services import people_listed_record, person_view_record

from . import selectors, services
from .events import WorkEvent
from .forms import (
    AbsenceForm,
    AssignForm,
    CancelForm,
    CloseAccountForm,
    CompleteForm,
    LeadForm,
    MemberForm,
    TeamForm,
)
from .models import CLOSES_ITSELF, WorkItem, WorkKind


def _audit_names(request: HttpRequest, items: list[WorkItem]) -> None:
    named = selectors.people_named(items)
    if named:
        people_listed_record(by=request.user, person_ids=named, context=WorkEvent.WORK_QUEUE)  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET"])
def queues(request: HttpRequest) -> HttpResponse:
    """The teams the user is in, with how much is waiting and overdue in each."""
    memberships = selectors.teams_of(request.user)
    if not memberships and not request.user.has_perm("work.manage_teams"):
        raise Http404
    return render(request, "work/queues.html", {"memberships": memberships})


def _team(request: HttpRequest, slug: str, perm: str) -> Team:
    team = Team.objects.select_related("agency").filter(slug=slug).first()
    return permitted_or_404(request, team, perm=perm, page=WorkEvent.WORK_QUEUE, object_id=slug)


@login_required
@require_http_methods(["GET"])
def team_queue(request: HttpRequest, slug: str) -> HttpResponse:
    """A team's queue: overdue first, then immediate danger, urgent and standard, then due."""
    team = _team(request, slug, "work.view_team_queue")
    queue = selectors.team_queue(
        user=request.user,
        team=team,
        showing=request.GET.get("showing", "open"),
        page=request.GET.get("page", 1),
    )
    items = list(queue.page.object_list)
    _audit_names(request, items)
    return render(
        request,
        "work/team_queue.html",
        {
            "team": team,
            "queue": queue,
            "items": items,
            "manages": request.user.has_perm("work.manage_team_work", team),
        },
    )


def _item(request: HttpRequest, item_id: Any) -> WorkItem:
    item = selectors.item_for(user=request.user, item_id=item_id)
    return permitted_or_404(
        request,
        item,
        perm="work.act_on_item",
        page=WorkEvent.WORK_ITEM,
        object_id=item_id,
        person_id=getattr(item, "person_id", None),
    )


def _item_page(request: HttpRequest, item: WorkItem, **forms: Any) -> HttpResponse:
    manages = request.user.has_perm("work.manage_team_work", item.team)
    members = selectors.assignable_members(item.team) if manages else []
    context: dict[str, Any] = {
        "item": item,
        "manages": manages,
        "closes_itself": item.kind in CLOSES_ITSELF,
        "is_mine": item.assignee_id == request.user.pk,
        "reallocating_child": item.kind == WorkKind.REALLOCATE_CHILD,
        "assign_form": forms.get("assign_form") or AssignForm(members=members),
        "lead_form": forms.get("lead_form")
        or LeadForm(members=[m for m in members] if manages else []),
        "complete_form": forms.get("complete_form") or CompleteForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "forms_with_errors": [f for f in forms.values() if f is not None and f.errors],
    }
    if item.person_id is not None and getattr(item, "person_visible", False):
        person_view_record(by=request.user, person_id=item.person_id, page=WorkEvent.WORK_ITEM)  # type: ignore[arg-type]
    status = 400 if context["forms_with_errors"] else 200
    return render(request, "work/item.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def item(request: HttpRequest, item_id: Any) -> HttpResponse:
    """One work item: what, about what, by when, with whom, and what can be done now."""
    return _item_page(request, _item(request, item_id))


@login_required
@require_POST
def item_take(request: HttpRequest, item_id: Any) -> HttpResponse:
    """Take the item: it becomes yours and in progress."""
    item = _item(request, item_id)
    with errors_on(CompleteForm()) as failed:
        services.work_item_take(by=request.user, item=item)  # type: ignore[arg-type]
    if failed:
        messages.error(request, str(failed[0]))
    else:
        messages.success(request, "The work is yours")
    return redirect("work:item", item_id=item.pk)


@login_required
@require_POST
def item_assign(request: HttpRequest, item_id: Any) -> HttpResponse:
    """A manager gives the item to someone in the team."""
    item = _item(request, item_id)
    require_perm(request, "work.manage_team_work", item.team)
    form = AssignForm(request.POST, members=selectors.assignable_members(item.team))
    if form.is_valid():
        with errors_on(form, field="assignee") as failed:
            services.work_item_assign(
                by=request.user,  # type: ignore[arg-type]
                item=item,
                assignee=form.members[form.cleaned_data["assignee"]],
            )
        if not failed:
            messages.success(request, f"Allocated to {item.assignee}")
            return redirect("work:item", item_id=item.pk)
    return _item_page(request, item, assign_form=form)


@login_required
@require_POST
def item_lead(request: HttpRequest, item_id: Any) -> HttpResponse:
    """A manager chooses a child's new lead practitioner (closing the re-allocation)."""
    item = _item(request, item_id)
    require_perm(request, "work.manage_team_work", item.team)
    form = LeadForm(request.POST, members=selectors.assignable_members(item.team))
    if form.is_valid():
        with errors_on(form, field="assignee") as failed:
            services.lead_practitioner_reallocate(
                by=request.user,  # type: ignore[arg-type]
                item=item,
                lead=form.members[form.cleaned_data["assignee"]],
            )
        if not failed:
            messages.success(request, "New lead practitioner recorded")
            return redirect("work:item", item_id=item.pk)
    return _item_page(request, item, lead_form=form)


@login_required
@require_POST
def item_complete(request: HttpRequest, item_id: Any) -> HttpResponse:
    """Mark the item done, saying what was done."""
    item = _item(request, item_id)
    form = CompleteForm(request.POST)
    if form.is_valid():
        with errors_on(form, field="outcome") as failed:
            services.work_item_complete(
                by=request.user,  # type: ignore[arg-type]
                item=item,
                outcome=form.cleaned_data["outcome"],
            )
        if not failed:
            messages.success(request, "Marked as done")
            return redirect("work:item", item_id=item.pk)
    return _item_page(request, item, complete_form=form)


@login_required
@require_POST
def item_cancel(request: HttpRequest, item_id: Any) -> HttpResponse:
    """A manager cancels work that no longer needs doing."""
    item = _item(request, item_id)
    require_perm(request, "work.manage_team_work", item.team)
    form = CancelForm(request.POST)
    if form.is_valid():
        with errors_on(form, field="reason") as failed:
            services.work_item_cancel(
                by=request.user,  # type: ignore[arg-type]
                item=item,
                reason=form.cleaned_data["reason"],
            )
        if not failed:
            messages.success(request, "Work cancelled")
            return redirect("work:item", item_id=item.pk)
    return _item_page(request, item, cancel_form=form)


# --- Team members and absence ----------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def team_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Who is in the team, who is away, and how much work each has."""
    team = Team.objects.select_related("agency").filter(slug=slug).first()
    if team is None or not (
        request.user.has_perm("work.view_team_queue", team)
        or request.user.has_perm("work.manage_teams")
    ):
        raise Http404
    members = selectors.team_members(team)
    return render(
        request,
        "work/team_members.html",
        {
            "team": team,
            "members": members,
            "absences": selectors.absences_for([m.user for m in members]),
            "manages": request.user.has_perm("work.manage_team_work", team),
            "sets_up_teams": request.user.has_perm("work.manage_teams"),
        },
    )


def _colleague(request: HttpRequest, user_id: int, perm: str) -> User:
    other = User.objects.filter(pk=user_id).first()
    if other is None or not request.user.has_perm(perm, other):
        raise Http404
    return other


@login_required
@require_http_methods(["GET", "POST"])
def absence(request: HttpRequest, user_id: int) -> HttpResponse:
    """Record that someone is away: their work goes to their manager from the first day."""
    other = _colleague(request, user_id, "work.record_absence")
    form = AbsenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form) as failed:
            services.absence_record(
                by=request.user,  # type: ignore[arg-type]
                user=other,
                kind=form.cleaned_data["kind"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        if not failed:
            messages.success(
                request,
                f"Absence recorded. From the first day, {other}'s work goes to their manager.",
            )
            return redirect("work:queues")
    return render(request, "work/absence.html", {"form": form, "other": other})


@login_required
@require_http_methods(["GET", "POST"])
def close_account(request: HttpRequest, user_id: int) -> HttpResponse:
    """Close someone's account: they cannot sign in, and their work goes to their manager."""
    other = User.objects.filter(pk=user_id).first()
    if other is None or not (
        request.user.has_perm("core.manage_accounts")
        or request.user.has_perm("work.record_absence", other)
    ):
        raise Http404
    form = CloseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="reason") as failed:
            services.account_deactivate(
                by=request.user,  # type: ignore[arg-type]
                user=other,
                reason=form.cleaned_data["reason"],
            )
        if not failed:
            messages.success(
                request, f"{other}'s account is closed; their work is with their manager"
            )
            return redirect("work:queues")
    return render(request, "work/close_account.html", {"form": form, "other": other})


# --- Setting up teams (business unit, system administrators) --------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def teams_manage(request: HttpRequest) -> HttpResponse:
    """Every team in the partnership, and a form to set up another."""
    require_perm(request, "work.manage_teams")
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="name") as failed:
            team = services.team_create(by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        if not failed:
            messages.success(request, f"{team.name} is set up; now add its members")
            return redirect("work:team-members", slug=team.slug)
    return render(request, "work/teams_manage.html", {"teams": selectors.all_teams(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add someone from the team's agency to the team."""
    require_perm(request, "work.manage_teams")
    team = get_object_or_404(Team.objects.select_related("agency"), slug=slug)
    in_team = team.memberships.values("user_id")
    candidates = list(
        User.objects.filter(agency=team.agency, is_active=True)
        .exclude(pk__in=in_team)
        .order_by("last_name", "first_name")
    )
    form = MemberForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="user") as failed:
            services.team_member_add(
                by=request.user,  # type: ignore[arg-type]
                team=team,
                user=form.candidates[form.cleaned_data["user"]],
                is_manager=form.cleaned_data["is_manager"],
            )
        if not failed:
            messages.success(request, "Added to the team")
            return redirect("work:team-members", slug=team.slug)
    return render(request, "work/member_add.html", {"form": form, "team": team})


@login_required
@require_POST
def team_member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    """Take someone out of a team; their open work in it goes to its managers to re-allocate."""
    require_perm(request, "work.manage_teams")
    team = get_object_or_404(Team, slug=slug)
    other = get_object_or_404(User, pk=user_id)
    try:
        services.team_member_remove(by=request.user, team=team, user=other)  # type: ignore[arg-type]
    except Forbidden:
        raise Http404 from None
    messages.success(request, f"{other} is no longer in {team.name}")
    return redirect("work:team-members", slug=team.slug)
