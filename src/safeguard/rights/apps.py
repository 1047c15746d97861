from django.apps import AppConfig


class RightsConfig(AppConfig):
    """People's rights: subject access requests and retention of records."""

    name = "safeguard.rights"
    label = "rights"
    verbose_name = "People's rights"

    def ready(self) -> None:
        """Register the subject access and retention demo data with the demo generator."""
        from . import demo  # noqa: F401
