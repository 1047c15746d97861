"""The training app's permissions: who books, who books for others, who runs and manages.

Part of the one permission table (see ``core.rules``). Any signed-in member of staff
books a place for themselves; a team manager books for the people in their team; the
trainer of a session (or the partnership business unit) keeps its register; the
business unit manages courses, sessions, training records and the e-learning import;
the business unit and analysts read the reports (figures, never a named child).
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role, TeamMembership


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def can_book(user: Any) -> bool:
    """Any signed-in member of staff books training for themselves."""
    return _active(user)


@rules.predicate
def manages_training(user: Any) -> bool:
    """The partnership business unit manages courses, sessions and records."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT)


@rules.predicate
def sees_training_reports(user: Any) -> bool:
    """The business unit and analysts read the training figures."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT, Role.ANALYST)


@rules.predicate
def can_book_for(user: Any, learner: Any) -> bool:
    """A manager books for someone in a team they manage."""
    if learner is None or not _active(user) or getattr(learner, "pk", None) is None:
        return False
    managed = TeamMembership.objects.filter(user=user, is_manager=True).values("team_id")
    return TeamMembership.objects.filter(user=learner, team_id__in=managed).exists()


@rules.predicate
def can_run_session(user: Any, session: Any) -> bool:
    """The session's trainer, or the business unit, keeps its register."""
    if session is None or not _active(user):
        return False
    return session.trainer_id == user.pk or user.has_role(Role.BUSINESS_UNIT)


rules.add_perm("training.book", can_book)
rules.add_perm("training.book_for", can_book_for)
rules.add_perm("training.manage", manages_training)
rules.add_perm("training.see_reports", sees_training_reports)
rules.add_perm("training.run_session", can_run_session)
