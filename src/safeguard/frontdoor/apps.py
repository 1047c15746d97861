from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    """Front door: concerns, MASH triage, threshold decisions, police partner forms."""

    name = "safeguard.frontdoor"
    label = "frontdoor"
    verbose_name = "Front door"

    def ready(self) -> None:
        """Declare what the app holds about people; demo data; hand Level 4 decisions to social care."""
        from . import demo, demo_mash, events, person_links  # noqa: F401
        from .handoffs import decision_hand_off_register
        from .services.social_care import SOCIAL_CARE_WORK, social_care_from_decision

        for outcome in SOCIAL_CARE_WORK:
            decision_hand_off_register(outcome, social_care_from_decision)
