"""Level 4 hand-offs: a specialist-need decision reaches children's social care at once.

A final decision of "Section 17 child in need assessment", "Section 47 strategy
discussion" or "child becomes looked after, or police protection" gives the
children's social care assessment team, for each child, a work item with the
partnership's deadline and an involvement for the team's agency, so the social
worker the team allocates can open the child straight away. It runs inside the
decision's own transaction (registered in ``frontdoor/apps.py`` through
``frontdoor/handoffs.py``): if social care cannot be given the work, the
decision is refused and nothing is saved or sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from safeguard.core.errors import InvalidRequest
from safeguard.core.models import TeamPurpose
from safeguard.people.models import Involvement
from safeguard.people.services import involvement_start
from safeguard.work.models import Priority, WorkItem, WorkKind
from safeguard.work.services import deadline_for, team_for_purpose, work_item_create

from ..models import Outcome
from .mash_work import CONTACT_SUBJECT

if TYPE_CHECKING:
    from safeguard.core.models import User

# Each Level 4 outcome: the work it gives social care, its deadline key and least priority.
SOCIAL_CARE_WORK: dict[str, tuple[WorkKind, str, Priority]] = {
    Outcome.SECTION_17: (
        WorkKind.SECTION_17_ASSESSMENT,
        "section_17_assessment",
        Priority.STANDARD,
    ),
    Outcome.SECTION_47: (WorkKind.SECTION_47_STRATEGY, "section_47_strategy", Priority.URGENT),
    Outcome.LOOKED_AFTER: (WorkKind.LOOKED_AFTER, "looked_after", Priority.IMMEDIATE),
}
SOCIAL_CARE_KINDS = tuple(kind for kind, _key, _priority in SOCIAL_CARE_WORK.values())


def social_care_from_decision(*, by: User, contact: Any, decision: Any) -> list[WorkItem]:
    """Give the social care assessment team the work and an involvement for every child."""
    kind, key, least = SOCIAL_CARE_WORK[str(decision.outcome)]
    team = team_for_purpose(TeamPurpose.SOCIAL_CARE_ASSESSMENT)
    if team is None:
        raise InvalidRequest(
            "No children's social care assessment team is set up to receive this decision."
        )
    today = timezone.localdate()
    priority = min(int(least), int(contact.urgency))
    items = []
    for person in contact.children.order_by("pk"):
        already = Involvement.objects.filter(person=person, agency=team.agency, ended__isnull=True)
        if not already.exists():
            involvement_start(
                by=by,
                person=person,
                agency=team.agency,
                started=today,
                role_description=f"{decision.get_outcome_display()} ({contact.reference})"[:200],
            )
        items.append(
            work_item_create(
                by=by,
                team=team,
                kind=kind,
                title=f"{kind.label} after a threshold decision",
                subject_type=CONTACT_SUBJECT,
                subject_id=contact.reference,
                subject_url=reverse("people:detail", args=[person.pk]),
                subject_label=contact.reference,
                person=person,
                deadline=deadline_for(key),
                priority=priority,
                detail=(
                    f"The Multi-Agency Safeguarding Hub (MASH) decided "
                    f"{decision.get_level_display().lower()}: "
                    f"{decision.get_outcome_display().lower()} ({contact.reference})."
                ),
            )
        )
    return items
