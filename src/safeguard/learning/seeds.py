"""The reference rows the app needs: the managed list of themes and the partnership's boards.

Migrations ``0002_seed_themes`` and ``0005_seed_boards`` load them; the demo calls
:func:`reference_data_seed` again, because a browser test's flush empties tables.
"""

from __future__ import annotations

from .models import Board, Theme

THEMES = [
    ("neglect", "Neglect"),
    ("domestic-abuse", "Domestic abuse"),
    ("engaging-fathers", "Engaging fathers and male carers"),
    ("professional-challenge", "Professional challenge and escalation"),
    ("non-mobile-babies", "Injuries to non-mobile babies"),
    ("repeat-referrals", "Repeat referrals"),
    ("voice-of-the-child", "The child's voice and lived experience"),
    ("exploitation", "Child exploitation"),
    ("harmful-sexual-behaviour", "Harmful sexual behaviour"),
    ("information-sharing", "Information sharing"),
    ("mental-health", "Parental mental health"),
    ("substance-misuse", "Parental substance misuse"),
]

BOARDS = [
    (
        "executive",
        "Executive",
        True,
        "The three statutory partners' leaders: sets the strategy and holds the partnership "
        "to account.",
    ),
    (
        "case-review",
        "Case Review Subgroup",
        False,
        "Serious incidents, rapid reviews and local reviews, and their action plans.",
    ),
    (
        "practice",
        "Safeguarding and Professional Practice Subgroup",
        False,
        "Multi-agency audits, procedures and practice standards.",
    ),
    (
        "learning",
        "Learning, Development and Performance Subgroup",
        False,
        "Training, the data set and meaningful measures.",
    ),
    (
        "exploitation",
        "Child Exploitation Subgroup",
        False,
        "Missing, exploitation and contextual safeguarding across the partnership.",
    ),
    (
        "voice",
        "Voice and Involvement Subgroup",
        False,
        "What children and families tell us, and what changes because of it.",
    ),
]


def reference_data_seed() -> None:
    """Make sure every theme and board exists (idempotent)."""
    for slug, name in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    for slug, name, executive, purpose in BOARDS:
        Board.objects.get_or_create(
            slug=slug, defaults={"name": name, "is_executive": executive, "purpose": purpose}
        )
