"""The meaningful measures catalogue and the comparison file checks (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from safeguard.insight.comparison import ComparisonRefused, parse_comparison
from safeguard.insight.measures import BY_KEY, CATALOGUE, ENTERED, P, by_p, data_set_keys
from safeguard.insight.types import Source


class TestTheCatalogue:
    def test_each_of_the_four_ps_has_measures_from_the_record_and_entered(self):
        groups = dict(by_p())

        assert list(groups) == [P.PREPARE, P.PREVENT, P.PROTECT, P.PURSUE]
        for p, measures in groups.items():
            assert measures, p
        sources = {m.source for m in CATALOGUE}
        assert sources == {Source.RECORD, Source.ENTERED}

    def test_a_record_measure_names_its_data_set_key_and_an_entered_one_does_not(self):
        for measure in CATALOGUE:
            if measure.entered:
                assert measure.data_key == "", measure.key
            else:
                assert measure.data_key.count(".") == 1, measure.key
                assert measure.data_key in data_set_keys()

    def test_the_appendixs_survey_website_and_audit_measures_are_entered(self):
        for key in (
            "prepare.young_people_knowledge",
            "prepare.website_visits",
            "prepare.newsletter_subscriptions",
            "prepare.training_implemented",
            "prevent.child_protection_plans",
            "protect.sharing_audits",
            "pursue.disruption_audits",
        ):
            assert BY_KEY[key] in ENTERED
        assert BY_KEY["prevent.missing_episodes"].data_key == "missing.episodes"
        assert BY_KEY["pursue.networks_disrupted"].data_key == "contextual.figures"


class TestComparisonParsing:
    def test_a_good_file_gives_rows_with_periods_read_and_numbers_rounded(self):
        rows = parse_comparison(
            b"\xef\xbb\xbfmeasure_key,period,area,value\nmissing.episodes,2026/27,England,1.005\n",
            known_keys={"missing.episodes"},
        )

        assert [(r.measure_key, r.period, r.area, r.value) for r in rows] == [
            ("missing.episodes", "2026-27", "England", Decimal("1.00"))
        ]

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The file is empty."),
            (b"measure key,period,area,value\n", "The file has a header but no figures."),
            (b"\x00\x01binary", "The file must be a CSV file (text with commas)."),
            (
                b"measure key,period,area,value\nmissing.episodes,2026Q3,England\n",
                "Row 2: it must have 4 values, it has 3.",
            ),
            (
                b"measure key,period,area,value\nmissing.episodes,2026Q3,,nan\n",
                "Row 2: the area must be named (at most 100 characters); the value 'nan' is not a number.",
            ),
        ],
    )
    def test_bad_files_are_refused_with_a_sentence(self, content, message):
        with pytest.raises(ComparisonRefused) as refused:
            parse_comparison(content, known_keys={"missing.episodes"})

        assert message in refused.value.problems
