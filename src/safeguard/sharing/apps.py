from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing: decisions, consent, grants, break-glass and the sharing log."""

    name = "safeguard.sharing"
    label = "sharing"

    def ready(self) -> None:
        """Declare what the app holds about people; register demo data with the demo generator."""
        from . import demo, events, person_links  # noqa: F401
