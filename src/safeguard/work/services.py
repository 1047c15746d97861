"""Every write about work: items, escalation, absences, re-allocation and teams.

Creating items (inside the creator's transaction), taking, assigning, finishing and
cancelling them, escalating overdue items, absences and re-allocation, and teams.

Other apps create work through :func:`work_item_create` inside their own service's
``transaction.atomic()``, and close it through :func:`work_items_close_for` when
the thing it asked for has been done. Notifications leave through the outbox
after commit, and never name a child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from safeguard.core.audit import AuditEntry, audit_record, audit_record_many
from safeguard.core.clock import Clock, describe_clock, due
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import Agency, AuditAction, Team, TeamMembership, TeamPurpose
from safeguard.core.outbox import outbox_enqueue
from safeguard.core.text import reason_clean
from safeguard.people.selectors import involvements_led_by
from safeguard.people.services import involvement_lead_change

from . import rules as work_rules
from .events import WorkEvent
from .models import (
    CLOSES_ITSELF,
    Absence,
    AbsenceKind,
    Priority,
    WorkItem,
    WorkKind,
    WorkStatus,
)

if TYPE_CHECKING:
    from safeguard.core.models import User
    from safeguard.people.models import Person


@dataclass(frozen=True)
class Deadline:
    """How long a team has: an amount on one of the partnership's clocks."""

    amount: float
    clock: Clock

    def from_moment(self, start: dt.datetime) -> dt.datetime:
        """The due moment for work that starts at ``start``."""
        return due(start, self.amount, self.clock)

    def __str__(self) -> str:
        return describe_clock(self.amount, self.clock)


# The partnership's default deadlines; an installation changes them in settings.WORK_DEADLINES
# (``{"answer_request": [4, "working_hours"], ...}``).
DEFAULT_DEADLINES: dict[str, Deadline] = {
    "answer_request": Deadline(4, Clock.WORKING_HOURS),
    "answer_request_immediate": Deadline(1, Clock.ROUND_THE_CLOCK),
    "decide_contact_immediate": Deadline(2, Clock.ROUND_THE_CLOCK),
    "decide_contact_urgent": Deadline(4, Clock.WORKING_HOURS),
    "decide_contact": Deadline(1, Clock.WORKING_DAYS),
    "sign_off_decision": Deadline(4, Clock.WORKING_HOURS),
    "redo_decision": Deadline(4, Clock.WORKING_HOURS),
    "section_47_strategy": Deadline(1, Clock.WORKING_DAYS),
    "section_17_assessment": Deadline(1, Clock.WORKING_DAYS),
    "looked_after": Deadline(2, Clock.ROUND_THE_CLOCK),
    "allocate_lead": Deadline(3, Clock.WORKING_DAYS),
    "action_police_form": Deadline(1, Clock.WORKING_DAYS),
    "action_police_form_urgent": Deadline(1, Clock.ROUND_THE_CLOCK),
    "review_break_glass": Deadline(2, Clock.WORKING_DAYS),
    "reallocate": Deadline(1, Clock.WORKING_DAYS),
    "resolve_challenge": Deadline(5, Clock.WORKING_DAYS),
    "read_outcome": Deadline(2, Clock.WORKING_DAYS),
    "other": Deadline(5, Clock.WORKING_DAYS),
    "triage_context_concern": Deadline(2, Clock.WORKING_DAYS),
    "exploitation_refer_now": Deadline(2, Clock.ROUND_THE_CLOCK),
    "sign_off_panel_decision": Deadline(1, Clock.WORKING_DAYS),
    "health_flag": Deadline(2, Clock.WORKING_DAYS),
}


def deadline_for(key: str) -> Deadline:
    """The deadline the partnership has set for a kind of work (settings first, then defaults)."""
    configured = getattr(settings, "WORK_DEADLINES", {}) or {}
    if key in configured:
        amount, clock = configured[key]
        return Deadline(float(amount), Clock(clock))
    if key not in DEFAULT_DEADLINES:
        raise KeyError(f"No deadline is set for {key!r}")
    return DEFAULT_DEADLINES[key]


def _invalid(message: str, *, field: str | None = None) -> InvalidRequest:
    """A GOV.UK error: the summary's message, and the same beside the field when there is one."""
    return InvalidRequest(message, errors={field: message} if field else None)


# --- Teams -----------------------------------------------------------------------------------


def team_receiving_for(agency: Agency) -> Team:
    """The team that receives work sent to the agency as a whole (made on first use)."""
    team = Team.objects.filter(agency=agency, receives_for_agency=True).first()
    if team is not None:
        return team
    with transaction.atomic():
        team = Team.objects.create(
            agency=agency,
            slug=_unique_slug(f"{agency.slug}-safeguarding"),
            name=f"{agency.name} safeguarding",
            purpose=TeamPurpose.SAFEGUARDING_OFFICE,
            receives_for_agency=True,
        )
        audit_record(
            by=None,
            action=AuditAction.CREATE,
            object_type=WorkEvent.TEAM,
            object_id=team.pk,
            changes={"name": team.name, "agency": agency.name, "made": "on first use"},
        )
    return team


def team_for_purpose(purpose: str, *, agency: Agency | None = None) -> Team | None:
    """The active team with this purpose (in the agency, if given): how hand-offs find their team."""
    teams = Team.objects.filter(purpose=purpose, active=True)
    if agency is not None:
        teams = teams.filter(agency=agency)
    return teams.order_by("-receives_for_agency", "pk").first()


def _unique_slug(text: str) -> str:
    base = slugify(text)[:70] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def team_create(
    *,
    by: User,
    agency: Agency,
    name: str,
    purpose: str,
    receives_for_agency: bool = False,
    email: str = "",
) -> Team:
    """Set up a team in an agency (the partnership's business unit or a system administrator)."""
    if not by.has_perm("work.manage_teams"):
        raise Forbidden(
            "Only the partnership's business unit and system administrators set up teams."
        )
    name = name.strip()
    if not name:
        raise _invalid("Enter the team's name", field="name")
    if Team.objects.filter(agency=agency, name__iexact=name).exists():
        raise _invalid(f"{agency.name} already has a team called {name}", field="name")
    if (
        receives_for_agency
        and Team.objects.filter(agency=agency, receives_for_agency=True).exists()
    ):
        raise _invalid(
            f"{agency.name} already has a team that receives its work", field="receives_for_agency"
        )
    with transaction.atomic():
        team = Team.objects.create(
            agency=agency,
            slug=_unique_slug(f"{agency.slug}-{name}"),
            name=name,
            purpose=purpose,
            receives_for_agency=receives_for_agency,
            email=email,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=WorkEvent.TEAM,
            object_id=team.pk,
            changes={"name": name, "agency": agency.name, "purpose": purpose},
        )
    return team


def team_member_add(
    *, by: User, team: Team, user: User, is_manager: bool = False
) -> TeamMembership:
    """Put someone in a team (or change whether they manage it)."""
    if not by.has_perm("work.manage_teams"):
        raise Forbidden(
            "Only the partnership's business unit and system administrators change teams."
        )
    if user.agency_id != team.agency_id:
        raise _invalid(
            f"{user} works for another agency; a team's members work for {team.agency.name}",
            field="user",
        )
    with transaction.atomic():
        membership, created = TeamMembership.objects.update_or_create(
            team=team,
            user=user,
            defaults={"is_manager": is_manager},
            create_defaults={"is_manager": is_manager, "since": timezone.localdate()},
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type=WorkEvent.TEAM_MEMBERSHIP,
            object_id=membership.pk,
            changes={"team": team.name, "user": user.username, "is_manager": is_manager},
        )
    return membership


def team_member_remove(*, by: User, team: Team, user: User) -> None:
    """Take someone out of a team; their open work in it goes back to the team's queue."""
    if not by.has_perm("work.manage_teams"):
        raise Forbidden(
            "Only the partnership's business unit and system administrators change teams."
        )
    with transaction.atomic():
        deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
        if not deleted:
            raise _invalid(f"{user} is not in {team.name}", field="user")
        _reallocate_items(
            by=by,
            items=WorkItem.objects.open().filter(team=team, assignee=user),
            why=f"{user} left {team.name}",
            away=user,
        )
        audit_record(
            by=by,
            action=AuditAction.DELETE,
            object_type=WorkEvent.TEAM_MEMBERSHIP,
            object_id=f"{team.pk}:{user.pk}",
            changes={"team": team.name, "user": user.username},
        )


# --- Work items ------------------------------------------------------------------------------


def _is_away(user: Any, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    if not user.is_active:
        return True
    return (
        Absence.objects.filter(user=user, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


def _item_url(item: WorkItem) -> str:
    return reverse("work:item", args=[item.pk])


def _notify(item: WorkItem, *, what: str) -> None:
    """Tell whoever must act, by email after commit: a reference and a link, never a name."""
    if item.assignee_id is not None and item.assignee is not None and item.assignee.email:
        recipients = [item.assignee.email]
    elif item.team.email:
        recipients = [item.team.email]
    else:
        recipients = list(
            item.team.members.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    due_text = timezone.localtime(item.due_at).strftime("%-d %B %Y at %H:%M")
    link = settings.SITE_URL.rstrip("/") + _item_url(item)
    outbox_enqueue(
        kind="work_item",
        recipients=recipients,
        subject=f"{what}: {item.get_kind_display()} ({item.team.name})",
        body=(
            f"{what} for {item.team.name}.\n\n"
            f"What: {item.get_kind_display()}\n"
            f"About: {item.subject_label or 'see the work item'}\n"
            f"Priority: {item.get_priority_display()}\n"
            f"Due: {due_text} (UK time)\n\n"
            f"Open it in Safeguard: {link}\n"
        ),
        summary=f"{item.get_kind_display()} for {item.team.name}",
        related_type=str(WorkEvent.WORK_ITEM),
        related_id=item.pk,
    )


def work_item_create(
    *,
    by: User | None,
    team: Team,
    kind: str,
    title: str,
    subject_type: str,
    subject_id: Any,
    subject_url: str = "",
    subject_label: str = "",
    person: Person | None = None,
    deadline: Deadline | None = None,
    due_at: dt.datetime | None = None,
    priority: int = Priority.STANDARD,
    assignee: User | None = None,
    detail: str = "",
    reallocation_of: WorkItem | None = None,
    notify: bool = True,
) -> WorkItem:
    """Hand something to a team: call it inside the creating service's transaction.

    Give either a ``deadline`` (counted from now on the partnership's clock) or a
    ``due_at``. An assignee who is away, or in another team and not this one, is not
    given the work: it waits in the team's queue instead (someone of the team's agency
    who is in no team at all keeps it: see ``_may_hold``).
    """
    if deadline is None and due_at is None:
        deadline = (
            deadline_for(str(kind)) if str(kind) in DEFAULT_DEADLINES else deadline_for("other")
        )
    now = timezone.now()
    if due_at is None:
        deadline = deadline or deadline_for("other")
        due_at = deadline.from_moment(now)
    clock = deadline.clock if deadline is not None else Clock.ROUND_THE_CLOCK
    if assignee is not None and (_is_away(assignee) or not _may_hold(assignee, team)):
        assignee = None
    with transaction.atomic():
        item = WorkItem.objects.create(
            team=team,
            assignee=assignee,
            kind=kind,
            title=title[:200],
            detail=detail,
            person=person,
            subject_type=str(subject_type),
            subject_id=str(subject_id),
            subject_url=subject_url,
            subject_label=subject_label[:120],
            created_by=by,
            created_at=now,
            due_at=due_at,
            clock=str(clock),
            priority=priority,
            reallocation_of=reallocation_of,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=WorkEvent.WORK_ITEM,
            object_id=item.pk,
            person_id=getattr(person, "pk", None),
            changes={
                "kind": str(kind),
                "team": team.name,
                "assignee": getattr(assignee, "username", None),
                "due_at": due_at,
                "priority": int(priority),
                "subject": f"{subject_type}:{subject_id}",
            },
        )
        if notify:
            _notify(item, what="New work")
    return item


def _in_team(user: Any, team: Team) -> bool:
    return TeamMembership.objects.filter(team=team, user=user).exists()


def _may_hold(user: Any, team: Team) -> bool:
    """Whether the work may be allocated to ``user`` in ``team``'s queue.

    A member of the team may hold it; so may someone of the team's own agency who is in no
    team at all (a panel chair, a lead professional): their agency's queue is the only one
    their named work can wait in, and dropping them would leave it with nobody who can act.
    """
    if _in_team(user, team):
        return True
    return (
        bool(user.is_active)
        and user.agency_id == team.agency_id
        and not TeamMembership.objects.filter(user=user, team__active=True).exists()
    )


def _close(item: WorkItem, *, by: Any, status: str, outcome: str) -> None:
    item.status = status
    item.closed_at = timezone.now()
    item.closed_by = by if getattr(by, "pk", None) else None
    item.outcome = outcome
    item.save(update_fields=["status", "closed_at", "closed_by", "outcome"])


def work_items_close_for(
    *,
    by: User | None,
    subject_type: str,
    subject_id: Any,
    kinds: tuple[str, ...] | None = None,
    outcome: str,
    cancel: bool = False,
) -> int:
    """Close the open items about a subject once the thing they asked for is done (or moot).

    Call it inside the service that did the thing. Returns how many were closed.
    """
    items = WorkItem.objects.open().filter(
        subject_type=str(subject_type), subject_id=str(subject_id)
    )
    if kinds is not None:
        items = items.filter(kind__in=[str(k) for k in kinds])
    status = WorkStatus.CANCELLED if cancel else WorkStatus.DONE
    with transaction.atomic():
        closed = list(items.select_for_update())
        if not closed:
            return 0
        for item in closed:
            _close(item, by=by, status=status, outcome=outcome)
        audit_record_many(
            by=by,
            entries=[
                AuditEntry(
                    action=str(AuditAction.UPDATE),
                    object_type=WorkEvent.WORK_ITEM,
                    object_id=str(item.pk),
                    person_id=item.person_id,
                    changes={"status": str(status), "outcome": outcome},
                )
                for item in closed
            ],
        )
    return len(closed)


def _audit_item(by: Any, item: WorkItem, changes: dict[str, Any], reason: str = "") -> None:
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=WorkEvent.WORK_ITEM,
        object_id=item.pk,
        person_id=item.person_id,
        changes=changes,
        reason=reason,
    )


def _require_open(item: WorkItem) -> None:
    if not item.is_open:
        raise _invalid(f"This work is already {item.get_status_display().lower()}.")


def work_item_take(*, by: User, item: WorkItem) -> WorkItem:
    """Take an item from the team's queue: it becomes yours and in progress."""
    if not work_rules.can_act_on_item(by, item):
        raise Forbidden("This work is for another team.")
    _require_open(item)
    if item.assignee_id not in (None, by.pk) and not work_rules.manages_team(by, item.team):
        raise _invalid(f"{item.assignee} already has this work; ask your manager to move it.")
    with transaction.atomic():
        before = item.assignee.username if item.assignee else None
        item.assignee = by
        item.status = WorkStatus.IN_PROGRESS
        item.started_at = item.started_at or timezone.now()
        item.save(update_fields=["assignee", "status", "started_at"])
        _audit_item(
            by,
            item,
            {"assignee": {"before": before, "after": by.username}, "status": "in_progress"},
        )
        _close_reallocations(by=by, item=item)
    return item


def work_item_assign(*, by: User, item: WorkItem, assignee: User) -> WorkItem:
    """A team manager gives an item to someone in the team (closing any re-allocation asked)."""
    if not work_rules.manages_team(by, item.team):
        raise Forbidden("Only the team's managers allocate its work.")
    _require_open(item)
    if not _in_team(assignee, item.team):
        raise _invalid(f"{assignee} is not in {item.team.name}", field="assignee")
    if _is_away(assignee):
        raise _invalid(f"{assignee} is away; choose someone who is working", field="assignee")
    with transaction.atomic():
        before = item.assignee.username if item.assignee else None
        item.assignee = assignee
        item.save(update_fields=["assignee"])
        _audit_item(by, item, {"assignee": {"before": before, "after": assignee.username}})
        _close_reallocations(by=by, item=item)
        _notify(item, what="Work allocated to you")
    return item


def _close_reallocations(*, by: Any, item: WorkItem) -> None:
    for ask in item.reallocations.filter(status__in=(WorkStatus.WAITING, WorkStatus.IN_PROGRESS)):
        _close(ask, by=by, status=WorkStatus.DONE, outcome=f"Allocated to {item.assignee}")
        _audit_item(
            by, ask, {"status": "done", "allocated_to": getattr(item.assignee, "username", None)}
        )


def work_item_complete(*, by: User, item: WorkItem, outcome: str) -> WorkItem:
    """Mark an item done with what was done (items that close themselves refuse this)."""
    if not work_rules.can_act_on_item(by, item):
        raise Forbidden("This work is for another team.")
    _require_open(item)
    if item.kind in CLOSES_ITSELF:
        raise _invalid(
            "This work is done by doing it on the page it links to; it then closes by itself."
        )
    outcome = outcome.strip()
    if not outcome:
        raise _invalid("Enter what was done", field="outcome")
    with transaction.atomic():
        _close(item, by=by, status=WorkStatus.DONE, outcome=outcome)
        _audit_item(by, item, {"status": "done"}, reason=outcome)
    return item


def work_item_cancel(*, by: User, item: WorkItem, reason: str) -> WorkItem:
    """A team manager cancels an item that no longer needs doing, saying why."""
    if not work_rules.manages_team(by, item.team):
        raise Forbidden("Only the team's managers cancel its work.")
    _require_open(item)
    reason = reason_clean(reason, field="reason", blank="Enter why this work no longer needs doing")
    with transaction.atomic():
        _close(item, by=by, status=WorkStatus.CANCELLED, outcome=reason)
        _audit_item(by, item, {"status": "cancelled"}, reason=reason)
    return item


# --- Escalation ------------------------------------------------------------------------------


def managers_of(team: Team, *, exclude: Any = None) -> list[User]:
    """The team's managers who are working today (not away, still active)."""
    managers = [
        m.user
        for m in TeamMembership.objects.filter(team=team, is_manager=True, user__is_active=True)
        .select_related("user")
        .order_by("since", "pk")
    ]
    return [m for m in managers if m != exclude and not _is_away(m)]


def work_escalate_overdue(*, now: dt.datetime | None = None) -> list[WorkItem]:
    """Tell each team's managers about items that became overdue (once per item)."""
    now = now or timezone.now()
    items = list(
        WorkItem.objects.overdue(now)
        .filter(escalated_at__isnull=True)
        .select_related("team", "assignee")
        .order_by("priority", "due_at")
    )
    with transaction.atomic():
        for item in items:
            item.escalated_at = now
            item.save(update_fields=["escalated_at"])
            managers = managers_of(item.team)
            outbox_enqueue(
                kind="work_overdue",
                recipients=[m.email for m in managers if m.email] or [item.team.email],
                subject=f"Overdue: {item.get_kind_display()} ({item.team.name})",
                body=(
                    f"This work for {item.team.name} is overdue.\n\n"
                    f"What: {item.get_kind_display()}\n"
                    f"About: {item.subject_label or 'see the work item'}\n"
                    f"With: {item.assignee or 'nobody yet (in the team queue)'}\n"
                    f"Was due: {timezone.localtime(item.due_at):%-d %B %Y at %H:%M} (UK time)\n\n"
                    f"Open it: {settings.SITE_URL.rstrip('/')}{_item_url(item)}\n"
                ),
                summary=f"Overdue {item.get_kind_display()} for {item.team.name}",
                related_type=str(WorkEvent.WORK_ITEM),
                related_id=item.pk,
            )
        audit_record_many(
            by=None,
            entries=[
                AuditEntry(
                    action=str(AuditAction.UPDATE),
                    object_type=WorkEvent.WORK_ITEM,
                    object_id=str(item.pk),
                    person_id=item.person_id,
                    changes={"escalated_to": "team managers", "overdue_since": item.due_at},
                )
                for item in items
            ],
        )
    return items


# --- Absence and re-allocation ---------------------------------------------------------------


def _home_team(user: Any) -> Team | None:
    membership = (
        TeamMembership.objects.filter(user=user, team__active=True)
        .select_related("team")
        .order_by("is_manager", "since", "pk")
        .first()
    )
    if membership is not None:
        return membership.team
    if user.agency_id is None:
        return None
    return team_receiving_for(user.agency)


def _reallocate_items(*, by: Any, items: Any, why: str, away: Any) -> list[WorkItem]:
    """Take items off someone who is away and ask each team's manager to allocate them."""
    asks = []
    for item in list(items.select_related("team")):
        item.assignee = None
        item.save(update_fields=["assignee"])
        _audit_item(by, item, {"assignee": {"before": away.username, "after": None}}, reason=why)
        managers = managers_of(item.team, exclude=away)
        asks.append(
            work_item_create(
                by=by,
                team=item.team,
                kind=WorkKind.REALLOCATE_WORK,
                title=f"Re-allocate: {item.get_kind_display()}"[:200],
                detail=why,
                subject_type=WorkEvent.WORK_ITEM,
                subject_id=item.pk,
                subject_url=_item_url(item),
                subject_label=item.subject_label,
                person=item.person,
                deadline=deadline_for("reallocate"),
                priority=item.priority,
                assignee=managers[0] if managers else None,
                reallocation_of=item,
            )
        )
    return asks


def _reallocate_children(*, by: Any, user: Any, why: str) -> list[WorkItem]:
    """Ask the manager to choose a new lead practitioner for each child the user leads on."""
    team = _home_team(user)
    if team is None:
        return []
    managers = managers_of(team, exclude=user)
    asks = []
    for involvement in involvements_led_by(user):
        already = WorkItem.objects.open().filter(
            kind=WorkKind.REALLOCATE_CHILD,
            subject_type="involvement",
            subject_id=str(involvement.pk),
        )
        if already.exists():
            continue
        asks.append(
            work_item_create(
                by=by,
                team=team,
                kind=WorkKind.REALLOCATE_CHILD,
                title="Choose a new lead practitioner",
                detail=why,
                subject_type="involvement",
                subject_id=involvement.pk,
                subject_label=f"{involvement.agency.name}: {involvement.role_description or 'lead practitioner'}",
                person=involvement.person,
                deadline=deadline_for("reallocate"),
                priority=Priority.URGENT,
                assignee=managers[0] if managers else None,
            )
        )
    return asks


def work_reallocate_for(*, by: Any, user: Any, why: str) -> list[WorkItem]:
    """Put someone's open work and the children they lead on in their managers' queues."""
    with transaction.atomic():
        asks = _reallocate_items(
            by=by, items=WorkItem.objects.open().filter(assignee=user), why=why, away=user
        )
        asks += _reallocate_children(by=by, user=user, why=why)
    return asks


def absence_record(
    *,
    by: User,
    user: User,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Absence:
    """Record that someone is away; from the day it starts, their work goes to their manager."""
    if not work_rules.can_record_absence(by, user):
        raise Forbidden("Only their team manager or the business unit records someone's absence.")
    if kind not in AbsenceKind.values:
        raise _invalid("Choose why they are away", field="kind")
    if ends_on is not None and ends_on < starts_on:
        raise _invalid("The last day must be the same as or after the first day", field="ends_on")
    today = timezone.localdate()
    with transaction.atomic():
        absence = Absence.objects.create(
            user=user, kind=kind, starts_on=starts_on, ends_on=ends_on, recorded_by=by
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=WorkEvent.ABSENCE,
            object_id=absence.pk,
            changes={
                "user": user.username,
                "kind": kind,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
        if starts_on <= today:
            _absence_reallocate(by=by, absence=absence)
    return absence


def _absence_reallocate(*, by: Any, absence: Absence) -> None:
    words = absence.get_kind_display().lower()
    until = f" until {absence.ends_on:%-d %B %Y}" if absence.ends_on else ""
    work_reallocate_for(by=by, user=absence.user, why=f"{absence.user} is away ({words}){until}")
    absence.reallocated_at = timezone.now()
    absence.save(update_fields=["reallocated_at"])


def absences_start(*, today: dt.date | None = None) -> list[Absence]:
    """Re-allocate for absences that have started since they were recorded (the sweep)."""
    today = today or timezone.localdate()
    due_now = list(
        Absence.objects.filter(reallocated_at__isnull=True, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("user")
    )
    with transaction.atomic():
        for absence in due_now:
            _absence_reallocate(by=None, absence=absence)
    return due_now


def account_deactivate(*, by: User, user: User, reason: str) -> User:
    """Close someone's account: they cannot sign in, and their work goes to their manager."""
    if not by.has_perm("core.manage_accounts") and not work_rules.can_record_absence(by, user):
        raise Forbidden("Only a system administrator or their manager closes an account.")
    if user == by:
        raise _invalid("You cannot close your own account")
    reason = reason_clean(reason, field="reason", blank="Enter why the account is being closed")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=WorkEvent.ACCOUNT,
            object_id=user.pk,
            changes={"is_active": {"before": True, "after": False}, "user": user.username},
            reason=reason,
        )
        # Deactivating the user (a post_save signal) has already re-allocated their work.
    return user


def lead_practitioner_reallocate(*, by: User, item: WorkItem, lead: User) -> WorkItem:
    """Complete a re-allocation ask: the child gets a new lead practitioner."""
    if item.kind != WorkKind.REALLOCATE_CHILD:
        raise _invalid("This work is not a re-allocation of a child.")
    if not work_rules.manages_team(by, item.team):
        raise Forbidden("Only the team's managers choose a new lead practitioner.")
    _require_open(item)
    if lead.agency_id != item.team.agency_id or _is_away(lead):
        raise _invalid(f"Choose someone in {item.team.agency.name} who is working", field="lead")
    with transaction.atomic():
        involvement_lead_change(by=by, involvement_id=item.subject_id, lead=lead)
        _close(item, by=by, status=WorkStatus.DONE, outcome=f"{lead} is the new lead practitioner")
        _audit_item(by, item, {"status": "done", "new_lead": lead.username})
    return item
