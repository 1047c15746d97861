"""Fixtures for record linkage: a model trained once per test session on synthetic people."""

from __future__ import annotations

import pytest

from safeguard.records.linkage.model import TrainedModel, train
from safeguard.records.linkage.synthetic import SyntheticOptions, generate_records


@pytest.fixture(scope="session")
def synthetic_records():
    return generate_records(SyntheticOptions(people=2000, seed=11))


@pytest.fixture(scope="session")
def trained_model(synthetic_records) -> TrainedModel:
    return train(synthetic_records.drop(columns=["person_id", "household_id"]))


@pytest.fixture(autouse=True)
def _linkage_dir(tmp_path, monkeypatch):
    """Models saved by a test go to a temporary folder."""
    monkeypatch.setenv("SAFEGUARD_LINKAGE_DIR", str(tmp_path / "linkage"))
