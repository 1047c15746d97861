"""Choosing the automatic-link and review thresholds from measured precision and recall.

Generated records come with the truth (which records are one person), so every
threshold can be measured: of the pairs at or above it, how many are really one person
(precision) and how many of the true pairs it finds (recall). The automatic threshold is
the lowest at which precision, there and at every higher threshold, is at least
:data:`AUTOMATIC_PRECISION` with 95% confidence (the one-sided Clopper-Pearson lower
bound, so that four wrong pairs in 8,000 do not pass for 0.9995 by luck); below it
pairs go to a person, down to the lowest threshold
at which the pairs a person would see are still worth their time (at least
:data:`REVIEW_BAND_PRECISION` of them true).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: A pair is linked without a person only where measured precision is at least this.
AUTOMATIC_PRECISION = 0.999
#: Confidence that precision at the automatic threshold is at least AUTOMATIC_PRECISION.
CONFIDENCE = 0.95
#: The lowest share of true matches among the pairs a person reviews that is worth asking.
REVIEW_BAND_PRECISION = 0.2
#: The thresholds measured (probabilities), from loose to strict.
THRESHOLDS: tuple[float, ...] = (
    0.05,
    0.1,
    0.2,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.8,
    0.85,
    0.9,
    0.95,
    0.98,
    0.99,
    0.995,
    0.999,
    0.9999,
)


@dataclass(frozen=True)
class CurvePoint:
    """Precision and recall of the pairs at or above one threshold."""

    threshold: float
    pairs: int
    true_pairs: int
    precision: float
    recall: float

    @property
    def false_pairs(self) -> int:
        """Pairs at or above the threshold that are two different people."""
        return self.pairs - self.true_pairs

    @property
    def precision_lower_bound(self) -> float:
        """Precision is at least this with :data:`CONFIDENCE` (one-sided Clopper-Pearson)."""
        if not self.pairs:
            return 0.0
        if self.true_pairs == 0:
            return 0.0
        from scipy.stats import beta

        return float(beta.ppf(1 - CONFIDENCE, self.true_pairs, self.false_pairs + 1))


@dataclass(frozen=True)
class Thresholds:
    """The chosen thresholds and what was measured at them."""

    automatic: float
    review: float
    automatic_precision: float
    automatic_precision_lower_bound: float
    automatic_recall: float
    review_recall: float


def pair_truth(pairs: pd.DataFrame, person_of: pd.Series) -> np.ndarray:
    """Whether each scored pair (left_id, right_id) is one person, by the generator's truth."""
    left = person_of.reindex(pairs["left_id"].astype(str)).to_numpy()
    right = person_of.reindex(pairs["right_id"].astype(str)).to_numpy()
    return np.asarray(left == right, dtype=bool)


def true_pair_count(person_of: pd.Series) -> int:
    """How many pairs of records are one person (every pair within each person)."""
    sizes = person_of.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def curve(
    probabilities: np.ndarray,
    is_true: np.ndarray,
    total_true: int,
    thresholds: tuple[float, ...] = THRESHOLDS,
) -> list[CurvePoint]:
    """Precision and recall at each threshold, for pairs scored with known truth."""
    points = []
    for threshold in thresholds:
        chosen = probabilities >= threshold
        pairs = int(chosen.sum())
        true_pairs = int((chosen & is_true).sum())
        points.append(
            CurvePoint(
                threshold=threshold,
                pairs=pairs,
                true_pairs=true_pairs,
                precision=true_pairs / pairs if pairs else 1.0,
                recall=true_pairs / total_true if total_true else 0.0,
            )
        )
    return points


def choose(
    points: list[CurvePoint],
    *,
    automatic_precision: float = AUTOMATIC_PRECISION,
    review_band_precision: float = REVIEW_BAND_PRECISION,
) -> Thresholds:
    """The automatic and review thresholds a measured curve supports."""
    ordered = sorted(points, key=lambda point: point.threshold)
    automatic = ordered[-1]
    for position, point in enumerate(ordered):
        if all(p.precision_lower_bound >= automatic_precision for p in ordered[position:]):
            automatic = point
            break
    review = automatic
    for point in ordered:
        if point.threshold >= automatic.threshold:
            break
        band_pairs = point.pairs - automatic.pairs
        band_true = point.true_pairs - automatic.true_pairs
        if band_pairs and band_true / band_pairs >= review_band_precision:
            review = point
            break
    return Thresholds(
        automatic=automatic.threshold,
        review=review.threshold,
        automatic_precision=automatic.precision,
        automatic_precision_lower_bound=automatic.precision_lower_bound,
        automatic_recall=automatic.recall,
        review_recall=review.recall,
    )


def curve_table(points: list[CurvePoint], chosen: Thresholds | None = None) -> str:
    """The curve as a Markdown table (for docs/linkage.md and the benchmark's output)."""
    lines = [
        "| Threshold | Pairs at or above | Of them two different people | Precision "
        "| Precision at least (95%) | Recall |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for point in points:
        mark = ""
        if chosen is not None and point.threshold == chosen.automatic:
            mark = " (automatic)"
        elif chosen is not None and point.threshold == chosen.review:
            mark = " (review)"
        lines.append(
            f"| {point.threshold:g}{mark} | {point.pairs:,} | {point.false_pairs:,} | "
            f"{point.precision:.5f} | {point.precision_lower_bound:.5f} | {point.recall:.4f} |"
        )
    return "\n".join(lines)
