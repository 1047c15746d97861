"""Reference numbers: unique, unguessable, and their check character catches typing mistakes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.references import (
    ALPHABET,
    canonical,
    format_reference,
    is_valid,
    reference_issue,
)

bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


class TestCheckCharacter:
    @given(bodies)
    def test_a_formatted_reference_is_valid(self, body):
        assert is_valid(format_reference("MASH", body))

    @given(bodies, st.integers(min_value=0, max_value=7), st.sampled_from(ALPHABET))
    def test_any_single_mistyped_character_is_caught(self, body, position, replacement):
        if body[position] == replacement:
            return
        good = format_reference("MASH", body)
        typo_body = body[:position] + replacement + body[position + 1 :]
        typo = good.replace(f"{body[:4]}-{body[4:]}", f"{typo_body[:4]}-{typo_body[4:]}")
        assert not is_valid(typo)

    @given(bodies, st.integers(min_value=0, max_value=6))
    def test_swapping_two_neighbouring_characters_is_caught(self, body, position):
        if body[position] == body[position + 1]:
            return
        swapped = body[:position] + body[position + 1] + body[position] + body[position + 2 :]
        good = format_reference("MASH", body)
        bad = good.replace(f"{body[:4]}-{body[4:]}", f"{swapped[:4]}-{swapped[4:]}")
        assert not is_valid(bad)

    def test_lower_case_spaces_and_confusable_letters_are_read_kindly(self):
        ref = format_reference("POL", "0123ABCD")
        typed = ref.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert canonical(typed) == ref

    @given(st.text(max_size=40))
    def test_arbitrary_text_never_crashes(self, text):
        assert is_valid(text) in (True, False)


@pytest.mark.django_db
class TestReferenceIssue:
    def test_references_are_unique_and_not_sequential(self):
        issued = [reference_issue(prefix="MASH", kind="contact") for _ in range(200)]
        assert len(set(issued)) == 200
        assert all(is_valid(r) for r in issued)
        assert issued != sorted(issued)

    def test_a_bad_prefix_is_refused(self):
        with pytest.raises(ValueError, match="prefix"):
            reference_issue(prefix="m1", kind="contact")
