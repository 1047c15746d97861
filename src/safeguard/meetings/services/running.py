"""Running a meeting: agenda items, notes (autosaved), decisions and actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import Forbidden
from safeguard.core.models import Agency, AuditAction
from safeguard.people.access import can_view_person

from ..events import MeetingEvent
from ..models import (
    Action,
    AgendaItem,
    Decision,
    ItemKind,
    Meeting,
)
from ..selectors import suggestions_open

if TYPE_CHECKING:
    from safeguard.core.models import User
    from safeguard.people.models import Person
from .base import (
    MAX_SAFETY_SCALE,
    _invalid,
    _require_chair,
    _require_open,
)

# --- Agenda and notes ------------------------------------------------------------------------


@transaction.atomic
def item_add(
    *,
    by: User,
    meeting: Meeting,
    kind: str,
    title: str,
    person: Person | None = None,
    supplied_by: str = "",
) -> AgendaItem:
    """Put a child, a family or a topic on the agenda (the chair must be able to see the child)."""
    _require_chair(by, meeting)
    _require_open(meeting)
    if kind not in ItemKind.values:
        raise _invalid("Select what the item is about", field="kind")
    if not title.strip():
        raise _invalid("Enter a title for the item (never a child's name)", field="title")
    if kind in (ItemKind.CHILD, ItemKind.FAMILY):
        if person is None:
            raise _invalid("Select the child the item is about", field="person")
        if not can_view_person(by, person):
            raise Forbidden("You cannot see this child's record.")
    elif person is not None:
        raise _invalid("A topic is not about one child", field="person")
    last = meeting.items.order_by("-order").values_list("order", flat=True).first() or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=last + 1,
        kind=kind,
        person=person,
        title=title.strip(),
        supplied_by=supplied_by,
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_ITEM,
        object_id=item.pk,
        person_id=getattr(person, "pk", None),
        changes={"meeting": meeting.reference, "kind": kind, "supplied_by": supplied_by},
    )
    return item


@transaction.atomic
def suggestion_add(*, by: User, meeting: Meeting, position: int, title: str) -> AgendaItem:
    """Put an item the kind's agenda supplier suggests on the agenda ("Add to the agenda").

    ``position`` and ``title`` name the suggestion as the page showed it; if the
    suggestions changed since (someone added it already), nothing is added.
    """
    _require_chair(by, meeting)
    _require_open(meeting)
    suggestions = suggestions_open(user=by, meeting=meeting)
    chosen = suggestions[position] if 0 <= position < len(suggestions) else None
    if chosen is None or chosen.title != title:
        raise _invalid(
            "That suggestion is no longer there: it may be on the agenda already",
            field="suggestion",
        )
    return item_add(
        by=by,
        meeting=meeting,
        kind=chosen.kind,
        title=chosen.title,
        person=chosen.person,
        supplied_by=meeting.kind.agenda_supplier,
    )


NOTE_FIELDS = (
    "discussion",
    "child_voice",
    "worried_about",
    "working_well",
    "needs_to_happen",
    "safety_scale",
)


@transaction.atomic
def item_notes_save(*, by: User, item: AgendaItem, notes: Mapping[str, Any]) -> AgendaItem:
    """Keep the chair's notes for an item (the autosave and the Save button both call this)."""
    meeting = item.meeting
    _require_chair(by, meeting)
    _require_open(meeting)
    scale = notes.get("safety_scale")
    if scale not in (None, ""):
        try:
            scale = int(scale)
        except (TypeError, ValueError):
            raise _invalid(
                "The safety scale is a number from 0 to 10", field="safety_scale"
            ) from None
        if not 0 <= scale <= MAX_SAFETY_SCALE:
            raise _invalid("The safety scale is a number from 0 to 10", field="safety_scale")
    else:
        scale = None
    changes: dict[str, Any] = {}
    for name in NOTE_FIELDS:
        if name not in notes:
            continue
        value = scale if name == "safety_scale" else str(notes[name] or "").strip()
        if getattr(item, name) != value:
            setattr(item, name, value)
            changes[name] = "changed"
    if not changes:
        return item
    item.notes_saved_at = timezone.now()
    item.notes_saved_by = by
    item.save()
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING_ITEM,
        object_id=item.pk,
        person_id=item.person_id,
        changes=changes,
    )
    return item


@transaction.atomic
def decision_add(*, by: User, item: AgendaItem, text: str) -> Decision:
    """Record a decision on an item."""
    _require_chair(by, item.meeting)
    _require_open(item.meeting)
    if not text.strip():
        raise _invalid("Enter the decision", field="text")
    decision = Decision.objects.create(item=item, text=text.strip(), recorded_by=by)
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_ITEM,
        object_id=item.pk,
        person_id=item.person_id,
        changes={"decision": decision.pk},
    )
    return decision


def _check_owner(owner_user: User | None, owner_agency: Agency | None) -> None:
    if owner_user is not None and owner_agency is not None:
        raise _invalid("Choose a person or an agency to own the action, not both", field="owner")
    if owner_user is not None and not owner_user.is_active:
        raise _invalid("This person's account is closed: choose another owner", field="owner")


@transaction.atomic
def action_add(
    *,
    by: User,
    item: AgendaItem,
    description: str,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
) -> Action:
    """Record an action on an item; its owner and date can follow until the minutes are final."""
    _require_chair(by, item.meeting)
    _require_open(item.meeting)
    if not description.strip():
        raise _invalid("Enter what needs to be done", field="description")
    _check_owner(owner_user, owner_agency)
    action = Action.objects.create(
        item=item,
        description=description.strip(),
        owner_user=owner_user,
        owner_agency=owner_agency,
        due_on=due_on,
        recorded_by=by,
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=MeetingEvent.MEETING_ACTION,
        object_id=action.pk,
        person_id=item.person_id,
        changes={
            "owner": getattr(owner_user, "username", None) or getattr(owner_agency, "slug", None),
            "due_on": due_on,
        },
    )
    return action


@transaction.atomic
def action_update(
    *,
    by: User,
    action: Action,
    owner_user: User | None = None,
    owner_agency: Agency | None = None,
    due_on: dt.date | None = None,
) -> Action:
    """Give an action its owner and due date before the minutes are finalised."""
    _require_chair(by, action.item.meeting)
    _require_open(action.item.meeting)
    _check_owner(owner_user, owner_agency)
    action.owner_user, action.owner_agency, action.due_on = owner_user, owner_agency, due_on
    action.save(update_fields=["owner_user", "owner_agency", "due_on"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=MeetingEvent.MEETING_ACTION,
        object_id=action.pk,
        person_id=action.item.person_id,
        changes={
            "owner": getattr(owner_user, "username", None) or getattr(owner_agency, "slug", None),
            "due_on": due_on,
        },
    )
    return action
