from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Public pages, the Open Referral UK services directory, news, events and the newsletter."""

    name = "safeguard.directory"
    label = "directory"
    verbose_name = "Directory and news"

    def ready(self) -> None:
        """Declare the app's audit events and demo data; events linked to a course book training."""
        from . import demo, events  # noqa: F401
        from .booking import register_booking_handler, training_booking_for_event

        register_booking_handler(training_booking_for_event)
