"""Contextual safeguarding: places, persons of concern, graded links and networks (issue 14)."""

from django.apps import AppConfig


class ContextualConfig(AppConfig):
    """Contextual safeguarding: places, persons of concern, graded intelligence, networks (issue 14)."""

    name = "safeguard.contextual"
    label = "contextual"
    verbose_name = "Contextual safeguarding"

    def ready(self) -> None:
        """Declare what the app holds about people, its audit events, rules, agenda and demo."""
        from . import agenda, demo, events, person_links, rules  # noqa: F401
