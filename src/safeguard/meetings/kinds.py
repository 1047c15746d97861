"""The partnership's kinds of meeting as first seeded; the partnership adds and changes kinds later.

Used by migration ``0002_seed_meeting_kinds`` and by :func:`kinds_seed`, which puts them
back when a test run has emptied the tables (browser tests flush the database).
"""

from __future__ import annotations

from typing import Any

CSC = "childrens_social_care"
POLICE = "police"
HEALTH = "health_icb"
SCHOOL = "education_school"

# slug, name, short name, frequency, chair role, chair team purpose, agencies, quorum,
# clock starts, clock amount, clock, Signs of Safety, agenda supplier, minutes
KINDS = [
    (
        "strategy-meeting",
        "Strategy meeting",
        "Strategy",
        "one_off",
        "",
        "social_care_assessment",
        [CSC, POLICE, HEALTH],
        3,
        "section_47_decision",
        1,
        "working_days",
        True,
        "",
        60,
    ),
    (
        "initial-child-protection-conference",
        "Initial child protection conference",
        "ICPC",
        "one_off",
        "panel_chair",
        "",
        [CSC, POLICE, HEALTH, SCHOOL],
        3,
        "strategy_discussion",
        15,
        "working_days",
        True,
        "",
        90,
    ),
    (
        "review-child-protection-conference",
        "Review child protection conference",
        "RCPC",
        "one_off",
        "panel_chair",
        "",
        [CSC, POLICE, HEALTH, SCHOOL],
        3,
        "",
        None,
        "",
        True,
        "",
        90,
    ),
    (
        "team-around-the-family",
        "Team Around the Family meeting",
        "TAF",
        "one_off",
        "",
        "early_help",
        [],
        2,
        "",
        None,
        "",
        True,
        "",
        60,
    ),
    (
        "child-exploitation-risk-assessment-panel",
        "Child Exploitation Risk Assessment Panel",
        "CERAP",
        "weekly",
        "panel_chair",
        "",
        [CSC, POLICE, HEALTH],
        3,
        "",
        None,
        "",
        False,
        "exploitation_panel",
        120,
    ),
    (
        "child-exploitation-disruption-meeting",
        "Child Exploitation Disruption Meeting",
        "CEDM",
        "monthly",
        "panel_chair",
        "",
        [POLICE, CSC],
        2,
        "",
        None,
        "",
        False,
        "exploitation_disruption",
        90,
    ),
    (
        "multi-agency-child-exploitation-meeting",
        "Multi-Agency Child Exploitation Meeting",
        "MACEM",
        "monthly",
        "panel_chair",
        "",
        [CSC, POLICE, HEALTH],
        3,
        "",
        None,
        "",
        False,
        "",
        120,
    ),
    (
        "weekly-missing-meeting",
        "Weekly missing meeting",
        "Missing",
        "weekly",
        "",
        "",
        [CSC, POLICE],
        2,
        "",
        None,
        "",
        False,
        "missing_episodes",
        60,
    ),
    (
        "subgroup",
        "Partnership subgroup",
        "Subgroup",
        "monthly",
        "",
        "",
        [],
        3,
        "",
        None,
        "",
        False,
        "",
        120,
    ),
    (
        "executive",
        "Partnership Executive",
        "Executive",
        "monthly",
        "",
        "",
        [CSC, POLICE, HEALTH],
        3,
        "",
        None,
        "",
        False,
        "",
        120,
    ),
]

DESCRIPTIONS = {
    "strategy-meeting": (
        "Decides whether to start a Section 47 enquiry; held within 1 working day of the "
        "decision that the threshold is met."
    ),
    "initial-child-protection-conference": (
        "Decides whether the child needs a child protection plan; held within 15 working days "
        "of the strategy discussion."
    ),
}


def kind_defaults(row: tuple[Any, ...]) -> dict[str, Any]:
    """The fields of one seeded kind, by name."""
    (slug, name, short, frequency, role, team, agencies, quorum, starts, amount, clock) = row[:11]
    sos, supplier, minutes = row[11:]
    return {
        "name": name,
        "short_name": short,
        "description": DESCRIPTIONS.get(slug, ""),
        "frequency": frequency,
        "chair_role": role,
        "chair_team_purpose": team,
        "required_agency_kinds": agencies,
        "quorum": quorum,
        "clock_starts": starts,
        "clock_amount": amount,
        "clock": clock,
        "signs_of_safety": sos,
        "agenda_supplier": supplier,
        "duration_minutes": minutes,
    }


def kinds_seed(model: Any = None) -> None:
    """Create any seeded kind that is missing (existing kinds are left as the partnership set them)."""
    if model is None:
        from .models import MeetingKind

        model = MeetingKind
    for row in KINDS:
        model.objects.get_or_create(slug=row[0], defaults=kind_defaults(row))


def kind(slug: str) -> Any:
    """A seeded kind by its slug, seeding first if the tables were emptied."""
    from .models import MeetingKind

    found = MeetingKind.objects.filter(slug=slug).first()
    if found is None:
        kinds_seed()
        found = MeetingKind.objects.get(slug=slug)
    return found
