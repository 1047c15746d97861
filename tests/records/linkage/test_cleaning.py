"""Cleaning: names, dates as written, postcodes, NHS numbers, sex, nicknames."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.records.linkage.cleaning import (
    CLEAN_COLUMNS,
    clean_records,
    nickname_forms,
    nickname_table,
    normalise_postcode,
    parse_date,
    postcode_district,
    postcode_sector,
)


class TestParseDate:
    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            ("03/03/2012", "2012-03-03"),
            ("3/3/2012", "2012-03-03"),
            ("3.3.12", "2012-03-03"),
            ("03-03-2012", "2012-03-03"),
            ("2012-03-03", "2012-03-03"),
            ("2012/3/3", "2012-03-03"),
            ("20120303", "2012-03-03"),
            ("3 Mar 2012", "2012-03-03"),
            ("3rd March 2012", "2012-03-03"),
            ("March 3, 2012", "2012-03-03"),
            ("03-Mar-12", "2012-03-03"),
            ("1 Sept 2001", "2001-09-01"),
            ("2012-03-03T00:00:00", "2012-03-03"),
            ("2012-03-03 14:30:00", "2012-03-03"),
            ("14/02/2010", "2010-02-14"),
            ("02/14/2010", "2010-02-14"),  # written month first: 14 cannot be a month
            ("15.6.87", "1987-06-15"),
        ],
    )
    def test_reads_the_ways_agencies_write_dates(self, written, expected):
        assert parse_date(written) == expected

    @pytest.mark.parametrize(
        "written", ["", "   ", "unknown", "31/02/2012", "00/00/0000", "2012-13-45", "1/2", None]
    )
    def test_gives_none_for_what_is_not_a_date(self, written):
        assert parse_date(written) is None

    @settings(deadline=None, max_examples=60)
    @given(st.text(max_size=30))
    def test_never_raises_on_any_text(self, text):
        result = parse_date(text)
        assert result is None or len(result) == 10

    @settings(deadline=None, max_examples=60)
    @given(st.dates())
    def test_is_idempotent_and_reads_day_first_dates(self, day):
        written = day.strftime("%d/%m/%Y")
        parsed = parse_date(written)
        if 1880 <= day.year <= 2100:
            assert parsed == day.isoformat()
        assert parse_date(parsed) == parsed

    @settings(deadline=None, max_examples=60)
    @given(st.text(alphabet="0123456789/-. JanMrch", max_size=14))
    def test_parsing_a_parsed_date_changes_nothing(self, text):
        once = parse_date(text)
        assert parse_date(once) == once


class TestPostcodes:
    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            ("sw1a1aa", "SW1A 1AA"),
            ("SW1A 1AA", "SW1A 1AA"),
            (" ls6-2ab ", "LS6 2AB"),
            ("LS6 OAB", "LS6 0AB"),  # a letter O where the inward code needs a digit
            ("M1 1AE", "M1 1AE"),
            ("2140", None),
            ("not a postcode", None),
            ("", None),
        ],
    )
    def test_normalises_uk_postcodes(self, written, expected):
        assert normalise_postcode(written) == expected

    def test_keeps_other_countries_codes_when_asked(self):
        assert normalise_postcode("2140", uk_only=False) == "2140"

    def test_sector_and_district(self):
        assert postcode_sector("SW1A 1AA") == "SW1A 1"
        assert postcode_district("SW1A 1AA") == "SW1A"
        assert postcode_sector(None) is None

    @settings(deadline=None, max_examples=60)
    @given(st.text(max_size=12), st.booleans())
    def test_never_raises_and_is_idempotent(self, text, uk_only):
        once = normalise_postcode(text, uk_only=uk_only)
        assert normalise_postcode(once, uk_only=uk_only) == once

    @settings(deadline=None, max_examples=60)
    @given(
        st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", fullmatch=True).filter(
            lambda text: len(text.replace(" ", "")) <= 7
        )
    )
    def test_every_well_formed_postcode_survives(self, text):
        cleaned = normalise_postcode(text.lower())
        assert cleaned is not None
        assert cleaned.replace(" ", "") == text.replace(" ", "")


class TestNicknames:
    def test_the_table_knows_several_hundred_names(self):
        assert len(nickname_table()) >= 500

    @pytest.mark.parametrize("short", ["BILL", "WILL", "LIAM", "BILLY"])
    def test_short_forms_of_william(self, short):
        assert "WILLIAM" in nickname_forms(short)

    def test_a_short_form_can_stand_for_two_names(self):
        assert set(nickname_forms("ALEX")) >= {"ALEXANDER", "ALEXANDRA"}

    def test_an_unknown_name_stands_for_itself(self):
        assert nickname_forms("ZEPHYRINE") == ["ZEPHYRINE"]


class TestCleanRecords:
    def test_cleans_every_field(self):
        frame = pd.DataFrame(
            [
                {
                    "record_id": 7,
                    "given_name": " Zoë-Anne ",
                    "family_name": "O'Brien-Smith",
                    "date_of_birth": "3 Mar 2012",
                    "sex": "female",
                    "postcode": "ls62ab",
                    "address": "12, Church Lane!",
                    "nhs_number": "943 476 5919",
                }
            ]
        )
        row = clean_records(frame).iloc[0]
        assert list(clean_records(frame).columns) == list(CLEAN_COLUMNS)
        assert row["record_id"] == "7"
        assert row["given_name"] == "ZOE"
        assert row["family_name"] == "OBRIEN SMITH"
        assert (row["family_name_first"], row["family_name_last"]) == ("OBRIEN", "SMITH")
        assert row["date_of_birth"] == "2012-03-03"
        assert row["sex"] == "F"
        assert (row["postcode"], row["postcode_sector"], row["postcode_district"]) == (
            "LS6 2AB",
            "LS6 2",
            "LS6",
        )
        assert row["address"] == "12 CHURCH LANE"
        assert row["nhs_number"] == "9434765919"

    def test_invalid_nhs_numbers_become_missing(self):
        frame = pd.DataFrame({"record_id": ["a", "b"], "nhs_number": ["943 476 5918", "x"]})
        assert clean_records(frame)["nhs_number"].isna().all()

    def test_missing_columns_and_blanks_are_missing_values(self):
        frame = pd.DataFrame({"record_id": ["a", "b"], "given_name": ["", None]})
        cleaned = clean_records(frame)
        assert cleaned["given_name"].isna().all()
        assert cleaned["date_of_birth"].isna().all()
        assert cleaned["postcode"].isna().all()

    def test_cleans_a_large_frame_quickly(self):
        frame = pd.DataFrame(
            {
                "record_id": [str(n) for n in range(50_000)],
                "given_name": ["William", "Bill", "Zoë"] * 16_666 + ["Amy", "Amy"],
                "date_of_birth": ["3/3/2012", "2012-03-04", "bad"] * 16_666 + ["", ""],
                "postcode": ["ls62ab"] * 50_000,
            }
        )
        cleaned = clean_records(frame)
        assert len(cleaned) == 50_000
        assert cleaned["given_name_nickname_key"].iloc[1] == "WILLIAM"


class TestVectorisedCleanersAgreeWithTheRules:
    @settings(deadline=None, max_examples=60)
    @given(
        st.lists(
            st.one_of(
                st.none(),
                st.text(alphabet="0123456789 -", max_size=13),
                st.from_regex(r"[0-9]{10}", fullmatch=True),
            ),
            max_size=30,
        )
    )
    def test_nhs_numbers_as_is_valid_nhs_number_says(self, values):
        from safeguard.people.identifiers import is_valid_nhs_number, normalise_nhs_number
        from safeguard.records.linkage.cleaning import valid_nhs_numbers

        cleaned = valid_nhs_numbers(pd.Series(values, dtype="object")).tolist()
        expected = [
            normalise_nhs_number(value)
            if value is not None and is_valid_nhs_number(value)
            else None
            for value in values
        ]
        assert cleaned == expected

    def test_known_valid_nhs_number(self):
        from safeguard.records.linkage.cleaning import valid_nhs_numbers

        assert valid_nhs_numbers(pd.Series(["943 476 5919", 9434765919])).tolist() == [
            "9434765919",
            "9434765919",
        ]

    @settings(deadline=None, max_examples=60)
    @given(
        st.lists(
            st.one_of(
                st.none(),
                st.text(max_size=10),
                st.from_regex(r"[a-zA-Z]{1,2}[0-9][A-Z0-9]? ?[0-9OI][A-Z05]{2}", fullmatch=True),
            ),
            max_size=30,
        ),
        st.booleans(),
    )
    def test_postcodes_as_normalise_postcode_says(self, values, uk_only):
        from safeguard.records.linkage.cleaning import normalise_postcodes

        cleaned = normalise_postcodes(pd.Series(values, dtype="object"), uk_only=uk_only).tolist()
        assert cleaned == [normalise_postcode(value, uk_only=uk_only) for value in values]
