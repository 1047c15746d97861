"""The national 3x5x2 grading and the order the network filters by."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.contextual.grading import (
    ASSESSMENTS,
    HIGHEST_RANK,
    LOWEST_RANK,
    SOURCES,
    grade_check,
    grade_choices,
    parse_pair,
    rank,
)
from safeguard.core.errors import InvalidRequest


class TestRank:
    def test_one_a_is_the_strongest_and_three_e_the_weakest(self):
        assert rank("1", "A") == HIGHEST_RANK == 15
        assert rank("3", "E") == LOWEST_RANK == 1

    def test_every_pair_has_its_own_place_in_the_order(self):
        ranks = {rank(s, a) for s in SOURCES for a in ASSESSMENTS}
        assert ranks == set(range(1, 16))

    def test_what_the_source_knows_leads_and_how_far_they_are_trusted_breaks_ties(self):
        assert rank("3", "A") > rank("1", "B")
        assert rank("1", "D") > rank("3", "D") > rank("1", "E")

    @settings(max_examples=30)
    @given(
        st.sampled_from(SOURCES),
        st.sampled_from(ASSESSMENTS),
        st.sampled_from(SOURCES),
        st.sampled_from(ASSESSMENTS),
    )
    def test_a_better_source_or_assessment_never_ranks_lower(self, s1, a1, s2, a2):
        if s1 <= s2 and a1 <= a2:  # "1" < "2", "A" < "B": smaller is better in both
            assert rank(s1, a1) >= rank(s2, a2)

    @pytest.mark.parametrize(
        ("source", "assessment"), [("4", "A"), ("1", "F"), ("", "A"), ("1", "")]
    )
    def test_a_grade_outside_the_scheme_is_refused(self, source, assessment):
        with pytest.raises(InvalidRequest):
            rank(source, assessment)


class TestGradeCheck:
    def test_a_complete_grade_reads_as_on_a_report(self):
        grade = grade_check(source="1", assessment="A", handling="P", conditions="")
        assert grade.code == "1-A-P"
        assert "Known directly to the source" in grade.words

    def test_handling_code_c_needs_its_conditions(self):
        with pytest.raises(InvalidRequest) as caught:
            grade_check(source="2", assessment="C", handling="C", conditions="  ")
        assert "conditions" in caught.value.errors["handling_conditions"]

    def test_conditions_are_kept_only_for_handling_code_c(self):
        assert (
            grade_check(
                source="2", assessment="C", handling="C", conditions="Police only"
            ).conditions
            == "Police only"
        )
        assert (
            grade_check(source="2", assessment="C", handling="P", conditions="ignored").conditions
            == ""
        )

    def test_every_missing_part_gets_its_own_message(self):
        with pytest.raises(InvalidRequest) as caught:
            grade_check(source="", assessment="Z", handling="Q", conditions="")
        assert set(caught.value.errors) == {"source_evaluation", "assessment", "handling_code"}


class TestChoices:
    def test_the_filter_lists_every_grade_strongest_first(self):
        values = [v for v, _ in grade_choices()]
        assert values[0] == "1-A"
        assert values[-1] == "3-E"
        assert len(values) == 15

    def test_a_pair_is_read_back_or_refused(self):
        assert parse_pair("2-b") == ("2", "B")
        with pytest.raises(InvalidRequest):
            parse_pair("9-Z")
