"""The Spark engine on a small file (slow: run in the SQLite pass only)."""

from __future__ import annotations

import shutil

import pytest
from django.db import connection

from safeguard.records.linkage.model import dedupe

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "postgresql",
        reason="Spark is slow: its test runs once, in the SQLite pass.",
    ),
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="Java is not installed here, so the Spark engine cannot start.",
    ),
]


def test_spark_engine_clusters_like_duckdb(trained_model, synthetic_records):
    sample = synthetic_records.sort_values("person_id").head(80)
    records = sample.drop(columns=["person_id", "household_id"])
    on_spark = dedupe(records, model=trained_model, engine="spark")
    on_duckdb = dedupe(records, model=trained_model, engine="duckdb")
    assert sorted(on_spark["record_id"]) == sorted(records["record_id"])
    merged = on_spark.merge(on_duckdb, on="record_id", suffixes=("_spark", "_duckdb"))
    assert (merged["cluster_id_spark"] == merged["cluster_id_duckdb"]).all()
    truth = sample.set_index("record_id")["person_id"]
    duplicates = on_spark.groupby("cluster_id")["record_id"].apply(lambda ids: truth[ids].nunique())
    assert (duplicates == 1).all()
    assert on_spark["cluster_id"].nunique() < len(records)
