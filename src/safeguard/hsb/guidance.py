"""The continuum and the age-banded examples practitioners compare a child's behaviour with.

Hackett's continuum (normal, inappropriate, problematic, abusive, violent) and the
green / amber / red examples in the age bands of the Brook Sexual Behaviours Traffic
Light Tool (0 to 5, 5 to 9, 9 to 13, 13 to 17; the bands overlap on purpose). The
examples here are short summaries in our own words, a guide and never a rule: the
partnership should replace them with its licensed copy of the tool. Every green,
amber and red behaviour needs some attention.
"""

from __future__ import annotations

import datetime as dt

from .models import Level, Light

LEVELS: list[tuple[str, str, str]] = [
    (
        Level.NORMAL,
        "Normal",
        "Developmentally expected, socially acceptable, consensual and shared between "
        "children of a similar age.",
    ),
    (
        Level.INAPPROPRIATE,
        "Inappropriate",
        "A single instance or a few; socially unexpected, may be out of place for the "
        "setting, but shared and with no force.",
    ),
    (
        Level.PROBLEMATIC,
        "Problematic",
        "Developmentally unusual or socially unexpected; there may be compulsion, no "
        "overt force, but consent is unclear or the behaviour is repeated.",
    ),
    (
        Level.ABUSIVE,
        "Abusive",
        "Intrusive, with an element of manipulation, trickery or coercion; informed "
        "consent is absent, or the child harmed could not give it.",
    ),
    (
        Level.VIOLENT,
        "Violent",
        "Physically violent sexual abuse; highly intrusive, may be sadistic or involve "
        "instrumental violence.",
    ),
]

LIGHTS = {
    Light.GREEN: "Green: healthy, safe, part of growing up. It still needs a response.",
    Light.AMBER: "Amber: outside safe and healthy behaviour; watch, talk and record.",
    Light.RED: "Red: harmful or abusive; act at once to protect the children.",
}

# (code, label, lowest age, highest age) - inclusive, overlapping on purpose.
AGE_BANDS: list[tuple[str, str, int, int]] = [
    ("0-5", "0 to 5 years", 0, 5),
    ("5-9", "5 to 9 years", 5, 9),
    ("9-13", "9 to 13 years", 9, 13),
    ("13-17", "13 to 17 years", 13, 17),
]

EXAMPLES: dict[str, dict[str, list[str]]] = {
    "0-5": {
        Light.GREEN: ["Curious about private parts", "Touching their own private parts"],
        Light.AMBER: ["Persistent touching of others' private parts after being asked to stop"],
        Light.RED: ["Forcing another child into sexual activity", "Simulating adult sex acts"],
    },
    "5-9": {
        Light.GREEN: ["Curiosity about differences between bodies", "Kissing and hugging"],
        Light.AMBER: ["Questions about sex that worry adults", "Sexual words used to upset"],
        Light.RED: ["Persistent sexual behaviour with others", "Sharing sexual images"],
    },
    "9-13": {
        Light.GREEN: ["Wanting more privacy", "Crushes on friends or celebrities"],
        Light.AMBER: ["Watching pornography", "Sexual bullying face to face or online"],
        Light.RED: [
            "Coercing others into sexual activity",
            "Sexual activity with a much younger child",
        ],
    },
    "13-17": {
        Light.GREEN: ["Consensual relationships with peers of a similar age"],
        Light.AMBER: ["Sharing images of themselves", "Frequent use of pornography"],
        Light.RED: ["Sexual activity using force or threats", "Distributing images of others"],
    },
}


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Completed years on the day (a child born on 29 February turns a year older on 1 March)."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def age_band_for(date_of_birth: dt.date | None, day: dt.date) -> str:
    """The age band whose examples apply; where bands overlap, the older one (the stricter guide)."""
    if date_of_birth is None:
        return "13-17"
    age = age_on(date_of_birth, day)
    chosen = AGE_BANDS[0][0]
    for code, _label, low, high in AGE_BANDS:
        if low <= age <= high or age > high:
            chosen = code
    return chosen


def band_label(code: str) -> str:
    """The words for an age band."""
    return next((label for c, label, _l, _h in AGE_BANDS if c == code), code)
