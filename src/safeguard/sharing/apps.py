from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing: decisions, consent, grants, break-glass, subject access, retention."""

    name = "safeguard.sharing"
    label = "sharing"

    def ready(self) -> None:
        """Register demo data with the demo generator."""
        from . import demo, rights_demo  # noqa: F401
