"""The insight app's permissions: who produces the child-level census and enters measures.

Part of the one permission table (see ``core.rules``). The data set itself is aggregate
and safe for analysts; the Children in Need census is child by child, so only the
partnership business unit may produce it, never an analyst. The business unit also
enters the strategy's measures the record cannot answer and uploads comparison figures.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_business_unit(user: Any) -> bool:
    """The partnership business unit (the data role that may see child-level returns)."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT)


@rules.predicate
def reads_figures(user: Any) -> bool:
    """Analysts and the business unit read the measures and their figures."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT, Role.ANALYST)


rules.add_perm("insight.export_census", is_business_unit)
rules.add_perm("insight.enter_measures", is_business_unit)
rules.add_perm("insight.upload_comparison", is_business_unit)
rules.add_perm("insight.view_measures", reads_figures)
