"""Text people type: invisible characters out, and reasons that are real words.

A reason (for emergency access, a look-up, a search across everyone, undoing a
link or a merge, keeping a record) is what a reviewer reads later to judge whether
access was justified, so it must be something a person can read: zero-width and
other format characters, control characters and padding do not count.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidRequest

# Kept inside text people type: line breaks and tabs.
_ALLOWED_CONTROLS = frozenset("\n\r\t")
# Letters only (no digits, no underscore): a run of two or more is a word.
_WORD = re.compile(r"[^\W\d_]{2,}")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{2,}")

REASON_IN_WORDS = "Enter a reason in words"


def is_forbidden_character(char: str) -> bool:
    """Whether a character may never be stored: NUL and other controls, and lone surrogates.

    PostgreSQL refuses NUL in text and cannot encode a lone surrogate, so both would be
    500s; other control characters are invisible and only ever arrive by mistake or abuse.
    """
    category = unicodedata.category(char)
    return (category == "Cc" and char not in _ALLOWED_CONTROLS) or category == "Cs"


def has_control_characters(text: str) -> bool:
    """Whether the text holds a character :func:`is_forbidden_character` refuses."""
    return any(is_forbidden_character(char) for char in text)


def text_visible(text: str) -> str:
    """The text as a reader sees it: NFC, no invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(
        char
        for char in text
        if char in _ALLOWED_CONTROLS or unicodedata.category(char) not in {"Cf", "Cc", "Cs", "Co"}
    )
    kept = kept.replace("\t", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def reason_clean(
    text: str,
    *,
    min_length: int = 1,
    min_words: int = 1,
    blank: str = "Enter a reason",
    too_short: str = "",
    field: str = "reason",
) -> str:
    """Return the reason as it is stored, or refuse it with a GOV.UK message.

    ``min_length`` counts visible characters after cleaning; ``min_words`` counts runs
    of two or more letters. The error is an :class:`InvalidRequest` naming ``field``.
    """
    cleaned = text_visible(text)
    message = ""
    if not cleaned:
        message = blank
    elif len(cleaned) < min_length:
        message = too_short or f"Reason must be at least {min_length} characters"
    elif len(_WORD.findall(cleaned)) < min_words:
        message = REASON_IN_WORDS
    if message:
        raise InvalidRequest(message, errors={field: message})
    return cleaned
