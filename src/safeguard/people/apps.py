from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Persons, households, involvements, chronology and the access policy."""

    name = "safeguard.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        """Declare what the app holds about people; register the records and merges demo data."""
        from . import merges_demo, person_links, records_demo  # noqa: F401
