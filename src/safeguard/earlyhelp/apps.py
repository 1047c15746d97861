from django.apps import AppConfig


class EarlyhelpConfig(AppConfig):
    """Early help: assessments, Team Around the Family, central record of support."""

    name = "safeguard.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help"

    def ready(self) -> None:
        """Declare what the app holds about people; register the early help demo data."""
        from . import demo, person_links  # noqa: F401
