"""Demo agency records: police, health and school extracts of the demo children, imported and linked.

Each agency writes the same child its own way: nicknames, day and month
swapped, an old address, a previous surname, a missing NHS number. The
extracts go through the real import and the real linkage engine, so some
records link automatically and some wait in the review queue for the
Multi-Agency Safeguarding Hub (MASH) worker. A few children were also
recorded twice as people, so the queue holds possible duplicates to merge.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import Any

from django.utils import timezone

from safeguard.people.demo import POSTCODE_DISTRICTS, STREETS, DemoState, register_demo_extension
from safeguard.people.models import Address, ChronologyEvent, Person
from safeguard.people.search import NICKNAMES

from .models import AgencyRecord, LinkageModel, LinkReview, PersonMerge, RecordImport
from .parsing import ParsedFile
from .scoring import LinkageUnavailable, linkage_model_train
from .services import records_import_rows, records_link_unmatched

logger = logging.getLogger(__name__)

DEMO_RECORD_CHILDREN = 90
HEADERS = ["Ref", "Forename", "Surname", "DOB", "Gender", "Address", "Postcode", "NHS No"]
MAPPING = {
    "Ref": "agency_record_id",
    "Forename": "given_name",
    "Surname": "family_name",
    "DOB": "date_of_birth",
    "Gender": "sex",
    "Address": "address",
    "Postcode": "postcode",
    "NHS No": "nhs_number",
}
OLD_SURNAMES = ("Hardcastle", "Whitaker", "Greenwood", "Ramsden", "Haigh", "Sugden")


def _nickname(rng: random.Random, given: str) -> str:
    options = sorted(n for n in NICKNAMES.get(given.lower(), set()) if len(n) < len(given))
    return rng.choice(options).title() if options else given


def _dob_text(rng: random.Random, dob: dt.date | None, *, swap: bool) -> str:
    if dob is None:
        return ""
    if swap and dob.day <= 12 and dob.day != dob.month:
        return f"{dob.month:02d}/{dob.day:02d}/{dob.year}"
    return rng.choice(
        [f"{dob.day:02d}/{dob.month:02d}/{dob.year}", dob.isoformat(), f"{dob:%d-%b-%Y}"]
    )


def _row(
    rng: random.Random, ref: str, child: Person, address: tuple[str, str], **change: Any
) -> list[str]:
    given = change.get("given", child.given_name)
    family = change.get("family", child.family_name)
    dob = _dob_text(rng, child.date_of_birth, swap=change.get("swap", False))
    sex = {"female": rng.choice(["F", "Female"]), "male": rng.choice(["M", "Male"])}.get(
        child.sex, ""
    )
    nhs = child.nhs_number if change.get("nhs", False) else ""
    return [ref, given, family, dob, sex, address[0], address[1], nhs]


def _old_address(rng: random.Random) -> tuple[str, str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"{rng.choice(POSTCODE_DISTRICTS)} {rng.randrange(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{rng.randrange(1, 120)} {rng.choice(STREETS)}", postcode


@register_demo_extension(order=40)
def build(state: DemoState) -> None:
    """Import demo extracts from the police, the hospital and schools, linked by the real engine."""
    rng = random.Random(state.rng.random())  # noqa: S311 - synthetic demo data only
    AgencyRecord.objects.all().delete()
    RecordImport.objects.all().delete()
    LinkReview.objects.all().delete()
    PersonMerge.objects.all().delete()
    LinkageModel.objects.all().delete()
    children = [c for c in state.children_made if c.date_of_birth is not None]
    if not children:
        return
    chosen = rng.sample(children, min(DEMO_RECORD_CHILDREN, len(children)))
    addresses = {
        a.person_id: (a.line_1, a.postcode)
        for a in Address.objects.filter(
            person_id__in=[c.pk for c in chosen], moved_out__isnull=True
        )
    }
    police: list[list[str]] = []
    health: list[list[str]] = []
    school: list[list[str]] = []
    for number, child in enumerate(chosen):
        home = addresses.get(child.pk, ("", child.current_postcode))
        variant = number % 6
        # Health holds the NHS number and the current address: these link automatically.
        health.append(_row(rng, f"RCB{400000 + number}", child, home, nhs=bool(child.nhs_number)))
        if variant == 0:  # police: a nickname and an old address
            police.append(
                _row(
                    rng,
                    f"NYP-{20231000 + number}",
                    child,
                    _old_address(rng),
                    given=_nickname(rng, child.given_name),
                )
            )
        elif variant == 1:  # police: day and month swapped, as a United States form would write it
            police.append(_row(rng, f"NYP-{20231000 + number}", child, home, swap=True))
        elif variant == 2:  # police: a previous surname
            police.append(
                _row(rng, f"NYP-{20231000 + number}", child, home, family=rng.choice(OLD_SURNAMES))
            )
        else:
            police.append(_row(rng, f"NYP-{20231000 + number}", child, home))
        if variant in (3, 4):  # school: a typo in the given name and no NHS number
            typo = child.given_name[:-1] + child.given_name[-1] * 2
            school.append(_row(rng, f"UPN-{number:05d}", child, home, given=typo))
        elif variant == 5:
            school.append(_row(rng, f"UPN-{number:05d}", child, _old_address(rng)))
    _make_duplicates(state, rng, chosen[:3])
    imported = 0
    for slug, rows in (("ysth", health), ("nyp", police), ("fulford-school", school)):
        agency = state.agencies.get(slug)
        if agency is None or not rows:
            continue
        result = records_import_rows(
            by=None,
            agency=agency,
            parsed=ParsedFile(kind="csv", headers=HEADERS, rows=rows),
            mapping=MAPPING,
            link=False,
            record_import=RecordImport.objects.create(
                agency=agency,
                file_name=f"{slug}-extract.csv",
                file_kind="csv",
                file_sha256="demo",
                mapping=MAPPING,
                status=RecordImport.Status.IMPORTED,
                imported_at=timezone.now(),
                summary={"rows": len(rows)},
            ),
        )
        imported += result.created
    # Train on everything the partnership now holds (nicknames, swapped dates and all), then link.
    try:
        linkage_model_train()
        records_link_unmatched(by=None)
    except LinkageUnavailable as exc:
        logger.warning("Demo agency records were imported but not linked: %s", exc)
    logger.info("Demo agency records: %s imported", imported)


def _make_duplicates(state: DemoState, rng: random.Random, children: list[Person]) -> None:
    """A few children were also added a second time by another team, under a nickname."""
    for child in children:
        duplicate = Person(
            given_name=_nickname(rng, child.given_name),
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            sex=child.sex,
            nhs_number=child.nhs_number,
        )
        duplicate.refresh_search_keys(postcode=child.current_postcode)
        duplicate.save()
        ChronologyEvent.objects.create(
            person=duplicate,
            occurred_at=timezone.now() - dt.timedelta(days=rng.randrange(5, 200)),
            category=ChronologyEvent.Category.POLICE,
            title="Police welfare check at a friend's address",
            agency=state.agencies.get("nyp"),
            source_type="demo",
        )
