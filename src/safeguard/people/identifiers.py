"""Identifiers with their own check digits: NHS number, Unique Pupil Number, postcode.

Checking them as they are typed catches most copying mistakes before two
records of the same child fail to link, or a record is linked to the wrong child.
"""

from __future__ import annotations

import re

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O, S
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_nhs_number(value: str) -> str:
    """Digits only: '943 476 5919' becomes '9434765919'."""
    return re.sub(r"[\s\-]", "", value or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    """Whether a typed NHS number has 10 digits and the right modulus 11 check digit."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    if len(set(digits)) == 1:  # 0000000000 and the like pass the sum but are never issued
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def format_nhs_number(value: str) -> str:
    """Show an NHS number as 3-3-4 digits: 943 476 5919."""
    digits = normalise_nhs_number(value)
    if len(digits) != 10:
        return value
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def upn_check_letter(body: str) -> str:
    """The check letter for the last 12 characters of a Unique Pupil Number."""
    total = 0
    for position, char in enumerate(body, start=2):
        if char.isdigit():
            value = int(char)
        else:
            value = UPN_LETTERS.index(char)
        total += value * position
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    """Upper case without spaces."""
    return re.sub(r"\s", "", value or "").upper()


def is_valid_upn(value: str) -> bool:
    """Whether a Unique Pupil Number is well formed and its check letter is right.

    Permanent numbers are a letter and 12 digits; temporary ones end in a letter.
    """
    upn = normalise_upn(value)
    if not re.fullmatch(rf"[{UPN_LETTERS}][0-9]{{11}}[0-9{UPN_LETTERS}]", upn):
        return False
    return upn_check_letter(upn[1:]) == upn[0]


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the last three characters: 'yo11aa' becomes 'YO1 1AA'."""
    compact = re.sub(r"\s", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_postcode(value: str) -> bool:
    """Whether a UK postcode has the right shape."""
    return bool(_POSTCODE.match(normalise_postcode(value)))


def postcode_sector(value: str) -> str:
    """The sector of a postcode: 'YO1 1AA' gives 'YO1 1'."""
    normal = normalise_postcode(value)
    return normal[:-2] if is_valid_postcode(normal) else ""


def postcode_district(value: str) -> str:
    """The district of a postcode: 'YO1 1AA' gives 'YO1'."""
    normal = normalise_postcode(value)
    return normal.split(" ")[0] if is_valid_postcode(normal) else ""
