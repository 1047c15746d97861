from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Multi-agency training: courses, sessions, bookings, attendance, evaluation and impact."""

    name = "safeguard.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        """Register the permissions, audit events and demo data."""
        from . import demo, events, rules  # noqa: F401
