"""Demo data for people's rights: subject access requests and records due for retention review.

Adds a second Multi-Agency Safeguarding Hub (MASH) manager (``dp.lead``) so the
two-person deletion rule and the subject access sign-off can be tried, two subject
access requests (one overdue; one part-way through its checks, for ``dp.lead`` to see),
and a few made-up people whose retention period has ended, with one deletion
already proposed by ``mash.manager`` for ``dp.lead`` to approve.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from safeguard.core.models import Role
from safeguard.core.services import roles_set_at_set_up
from safeguard.people.demo import (
    DEMO_PASSWORD,
    FAMILY,
    GIVEN_FEMALE,
    GIVEN_MALE,
    DemoState,
    register_demo_extension,
)
from safeguard.people.models import ChronologyEvent, Involvement, Person, Sex

from . import services
from .models import SubjectAccessItem, SubjectAccessRequest
from .retention import retention_deletion_propose
from .subject_access import subject_access_request_create


def _second_manager(state: DemoState) -> object:
    user, _ = get_user_model().objects.update_or_create(
        username="dp.lead",
        defaults={
            "first_name": "Jordan",
            "last_name": "Whitaker",
            "agency": state.agencies["cyc-mash"],
            "job_title": "MASH manager and data protection lead",
            "email": "dp.lead@example.invalid",
        },
    )
    if settings.DEMO_MODE:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    roles_set_at_set_up(user=user, codes=[Role.MASH_MANAGER, Role.MASH_WORKER])
    state.users["dp.lead"] = user
    return user


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _old_record(
    state: DemoState,
    *,
    born: dt.date | None,
    work_ended: dt.date,
    slug: str,
    child: bool = False,
) -> Person:
    rng = state.rng
    female = rng.random() < 0.5
    person = Person(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        given_name=rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
        family_name=rng.choice(FAMILY),
        date_of_birth=born,
        sex=Sex.FEMALE if female else Sex.MALE,
    )
    person.refresh_search_keys()
    person.save()
    first_seen = work_ended - dt.timedelta(days=rng.randrange(200, 900))
    if child and born is not None:
        # Known to the agency while still a child, whatever the random dates (at some demo
        # sizes first_seen fell after the 18th birthday: an adult's record, not a child's).
        first_seen = min(first_seen, _years_after(born, 17))
    Person.objects.filter(pk=person.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(first_seen, dt.time(10, 0)))
    )
    person.refresh_from_db()
    Involvement.objects.create(
        person=person, agency=state.agencies[slug], started=first_seen, ended=work_ended
    )
    ChronologyEvent.objects.create(
        person=person,
        occurred_at=timezone.make_aware(dt.datetime.combine(work_ended, dt.time(12, 0))),
        category=ChronologyEvent.Category.SUPPORT,
        title="Case closed: all needs met",
        agency=state.agencies[slug],
        source_type="demo",
    )
    return person


def _part_way_through(manager: Any, request: SubjectAccessRequest) -> None:
    """Identity and standing checked, the records gathered and the first few decided."""
    services.subject_access_identity_record(
        by=manager,
        request=request,
        evidence="Passport and a council tax bill in the same name and address, seen at reception",
    )
    competent = not services.is_child_request(request) or (
        (services.person_age_at_request(request) or 0) >= services.ASK_THE_CHILD_AGE
    )
    services.subject_access_standing_record(
        by=manager,
        request=request,
        parental_responsibility_evidence="Birth certificate names her as the child's mother",
        child_competent=(
            SubjectAccessRequest.Competence.COMPETENT
            if competent
            else SubjectAccessRequest.Competence.NOT_COMPETENT
        ),
        child_view=SubjectAccessRequest.ChildView.CONSENTS if competent else "",
        child_view_notes="Spoke to the child at school; happy for mum to have a copy"
        if competent
        else "",
    )
    services.subject_access_items_gather(by=manager, request=request)
    for item in request.items.filter(third_party=False)[:3]:
        services.subject_access_item_decide(
            by=manager, item=item, decision=SubjectAccessItem.Decision.RELEASE
        )


@register_demo_extension(order=60)
def build(state: DemoState) -> None:
    """Two subject access requests and a handful of records due for retention review."""
    manager = state.users["mash.manager"]
    _second_manager(state)
    today = state.today
    children = state.children_made
    if len(children) >= 2:
        first, second = state.rng.sample(children, 2)
        part_way = subject_access_request_create(
            by=manager,
            person=first,
            requester_kind=SubjectAccessRequest.Requester.PARENT,
            requester_name=f"{state.rng.choice(GIVEN_FEMALE)} {first.family_name}",
            received_on=today - dt.timedelta(days=9),
            open_reason="Letter from the child's mother asking for a copy of the record",
        )
        _part_way_through(manager, part_way)
        subject_access_request_create(
            by=manager,
            person=second,
            requester_kind=SubjectAccessRequest.Requester.SUBJECT,
            requester_name=second.full_name,
            received_on=today - dt.timedelta(days=40),
            open_reason="Email from the young person asking for a copy of their record",
        )
    # Young adults whose childhood records have passed the 25th birthday and 6 years since closure.
    due = []
    for years_old, closed_years_ago in ((27, 9), (26, 8), (25, 7)):
        born = today.replace(year=today.year - years_old) - dt.timedelta(
            days=state.rng.randrange(20, 300)
        )
        ended = today.replace(year=today.year - closed_years_ago)
        due.append(
            _old_record(
                state,
                born=born,
                work_ended=ended,
                slug=state.rng.choice(["cyc-csc", "hcv"]),
                child=True,
            )
        )
    # An adult (a parent) whose agency stopped working with them 7 years ago.
    due.append(
        _old_record(
            state,
            born=today.replace(year=today.year - 52),
            work_ended=today.replace(year=today.year - 7),
            slug="probation-ny",
        )
    )
    # An old police intelligence entry on a current child's chronology.
    if children:
        ChronologyEvent.objects.create(
            person=children[0],
            occurred_at=timezone.now() - dt.timedelta(days=365 * 7),
            category=ChronologyEvent.Category.POLICE,
            title="Intelligence: seen with older males near the bus station",
            agency=state.agencies["nyp"],
            record_type="police_intelligence",
            source_type="demo",
        )
    retention_deletion_propose(by=manager, record_type="person:child", object_id=str(due[0].pk))
