"""A deterministic synthetic partnership modelled on York's figures, for demos and measurement.

Names are drawn at random from lists of common first names and surnames, so no
generated person is a real child. The same ``--seed`` always gives the same
partnership. Later parts of Safeguard add their own data through
:data:`DEMO_EXTENSIONS` (each is called with the generator's state).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from safeguard.core.audit import AuditEntry, audit_record_many
from safeguard.core.models import (
    Agency,
    AgencyKind,
    AuditAction,
    OutboxDelivery,
    OutboxMessage,
    ReferenceNumber,
    Role,
)
from safeguard.core.services import roles_set_at_set_up

from .events import PeopleEvent
from .identifiers import nhs_check_digit, upn_check_letter
from .models import (
    AccessGrant,
    Address,
    ChronologyEvent,
    Ethnicity,
    Household,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
    RelationshipKind,
    Sex,
    Visibility,
)
from .search import name_key

DEMO_PASSWORD = "safeguard-demo"  # noqa: S105 - documented demo password, only set in demo mode

AGENCIES: list[tuple[str, str, str, bool, bool]] = [
    # slug, name, kind, statutory partner, runs the MASH
    (
        "cyc-csc",
        "City of York Council Children's Social Care",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        True,
        False,
    ),
    (
        "cyc-mash",
        "City of York Council Multi-Agency Safeguarding Hub",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        True,
        True,
    ),
    ("nyp", "North Yorkshire Police", AgencyKind.POLICE, True, False),
    (
        "hny-icb",
        "Humber and North Yorkshire Integrated Care Board",
        AgencyKind.HEALTH_ICB,
        True,
        False,
    ),
    ("ysth", "York and Scarborough Teaching Hospitals", AgencyKind.HEALTH_HOSPITAL, False, False),
    ("tewv", "Tees Esk and Wear Valleys mental health", AgencyKind.HEALTH_MENTAL, False, False),
    ("hcv", "York Health Visiting and School Nursing", AgencyKind.HEALTH_VISITING, False, False),
    ("yjs", "York Youth Justice Service", AgencyKind.YOUTH_JUSTICE, False, False),
    ("fulford-school", "Fulford School", AgencyKind.EDUCATION_SCHOOL, False, False),
    ("huntington-school", "Huntington School", AgencyKind.EDUCATION_SCHOOL, False, False),
    ("acomb-primary", "Acomb Primary School", AgencyKind.EDUCATION_SCHOOL, False, False),
    (
        "clifton-green-primary",
        "Clifton Green Primary School",
        AgencyKind.EDUCATION_SCHOOL,
        False,
        False,
    ),
    ("york-college", "York College", AgencyKind.EDUCATION_COLLEGE, False, False),
    (
        "little-acorns-nursery",
        "Little Acorns Nursery",
        AgencyKind.EDUCATION_EARLY_YEARS,
        False,
        False,
    ),
    ("ivison-trust", "Ivison Trust", AgencyKind.VOLUNTARY, False, False),
    ("st-giles-sos", "St Giles SOS+", AgencyKind.VOLUNTARY, False, False),
    ("the-gate-york", "The Gate York", AgencyKind.VOLUNTARY, False, False),
    ("cyc-housing", "City of York Council Housing", AgencyKind.HOUSING, False, False),
    ("probation-ny", "Probation Service North Yorkshire", AgencyKind.PROBATION, False, False),
]

ACCOUNTS: list[tuple[str, str, str, str, list[str], str]] = [
    # username, first, last, agency slug, roles, job title
    (
        "mash.worker",
        "Morgan",
        "Ashby",
        "cyc-mash",
        [Role.MASH_WORKER],
        "Multi-Agency Safeguarding Hub (MASH) social worker",
    ),
    (
        "mash.manager",
        "Priya",
        "Lowther",
        "cyc-mash",
        [Role.MASH_MANAGER, Role.MASH_WORKER],
        "Multi-Agency Safeguarding Hub (MASH) team manager",
    ),
    ("social.worker", "Sam", "Okafor", "cyc-csc", [Role.PRACTITIONER], "Social worker"),
    (
        "csc.manager",
        "Jordan",
        "Hale",
        "cyc-csc",
        [Role.PRACTITIONER],
        "Team manager, children's social care assessment team",
    ),
    ("social.worker2", "Casey", "Dunn", "cyc-csc", [Role.PRACTITIONER], "Social worker"),
    (
        "earlyhelp.worker",
        "Ellis",
        "Grant",
        "cyc-csc",
        [Role.PRACTITIONER],
        "Early help practitioner, Supporting Families",
    ),
    (
        "police.officer",
        "Chris",
        "Deller",
        "nyp",
        [Role.PRACTITIONER],
        "Detective constable, safeguarding",
    ),
    (
        "police.sergeant",
        "Nadia",
        "Rahman",
        "nyp",
        [Role.PRACTITIONER],
        "Detective sergeant, safeguarding hub",
    ),
    (
        "school.dsl",
        "Alex",
        "Mercer",
        "fulford-school",
        [Role.PRACTITIONER],
        "Designated safeguarding lead",
    ),
    ("health.nurse", "Jo", "Brandon", "hcv", [Role.PRACTITIONER], "School nurse"),
    ("yjs.worker", "Robin", "Castle", "yjs", [Role.PRACTITIONER], "Youth justice case manager"),
    ("panel.chair", "Helen", "Moorcroft", "cyc-csc", [Role.PANEL_CHAIR], "Risk panel chair"),
    ("analyst", "Dev", "Patel", "cyc-csc", [Role.ANALYST], "Partnership analyst"),
    (
        "business.unit",
        "Kim",
        "Holgate",
        "cyc-csc",
        [Role.BUSINESS_UNIT],
        "Partnership business manager",
    ),
    ("admin", "Pat", "Fenwick", "cyc-csc", [Role.SYSTEM_ADMINISTRATOR], "System administrator"),
]

GIVEN_FEMALE = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Florence Willow Evie Poppy "
    "Ella Charlotte Daisy Sienna Millie Harper Ruby Phoebe Maya Emily Chloe Jessica Lucy Holly Erin "
    "Aisha Zara Amira Hannah Leah Megan Niamh Keira Paige Abigail Elizabeth Katie Rebecca"
).split()
GIVEN_MALE = (
    "Noah Oliver George Arthur Leo Muhammad Harry Oscar Archie Henry Jack Theo Charlie Freddie "
    "Alfie Thomas William Jacob Joshua Finley Lucas Mason Ethan Logan Riley Tyler Kai Jayden Callum "
    "Kieran Liam Daniel Samuel James Joseph Ryan Connor Adam Bilal Omar Reece Dylan Owen"
).split()
FAMILY = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke Hughes Turner Hill Moore Cooper Ward Harrison "
    "Morris Martin Lee Baker Mitchell Parker Bell Atkinson Shaw Lloyd Marshall Dixon Hudson Pearson "
    "Kaur Khan Ali Hussain Begum Nowak Kowalski Murphy Kelly Doyle Fletcher Dobson Lister Metcalfe "
    "Hodgson Barker Stephenson Sanderson Illingworth Pickering Featherstone Ackroyd Brennan Gill"
).split()
STREETS = (
    "Front Street|Tudor Road|Hamilton Drive|Gale Lane|Tadcaster Road|Hull Road|Heworth Green|"
    "Burton Stone Lane|Huntington Road|Haxby Road|Fulford Road|Bishopthorpe Road|Lowther Street|"
    "Clifton|Tang Hall Lane|Acomb Road|Boroughbridge Road|Kingsway West|Thanet Road|Foxwood Lane"
).split("|")
POSTCODE_DISTRICTS = ("YO1", "YO10", "YO23", "YO24", "YO26", "YO30", "YO31", "YO32")
LANGUAGES = ("English",) * 12 + ("Polish", "Urdu", "Arabic", "Romanian", "Bengali", "Kurdish")
ETHNICITY_WEIGHTS = [
    (Ethnicity.WHITE_BRITISH, 80),
    (Ethnicity.WHITE_OTHER, 6),
    (Ethnicity.ASIAN_PAKISTANI, 2),
    (Ethnicity.ASIAN_INDIAN, 2),
    (Ethnicity.ASIAN_CHINESE, 2),
    (Ethnicity.MIXED_WHITE_ASIAN, 2),
    (Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, 1),
    (Ethnicity.BLACK_AFRICAN, 2),
    (Ethnicity.WHITE_GYPSY_TRAVELLER, 1),
    (Ethnicity.NOT_KNOWN, 2),
]
# Who may read the demo's sensitive entries (as the data migration sets them for real data).
DEMO_VISIBILITY = {
    "police_intelligence": Visibility.POLICE,
    "sexual_health": Visibility.HEALTH,
    "mental_health": Visibility.HEALTH,
}

CHRONOLOGY_TEMPLATES = [
    ("education", "Attendance below 90% this term", "fulford-school", "general"),
    ("education", "Pastoral meeting with parent", "huntington-school", "general"),
    ("health", "School nurse drop-in: worries about sleep and eating", "hcv", "general"),
    ("health", "Attended emergency department after a fall", "ysth", "general"),
    ("health", "Referred to child and adolescent mental health services", "tewv", "mental_health"),
    ("police", "Police attended a domestic incident at home; children present", "nyp", "general"),
    (
        "police",
        "Intelligence: seen with older males in a car near the station",
        "nyp",
        "police_intelligence",
    ),
    ("missing", "Reported missing overnight; returned next morning", "nyp", "general"),
    ("support", "Family support worker visit", "cyc-csc", "general"),
    (
        "contact",
        "Concern reported to the Multi-Agency Safeguarding Hub (MASH) by school",
        "cyc-mash",
        "general",
    ),
    (
        "decision",
        "Multi-Agency Safeguarding Hub (MASH) decision: level 2 emerging need, early help offered",
        "cyc-mash",
        "general",
    ),
    ("meeting", "Team Around the Family review", "cyc-csc", "general"),
    ("support", "St Giles SOS+ mentoring session", "st-giles-sos", "general"),
    ("assessment", "Youth Justice Service assessment completed", "yjs", "general"),
]
CHILD_VOICE = [
    "Said they feel safest at their nan's house.",
    "Told staff they don't like going home when dad has been drinking.",
    "Said they want to stay at this school because their friends are here.",
    "Quiet today; said 'nothing's wrong' but did not want to go home.",
    "Said the older lads give them vapes and lifts.",
]


@dataclass
class DemoState:
    """What the generator has made so far; extensions add to it."""

    rng: random.Random
    children: int
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    children_made: list[Person] = field(default_factory=list)
    adults_made: list[Person] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    today: dt.date = field(default_factory=timezone.localdate)


DEMO_EXTENSIONS: list[tuple[int, Callable[[DemoState], None]]] = []


def register_demo_extension(
    order: int,
) -> Callable[[Callable[[DemoState], None]], Callable[[DemoState], None]]:
    """Let another app add its own demo data; lower ``order`` runs first.

    Call it at import time of a module the app's ``AppConfig.ready`` imports:
    ``@register_demo_extension(order=30) def build(state): ...``.
    """

    def decorator(function: Callable[[DemoState], None]) -> Callable[[DemoState], None]:
        if all(existing is not function for _, existing in DEMO_EXTENSIONS):
            DEMO_EXTENSIONS.append((order, function))
        return function

    return decorator


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _nhs_number(rng: random.Random) -> str:
    while True:
        first = f"{rng.randrange(400_000_000, 999_999_999):09d}"
        check = nhs_check_digit(first)
        if check is not None:
            return f"{first}{check}"


def _upn(rng: random.Random) -> str:
    body = (
        f"816{rng.randrange(2000, 7999):04d}{rng.randrange(10, 25):02d}{rng.randrange(0, 999):03d}"
    )
    return upn_check_letter(body) + body


def _postcode(rng: random.Random) -> str:
    district = rng.choice(POSTCODE_DISTRICTS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{district} {rng.randrange(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _make_person(
    state: DemoState,
    *,
    family_name: str,
    sex: str,
    dob: dt.date,
    postcode: str,
    ethnicity: str,
    school: Agency | None = None,
    child: bool = True,
) -> Person:
    rng = state.rng
    given = rng.choice(GIVEN_FEMALE if sex == Sex.FEMALE else GIVEN_MALE)
    person = Person(
        id=_uuid(rng),
        given_name=given,
        family_name=family_name,
        date_of_birth=dob,
        sex=sex,
        ethnicity=ethnicity,
        first_language=rng.choice(LANGUAGES),
        nhs_number=_nhs_number(rng) if rng.random() < 0.9 else "",
        unique_pupil_number=_upn(rng) if child and school and rng.random() < 0.8 else "",
        current_school=school,
        send="Education, health and care plan: speech and language"
        if child and rng.random() < 0.06
        else "",
    )
    person.refresh_search_keys(postcode=postcode)
    return person


def _school_for(state: DemoState, age: int) -> Agency | None:
    rng = state.rng
    if age < 2:
        return None
    if age < 5:
        return state.agencies["little-acorns-nursery"]
    if age < 11:
        return state.agencies[rng.choice(["acomb-primary", "clifton-green-primary"])]
    if age < 16:
        return state.agencies[rng.choice(["fulford-school", "huntington-school"])]
    if age < 19:
        return state.agencies["york-college"]
    return None


def build_agencies_and_accounts(state: DemoState) -> None:
    """Create the partnership's agencies and the demo sign-ins."""
    for slug, name, kind, statutory, is_mash in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "statutory_partner": statutory,
                "is_mash": is_mash,
            },
        )
        state.agencies[slug] = agency
    user_model = get_user_model()
    for username, first, last, slug, roles, title in ACCOUNTS:
        user, _ = user_model.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "agency": state.agencies[slug],
                "job_title": title,
                "email": f"{username}@example.invalid",
                "is_staff": Role.SYSTEM_ADMINISTRATOR in roles,
            },
        )
        if settings.DEMO_MODE:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        roles_set_at_set_up(user=user, codes=roles)
        state.users[username] = user


def build_families(state: DemoState) -> None:
    """Households of parents and children, with involvements and chronologies."""
    rng = state.rng
    today = state.today
    a = state.agencies
    people: list[Person] = []
    addresses: list[Address] = []
    members: list[HouseholdMember] = []
    relationships: list[Relationship] = []
    involvements: list[Involvement] = []
    events: list[ChronologyEvent] = []
    other_names: list[OtherName] = []
    households: list[Household] = []
    grants: list[AccessGrant] = []
    lead_for = {
        "cyc-csc": state.users.get("social.worker"),
        "nyp": state.users.get("police.officer"),
        "fulford-school": state.users.get("school.dsl"),
        "hcv": state.users.get("health.nurse"),
        "yjs": state.users.get("yjs.worker"),
    }
    made_children = 0
    family_number = 0
    while made_children < state.children:
        family_number += 1
        family_name = rng.choice(FAMILY)
        postcode = _postcode(rng)
        street = f"{rng.randrange(1, 180)} {rng.choice(STREETS)}"
        ethnicity = _weighted(rng, ETHNICITY_WEIGHTS)
        household = Household(id=_uuid(rng), name=f"{family_name} household, {postcode.split()[0]}")
        households.append(household)
        adults = []
        for adult_number in range(rng.choice([1, 2, 2, 2])):
            sex = Sex.FEMALE if adult_number == 0 else Sex.MALE
            age = rng.randrange(20, 50)
            dob = today - dt.timedelta(days=age * 365 + rng.randrange(0, 365))
            adult = _make_person(
                state,
                family_name=family_name,
                sex=sex,
                dob=dob,
                postcode=postcode,
                ethnicity=ethnicity,
                child=False,
            )
            adults.append(adult)
        n_children = min(rng.choice([1, 1, 2, 2, 2, 3, 3, 4]), state.children - made_children)
        kids: list[Person] = []
        twins = rng.random() < 0.03 and n_children >= 2
        for child_number in range(n_children):
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            if twins and child_number == 1:
                dob = kids[0].date_of_birth or today
            else:
                dob = today - dt.timedelta(days=rng.randrange(30, 18 * 365))
            age = (today - dob).days // 365
            school = _school_for(state, age)
            kid = _make_person(
                state,
                family_name=family_name,
                sex=sex,
                dob=dob,
                postcode=postcode,
                ethnicity=ethnicity,
                school=school,
            )
            kids.append(kid)
        made_children += len(kids)
        state.children_made.extend(kids)
        state.adults_made.extend(adults)
        everyone = adults + kids
        people.extend(everyone)
        for person in everyone:
            addresses.append(
                Address(
                    person=person,
                    line_1=street,
                    town="York",
                    postcode=postcode,
                    moved_in=today - dt.timedelta(days=rng.randrange(100, 3000)),
                )
            )
            members.append(
                HouseholdMember(
                    household=household,
                    person=person,
                    joined=today - dt.timedelta(days=rng.randrange(100, 3000)),
                )
            )
        for adult in adults:
            for kid in kids:
                relationships.append(
                    Relationship(
                        person=adult,
                        other=kid,
                        kind=RelationshipKind.PARENT,
                        parental_responsibility=True,
                    )
                )
                relationships.append(
                    Relationship(person=kid, other=adult, kind=RelationshipKind.CHILD)
                )
        for i, kid in enumerate(kids):
            for other in kids[i + 1 :]:
                relationships.append(
                    Relationship(person=kid, other=other, kind=RelationshipKind.SIBLING)
                )
                relationships.append(
                    Relationship(person=other, other=kid, kind=RelationshipKind.SIBLING)
                )
            if rng.random() < 0.05:
                nick = {
                    "William": "Billy",
                    "Elizabeth": "Beth",
                    "Thomas": "Tommy",
                    "James": "Jimmy",
                    "Jessica": "Jess",
                    "Samuel": "Sam",
                    "Daniel": "Danny",
                }.get(kid.given_name)
                if nick:
                    other_names.append(
                        OtherName(
                            person=kid,
                            kind=OtherName.Kind.NICKNAME,
                            given_name=nick,
                            family_name=kid.family_name,
                        )
                    )
        # Involvements: schools with their pupils; a share of families with other agencies.
        for kid in kids:
            if kid.current_school is not None:
                involvements.append(
                    Involvement(
                        person=kid,
                        agency=kid.current_school,
                        started=today - dt.timedelta(days=rng.randrange(60, 1500)),
                        lead_practitioner=lead_for.get(kid.current_school.slug),
                        role_description="Pupil",
                    )
                )
            if rng.random() < 0.35:
                involvements.append(
                    Involvement(
                        person=kid,
                        agency=a["hcv"],
                        started=today - dt.timedelta(days=rng.randrange(30, 900)),
                        lead_practitioner=lead_for["hcv"] if rng.random() < 0.1 else None,
                        role_description="Health visiting or school nursing",
                    )
                )
        roll = rng.random()
        agencies_for_family: list[tuple[str, str]] = []
        if roll < 0.12:
            agencies_for_family.append(("cyc-csc", "Child in need"))
        if roll < 0.04:
            agencies_for_family.append(("nyp", "Safeguarding investigation"))
        if rng.random() < 0.03:
            agencies_for_family.append(("yjs", "Youth justice"))
        if rng.random() < 0.02:
            agencies_for_family.append(("st-giles-sos", "Mentoring"))
        if rng.random() < 0.04 and state.users.get("mash.manager"):
            now = timezone.now()
            grants.append(
                AccessGrant(
                    person=kids[0],
                    kind=AccessGrant.Kind.MASH_CONTACT,
                    agency=a["cyc-mash"],
                    purpose="Named in a contact the Multi-Agency Safeguarding Hub (MASH) is triaging",
                    granted_by=state.users["mash.manager"],
                    starts_at=now - dt.timedelta(hours=rng.randrange(1, 48)),
                    ends_at=now + dt.timedelta(days=30),
                )
            )
        for slug, description in agencies_for_family:
            target = kids[0] if slug in ("yjs", "st-giles-sos") else kids[0]
            involvements.append(
                Involvement(
                    person=target,
                    agency=a[slug],
                    started=today - dt.timedelta(days=rng.randrange(14, 400)),
                    lead_practitioner=lead_for.get(slug) if rng.random() < 0.3 else None,
                    role_description=description,
                )
            )
        # Chronology: a few events for most children, many for families known to services.
        for kid in kids:
            n_events = rng.randrange(0, 4) + (rng.randrange(4, 15) if agencies_for_family else 0)
            for _ in range(n_events):
                category, title, slug, record_type = rng.choice(CHRONOLOGY_TEMPLATES)
                when = timezone.now() - dt.timedelta(
                    days=rng.randrange(0, 720), minutes=rng.randrange(0, 1440)
                )
                detail = rng.choice(CHILD_VOICE) if rng.random() < 0.4 else ""
                events.append(
                    ChronologyEvent(
                        id=_uuid(rng),
                        person=kid,
                        occurred_at=when,
                        category=category,
                        title=title,
                        detail=detail,
                        agency=a[slug],
                        record_type=record_type,
                        visibility=DEMO_VISIBILITY.get(record_type, Visibility.EVERYONE),
                        source_type="demo",
                    )
                )
    Person.objects.bulk_create(people, batch_size=500)
    Household.objects.bulk_create(households, batch_size=500)
    Address.objects.bulk_create(addresses, batch_size=500)
    HouseholdMember.objects.bulk_create(members, batch_size=500)
    Relationship.objects.bulk_create(relationships, batch_size=500)
    Involvement.objects.bulk_create(involvements, batch_size=500)
    ChronologyEvent.objects.bulk_create(events, batch_size=500)
    for alias in other_names:
        alias.given_name_key = name_key(alias.given_name)
        alias.family_name_key = name_key(alias.family_name)
    OtherName.objects.bulk_create(other_names, batch_size=500)
    AccessGrant.objects.bulk_create(grants, batch_size=500)
    state.households = households


def _reset_demo_data() -> None:
    """Empty every Safeguard table except agencies, accounts, roles, settings and the audit log.

    Queued emails (the outbox) go too: they were about the last load's children.

    Loading the demo twice must give the same partnership, so whatever the last
    load (or a demonstration since) created goes first. Tables are emptied in
    passes, because protected foreign keys decide the order; models that hold
    configuration set ``demo_keep = True`` and are left alone. The audit log is
    never emptied: the reload itself is recorded in it.
    """
    models = [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("safeguard.") and config.label != "core"
        for model in config.get_models()
        if not getattr(model, "demo_keep", False)
    ]
    # Core's own per-load rows: reference numbers and the emails the last load queued.
    models += [ReferenceNumber, OutboxDelivery, OutboxMessage]
    for _ in range(len(models) + 1):
        remaining = []
        for model in models:
            try:
                with transaction.atomic():
                    model._default_manager.all().delete()
            except ProtectedError:
                remaining.append(model)
        if not remaining:
            return
        models = remaining
    raise RuntimeError(f"Could not empty {[m.__name__ for m in models]} before loading the demo")


def seed_demo(*, children: int = 2000, seed: int = 1) -> DemoState:
    """Build the demo partnership from scratch (data is replaced; accounts are kept)."""
    state = DemoState(rng=random.Random(seed), children=children)
    with transaction.atomic():
        _reset_demo_data()
        build_agencies_and_accounts(state)
        build_families(state)
        for _order, extension in sorted(DEMO_EXTENSIONS, key=lambda pair: pair[0]):
            extension(state)
        audit_record_many(
            by=None,
            entries=[
                AuditEntry(
                    action=AuditAction.CREATE,
                    object_type=PeopleEvent.DEMO_PARTNERSHIP,
                    object_id=str(seed),
                    changes={
                        "children": len(state.children_made),
                        "adults": len(state.adults_made),
                    },
                    reason="Synthetic demo data loaded",
                )
            ],
        )
    return state
