from django.apps import AppConfig


class InsightConfig(AppConfig):
    """The partnership data set: quarterly figures straight from the record, safe to publish (issue 15)."""

    name = "safeguard.insight"
    label = "insight"
    verbose_name = "Partnership data set"
