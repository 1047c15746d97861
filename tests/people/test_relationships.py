"""Relationships read the right way from both sides, on each person's page in their own terms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.people.models import INVERSE_RELATIONSHIP, Relationship, RelationshipKind
from safeguard.people.services import relationship_add

from ..factories import InvolvementFactory, PersonFactory


def family_rows(body: str) -> dict[str, str]:
    """The family table as {name: relationship}, as a reader sees it."""
    table = body.split("Family and household", 2)[-1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        if cells:
            rows[cells[0]] = cells[1]
    return rows


@pytest.fixture
def mother_and_daughter(agency):
    today = timezone.localdate()
    mother = PersonFactory(given_name="Karen", family_name="Oldroyd", date_of_birth=None)
    girl = PersonFactory(
        given_name="Amelia",
        family_name="Oldroyd",
        date_of_birth=dt.date(today.year - 10, 1, 1),
    )
    for person in (mother, girl):
        InvolvementFactory(person=person, agency=agency)
    return mother, girl


@pytest.mark.django_db
class TestRelationshipsReadBackwards:
    """Issue 10, user finding 4: a 10-year-old's page listed her mother as her 'Child'."""

    def test_the_girls_page_lists_her_mother_as_her_parent_not_her_child(
        self, signed_in, practitioner, mother_and_daughter
    ):
        mother, girl = mother_and_daughter
        relationship_add(
            by=practitioner,
            person=mother,
            other=girl,
            kind=RelationshipKind.PARENT,
            parental_responsibility=True,
        )
        client = signed_in(practitioner)
        girls_page = client.get(reverse("people:detail", args=[girl.pk])).content.decode()
        mothers_page = client.get(reverse("people:detail", args=[mother.pk])).content.decode()
        assert family_rows(girls_page) == {"Karen Oldroyd": "Parent (parental responsibility)"}
        assert family_rows(mothers_page) == {"Amelia Oldroyd": "Child"}
        assert "10 years old · Child" in girls_page


KINDS = list(RelationshipKind)


class TestEveryKindHasAnInverse:
    def test_the_inverse_of_the_inverse_is_the_kind_itself(self):
        assert set(INVERSE_RELATIONSHIP) == set(KINDS)
        for kind in KINDS:
            assert INVERSE_RELATIONSHIP[INVERSE_RELATIONSHIP[kind]] == kind

    def test_only_one_side_of_a_pair_can_hold_parental_responsibility(self):
        holders = RelationshipKind.responsibility_kinds()
        for kind in holders:
            assert INVERSE_RELATIONSHIP[kind] not in holders


@pytest.mark.django_db
class TestEachSideReadsInItsOwnTerms:
    @settings(
        max_examples=len(KINDS) * 2,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(kind=st.sampled_from(KINDS), responsibility=st.booleans())
    def test_a_relationship_shows_as_its_kind_on_one_page_and_its_inverse_on_the_other(
        self, signed_in, practitioner, agency, kind, responsibility
    ):
        a = PersonFactory(given_name="Alder", family_name="Ashworth")
        b = PersonFactory(given_name="Birch", family_name="Bramley")
        for person in (a, b):
            InvolvementFactory(person=person, agency=agency)
        relationship_add(
            by=practitioner, person=a, other=b, kind=kind, parental_responsibility=responsibility
        )
        client = signed_in(practitioner)
        a_page = family_rows(client.get(reverse("people:detail", args=[a.pk])).content.decode())
        b_page = family_rows(client.get(reverse("people:detail", args=[b.pk])).content.decode())
        # ``person`` (A) is the ``kind`` of ``other`` (B): B's page names A as its kind, and
        # A's page names B as the inverse. Parental responsibility shows beside whichever of
        # the two is the parent-like side, and never for two brothers or sisters.
        a_label = RelationshipKind(INVERSE_RELATIONSHIP[kind]).label
        b_label = RelationshipKind(kind).label
        if responsibility and kind in RelationshipKind.responsibility_kinds():
            b_label += " (parental responsibility)"
        if responsibility and INVERSE_RELATIONSHIP[kind] in RelationshipKind.responsibility_kinds():
            a_label += " (parental responsibility)"
        assert b_page == {"Alder Ashworth": b_label}
        assert a_page == {"Birch Bramley": a_label}
        Relationship.objects.all().delete()
