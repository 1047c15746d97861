"""The insight app's permissions: who sees the partnership data set.

Part of the one permission table (see ``core.rules``). Analysts and the partnership
business unit see the data set: figures only, never a named child.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role


@rules.predicate
def can_view_dataset(user: Any) -> bool:
    """Analysts and the partnership business unit see the data set (aggregates only)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return bool(user.has_role(Role.ANALYST, Role.BUSINESS_UNIT))


rules.add_perm("insight.view_dataset", can_view_dataset)
