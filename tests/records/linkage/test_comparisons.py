"""Comparisons added for recall, and the generator's slips and short moves they are measured on.

Dates of birth with neighbouring digits swapped; blocking that still compares a moved child
with slips in the names in large inputs.
"""

from __future__ import annotations

import random

import pandas as pd

from safeguard.records.linkage import model as linkage_model
from safeguard.records.linkage.cleaning import parse_date
from safeguard.records.linkage.model import FAMILY_RULE_CAP, explain_pair, predict_pairs
from safeguard.records.linkage.synthetic import (
    SyntheticOptions,
    _dob_slip,
    _new_postcode,
    generate_households,
    generate_records,
    name_pools,
)

WILLIAM = {
    "given_name": "William",
    "family_name": "Greenwood",
    "sex": "M",
    "date_of_birth": "21/11/2010",
    "postcode": "LS6 2AB",
    "address": "12 Church Lane, Leeds",
}


def _level(explanation, name: str) -> str:
    return next(row for row in explanation if row.name == name).label


class TestNeighbouringDigitsSwapped:
    def test_a_day_typed_with_its_digits_swapped_is_the_same_child(self, trained_model):
        typed = {**WILLIAM, "date_of_birth": "12/11/2010"}
        explanation = explain_pair(trained_model, WILLIAM, typed)
        assert _level(explanation, "date_of_birth") == (
            "Two neighbouring digits swapped (2012 and 2021)"
        )
        assert not explanation.family_rule
        assert explanation.match_probability >= 0.9

    def test_a_year_typed_with_its_digits_swapped_and_a_nickname_is_still_linked(
        self, trained_model
    ):
        # Two digits different would count as a disagreement with a nickname (siblings
        # are born a year or so apart); a swap of neighbouring digits is a typing slip.
        typed = {**WILLIAM, "given_name": "Bill", "date_of_birth": "21/11/2001"}
        explanation = explain_pair(trained_model, WILLIAM, typed)
        assert _level(explanation, "date_of_birth") == (
            "Two neighbouring digits swapped (2012 and 2021)"
        )
        assert not explanation.family_rule
        assert explanation.match_probability >= 0.5

    def test_a_swap_weighs_less_than_the_same_date_and_more_than_another_date(self, trained_model):
        weights = {
            row["level"]: row["match_weight"]
            for row in trained_model.match_weights()
            if row["comparison"] == "date_of_birth"
        }
        swapped = weights["Two neighbouring digits swapped (2012 and 2021)"]
        assert weights["Different dates of birth"] < swapped < weights["The same date of birth"]

    def test_a_brother_born_on_a_date_with_swapped_digits_is_not_linked(self, trained_model):
        brother = {**WILLIAM, "given_name": "Harry", "date_of_birth": "12/11/2010"}
        explanation = explain_pair(trained_model, WILLIAM, brother)
        assert explanation.family_rule
        assert explanation.match_probability <= FAMILY_RULE_CAP


class TestBlockingAMovedChildInALargeInput:
    """Pairs that must still be compared in inputs over 100,000 records.

    Those inputs leave out the loose blocking rules (date of birth alone, both name sounds,
    the address).
    """

    OSCAR = {
        "record_id": "A1",
        "given_name": "Oscar",
        "family_name": "Smith",
        "sex": "M",
        "date_of_birth": "2006-03-23",
        "postcode": "LS2 9BW",
        "address": "4 Mill Lane, Leeds",
    }

    def _compared(self, trained_model, monkeypatch, moved: dict) -> set[str]:
        monkeypatch.setattr(linkage_model, "LARGE_INPUT_ROWS", 0)  # as if over 100,000
        others = [
            {**self.OSCAR, "record_id": f"B{n}", "given_name": name, "date_of_birth": born}
            for n, (name, born) in enumerate(
                [("Harry", "2009-01-02"), ("Lucy", "2011-05-06"), ("Isla", "2004-08-30")]
            )
        ]
        records = pd.DataFrame([self.OSCAR, moved, *others])
        pairs = predict_pairs(records, model=trained_model, threshold=0.0)
        return {f"{a}-{b}" for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)} | {
            f"{b}-{a}" for a, b in zip(pairs["left_id"], pairs["right_id"], strict=True)
        }

    def test_moved_within_the_district_with_slips_in_both_names(self, trained_model, monkeypatch):
        moved = {
            **self.OSCAR,
            "record_id": "A2",
            "given_name": "Ocsar",
            "family_name": "Smsith",
            "postcode": "LS2 4QT",
            "address": "77 Oak Drive, Leeds",
        }
        assert "A1-A2" in self._compared(trained_model, monkeypatch, moved)

    def test_moved_away_with_another_sound_of_the_family_name(self, trained_model, monkeypatch):
        moved = {
            **self.OSCAR,
            "record_id": "A2",
            "family_name": "Snith",
            "postcode": "YO7 3RR",
            "address": "9 Elm Grove, York",
        }
        assert "A1-A2" in self._compared(trained_model, monkeypatch, moved)

    def test_moved_away_known_by_a_double_barrelled_family_name(self, trained_model, monkeypatch):
        moved = {
            **self.OSCAR,
            "record_id": "A2",
            "given_name": "Oskar",
            "family_name": "Smith-Lynch",
            "postcode": "YO7 3RR",
            "address": "9 Elm Grove, York",
        }
        assert "A1-A2" in self._compared(trained_model, monkeypatch, moved)


class TestGeneratedDataEntrySlips:
    def test_a_digit_slip_gives_another_real_date_one_digit_away(self):
        rng = random.Random(4)
        born = pd.Timestamp("2012-03-14")
        for _ in range(50):
            slipped = _dob_slip(rng, born, transpose=False)
            before, after = born.strftime("%Y%m%d"), slipped.strftime("%Y%m%d")
            assert sum(a != b for a, b in zip(before, after, strict=True)) == 1

    def test_a_transposition_swaps_two_neighbouring_digits(self):
        rng = random.Random(5)
        born = pd.Timestamp("2012-03-14")
        for _ in range(50):
            after = _dob_slip(rng, born, transpose=True).strftime("%Y%m%d")
            differ = [i for i, (a, b) in enumerate(zip("20120314", after, strict=True)) if a != b]
            assert len(differ) == 2
            assert differ[1] == differ[0] + 1
            assert 1900 <= int(after[:4]) <= 2026

    def test_most_moves_stay_in_the_postcode_area_and_a_third_in_the_district(self):
        rng = random.Random(6)
        options = SyntheticOptions()
        moves = [_new_postcode(rng, "LS6 2AB", options) for _ in range(4000)]
        same_district = sum(nearby for _, nearby in moves) / len(moves)
        same_area = sum(postcode.startswith("LS") for postcode, _ in moves) / len(moves)
        assert 0.30 < same_district < 0.38
        assert 0.64 < same_area < 0.76  # 68%, plus moves "anywhere" that land in LS

    def test_moves_can_be_spread_anywhere_as_before(self):
        rng = random.Random(7)
        options = SyntheticOptions(move_within_district_rate=0, move_within_area_rate=0)
        moves = [_new_postcode(rng, "LS6 2AB", options) for _ in range(2000)]
        assert sum(postcode.startswith("LS") for postcode, _ in moves) / len(moves) < 0.2

    def test_second_records_carry_date_slips_at_the_rates_asked(self):
        records = generate_records(
            SyntheticOptions(people=3000, dob_digit_slip_rate=0.2, dob_transposition_rate=0.0)
        )
        born = records["date_of_birth"].map(parse_date)
        by_person = born.groupby(records["person_id"])
        changed = (by_person.nunique() > 1).sum() / (records["person_id"].value_counts() == 2).sum()
        assert 0.2 < changed < 0.45  # swaps, a year out and the slips


class TestNamesAsCommonAsTheyReallyAre:
    """The generator's names follow published shares for England and Wales."""

    def test_family_names_have_a_long_tail_with_smith_the_commonest(self):
        names, shares = name_pools("realistic")["family"]
        assert names[0] == "Smith"
        assert 0.011 < shares[0] < 0.014  # 1.2 to 1.4% of people
        assert 0.30 < shares[:250].sum() < 0.40
        assert len(set(names)) == len(names) > 20_000
        assert abs(shares.sum() - 1) < 1e-9
        assert (shares[1:] <= shares[:-1] + 1e-15).all()  # ever rarer

    def test_given_names_top_ten_are_thirteen_percent_and_top_hundred_half(self):
        for sex in ("boys", "girls"):
            names, shares = name_pools("realistic")[sex]
            assert abs(shares[:10].sum() - 0.13) < 1e-6
            assert abs(shares[:100].sum() - 0.50) < 1e-6
            assert len(set(names)) == len(names) > 12_000
        boys, girls = name_pools()["boys"][0], name_pools()["girls"][0]
        assert not set(boys) & set(girls)

    def test_generated_people_share_names_far_less_often_than_the_narrow_spread(self):
        def people_sharing_both_names(spread):
            people = generate_households(SyntheticOptions(people=20_000, names=spread, seed=3))
            counts = people.groupby(["given_name", "family_name"]).size()
            return int((counts * (counts - 1) // 2).sum())

        assert people_sharing_both_names("realistic") * 10 < people_sharing_both_names("narrow")

    def test_second_records_under_another_name_leave_it_on_the_first_record(self):
        records = generate_records(SyntheticOptions(people=3000, other_name_rate=0.5, seed=4))
        known = records[records["other_names"].notna()]
        assert 100 < len(known) < 200  # half of the 300 second records
        for _, first in known.head(20).iterrows():
            second = records[
                (records["person_id"] == first["person_id"])
                & (records["record_id"] != first["record_id"])
            ]
            assert second["given_name"].tolist() == [first["other_names"]]
        unrecorded = generate_records(
            SyntheticOptions(people=3000, other_name_rate=0.5, other_names_on_record=False, seed=4)
        )
        assert unrecorded["other_names"].isna().all()
        assert (unrecorded["given_name"] != records["given_name"]).sum() == 0

    def test_an_unknown_spread_is_refused(self):
        import pytest

        with pytest.raises(ValueError, match="Unknown name spread"):
            name_pools("wide")


class TestAShortMove:
    def test_a_move_within_the_postcode_area_counts_for_more_than_one_elsewhere(
        self, trained_model
    ):
        child = {
            "given_name": "Harriet",
            "family_name": "Greenwood",
            "date_of_birth": "2014-05-06",
            "sex": "F",
            "postcode": "LS6 2AB",
            "address": "12 Church Lane, Leeds",
        }
        nearby = {**child, "postcode": "LS17 5QT", "address": "4 Mill Lane, Leeds"}
        far = {**child, "postcode": "YO8 5QT", "address": "4 Mill Lane, York"}
        near_pair = explain_pair(trained_model, child, nearby)
        far_pair = explain_pair(trained_model, child, far)
        postcode = {row.name: row for row in near_pair}["postcode"]
        assert postcode.label == "The same postcode area"
        assert near_pair.match_weight > far_pair.match_weight
