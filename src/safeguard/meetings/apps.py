from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Multi-agency meetings: kinds, schedules, invitations, agenda, minutes and actions."""

    name = "safeguard.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        """Declare what the app holds about people, its audit events and its demo data.

        Early help's Team Around the Family meetings are kept here: register the store.
        """
        from safeguard.earlyhelp.taf import taf_meetings_register

        from . import demo, events, person_links  # noqa: F401
        from .taf import MeetingsTafStore

        taf_meetings_register(MeetingsTafStore())
