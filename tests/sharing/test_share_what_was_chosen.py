# ruff: noqa: PLR0917
"""Finding (issue 10): ticking one early help review gave the police the child's whole record.

A sharing decision grants the chosen records and the child's identifying details only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.errors import Forbidden
from safeguard.core.models import Role
from safeguard.people.access import (
    access_basis_detail,
    can_edit_person,
    can_view_person,
    can_view_whole_record,
    chronology_visible_to,
)
from safeguard.people.models import (
    AccessGrant,
    Address,
    GrantedEntry,
    Relationship,
    RelationshipKind,
)
from safeguard.sharing import services
from safeguard.sharing.models import Consent, Decision, LawfulBasis, Purpose
from tests.factories import (
    ChronologyEventFactory,
    HouseholdMemberFactory,
    PersonFactory,
)
from tests.sharing.conftest import PASSWORD

REASON = "Child arrived at A&E with injuries, out of hours, need history"


def _share(by, person, agency, event_ids=(), **overrides):
    values = dict(
        by=by,
        person=person,
        recipient_agency=agency,
        purpose=Purpose.EARLY_HELP,
        decision=Decision.SHARE,
        consent=Consent.GIVEN,
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        judgement="The police need the review to plan a joint visit.",
        summary="One early help review.",
        event_ids=list(event_ids),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
    )
    values.update(overrides)
    return services.sharing_decision_record(**values)


@pytest.fixture
def record(pupil, school):
    """The whole record: a review to share, 17 other entries, a household, a relative, an address."""
    review = ChronologyEventFactory(
        person=pupil,
        agency=school,
        title="CHOSEN-early help review",
        detail="CHOSEN-DETAIL attendance improving",
        occurred_at=timezone.now() - dt.timedelta(days=1),
    )
    others = [
        ChronologyEventFactory(
            person=pupil,
            agency=school,
            title=f"NOT-CHOSEN-{n}",
            occurred_at=timezone.now() - dt.timedelta(days=2 + n),
        )
        for n in range(17)
    ]
    mother = PersonFactory(given_name="Marigold", family_name="Quartermaine")
    Relationship.objects.create(
        person=mother, other=pupil, kind=RelationshipKind.PARENT, parental_responsibility=True
    )
    member = HouseholdMemberFactory(person=pupil)
    HouseholdMemberFactory(person=mother, household=member.household)
    Address.objects.create(person=pupil, line_1="12 Secret Lane", postcode="YO1 7HH")
    return review, others


class TestThePoliceSeeOnlyTheSharedRecord:
    def test_the_grant_names_the_chosen_record_and_nothing_else(
        self, teacher, officer, pupil, police, record
    ):
        review, _others = record
        decision = _share(teacher, pupil, police, [review.pk])
        assert decision.grant.scope == AccessGrant.Scope.ENTRIES
        assert list(
            GrantedEntry.objects.filter(grant=decision.grant).values_list("event_id", flat=True)
        ) == [review.pk]
        assert can_view_person(officer, pupil)
        assert not can_view_whole_record(officer, pupil)
        assert [e.pk for e in chronology_visible_to(officer, pupil)] == [review.pk]

    def test_the_person_page_shows_identifying_details_and_that_record_only(
        self, teacher, officer, pupil, police, record, fast_signed_in
    ):
        review, _others = record
        _share(teacher, pupil, police, [review.pk])
        page = fast_signed_in(officer).get(reverse("people:detail", args=[pupil.pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "Zebedee" in body
        assert "Quartermaine" in body
        assert "CHOSEN-early help review" in body
        assert "CHOSEN-DETAIL" in body
        assert "NOT-CHOSEN" not in body
        assert "Marigold" not in body
        assert "12 Secret Lane" not in body
        assert "1 event." in body

    def test_side_pages_about_the_whole_record_are_not_found(
        self, teacher, officer, pupil, police, record, fast_signed_in
    ):
        review, _others = record
        _share(teacher, pupil, police, [review.pk])
        client = fast_signed_in(officer)
        for name in ("people:viewers", "sharing:person", "records:person", "people:edit"):
            assert client.get(reverse(name, args=[pupil.pk])).status_code == 404, name
        assert not can_edit_person(officer, pupil)

    def test_the_childs_early_help_episode_stays_closed_to_them(
        self, teacher, officer, pupil, police, record, fast_signed_in
    ):
        from safeguard.earlyhelp.models import Episode, EpisodeChild
        from safeguard.earlyhelp.selectors import can_view_episode

        review, _others = record
        episode = Episode.objects.create(
            reference="EH-CHOSEN-1",
            lead_agency=teacher.agency,
            opened_on=timezone.localdate(),
            opened_by=teacher,
        )
        EpisodeChild.objects.create(episode=episode, person=pupil, added_on=timezone.localdate())
        _share(teacher, pupil, police, [review.pk])
        assert can_view_episode(teacher, episode)
        assert not can_view_episode(officer, episode)
        page = fast_signed_in(officer).get(reverse("earlyhelp:detail", args=[episode.pk]))
        assert page.status_code == 404

    def test_a_share_with_no_records_gives_identifying_details_only(
        self, teacher, officer, pupil, police, record
    ):
        _share(teacher, pupil, police)
        basis = access_basis_detail(officer, pupil)
        assert basis is not None
        assert not basis.whole
        assert list(chronology_visible_to(officer, pupil)) == []

    def test_revoking_the_share_ends_even_the_chosen_record(
        self, teacher, officer, pupil, police, record
    ):
        review, _others = record
        decision = _share(teacher, pupil, police, [review.pk])
        services.sharing_grant_revoke(by=teacher, grant=decision.grant, reason="No longer needed")
        assert not can_view_person(officer, pupil)
        assert list(chronology_visible_to(officer, pupil)) == []

    def test_two_shares_add_up(self, teacher, officer, pupil, police, record):
        review, others = record
        _share(teacher, pupil, police, [review.pk])
        _share(teacher, pupil, police, [others[0].pk])
        assert {e.pk for e in chronology_visible_to(officer, pupil)} == {review.pk, others[0].pk}


class TestABreakGlassShareIsRefused:
    def test_emergency_access_cannot_pass_the_child_on(
        self, make_user, voluntary, officer, pupil, police, record
    ):
        nurse = make_user(Role.PRACTITIONER, agency=voluntary)
        review, _others = record
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        with pytest.raises(Forbidden):
            _share(nurse, pupil, police, [review.pk])
        assert not can_view_person(officer, pupil)
        assert not AccessGrant.objects.filter(agency=police).exists()
