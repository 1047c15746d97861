from django.apps import AppConfig


class HsbConfig(AppConfig):
    """Harmful sexual behaviour (HSB): concerns, roles, AIM assessments, investigations."""

    name = "safeguard.hsb"
    label = "hsb"
    verbose_name = "Harmful sexual behaviour"

    def ready(self) -> None:
        """Declare what the app holds about people, its audit events, rules and demo data."""
        from . import demo, events, exploitation, person_links, rules  # noqa: F401

        exploitation.connect()
