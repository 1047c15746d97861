import datetime as dt

import pytest

from safeguard.people.search import name_key, parse_query
from safeguard.people.selectors import person_search
from safeguard.records.models import AgencyRecord, LinkStatus
from safeguard.records.services import person_merge
from tests.factories import InvolvementFactory, PersonFactory


@pytest.fixture
def ellie(practitioner, police):
    child = PersonFactory(
        given_name="Elizabeth", family_name="Ackroyd", date_of_birth=dt.date(2012, 6, 1)
    )
    InvolvementFactory(person=child, agency=practitioner.agency)
    for ref, given, family in (("P1", "Lottie", "Ackroyd"), ("P2", "Elizabeth", "Hardcastle")):
        AgencyRecord.objects.create(
            agency=police,
            agency_record_id=ref,
            given_name=given,
            family_name=family,
            person=child,
            link_status=LinkStatus.AUTO_LINKED,
            content_hash=ref,
            given_name_key=name_key(given),
            family_name_key=name_key(family),
        )
    return child


class TestSearchThroughLinkedRecords:
    def test_a_nickname_held_only_by_another_agency_finds_the_child(self, practitioner, ellie):
        results = person_search(user=practitioner, query=parse_query("Lottie Ackroyd"))
        assert [r.person for r in results] == [ellie]
        assert "North Yorkshire Police" in results[0].matched_on

    def test_an_old_surname_finds_the_child(self, practitioner, ellie):
        results = person_search(user=practitioner, query=parse_query("Elizabeth Hardcastle"))
        assert [r.person for r in results] == [ellie]

    def test_linked_records_do_not_widen_who_you_can_see(self, make_user, ellie):
        stranger = make_user()
        assert person_search(user=stranger, query=parse_query("Lottie Ackroyd")) == []

    def test_a_merged_away_person_is_not_listed_twice(self, practitioner, mash_worker, ellie):
        dup = PersonFactory(given_name="Elizabeth", family_name="Ackroyd")
        InvolvementFactory(person=dup, agency=practitioner.agency)
        assert len(person_search(user=practitioner, query=parse_query("Elizabeth Ackroyd"))) == 2
        person_merge(by=mash_worker, survivor=ellie, merged=dup)
        assert [
            r.person
            for r in person_search(user=practitioner, query=parse_query("Elizabeth Ackroyd"))
        ] == [ellie]

    def test_search_stays_bounded_in_queries(
        self, practitioner, ellie, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(6):
            person_search(user=practitioner, query=parse_query("Lottie"))
