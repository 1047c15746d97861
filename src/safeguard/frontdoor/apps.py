from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    """Front door: concerns, MASH triage, threshold decisions, police partner forms."""

    name = "safeguard.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"

    def ready(self) -> None:
        """Declare what the app holds about people; register the front door demo data."""
        from . import demo, events, person_links  # noqa: F401
