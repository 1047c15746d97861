from django.apps import AppConfig


class EarlyhelpConfig(AppConfig):
    """Early help: assessments, Team Around the Family, central record of support."""

    name = "safeguard.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help"

    def ready(self) -> None:
        """Declare what the app holds about people; take over early help decisions; demo data."""
        from safeguard.frontdoor.handoffs import decision_hand_off_register
        from safeguard.frontdoor.models import Outcome

        from . import demo, events, person_links  # noqa: F401
        from .services import early_help_from_decision

        decision_hand_off_register(Outcome.EARLY_HELP_ASSESSMENT, early_help_from_decision)
