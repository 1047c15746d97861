"""Linking compares an agency's record with everything the person's record holds about them."""

import datetime as dt

from safeguard.people.models import Address, OtherName
from safeguard.records.services import records_import_file
from tests.factories import PersonFactory

from .conftest import StandInScorer
from .helpers import csv_bytes


class WatchingScorer(StandInScorer):
    """The stand-in engine, remembering the known people it was asked to compare with."""

    def score(self, left, right, *, threshold):
        self.known = right.set_index("record_id")
        return super().score(left, right, threshold=threshold)


class TestThePersonsHistory:
    def test_previous_postcodes_and_other_names_reach_the_engine(self, mash_worker, police):
        child = PersonFactory(
            given_name="Precious",
            family_name="Okafor",
            date_of_birth=dt.date(2014, 5, 6),
            current_postcode="BD7 1AA",
        )
        Address.objects.create(person=child, line_1="3 Mill Lane", postcode="BD7 1AA")
        Address.objects.create(
            person=child,
            line_1="12 Church Lane",
            postcode="LS6 2AB",
            moved_out=dt.date(2023, 1, 1),
        )
        OtherName.objects.create(person=child, given_name="Jade", family_name="Okafor")
        scorer = WatchingScorer()
        records_import_file(
            by=mash_worker,
            agency=police,
            file_name="x.csv",
            content=csv_bytes(
                [["N1", "Jade", "Okafor", "06/05/2014", "F", "12 Church Lane", "LS6 2AB", ""]]
            ),
            scorer=scorer,
        )
        known = scorer.known.loc[f"p:{child.pk}"]
        assert known["postcode"] == "BD7 1AA"
        assert known["previous_postcodes"] == "LS6 2AB"
        assert known["other_names"] == "Jade"
