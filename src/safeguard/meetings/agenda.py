"""Agenda suppliers: the domains that put items on a kind of meeting's agenda.

Meetings sit below the apps whose work they discuss (the exploitation panel, the
disruption meeting), so they cannot import them. Each such app registers a
supplier under the key a :class:`~safeguard.meetings.models.MeetingKind` names in
``agenda_supplier``; :func:`agenda_suggestions` asks it when a meeting's agenda is
drawn up. A kind whose supplier nobody registered simply has no suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Meeting


@dataclass(frozen=True)
class SuggestedItem:
    """An item a domain suggests: a child (or family) or a topic, with a title that names no one."""

    kind: str
    title: str
    person: Any = None
    reason: str = ""


AgendaSupplier = Callable[..., Iterable[SuggestedItem]]
"""Called as ``supplier(meeting=meeting)``; returns the items to suggest."""

_SUPPLIERS: dict[str, AgendaSupplier] = {}


def agenda_supplier_register(key: str, supplier: AgendaSupplier) -> AgendaSupplier | None:
    """Register the domain that supplies a kind's agenda (from an AppConfig.ready).

    Returns the supplier it replaced, so a test can put it back.
    """
    previous = _SUPPLIERS.get(key)
    _SUPPLIERS[key] = supplier
    return previous


def agenda_supplier_unregister(key: str, *, restore: AgendaSupplier | None = None) -> None:
    """Remove a supplier, putting back ``restore`` if given (tests only)."""
    _SUPPLIERS.pop(key, None)
    if restore is not None:
        _SUPPLIERS[key] = restore


def agenda_suggestions(meeting: Meeting) -> list[SuggestedItem]:
    """What the kind's supplier suggests for this meeting (nothing when none is registered)."""
    supplier = _SUPPLIERS.get(meeting.kind.agenda_supplier or "")
    return list(supplier(meeting=meeting)) if supplier is not None else []
