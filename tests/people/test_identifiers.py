"""NHS numbers (modulus 11), Unique Pupil Numbers (check letter) and postcodes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from safeguard.people.identifiers import (
    format_nhs_number,
    is_valid_nhs_number,
    is_valid_postcode,
    is_valid_upn,
    nhs_check_digit,
    normalise_postcode,
    postcode_district,
    postcode_sector,
    upn_check_letter,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


class TestNhsNumber:
    def test_the_nhs_example_number_is_valid(self):
        assert is_valid_nhs_number("943 476 5919")
        assert format_nhs_number("9434765919") == "943 476 5919"

    @given(nine_digits)
    def test_every_number_with_its_check_digit_is_valid(self, first):
        check = nhs_check_digit(first)
        if check is None or len(set(first + str(check))) == 1:
            return
        assert is_valid_nhs_number(first + str(check))

    @given(nine_digits, st.integers(min_value=0, max_value=9))
    def test_a_wrong_check_digit_is_refused(self, first, digit):
        if nhs_check_digit(first) == digit:
            return
        assert not is_valid_nhs_number(first + str(digit))

    @given(nine_digits, st.integers(min_value=0, max_value=8))
    def test_a_single_changed_digit_is_caught(self, first, position):
        check = nhs_check_digit(first)
        if check is None:
            return
        number = first + str(check)
        changed = str((int(number[position]) + 1) % 10)
        assert not is_valid_nhs_number(number[:position] + changed + number[position + 1 :])

    @given(st.text(max_size=30))
    def test_arbitrary_text_never_crashes(self, text):
        assert is_valid_nhs_number(text) in (True, False)

    def test_repeated_digits_are_refused(self):
        assert not is_valid_nhs_number("0000000000")


class TestUniquePupilNumber:
    @given(st.text(alphabet="0123456789", min_size=12, max_size=12))
    def test_the_check_letter_validates(self, body):
        assert is_valid_upn(upn_check_letter(body) + body)

    @given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 10))
    def test_a_changed_digit_is_caught(self, body, position):
        upn = upn_check_letter(body) + body
        changed = str((int(upn[position + 1]) + 1) % 10)
        assert not is_valid_upn(upn[: position + 1] + changed + upn[position + 2 :])

    @given(st.text(max_size=20))
    def test_arbitrary_text_never_crashes(self, text):
        assert is_valid_upn(text) in (True, False)


class TestPostcode:
    def test_postcodes_are_normalised(self):
        assert normalise_postcode("yo11aa") == "YO1 1AA"
        assert postcode_sector("YO24 3AB") == "YO24 3"
        assert postcode_district("yo243ab") == "YO24"
        assert is_valid_postcode("SW1A 1AA")
        assert not is_valid_postcode("not a postcode")

    @given(st.text(max_size=20))
    def test_normalising_twice_changes_nothing(self, text):
        once = normalise_postcode(text)
        assert normalise_postcode(once) == once
