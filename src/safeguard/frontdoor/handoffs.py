"""Decision hand-offs: the step a later app takes when a threshold decision is made.

The front door sits below the apps that act on its decisions (early help), so it
cannot import them. Each such app registers, at start-up, a hand-off for the
outcomes it receives (children's social care's Level 4 outcomes are registered by
the front door itself, ``services/social_care.py``, since they are work items and
involvements);
:func:`decision_hand_off` runs it inside the decision's own transaction. An
outcome that needs a hand-off nobody registered refuses the decision, so no
decision is ever saved with nobody to act on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from safeguard.core.errors import InvalidRequest

from .models import Outcome

if TYPE_CHECKING:
    from safeguard.core.models import User

    from .models import Contact, ThresholdDecision

HandOff = Callable[..., object]
"""Called as ``hand_off(by=user, contact=contact, decision=decision)``; raises to refuse."""

# Outcomes whose decision must be handed to another app in the same transaction: early
# help, and every Level 4 (specialist need) outcome.
NEEDS_HAND_OFF = frozenset(
    {
        Outcome.EARLY_HELP_ASSESSMENT,
        Outcome.SECTION_17,
        Outcome.SECTION_47,
        Outcome.LOOKED_AFTER,
    }
)

_HAND_OFFS: dict[str, HandOff] = {}


def decision_hand_off_register(outcome: str, hand_off: HandOff) -> None:
    """Register the step that takes over a decision with this outcome (from an AppConfig.ready)."""
    _HAND_OFFS[str(outcome)] = hand_off


def decision_hand_off(*, by: User, contact: Contact, decision: ThresholdDecision) -> None:
    """Run the registered hand-off for the decision's outcome, if it has one."""
    hand_off = _HAND_OFFS.get(str(decision.outcome))
    if hand_off is None:
        if decision.outcome in NEEDS_HAND_OFF:
            raise InvalidRequest(
                f"Nothing is set up to receive '{decision.get_outcome_display()}' decisions."
            )
        return
    hand_off(by=by, contact=contact, decision=decision)
