"""The names agencies' own records hold for a person, read by people search.

``people`` cannot import this app (records sit above people), so the records
app registers these names with people search at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from safeguard.people.models import Person
from safeguard.people.selectors import SearchNames, search_names_register

from .models import AgencyRecord


def _person_ids(token: str, key: str) -> QuerySet[Any]:
    return AgencyRecord.objects.filter(
        Q(given_name_key=key)
        | Q(family_name_key=key)
        | Q(given_name__iexact=token)
        | Q(family_name__iexact=token),
        person__isnull=False,
    ).values("person_id")


def _prefetch() -> Prefetch:
    return Prefetch(
        "agency_records",
        queryset=AgencyRecord.objects.select_related("agency").only(
            "person_id", "given_name", "family_name", "agency__name"
        ),
    )


def _names(person: Person) -> Iterable[tuple[str, list[str]]]:
    for record in person.agency_records.all():  # type: ignore[attr-defined]
        label = f"{record.full_name} in {record.agency.name}'s record"
        yield label, [record.given_name, record.family_name]


AGENCY_RECORD_NAMES = SearchNames(person_ids=_person_ids, prefetch=_prefetch, names=_names)


def register_person_search_names() -> None:
    """Let people search find a person by the names agencies' own records hold."""
    search_names_register(AGENCY_RECORD_NAMES)
