from django.apps import AppConfig


class ContextualConfig(AppConfig):
    """Contextual safeguarding: places, persons of concern, graded intelligence, networks (issue 14)."""

    name = "safeguard.contextual"
    label = "contextual"
    verbose_name = "Contextual safeguarding"
