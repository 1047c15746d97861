"""A rare name or postcode agreeing counts for more than a common one; other evidence a record holds."""

from __future__ import annotations

import pandas as pd

from safeguard.records.linkage.model import (
    TERM_FREQUENCY_COLUMNS,
    TrainedModel,
    explain_pair,
    predict_pairs,
)

CHILD = {
    "given_name": "Oliver",
    "date_of_birth": "2014-05-06",
    "sex": "M",
    "postcode": "LS6 2AB",
    "address": "12 Church Lane, Leeds",
}


def _family_weight(model, family_name):
    record = {**CHILD, "family_name": family_name}
    moved = {**record, "postcode": "BD7 1AA", "address": "3 Mill Lane, Bradford"}
    explanation = explain_pair(model, record, moved)
    return next(row for row in explanation if row.name == "family_name").match_weight, explanation


class TestTermFrequencyTables:
    def test_training_keeps_how_common_each_name_and_postcode_is(self, trained_model):
        tables = trained_model.term_frequencies
        assert set(tables) == set(TERM_FREQUENCY_COLUMNS)
        family = tables["family_name"]
        # The generator's commonest family name, and names far rarer than it.
        assert family["SMITH"] == max(family.values())
        rarest = min(family, key=family.__getitem__)
        assert 0 < family[rarest] < family["SMITH"] / 5
        assert 0.99 < sum(tables["given_name"].values()) <= 1.0 + 1e-9

    def test_the_tables_travel_with_the_saved_model(self, trained_model):
        again = TrainedModel.from_json(trained_model.to_json())
        assert again.term_frequencies == trained_model.term_frequencies


class TestTermFrequenciesUsed:
    def test_a_rare_family_name_agreeing_counts_for_more_than_a_common_one(self, trained_model):
        common, _ = _family_weight(trained_model, "Smith")
        rare, explanation = _family_weight(trained_model, "Greenwood")
        assert rare > common + 1  # more than twice the odds
        assert explanation.match_probability > 0

    def test_a_small_input_uses_the_models_frequencies_not_its_own(self, trained_model):
        # Two records alone would make every value look common (each is half the input).
        pair = [
            {"record_id": "a", "family_name": "Greenwood", **CHILD},
            {
                "record_id": "b",
                "family_name": "Greenwood",
                **CHILD,
                "postcode": "BD7 1AA",
                "address": "3 Mill Lane, Bradford",
            },
        ]
        scored = predict_pairs(pd.DataFrame(pair), model=trained_model, threshold=0.0)
        explained = explain_pair(trained_model, pair[0], pair[1])
        assert abs(scored["match_weight"].iloc[0] - explained.match_weight) < 0.01


class TestMoreEvidenceFromTheRecord:
    def test_a_previous_postcode_on_one_record_agrees_with_the_others_postcode(self, trained_model):
        old = {**CHILD, "family_name": "Smith"}
        moved = {**old, "postcode": "BD7 1AA", "address": "3 Mill Lane, Bradford"}
        without = explain_pair(trained_model, old, moved)
        with_history = explain_pair(trained_model, old, {**moved, "previous_postcodes": "LS6 2AB"})
        postcode = next(row for row in with_history if row.name == "postcode")
        assert postcode.label == "A previous postcode of one is the other's postcode"
        assert with_history.match_probability > without.match_probability

    def test_a_known_other_name_counts_as_the_given_name(self, trained_model):
        record = {**CHILD, "family_name": "Smith", "given_name": "Precious"}
        alias = {**record, "given_name": "Jade", "other_names": "Precious; PJ"}
        assert explain_pair(trained_model, record, {**record, "given_name": "Jade"}).family_rule
        explanation = explain_pair(trained_model, record, alias)
        assert not explanation.family_rule
        assert explanation.match_probability >= 0.9

    def test_two_neighbouring_letters_swapped_is_the_same_given_name(self, trained_model):
        noah = {**CHILD, "given_name": "Noah", "family_name": "Smith"}
        explanation = explain_pair(trained_model, noah, {**noah, "given_name": "Onah"})
        given = next(row for row in explanation if row.name == "given_name")
        assert given.label.startswith("Two neighbouring letters swapped")
        assert not explanation.family_rule
