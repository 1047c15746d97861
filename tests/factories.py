"""Factories for test data (never the demo seed)."""

from __future__ import annotations

import datetime as dt
import random

import factory
from django.utils import timezone

from safeguard.core.models import Agency, AgencyKind, Role, User
from safeguard.people.identifiers import nhs_check_digit
from safeguard.people.models import (
    AccessGrant,
    ChronologyEvent,
    Household,
    HouseholdMember,
    Involvement,
    Person,
    Sex,
)


def valid_nhs_number(seed: int) -> str:
    """A valid NHS number, different for each seed."""
    rng = random.Random(seed)
    while True:
        first = f"{rng.randrange(400_000_000, 999_999_999):09d}"
        check = nhs_check_digit(first)
        if check is not None:
            return f"{first}{check}"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Test Agency {n}")
    kind = AgencyKind.CHILDRENS_SOCIAL_CARE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create:
            return
        codes = extracted if extracted is not None else [Role.PRACTITIONER]
        from safeguard.core.services import roles_set_at_set_up

        roles_set_at_set_up(user=self, codes=codes)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Iterator(["Ava", "Noah", "Isla", "Leo", "Mia", "Theo"])
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = factory.LazyFunction(lambda: dt.date(2014, 5, 17))
    sex = Sex.FEMALE

    @classmethod
    def _create(cls, model_class: type[Person], *args: object, **kwargs: object) -> Person:
        person = model_class(*args, **kwargs)
        person.refresh_search_keys()
        person.save()
        return person


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    person = factory.SubFactory(PersonFactory)
    agency = factory.SubFactory(AgencyFactory)
    started = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Household {n}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)


class ChronologyEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChronologyEvent

    person = factory.SubFactory(PersonFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    category = ChronologyEvent.Category.NOTE
    title = factory.Sequence(lambda n: f"Event {n}")


class AccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant

    person = factory.SubFactory(PersonFactory)
    kind = AccessGrant.Kind.SHARED
    purpose = "Joint visit planning"
    granted_by = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class TeamFactory(factory.django.DjangoModelFactory):
    """A team in an agency (the work app routes hand-offs to teams)."""

    class Meta:
        model = "core.Team"

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Safeguarding team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    purpose = "safeguarding_office"


class WorkItemFactory(factory.django.DjangoModelFactory):
    """A piece of work waiting in a team's queue, due tomorrow."""

    class Meta:
        model = "work.WorkItem"

    team = factory.SubFactory(TeamFactory)
    kind = "other"
    title = "Check the family's address history"
    subject_type = "person"
    subject_id = factory.Sequence(lambda n: f"subject-{n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    clock = "working_days"
