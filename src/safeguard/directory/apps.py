from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Public pages, the Open Referral UK services directory, news, events and the newsletter."""

    name = "safeguard.directory"
    label = "directory"
    verbose_name = "Directory and news"

    def ready(self) -> None:
        """Declare the app's audit events and its demo data."""
        from . import demo, events  # noqa: F401
