from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Multi-agency meetings: kinds, schedules, invitations, agenda, minutes and actions."""

    name = "safeguard.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        """Declare what the app holds about people, its audit events and its demo data."""
        from . import demo, events, person_links  # noqa: F401
