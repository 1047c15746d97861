from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    """Front door: concerns, MASH triage, threshold decisions, police partner forms."""

    name = "safeguard.frontdoor"
    label = "frontdoor"
