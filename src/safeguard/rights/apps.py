from django.apps import AppConfig


class RightsConfig(AppConfig):
    """People's rights: subject access requests and retention of records."""

    name = "safeguard.rights"
    label = "rights"
    verbose_name = "People's rights"

    def ready(self) -> None:
        """Declare what the app holds about people; register its demo data with the demo generator."""
        from . import demo, events, person_links  # noqa: F401
