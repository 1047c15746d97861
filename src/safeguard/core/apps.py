from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Agencies, users, roles, audit chain and reference numbers."""

    name = "safeguard.core"
    label = "core"
    verbose_name = "Partnership and accounts"

    def ready(self) -> None:
        """Connect sign-in signals to the audit log; guard the audit table on SQLite."""
        from . import dbguard, events, signals  # noqa: F401
