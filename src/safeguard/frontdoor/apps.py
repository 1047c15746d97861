from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    """Front door: concerns, MASH triage, threshold decisions, police partner forms."""

    name = "safeguard.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"

    def ready(self) -> None:
        """Register the front door's demo data with the demo generator."""
        from . import demo  # noqa: F401
