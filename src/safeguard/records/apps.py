from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Agency records, import, linkage (Splink), the review queue, merge and unmerge."""

    name = "safeguard.records"
    label = "records"
    verbose_name = "Agency records"

    def ready(self) -> None:
        """Declare what the app holds about people; register its demo data and search names."""
        from . import demo, events, merges_demo, person_links  # noqa: F401
        from .search import register_person_search_names

        register_person_search_names()
