from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Persons, households, involvements, chronology and the access policy."""

    name = "safeguard.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        """Declare what the app holds about people."""
        from . import events, person_links  # noqa: F401
