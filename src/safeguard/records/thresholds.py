"""The linking thresholds and the review time per pair, read from settings.

The defaults are the thresholds measured on generated records with known truth
(docs/linkage.md, "Thresholds"): at or above the automatic threshold, pairs were
one person at least 999 times in 1,000; from the review threshold up to it a person
decides; below it the record becomes a new person. Each can be set from the
environment (``SAFEGUARD_LINKAGE_AUTO_LINK_THRESHOLD``,
``SAFEGUARD_LINKAGE_REVIEW_THRESHOLD``, ``SAFEGUARD_LINKAGE_REVIEW_MINUTES_PER_PAIR``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: Documented defaults (docs/linkage.md); settings.py uses the same values.
DEFAULT_AUTO_LINK_THRESHOLD = 0.9
DEFAULT_REVIEW_THRESHOLD = 0.05
DEFAULT_REVIEW_MINUTES_PER_PAIR = 3.0


@dataclass(frozen=True)
class Thresholds:
    """Where a score links automatically, goes to a person, or makes a new person."""

    auto_link: float
    review: float
    minutes_per_pair: float


def linking_thresholds() -> Thresholds:
    """The thresholds in force (settings, else the documented defaults), checked for sense."""
    auto_link = float(getattr(settings, "LINKAGE_AUTO_LINK_THRESHOLD", DEFAULT_AUTO_LINK_THRESHOLD))
    review = float(getattr(settings, "LINKAGE_REVIEW_THRESHOLD", DEFAULT_REVIEW_THRESHOLD))
    minutes = float(
        getattr(settings, "LINKAGE_REVIEW_MINUTES_PER_PAIR", DEFAULT_REVIEW_MINUTES_PER_PAIR)
    )
    if not 0 < review < auto_link <= 1:
        raise ImproperlyConfigured(
            "Linkage thresholds must satisfy 0 < review threshold < automatic threshold <= 1 "
            f"(review {review}, automatic {auto_link})."
        )
    if minutes <= 0:
        raise ImproperlyConfigured("Minutes per reviewed pair must be more than 0.")
    return Thresholds(auto_link=auto_link, review=review, minutes_per_pair=minutes)


def clearing_time(pairs: int, minutes_per_pair: float) -> str:
    """How long ``pairs`` take to decide, as people say it: 'about 1 hour 30 minutes'."""
    minutes = round(pairs * minutes_per_pair)
    if pairs and minutes < 1:
        return "under a minute"
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return "about " + " ".join(parts)
