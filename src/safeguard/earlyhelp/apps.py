from django.apps import AppConfig


class EarlyhelpConfig(AppConfig):
    """Early help: assessments, Team Around the Family, central record of support."""

    name = "safeguard.earlyhelp"
    label = "earlyhelp"
