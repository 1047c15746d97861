"""Ask the linkage engine how likely two records are to be the same person.

The product always uses the Splink engine in ``safeguard.records.linkage``
(trained by expectation-maximisation and stored as a :class:`LinkageModel`).
Tests replace :func:`get_scorer` with a small deterministic stand-in.
"""

from __future__ import annotations

import importlib
import math
from typing import Any, Protocol

import pandas as pd
from django.db import transaction

from safeguard.people.models import Person

from .models import AgencyRecord, LinkageModel

ENGINE_COLUMNS = [
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "nhs_number",
    "previous_postcodes",
    "other_names",
]
MIN_TRAINING_ROWS = 50
COMPARISON_NAMES = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
    "nhs_number": "NHS number",
}


class LinkageUnavailable(RuntimeError):
    """The linkage engine cannot score records (not installed, or too little data to train)."""


class Scorer(Protocol):
    """What linking needs from an engine: pair scores and a per-comparison explanation."""

    version: str

    def score(self, left: pd.DataFrame, right: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
        """Pairs ``left_id, right_id, match_probability, match_weight`` at or above ``threshold``."""
        ...

    def explain(self, left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, Any]]:
        """Why two records match: ``[{"comparison", "label", "weight"}]``, strongest first."""
        ...


def record_row(record: AgencyRecord, record_id: str) -> dict[str, Any]:
    """An agency record as an engine input row."""
    return {
        "record_id": record_id,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "date_of_birth": record.date_of_birth.isoformat()
        if record.date_of_birth
        else record.date_of_birth_text,
        "sex": record.sex if record.sex != "unknown" else "",
        "postcode": record.postcode,
        "address": record.address,
        "nhs_number": record.nhs_number,
    }


def person_row(
    person: Person,
    record_id: str,
    address: str = "",
    *,
    previous_postcodes: list[str] | None = None,
    other_names: list[str] | None = None,
) -> dict[str, Any]:
    """A person as an engine input row, with the previous postcodes and other names we hold.

    A child who moved is still found by an agency that holds the old address, and a
    child known by another name by an agency that uses it.
    """
    return {
        "record_id": record_id,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex if person.sex != "unknown" else "",
        "postcode": person.current_postcode,
        "address": address,
        "nhs_number": person.nhs_number,
        "previous_postcodes": "; ".join(previous_postcodes or []),
        "other_names": "; ".join(other_names or []),
    }


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a frame with exactly the engine's columns, as text."""
    df = pd.DataFrame(rows, columns=ENGINE_COLUMNS)
    return df.fillna("").astype(str)


def _engine() -> Any:
    try:
        engine = importlib.import_module("safeguard.records.linkage.model")
    except ImportError as exc:  # pragma: no cover - the engine ships with the product
        raise LinkageUnavailable("The record linkage engine is not installed") from exc
    return engine


class EngineScorer:
    """The Splink engine with the newest stored model."""

    def __init__(self, model: Any, version: str) -> None:
        self.model = model
        self.version = version

    def score(self, left: pd.DataFrame, right: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
        """Score every left record against every right record the blocking rules pair."""
        if left.empty or right.empty:
            return pd.DataFrame(
                columns=["left_id", "right_id", "match_probability", "match_weight"]
            )
        pairs = _engine().predict_pairs(left, right, model=self.model, threshold=threshold)
        return pairs

    def explain(self, left: dict[str, Any], right: dict[str, Any]) -> list[dict[str, Any]]:
        """The engine's match weights for one pair, as rows to show beside the records."""
        return normalise_explanation(_engine().explain_pair(self.model, left, right))


def _finite(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(number):
        return 0.0
    return max(-99.0, min(99.0, number))


def normalise_explanation(raw: Any) -> list[dict[str, Any]]:
    """Turn the engine's explanation into display rows: comparison, what was found, weight.

    Accepts the engine's ``PairExplanation`` (rows of ``ComparisonWeight``), a frame,
    or a list of dicts. The first row is the starting point before any comparison.
    """
    rows: list[dict[str, Any]] = []
    prior = getattr(raw, "prior_match_weight", None)
    if prior is not None:
        rows.append(
            {
                "comparison": "starting point",
                "label": "How likely two records picked at random are the same person",
                "weight": round(_finite(prior), 2),
            }
        )
    items: Any = getattr(raw, "rows", raw)
    if isinstance(items, pd.DataFrame):
        items = items.to_dict("records")
    for item in items or []:
        if isinstance(item, dict):
            name = item.get("comparison") or item.get("name") or ""
            label = item.get("label") or ""
            weight = item.get("weight", item.get("match_weight", 0.0))
        else:
            name = getattr(item, "name", "")
            label = getattr(item, "label", "")
            weight = getattr(item, "match_weight", 0.0)
        rows.append(
            {
                "comparison": COMPARISON_NAMES.get(str(name), str(name).replace("_", " ")),
                "label": str(label),
                "weight": round(_finite(weight), 2),
            }
        )
    if getattr(raw, "family_rule", False):
        rows.append(
            {
                "comparison": "family rule",
                "label": "Given name or date of birth disagree: brothers, sisters and twins are "
                "not linked on what they share",
                "weight": 0.0,
            }
        )
    return rows


def training_frame() -> pd.DataFrame:
    """Every current person and every agency record, as one frame to train on."""
    rows = [
        person_row(p, f"p:{p.pk}")
        for p in Person.objects.filter(merged_into__isnull=True).only(
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "current_postcode",
            "nhs_number",
        )
    ]
    rows += [record_row(r, f"r:{r.pk}") for r in AgencyRecord.objects.all()]
    return frame(rows)


def linkage_model_train() -> LinkageModel:
    """Train a new model by expectation-maximisation on what the partnership holds, and store it."""
    df = training_frame()
    if len(df) < MIN_TRAINING_ROWS:
        raise LinkageUnavailable(
            f"Too few records to train the linkage model ({len(df)}; at least {MIN_TRAINING_ROWS})"
        )
    trained = _engine().train(df)
    with transaction.atomic():
        version = str(getattr(trained, "version", "") or f"v{LinkageModel.objects.count() + 1}")
        stored, _ = LinkageModel.objects.update_or_create(
            version=version[:60], defaults={"model_json": trained.to_json(), "trained_on": len(df)}
        )
    return stored


def current_model() -> LinkageModel:
    """The newest stored model, training one first if there is none."""
    stored = LinkageModel.objects.order_by("-created_at", "-pk").first()
    return stored if stored is not None else linkage_model_train()


def get_scorer() -> Scorer:
    """The scorer the product uses: the Splink engine with the newest model."""
    stored = current_model()
    engine = _engine()
    try:
        model = engine.TrainedModel.from_json(stored.model_json)
    except ValueError:
        # The stored model was trained for an older set of comparisons: train a new one.
        stored = linkage_model_train()
        model = engine.TrainedModel.from_json(stored.model_json)
    return EngineScorer(model, stored.version)
