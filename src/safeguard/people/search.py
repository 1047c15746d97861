"""Name keys and query parsing for person search.

Fuzzy matching runs in two steps so that search stays fast whatever the size
of the partnership: the database narrows candidates using phonetic keys and
prefixes stored beside each name, then Jaro-Winkler similarity ranks them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import jellyfish

from .identifiers import (
    is_valid_nhs_number,
    is_valid_postcode,
    normalise_nhs_number,
    normalise_postcode,
)

MAX_QUERY_LENGTH = 200

# Common English nicknames, both ways. Issue 4's linkage has the full table.
NICKNAMES: dict[str, set[str]] = {}
_NICKNAME_GROUPS = [
    {"william", "bill", "billy", "will", "willie", "liam"},
    {"elizabeth", "beth", "liz", "lizzie", "libby", "eliza", "betty", "bess"},
    {"robert", "rob", "robbie", "bob", "bobby", "bert"},
    {"margaret", "maggie", "meg", "peggy", "maisie"},
    {"james", "jim", "jimmy", "jamie"},
    {"katherine", "catherine", "kate", "katie", "kat", "cath", "kathy"},
    {"thomas", "tom", "tommy"},
    {"jessica", "jess", "jessie"},
    {"alexander", "alex", "alfie", "sandy", "xander"},
    {"alexandra", "alex", "lexi", "sandra"},
    {"joseph", "joe", "joey"},
    {"daniel", "dan", "danny"},
    {"samuel", "sam", "sammy"},
    {"samantha", "sam", "sammie"},
    {"charlotte", "charlie", "lottie"},
    {"charles", "charlie", "chas"},
    {"oliver", "ollie", "olly"},
    {"rebecca", "becky", "becca"},
    {"michael", "mike", "mikey", "mick"},
    {"benjamin", "ben", "benji"},
    {"matthew", "matt", "matty"},
    {"christopher", "chris", "kit"},
    {"jacob", "jake"},
    {"joshua", "josh"},
    {"nathan", "nate"},
    {"edward", "ed", "eddie", "ted", "teddy"},
    {"abigail", "abby", "abi"},
    {"amelia", "millie", "amy"},
    {"isabella", "isabel", "bella", "izzy"},
    {"sophia", "sophie"},
    {"harry", "harold", "henry", "hal"},
    {"anthony", "tony"},
    {"victoria", "vicky", "tori"},
    {"jennifer", "jen", "jenny"},
]
for _group in _NICKNAME_GROUPS:
    for _name in _group:
        NICKNAMES.setdefault(_name, set()).update(_group - {_name})


def normalise_text(value: str) -> str:
    """Lower case, accents removed, punctuation to spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).strip()


def name_key(name: str) -> str:
    """A phonetic key for one name (Metaphone), so 'Jon' and 'John', 'Smyth' and 'Smith' meet."""
    cleaned = normalise_text(name).replace(" ", "")
    if not cleaned:
        return ""
    return jellyfish.metaphone(cleaned)[:20]


def name_variants(name: str) -> set[str]:
    """A given name and its nicknames."""
    cleaned = normalise_text(name)
    return {cleaned, *NICKNAMES.get(cleaned, set())}


def similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two names, 0 to 1."""
    a, b = normalise_text(a), normalise_text(b)
    if not a or not b:
        return 0.0
    return jellyfish.jaro_winkler_similarity(a, b)


@dataclass(frozen=True)
class ParsedQuery:
    """What a search box query asks for."""

    names: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    postcode: str = ""
    nhs_number: str = ""


class QueryError(ValueError):
    """A query we can say precisely what is wrong with."""


_DATE_PATTERNS = (
    re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"),
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
)


def _parse_date(token: str) -> dt.date | None:
    for number, pattern in enumerate(_DATE_PATTERNS):
        match = pattern.match(token)
        if match:
            parts = [int(p) for p in match.groups()]
            day, month, year = parts if number == 0 else (parts[2], parts[1], parts[0])
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise QueryError(f"'{token}' is not a real date") from None
    return None


def parse_query(query: str) -> ParsedQuery:
    """Split a free-text search into names, a date of birth, a postcode and an NHS number."""
    text = (query or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"Search must be {MAX_QUERY_LENGTH} characters or fewer")
    digits = normalise_nhs_number(text)
    if re.fullmatch(r"[0-9]{10}", digits):
        if not is_valid_nhs_number(digits):
            raise QueryError("Enter a real NHS number: the last digit does not match the others")
        return ParsedQuery(nhs_number=digits)
    if is_valid_postcode(text):
        return ParsedQuery(postcode=normalise_postcode(text))
    names: list[str] = []
    date_of_birth = None
    postcode = ""
    tokens = text.split()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        date = _parse_date(token)
        if date is not None:
            date_of_birth = date
        elif index + 1 < len(tokens) and is_valid_postcode(f"{token} {tokens[index + 1]}"):
            postcode = normalise_postcode(f"{token} {tokens[index + 1]}")
            index += 1
        else:
            cleaned = normalise_text(token)
            if cleaned:
                names.extend(cleaned.split())
        index += 1
    if not names and date_of_birth is None and not postcode:
        raise QueryError("Enter a name, date of birth, postcode or NHS number")
    return ParsedQuery(names=tuple(names[:5]), date_of_birth=date_of_birth, postcode=postcode)
