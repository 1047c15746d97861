from django.apps import AppConfig


class EarlyhelpConfig(AppConfig):
    """Early help: assessments, Team Around the Family, central record of support."""

    name = "safeguard.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help"

    def ready(self) -> None:
        """Register the early help demo data with the demo generator."""
        from . import demo  # noqa: F401
