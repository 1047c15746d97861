"""Thresholds are chosen from measured precision and recall, never from a guess."""

from __future__ import annotations

import numpy as np
import pandas as pd

from safeguard.records.linkage.calibration import (
    choose,
    curve,
    curve_table,
    pair_truth,
    true_pair_count,
)


def _scored(true_scores, false_scores):
    probabilities = np.array(true_scores + false_scores, dtype=float)
    truth = np.array([True] * len(true_scores) + [False] * len(false_scores))
    return probabilities, truth


class TestCurve:
    def test_precision_and_recall_at_each_threshold(self):
        probabilities, truth = _scored([0.99, 0.95, 0.6, 0.3], [0.7, 0.2])
        points = curve(probabilities, truth, total_true=5, thresholds=(0.25, 0.5, 0.9))
        assert [(p.pairs, p.true_pairs) for p in points] == [(5, 4), (4, 3), (2, 2)]
        assert points[1].precision == 0.75
        assert points[2].recall == 0.4

    def test_truth_comes_from_the_generators_person_ids(self):
        person_of = pd.Series({"R1": 1, "R2": 1, "R3": 2, "R4": 1})
        pairs = pd.DataFrame({"left_id": ["R1", "R1"], "right_id": ["R2", "R3"]})
        assert pair_truth(pairs, person_of).tolist() == [True, False]
        assert true_pair_count(person_of) == 3  # R1-R2, R1-R4, R2-R4


class TestChoose:
    def test_links_automatically_only_where_precision_is_at_least_0_999_with_confidence(self):
        # 10,000 true pairs scored 0.95 and above; 30 strangers at 0.85, 8 at 0.92.
        true_scores = list(np.linspace(0.95, 1.0, 10_000)) + [0.5] * 200
        probabilities, truth = _scored(true_scores, [0.85] * 30 + [0.92] * 8 + [0.1] * 1000)
        points = curve(
            probabilities, truth, total_true=10_300, thresholds=(0.05, 0.5, 0.8, 0.9, 0.95)
        )
        chosen = choose(points)
        # At 0.9 precision is 0.9992, but 8 wrong pairs in 10,008 could be luck: not safe enough.
        assert chosen.automatic == 0.95
        assert chosen.automatic_precision_lower_bound >= 0.999
        # Below 0.5 a person would see 1,000 strangers for 200 true pairs: not worth asking.
        assert chosen.review == 0.5
        table = curve_table(points, chosen)
        assert "| 0.95 (automatic) |" in table
        assert "| 0.5 (review) |" in table
