from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Persons, households, involvements, chronology and the access policy."""

    name = "safeguard.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        """Register the agency records demo data with the demo generator."""
        from . import records_demo  # noqa: F401
