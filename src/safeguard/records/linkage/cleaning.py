"""Clean agencies' person records so that the same child written two ways looks the same.

Agencies write names, dates and postcodes in their own ways: "O'Brien-Smith", "3 Mar 2012",
"sw1a1aa". Linkage compares the cleaned forms. Every cleaner works on the *distinct*
values of a column (a million records hold far fewer distinct names, dates and
postcodes), with Arrow compute kernels for the row-wise string work, so a million
rows clean in seconds. A value that cannot be understood becomes null; cleaning never
raises on bad data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from safeguard.people.identifiers import is_valid_nhs_number, normalise_nhs_number

#: The columns the command-line interface and the import accept, in this order.
INPUT_COLUMNS = (
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
)

#: Input columns that may hold several values, separated by semicolons (or a list).
LIST_SEPARATOR = ";"

#: The columns :func:`clean_records` returns: what the linkage model compares.
CLEAN_COLUMNS = (
    "record_id",
    "given_name",
    "given_name_metaphone",
    "given_name_nicknames",
    "given_name_nickname_key",
    "family_name",
    "family_name_first",
    "family_name_last",
    "family_name_metaphone",
    "date_of_birth",
    "sex",
    "postcode",
    "postcodes",
    "postcode_sector",
    "postcode_district",
    "postcode_area",
    "address",
    "nhs_number",
)

#: Cleaned columns that hold lists (arrays in the linkage engines).
ARRAY_COLUMNS = ("given_name_nicknames", "postcodes")

_MONTHS = {
    "JAN": 1,
    "FEB": 2,
    "MAR": 3,
    "APR": 4,
    "MAY": 5,
    "JUN": 6,
    "JUL": 7,
    "AUG": 8,
    "SEP": 9,
    "SEPT": 9,
    "OCT": 10,
    "NOV": 11,
    "DEC": 12,
}
_MONTH_WORD = r"(JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)[A-Z]*\.?"
_NUMERIC = re.compile(r"^(\d{1,4})[\s/\-.\\]+(\d{1,2})[\s/\-.\\]+(\d{1,4})$")
_COMPACT = re.compile(r"^(\d{8})$")
_DAY_MONTH_WORD_YEAR = re.compile(
    r"^(\d{1,2})(?:ST|ND|RD|TH)?[\s\-/.,]*" + _MONTH_WORD + r"[\s\-/.,]*(\d{2}|\d{4})$"
)
_MONTH_WORD_DAY_YEAR = re.compile(
    "^" + _MONTH_WORD + r"[\s\-/.,]*(\d{1,2})(?:ST|ND|RD|TH)?[\s\-/.,]+(\d{2}|\d{4})$"
)
_TIME_SUFFIX = re.compile(r"[T\s]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+\-]\d{2}:?\d{2})?$")
_EARLIEST_YEAR = 1880
_LATEST_YEAR = 2100

_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5"})
_LETTER_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "5": "S"})

_SEX = {
    "M": "M",
    "MALE": "M",
    "MAN": "M",
    "BOY": "M",
    "1": "M",
    "F": "F",
    "FEMALE": "F",
    "WOMAN": "F",
    "GIRL": "F",
    "2": "F",
}


def _two_digit_year(year: int) -> int:
    """Place a two-digit year in the last hundred years: '12' is 2012, '87' is 1987."""
    this_year = datetime.now(tz=UTC).year % 100
    return 2000 + year if year <= this_year else 1900 + year


def _make_date(year: int, month: int, day: int) -> str | None:
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: object) -> str | None:
    """One date as the source wrote it, as an ISO date string ('2012-03-03'), or None.

    Understands day-first UK forms (03/03/2012, 3.3.12, 3-3-2012), year-first forms
    (2012-03-03, 20120303), month words ("3 Mar 2012", "3rd March 2012", "March 3, 2012")
    and a trailing time of day. When the middle number cannot be a month but the first
    can (03/25/2012), the source wrote month first and the two are swapped back.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _make_date(value.year, value.month, value.day)
    if isinstance(value, date):
        return _make_date(value.year, value.month, value.day)
    text = str(value).strip().upper()
    if not text or len(text) > 40:
        return None
    text = _TIME_SUFFIX.sub("", text).strip()
    if match := _COMPACT.match(text):
        digits = match.group(1)
        year_first = int(digits[:4])
        if 1800 <= year_first <= _LATEST_YEAR:
            return _make_date(year_first, int(digits[4:6]), int(digits[6:]))
        return _make_date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    if match := _NUMERIC.match(text):
        first, middle, last = match.groups()
        if len(first) == 4:  # year first: 2012-03-03
            year, month, day = int(first), int(middle), int(last)
        elif len(last) in (2, 4) and len(first) <= 2:
            day, month = int(first), int(middle)
            year = int(last) if len(last) == 4 else _two_digit_year(int(last))
            if month > 12 >= day:  # written month first
                day, month = month, day
        else:
            return None
        return _make_date(year, month, day)
    if match := _DAY_MONTH_WORD_YEAR.match(text):
        day_text, month_word, year_text = match.groups()
        month_number = _MONTHS.get(month_word[:4] if month_word == "SEPT" else month_word[:3])
        year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text))
        return _make_date(year, month_number or 0, int(day_text))
    if match := _MONTH_WORD_DAY_YEAR.match(text):
        month_word, day_text, year_text = match.groups()
        month_number = _MONTHS.get(month_word[:3])
        year = int(year_text) if len(year_text) == 4 else _two_digit_year(int(year_text))
        return _make_date(year, month_number or 0, int(day_text))
    return None


def normalise_postcode(value: object, *, uk_only: bool = True) -> str | None:
    """A postcode in the Royal Mail form 'SW1A 1AA', or None when it is not one.

    Letters and digits that look alike are put right where the format says which one
    belongs ('SW1A OAA' is 'SW1A 0AA'). With ``uk_only=False`` a code that is not a UK
    postcode (another country's, as in the FEBRL test sets) is kept in capitals without
    spaces instead of being dropped.
    """
    if value is None:
        return None
    text = re.sub(r"[^A-Za-z0-9]", "", str(value)).upper()
    if len(text) < 5 or len(text) > 7:
        return None if uk_only or not text else text
    outward, inward = text[:-3], text[-3:]
    inward = inward[0].translate(_DIGIT_LOOKALIKES) + inward[1:].translate(_LETTER_LOOKALIKES)
    outward = outward[0].translate(_LETTER_LOOKALIKES) + outward[1:]
    candidate = outward + inward
    if _UK_POSTCODE.match(candidate):
        return f"{outward} {inward}"
    if uk_only:
        return None
    return text


def postcode_sector(postcode: str | None) -> str | None:
    """The sector of a normalised UK postcode: 'SW1A 1AA' is in 'SW1A 1'."""
    if not postcode or " " not in postcode:
        return None
    return postcode[:-2]


def postcode_district(postcode: str | None) -> str | None:
    """The district (outward code) of a normalised UK postcode: 'SW1A 1AA' is in 'SW1A'."""
    if not postcode or " " not in postcode:
        return None
    return postcode.split(" ", 1)[0]


def normalise_sex(value: object) -> str | None:
    """'M', 'F' or None for anything else (not known, not stated, blank)."""
    if value is None:
        return None
    return _SEX.get(str(value).strip().upper())


@cache
def nickname_table() -> dict[str, tuple[str, ...]]:
    """Each known name (formal or short) to the formal names it may stand for.

    Read from the ``nicknames.txt`` file shipped with the package: 'BILL' stands
    for ('WILLIAM',); 'ALEX' for ('ALEXANDER', 'ALEXANDRA'); 'WILLIAM' for itself.
    """
    text = resources.files("safeguard.records.linkage").joinpath("nicknames.txt").read_text()
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or ":" not in line:
            continue
        formal, shorts = line.split(":", 1)
        formal_key = _name_key(formal)
        table.setdefault(formal_key, set()).add(formal_key)
        for short in shorts.split(","):
            key = _name_key(short)
            if key:
                table.setdefault(key, set()).add(formal_key)
    return {name: tuple(sorted(formals)) for name, formals in table.items()}


def _name_key(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.upper())


def nickname_forms(given_name: str | None) -> list[str] | None:
    """The formal names a cleaned given name may stand for ('BILL' -> ['WILLIAM'])."""
    if not given_name:
        return None
    return list(nickname_table().get(given_name, (given_name,)))


def metaphone(name: str | None) -> str | None:
    """A phonetic key for a cleaned name, so that 'STEPHEN' and 'STEVEN' agree."""
    if not name:
        return None
    key = jellyfish.metaphone(name.replace(" ", ""))
    return key.upper() or None


def _other_name_forms(name: str) -> list[str]:
    """The formal names another recorded name may stand for (its first word, cleaned)."""
    cleaned = _first_token(_clean_text(pd.Series([name], dtype="object"))).iloc[0]
    return nickname_forms(cleaned) or [] if isinstance(cleaned, str) and cleaned else []


def _clean_text(column: pd.Series) -> pd.Series:
    """Capitals without accents or punctuation; hyphens and apostrophes handled as names need.

    "O'Brien" becomes "OBRIEN", "Smith-Jones" becomes "SMITH JONES", "Zoë" becomes "ZOE".
    Runs as Arrow compute kernels, one pass per step over the whole column.
    """
    array = pa.array(column.astype("string").fillna(""), type=pa.string())
    array = pc.utf8_normalize(array, "NFKD")
    array = pc.replace_substring_regex(array, r"\p{Mn}", "")
    array = pc.utf8_upper(array)
    array = pc.replace_substring_regex(array, r"['’`]", "")
    array = pc.replace_substring_regex(array, r"[^A-Z0-9 ]+", " ")
    array = pc.utf8_trim_whitespace(pc.replace_substring_regex(array, r"\s+", " "))
    result = pd.Series(array.to_pandas(), index=column.index, dtype="object")
    return result.where(result != "", None)


def _on_distinct(column: pd.Series, vectorised: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Run a column-at-a-time cleaner on the distinct values only, then spread the answers."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cleaned = vectorised(pd.Series(uniques, dtype="object")).to_numpy(dtype=object)
    answers = np.empty(len(cleaned) + 1, dtype=object)  # the last: code -1, a missing value
    answers[: len(cleaned)] = cleaned
    return pd.Series(answers[codes], index=column.index, dtype="object")


def _map_distinct(column: pd.Series, function: Callable[[Any], object]) -> pd.Series:
    """Apply a function to each distinct value once and spread the answers over the rows."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    answers = [function(value) for value in uniques]
    answers.append(None)  # code -1: a missing value
    mapped = pd.Series(answers, dtype="object").to_numpy()[codes]
    return pd.Series(mapped, index=column.index, dtype="object")


def _arrow(column: pd.Series) -> pa.Array:
    values = column.astype("object").where(column.notna(), None)
    if not (pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column)):
        values = values.map(lambda value: None if value is None else str(value))
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers mixed with text
        return pa.array(values.map(lambda value: None if value is None else str(value)))


def _series(array: pa.Array, index: pd.Index) -> pd.Series:
    result = pd.Series(array.to_pandas(), index=index, dtype="object")
    return result.where(result.notna() & (result != ""), None)


def _first_token(names: pd.Series) -> pd.Series:
    return _series(pc.replace_substring_regex(_arrow(names), r" .*$", ""), names.index)


def _last_token(names: pd.Series) -> pd.Series:
    return _series(pc.replace_substring_regex(_arrow(names), r"^.* ", ""), names.index)


def _translate_first(array: pa.Array, table: dict[str, str]) -> pa.Array:
    """Replace look-alike characters in the first character of each string only."""
    first = pc.utf8_slice_codeunits(array, 0, 1)
    rest = pc.utf8_slice_codeunits(array, 1)
    for old, new in table.items():
        first = pc.replace_substring(first, old, new)
    return pc.binary_join_element_wise(first, rest, "")


def _translate_all(array: pa.Array, table: dict[str, str]) -> pa.Array:
    for old, new in table.items():
        array = pc.replace_substring(array, old, new)
    return array


_DIGIT_FOR = {"O": "0", "I": "1", "L": "1", "S": "5"}
_LETTER_FOR = {"0": "O", "1": "I", "5": "S"}


def normalise_postcodes(column: pd.Series, *, uk_only: bool = True) -> pd.Series:
    """:func:`normalise_postcode` for a whole column at once, with Arrow compute kernels."""
    text = pc.utf8_upper(pc.replace_substring_regex(_arrow(column), r"[^A-Za-z0-9]", ""))
    length = pc.utf8_length(text)
    inward = pc.utf8_slice_codeunits(text, -3)
    outward = pc.replace_substring_regex(text, r"[A-Z0-9]{3}$", "")
    inward = pc.binary_join_element_wise(
        _translate_all(pc.utf8_slice_codeunits(inward, 0, 1), _DIGIT_FOR),
        _translate_all(pc.utf8_slice_codeunits(inward, 1), _LETTER_FOR),
        "",
    )
    outward = _translate_first(outward, _LETTER_FOR)
    candidate = pc.binary_join_element_wise(outward, inward, "")
    uk = pc.and_(
        pc.and_(pc.greater_equal(length, 5), pc.less_equal(length, 7)),
        pc.match_substring_regex(candidate, r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"),
    )
    formatted = pc.binary_join_element_wise(outward, inward, " ")
    other = pa.nulls(len(text), pa.string()) if uk_only else text
    return _series(pc.if_else(pc.fill_null(uk, False), formatted, other), column.index)


def valid_nhs_numbers(column: pd.Series) -> pd.Series:
    """The NHS numbers of a column that pass ``is_valid_nhs_number``, as 10 digits.

    Anything else becomes null. Vectorised: the same modulus 11 rule as
    :func:`safeguard.people.identifiers.is_valid_nhs_number` on a whole column at once.
    """
    text = pc.replace_substring_regex(_arrow(column), r"[\s\-]", "")
    text = pc.replace_substring_regex(text, r"\.0$", "")  # read as a number by a spreadsheet
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{10}$"), False)
    result = pd.Series([None] * len(column), index=column.index, dtype="object")
    candidates = pc.filter(text, shaped).to_numpy(zero_copy_only=False)
    if len(candidates) == 0:
        return result
    digits = (
        np.frombuffer("".join(candidates).encode("ascii"), dtype=np.uint8).reshape(-1, 10) - 48
    ).astype(np.int64)
    total = digits[:, :9] @ np.arange(10, 1, -1)
    check = 11 - total % 11
    check[check == 11] = 0
    ok = (check != 10) & (check == digits[:, 9]) & (digits.min(axis=1) != digits.max(axis=1))
    positions = np.flatnonzero(shaped.to_numpy(zero_copy_only=False))
    result.iloc[positions[ok]] = candidates[ok]
    return result


def _valid_nhs(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text.endswith(".0"):  # read as a number by a spreadsheet
        text = text[:-2]
    return normalise_nhs_number(text) if is_valid_nhs_number(text) else None


def _any_identifier(value: object) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[^A-Z0-9]", "", str(value).upper())
    return text or None


def _split_list(value: object) -> list[str]:
    """Several values written in one cell ('LS6 2AB; BD7 1AA') or given as a list."""
    if value is None or (isinstance(value, float) and value != value):  # noqa: PLR0124 - NaN
        return []
    if isinstance(value, list | tuple | set | np.ndarray):
        return [str(item) for item in value if item is not None and str(item).strip()]
    return [part.strip() for part in re.split(r"[;|,]", str(value)) if part.strip()]


def _with_others(
    first: pd.Series, others: pd.Series, clean_one: Callable[[str], list[str]]
) -> pd.Series:
    """Each row's cleaned values: its own first, then those from the list column, distinct."""
    result = []
    for own, listed in zip(first.tolist(), others.tolist(), strict=True):
        values = list(own) if isinstance(own, list | tuple | np.ndarray) else []
        if not isinstance(own, list | tuple | np.ndarray) and isinstance(own, str) and own:
            values = [own]
        for item in _split_list(listed):
            for cleaned in clean_one(item):
                if cleaned and cleaned not in values:
                    values.append(cleaned)
        result.append(values or None)
    return pd.Series(result, index=first.index, dtype="object")


def missing_input_columns(columns: Iterable[str]) -> list[str]:
    """The input columns that are absent; every column may be missing except record_id."""
    return [name for name in ("record_id",) if name not in set(columns)]


def clean_records(
    frame: pd.DataFrame,
    *,
    validate_nhs_number: bool = True,
    uk_postcodes_only: bool = True,
) -> pd.DataFrame:
    """The cleaned form of a frame of input records (columns as in :data:`INPUT_COLUMNS`).

    Any input column other than ``record_id`` may be missing or blank. ``record_id``
    values are kept as text. NHS numbers that fail the modulus 11 check become null
    (``validate_nhs_number=False`` keeps any identifier: the FEBRL benchmark's social
    security number); so do postcodes that are not UK postcodes, unless
    ``uk_postcodes_only=False``.
    """
    if "record_id" not in frame.columns:
        raise ValueError("The records have no record_id column.")
    frame = frame.reset_index(drop=True)
    rows = len(frame)
    index = frame.index

    def column(name: str) -> pd.Series:
        if name in frame.columns:
            return frame[name]
        return pd.Series([None] * rows, index=index, dtype="object")

    out = pd.DataFrame(index=index)
    out["record_id"] = frame["record_id"].astype("string").str.strip().astype("object")

    given_full = _on_distinct(column("given_name"), _clean_text)
    given = _on_distinct(given_full, _first_token)
    out["given_name"] = given
    out["given_name_metaphone"] = _map_distinct(given, metaphone)
    out["given_name_nicknames"] = _map_distinct(given, nickname_forms)
    other_names = column("other_names")
    if other_names.notna().any():
        # Other names the record knows (an alias, a name used at school) count as the
        # given name's other forms: the nickname level then agrees on them too.
        out["given_name_nicknames"] = _with_others(
            out["given_name_nicknames"], other_names, _other_name_forms
        )
    out["given_name_nickname_key"] = _map_distinct(
        given,
        lambda name: nickname_forms(name)[0] if name else None,  # type: ignore[index,arg-type]
    )

    family = _on_distinct(column("family_name"), _clean_text)
    out["family_name"] = family
    out["family_name_first"] = _on_distinct(family, _first_token)
    out["family_name_last"] = _on_distinct(family, _last_token)
    out["family_name_metaphone"] = _map_distinct(family, metaphone)

    out["date_of_birth"] = _map_distinct(column("date_of_birth"), parse_date)
    out["sex"] = _map_distinct(column("sex"), normalise_sex)

    postcodes = _on_distinct(
        column("postcode"), lambda codes: normalise_postcodes(codes, uk_only=uk_postcodes_only)
    )
    out["postcode"] = postcodes
    previous = column("previous_postcodes")
    if previous.notna().any():
        out["postcodes"] = _with_others(
            postcodes,
            previous,
            lambda code: [c for c in [normalise_postcode(code, uk_only=uk_postcodes_only)] if c],
        )
    else:
        out["postcodes"] = pd.Series(
            [[code] if isinstance(code, str) else None for code in postcodes.tolist()],
            index=index,
            dtype="object",
        )
    codes = _arrow(postcodes)
    is_uk = pc.fill_null(pc.match_substring(codes, " "), False)
    nothing = pa.nulls(len(codes), pa.string())
    out["postcode_sector"] = _series(
        pc.if_else(is_uk, pc.replace_substring_regex(codes, r"[A-Z]{2}$", ""), nothing), index
    ).to_numpy()
    out["postcode_district"] = _series(
        pc.if_else(is_uk, pc.replace_substring_regex(codes, r" .*$", ""), nothing), index
    ).to_numpy()
    out["postcode_area"] = _series(
        pc.if_else(is_uk, pc.replace_substring_regex(codes, r"[0-9].*$", ""), nothing), index
    ).to_numpy()
    out["address"] = _on_distinct(column("address"), _clean_text)
    if validate_nhs_number:
        out["nhs_number"] = _on_distinct(column("nhs_number"), valid_nhs_numbers)
    else:
        out["nhs_number"] = _map_distinct(column("nhs_number"), _any_identifier)
    return out.reset_index(drop=True)
