"""The directory app's permissions: the business unit runs the public pages.

Part of the one permission table (see ``core.rules``). Reading the public pages
needs no permission at all (they are public); these permissions are for editing
them. Campaigns are listed for every signed-in member of the partnership's
subgroups, whatever their role.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_business_unit(user: Any) -> bool:
    """The partnership's business unit edits the directory, news, events and newsletter."""
    return _active(user) and user.has_role(Role.BUSINESS_UNIT)


@rules.predicate
def is_partnership_member(user: Any) -> bool:
    """Anyone signed in, in any role, sees the campaigns listed for the subgroups."""
    return _active(user)


rules.add_perm("directory.manage_services", is_business_unit)
rules.add_perm("directory.manage_news", is_business_unit)
rules.add_perm("directory.send_newsletter", is_business_unit)
rules.add_perm("directory.see_campaigns", is_partnership_member)
