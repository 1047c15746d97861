"""Human-friendly reference numbers with a check character.

A reference looks like ``MASH-7KQ2-X9PD-4``: a prefix saying what it is for,
eight random characters (about 39 bits from the operating system's secure random
source, so one number tells you nothing about the next) and a check character.

The characters are Crockford's base 32 without V and Z: no I, L, O or U (read as
1, 1, 0 or nothing), no V (taken for U or Y) and no Z (taken for 2), so references
read aloud or written by hand are not misread, and every character is safe in a
web address. With 30 symbols the check character is the value modulo 31, a prime
larger than any difference between two symbols, so it catches every single
mistyped character and every swap of two neighbours. Its 31st value is V.
"""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, transaction

from .models import ReferenceNumber

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTWXY"
CHECK_ALPHABET = ALPHABET + "V"
BASE = len(ALPHABET)
MODULUS = 31
BODY_LENGTH = 8
_DECODE = {c: i for i, c in enumerate(ALPHABET)}
_DECODE.update({"O": 0, "I": 1, "L": 1})
PREFIX_PATTERN = re.compile(r"^[A-Z]{2,6}$")


def check_symbol(body: str) -> str:
    """The check character for a body: its value modulo 31."""
    value = 0
    for char in body:
        value = value * BASE + _DECODE[char]
    return CHECK_ALPHABET[value % MODULUS]


def normalise(reference: str) -> str:
    """Upper-case, drop spaces and hyphens, and read O as 0 and I/L as 1 in the body."""
    cleaned = re.sub(r"[\s\-]", "", reference.upper())
    return cleaned


def format_reference(prefix: str, body: str) -> str:
    """Lay a body out in groups of four with its check symbol."""
    return f"{prefix}-{body[:4]}-{body[4:]}-{check_symbol(body)}"


def _parts(reference: str) -> tuple[str, str, str] | None:
    """Prefix, body (with O read as 0 and I/L as 1) and check symbol of a typed reference."""
    match = re.fullmatch(r"([A-Z]{2,6})([0-9A-Z]{8})([0-9A-Z])", normalise(reference))
    if not match:
        return None
    body = "".join("0" if c == "O" else "1" if c in "IL" else c for c in match.group(2))
    if any(c not in ALPHABET for c in body):
        return None
    return match.group(1), body, match.group(3)


def is_valid(reference: str) -> bool:
    """Whether a reference is well formed and its check symbol is right."""
    parts = _parts(reference)
    return parts is not None and check_symbol(parts[1]) == parts[2]


def canonical(reference: str) -> str | None:
    """The stored form of a typed reference, or None if it is not valid."""
    parts = _parts(reference)
    if parts is None or check_symbol(parts[1]) != parts[2]:
        return None
    return format_reference(parts[0], parts[1])


def reference_issue(*, prefix: str, kind: str) -> str:
    """Issue a new, never-before-used reference number."""
    if not PREFIX_PATTERN.match(prefix):
        raise ValueError("A reference prefix is 2 to 6 capital letters.")
    for _ in range(20):
        body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
        value = format_reference(prefix, body)
        try:
            with transaction.atomic():
                ReferenceNumber.objects.create(value=value, kind=kind)
        except IntegrityError:
            continue
        return value
    raise RuntimeError("Could not issue a unique reference number.")  # pragma: no cover
