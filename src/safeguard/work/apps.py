from django.apps import AppConfig


class WorkConfig(AppConfig):
    """Work items, team queues, My work, absence, re-allocation and escalation."""

    name = "safeguard.work"
    label = "work"

    def ready(self) -> None:
        """Declare what the app holds about people; register demo data and event types."""
        from . import demo, events, person_links, signals  # noqa: F401
