from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing: decisions, consent, grants, break-glass and the sharing log."""

    name = "safeguard.sharing"
    label = "sharing"

    def ready(self) -> None:
        """Register demo data with the demo generator."""
        from . import demo  # noqa: F401
