from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner API (thin: calls services)."""

    name = "safeguard.api"
    label = "api"

    def ready(self) -> None:
        """Register the API's audit event types."""
        from . import events  # noqa: F401
