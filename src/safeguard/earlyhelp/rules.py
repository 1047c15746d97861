"""Early help's permissions: who may start, open and change an episode.

An episode is only as visible as its least visible child: the queries live in
``selectors`` (``episodes_visible_to``), which filter with the access rule in
``people/access.py``. Part of the one permission table (see ``core.rules``).
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.people.access import can_create_person

from . import selectors


@rules.predicate
def can_view_episode(user: Any, episode: Any) -> bool:
    """Whether the user may open the episode (they may see every child in it)."""
    return episode is not None and selectors.can_view_episode(user, episode)


@rules.predicate
def can_change_episode(user: Any, episode: Any) -> bool:
    """Practitioners and MASH staff change an episode they can see."""
    return episode is not None and selectors.can_change_episode(user, episode)


rules.add_perm("earlyhelp.start_episode", can_create_person)
rules.add_perm("earlyhelp.view_episode", can_view_episode)
rules.add_perm("earlyhelp.change_episode", can_change_episode)
