"""The partnership data set and meaningful measures (issue 15)."""

from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The partnership data set: quarterly figures straight from the record, safe to publish (issue 15)."""

    name = "safeguard.insight"
    label = "insight"
    verbose_name = "Partnership data set"

    def ready(self) -> None:
        """Declare the app's permissions and audit event types."""
        from . import events, rules  # noqa: F401
