"""Demo merges: children recorded twice whose rows spanned several apps, merged whole; one undone.

Runs after every other app's demo data, so the children it picks already have
contacts, early help episodes and sharing decisions. It finds them through the
person-linked data registry (people imports no other app), records a second
copy of each child as another team would have, and merges with the real
service, so a reviewer sees rows from the front door, early help and sharing
move to one record (and, for the undone merge, move back).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

from safeguard.people.demo import DemoState, register_demo_extension
from safeguard.people.models import Address, Person
from safeguard.people.registry import links

from .services import person_merge, person_unmerge

logger = logging.getLogger(__name__)

MERGED = 3  # merges that stand


# Apps whose rows about a child the demo merges want to show moving (not people's own).
_SHOWN_ELSEWHERE = ("people", "records")


def _apps_holding(person: Person) -> set[str]:
    """The other apps holding a row about the person (through the registry's declarations)."""
    return {
        link.model._meta.app_label
        for link in links()
        if link.model._meta.app_label not in _SHOWN_ELSEWHERE and link.rows_for(person.pk).exists()
    }


def _people_in_several_apps() -> list[Any]:
    """Ids of people with rows in at least two other apps, in a few queries (one per link)."""
    holding: dict[Any, set[str]] = defaultdict(set)
    for link in links():
        app = link.model._meta.app_label
        if app in _SHOWN_ELSEWHERE:
            continue
        for person_id in link.model._default_manager.values_list(link.field, flat=True):
            if person_id is not None:
                holding[person_id].add(app)
    return [pid for pid, apps in holding.items() if len(apps) >= 2]  # noqa: PLR2004


def _second_record(child: Person, *, note: str) -> Person:
    """The same child, recorded again by another team with a slightly different name."""
    copy = Person(
        given_name=child.given_name,
        middle_names=child.middle_names or note,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        nhs_number=child.nhs_number,
    )
    address = Address.objects.filter(person=child, moved_out__isnull=True).first()
    copy.refresh_search_keys(postcode=address.postcode if address else child.current_postcode)
    copy.save()
    return copy


@register_demo_extension(order=70)
def build(state: DemoState) -> None:
    """Merge a few children whose rows span several apps; undo one merge, with its reason."""
    worker = state.users.get("mash.worker")
    if worker is None:
        return
    several = set(_people_in_several_apps())
    picked = [
        child
        for child in state.children_made
        if child.pk in several and child.merged_into_id is None
    ][: MERGED + 1]
    for child in picked[:MERGED]:
        # The older record, with everything agencies recorded, is joined into the new one.
        survivor = _second_record(child, note="")
        person_merge(
            by=worker,
            survivor=survivor,
            merged=child,
            reason=(
                f"Recorded twice: the school added {child.given_name} again on moving year "
                "group. Same date of birth, address and NHS number."
            ),
        )
    for child in picked[MERGED : MERGED + 1]:
        lookalike = _second_record(child, note="Rae")
        merge = person_merge(
            by=worker,
            survivor=lookalike,
            merged=child,
            reason="Same name and date of birth; looked like one child.",
        )
        person_unmerge(
            by=worker,
            merge=merge,
            reason=(
                "Not the same child: cousins with the same name and date of birth, "
                "checked with the GP. Each keeps their own record."
            ),
        )
    logger.info(
        "Demo merges: %s across apps, %s undone", min(len(picked), MERGED), len(picked[MERGED:])
    )
