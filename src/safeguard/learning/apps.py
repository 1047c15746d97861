from django.apps import AppConfig


class LearningConfig(AppConfig):
    """Learning from cases: case reviews, 7 point briefings and action plans (issue 16)."""

    name = "safeguard.learning"
    label = "learning"
    verbose_name = "Learning from cases"

    def ready(self) -> None:
        """Declare what the app holds about people, its permissions, events and demo data."""
        from . import demo, events, person_links, rules  # noqa: F401
