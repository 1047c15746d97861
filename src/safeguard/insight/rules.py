"""The insight app's permissions: who sees the data set, produces the census and enters measures.

Part of the one permission table (see ``core.rules``). Analysts and the partnership
business unit see the data set: figures only, never a named child. The Children in Need
census is child by child, so only the partnership business unit may produce it, never an
analyst. The business unit also enters the strategy's measures the record cannot answer
and uploads comparison figures.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def can_view_dataset(user: Any) -> bool:
    """Analysts and the partnership business unit see the data set (aggregates only)."""
    return _active(user) and bool(user.has_role(Role.ANALYST, Role.BUSINESS_UNIT))


@rules.predicate
def is_business_unit(user: Any) -> bool:
    """The partnership business unit (the data role that may see child-level returns)."""
    return _active(user) and bool(user.has_role(Role.BUSINESS_UNIT))


rules.add_perm("insight.view_dataset", can_view_dataset)
rules.add_perm("insight.export_census", is_business_unit)
rules.add_perm("insight.enter_measures", is_business_unit)
rules.add_perm("insight.upload_comparison", is_business_unit)
rules.add_perm("insight.view_measures", can_view_dataset)
