"""Core's permissions: who manages agencies and accounts. Part of the one permission table.

Every app keeps its named predicates in its own ``rules.py`` and registers them with
``rules.add_perm("<app>.<name>", predicate)``; views, selectors and the API then ask
``user.has_perm("<app>.<name>", obj)``. ``tests/core/test_permission_table.py`` checks
every registered permission for every role.
"""

from __future__ import annotations

from typing import Any

import rules

from .models import Role


def app_labels() -> frozenset[str]:
    """Our apps (every installed ``safeguard.*`` app): their permissions make up the table."""
    from django.apps import apps

    return frozenset(
        config.label for config in apps.get_app_configs() if config.name.startswith("safeguard.")
    )


@rules.predicate
def is_system_administrator(user: Any) -> bool:
    """System administrators manage agencies and accounts, and see no children's records."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(Role.SYSTEM_ADMINISTRATOR)
    )


def table() -> dict[str, Any]:
    """Every registered permission of our apps, by name, with its predicate."""
    from rules.permissions import permissions

    labels = app_labels()
    return {
        name: permissions[name] for name in sorted(permissions) if name.split(".", 1)[0] in labels
    }


rules.add_perm("core.manage_accounts", is_system_administrator)
