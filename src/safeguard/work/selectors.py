"""Every read about work: team queues, My work, an item, the teams someone is in.

Queues order overdue first, then priority (immediate danger first), then the due
moment. Each page is a fixed number of queries whatever the queue's length; the
child's name is shown only where the access rule lets the reader see the child
(``person_visible``), and every child named on a page is audited by the view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from safeguard.core.models import Team, TeamMembership, User
from safeguard.people.access import people_visible_to, sees_personal_data

from .models import OPEN_STATUSES, Absence, WorkItem

PER_PAGE = 50


def queue_order(items: QuerySet[WorkItem], now: dt.datetime | None = None) -> QuerySet[WorkItem]:
    """Overdue first, then priority, then the due moment (then the oldest first)."""
    now = now or timezone.now()
    return items.annotate(
        overdue_rank=Case(
            When(due_at__lt=now, status__in=OPEN_STATUSES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "priority", "due_at", "created_at")


def with_names(items: QuerySet[WorkItem], user: Any) -> QuerySet[WorkItem]:
    """Each item with ``person_visible``: whether the reader may see the child's name."""
    if not sees_personal_data(user):
        return items.annotate(person_visible=Value(False, output_field=BooleanField()))
    visible = people_visible_to(user).filter(pk=OuterRef("person_id"))
    return items.annotate(person_visible=Exists(visible))


def _listing(items: QuerySet[WorkItem], user: Any, now: dt.datetime) -> QuerySet[WorkItem]:
    return queue_order(
        with_names(items.select_related("team", "team__agency", "assignee", "person"), user), now
    )


def teams_of(user: Any) -> list[TeamMembership]:
    """The user's team memberships, with each team's open and overdue counts."""
    now = timezone.now()
    return list(
        TeamMembership.objects.filter(user_id=user.pk, team__active=True)
        .select_related("team", "team__agency")
        .annotate(
            open_count=Count(
                "team__work_items", filter=Q(team__work_items__status__in=OPEN_STATUSES)
            ),
            overdue_count=Count(
                "team__work_items",
                filter=Q(
                    team__work_items__status__in=OPEN_STATUSES, team__work_items__due_at__lt=now
                ),
            ),
        )
        .order_by("team__name")
    )


@dataclass
class Queue:
    """One page of a team's queue and its counts."""

    team: Team
    page: Page[WorkItem]
    open_count: int
    overdue_count: int
    unassigned_count: int
    showing: str
    now: dt.datetime


def team_queue(
    *,
    user: Any,
    team: Team,
    showing: str = "open",
    page: int | str = 1,
    now: dt.datetime | None = None,
) -> Queue:
    """A page of the team's work: open (the default), or done and cancelled."""
    now = now or timezone.now()
    items = WorkItem.objects.filter(team=team)
    counts = items.aggregate(
        open_count=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue_count=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        unassigned_count=Count("pk", filter=Q(status__in=OPEN_STATUSES, assignee__isnull=True)),
    )
    if showing == "closed":
        listed = with_names(
            items.exclude(status__in=OPEN_STATUSES).select_related("team", "assignee", "person"),
            user,
        ).order_by("-closed_at")
    else:
        showing = "open"
        listed = _listing(items.filter(status__in=OPEN_STATUSES), user, now)
    paginator = Paginator(listed, PER_PAGE)
    return Queue(
        team=team,
        page=paginator.get_page(page),
        showing=showing,
        now=now,
        **counts,
    )


def my_work_items(*, user: Any, now: dt.datetime | None = None, limit: int = 50) -> dict[str, Any]:
    """What My work shows: your items, your teams' unallocated items, overdue ones you manage."""
    now = now or timezone.now()
    team_ids = TeamMembership.objects.filter(user_id=user.pk).values("team_id")
    managed = TeamMembership.objects.filter(user_id=user.pk, is_manager=True).values("team_id")
    open_items = WorkItem.objects.filter(status__in=OPEN_STATUSES)
    mine = _listing(open_items.filter(assignee_id=user.pk), user, now)
    waiting = _listing(open_items.filter(assignee__isnull=True, team_id__in=team_ids), user, now)
    overdue = _listing(
        open_items.filter(team_id__in=managed, due_at__lt=now).exclude(assignee_id=user.pk),
        user,
        now,
    )
    return {
        "work_mine": list(mine[:limit]),
        "work_waiting": list(waiting[:limit]),
        "work_overdue": list(overdue[:limit]),
        "work_now": now,
    }


def item_for(*, user: Any, item_id: Any) -> WorkItem | None:
    """One item with its team, people and history links, or None (no such item)."""
    return (
        with_names(
            WorkItem.objects.select_related(
                "team",
                "team__agency",
                "assignee",
                "person",
                "created_by",
                "closed_by",
                "reallocation_of",
            ),
            user,
        )
        .filter(pk=item_id)
        .first()
    )


def items_about(*, user: Any, subject_type: str, subject_id: Any) -> list[WorkItem]:
    """The work a subject (a contact, a request) has created, for its own page."""
    return list(
        with_names(
            WorkItem.objects.filter(
                subject_type=str(subject_type), subject_id=str(subject_id)
            ).select_related("team", "assignee"),
            user,
        ).order_by("created_at")
    )


def people_named(items: list[WorkItem]) -> list[Any]:
    """The ids of the people a page names (for the audit of the listing)."""
    seen: list[Any] = []
    for item in items:
        if item.person_id is not None and getattr(item, "person_visible", False):
            if item.person_id not in seen:
                seen.append(item.person_id)
    return seen


def team_members(team: Team) -> list[TeamMembership]:
    """The team's members, managers first, with whether each is away today."""
    today = timezone.localdate()
    away = Absence.objects.filter(user=OuterRef("user_id"), starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    return list(
        TeamMembership.objects.filter(team=team)
        .select_related("user")
        .annotate(
            away=Exists(away),
            open_count=Count(
                "user__work_items",
                filter=Q(user__work_items__status__in=OPEN_STATUSES, user__work_items__team=team),
            ),
        )
        .order_by("-is_manager", "user__last_name", "user__first_name")
    )


def absences_for(users: list[Any]) -> list[Absence]:
    """Current and future absences of these people."""
    today = timezone.localdate()
    return list(
        Absence.objects.filter(user__in=users)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("user", "recorded_by")
        .order_by("starts_on")
    )


def all_teams() -> list[Team]:
    """Every team, with its agency and member count (for the business unit's pages)."""
    return list(
        Team.objects.select_related("agency")
        .annotate(
            member_count=Count("memberships", distinct=True),
            open_count=Count(
                "work_items", filter=Q(work_items__status__in=OPEN_STATUSES), distinct=True
            ),
        )
        .order_by("agency__name", "name")
    )


def assignable_members(team: Team) -> list[User]:
    """The team's members who can be given work today."""
    return [
        m.user for m in team_members(team) if not getattr(m, "away", False) and m.user.is_active
    ]
