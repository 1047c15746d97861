from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner API (thin: calls services)."""

    name = "safeguard.api"
    label = "api"
