from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Information sharing: decisions, consent, grants, break-glass, subject access, retention."""

    name = "safeguard.sharing"
    label = "sharing"
