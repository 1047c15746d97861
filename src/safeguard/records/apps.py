from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Agency records, import, linkage (Splink), the review queue, merge and unmerge."""

    name = "safeguard.records"
    label = "records"
    verbose_name = "Agency records"

    def ready(self) -> None:
        """Register the agency records demo data and the names they hold for people search."""
        from . import demo  # noqa: F401
        from .search import register_person_search_names

        register_person_search_names()
