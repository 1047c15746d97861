"""The strategy's meaningful measures, by the four Ps: Prepare, Prevent, Protect, Pursue.

Every "how will we know this has happened?" in the exploitation strategy's Meaningful
Measures appendix (``shared/seeds/003``), and the numbers its Prevent outcome asks for,
is one :class:`MeaningfulMeasure`. A measure the record answers names the data set
measure key its figure comes from; one it cannot (surveys, website and social media
figures, audits' findings, other services' own counts) is entered by the business unit
each quarter (``services.measure_value_enter``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .types import Source, Unit


class P(StrEnum):
    """The strategy's four Ps."""

    PREPARE = "prepare"
    PREVENT = "prevent"
    PROTECT = "protect"
    PURSUE = "pursue"

    @property
    def heading(self) -> str:
        """The P as a heading."""
        return self.value.capitalize()


P_SUMMARIES = {
    P.PREPARE: "Build young people's resilience, raise awareness and equip the workforce.",
    P.PREVENT: "The right support at the right time, so need and risk do not escalate.",
    P.PROTECT: "Share information well and take a joined-up approach to safeguarding.",
    P.PURSUE: "Disrupt those who exploit children and respond together to risk outside the home.",
}


@dataclass(frozen=True)
class MeaningfulMeasure:
    """One measure of the strategy: its P, the outcome it belongs to, and where its figure is."""

    key: str
    p: P
    outcome: str
    wording: str
    source: Source
    unit: Unit = Unit.COUNT
    data_key: str = ""  # the data set measure key, for a measure the record answers
    note: str = ""

    @property
    def entered(self) -> bool:
        """Whether the business unit enters the figure each quarter."""
        return self.source is Source.ENTERED


_R, _E = Source.RECORD, Source.ENTERED
RESILIENCE = "Work with young people to build resilience"
EVERYONE = "Safeguarding is everyone's business: raising awareness across the partnership"
WORKFORCE = "Developing the workforce to understand risk outside the home"
RIGHT_TIME = "The right support at the right time, to prevent escalating need or risk"
SHARING = "Sharing information effectively"
JOINED_UP = "Take a joined-up approach to safeguarding"
DISRUPTION = "Disruption tactics and a multi-agency response to contextual risks"

CATALOGUE: tuple[MeaningfulMeasure, ...] = (
    # Prepare
    MeaningfulMeasure(
        "prepare.self_referrals",
        P.PREPARE,
        RESILIENCE,
        "Self-referrals to services by young people",
        _E,
        note="Services' own counts: a young person referring themselves does not come "
        "through the front door.",
    ),
    MeaningfulMeasure(
        "prepare.young_people_knowledge",
        P.PREPARE,
        RESILIENCE,
        "Young people who say their knowledge and skills about risky behaviour and "
        "exploitation have increased",
        _E,
        Unit.PERCENT,
        note="From interviews and surveys of young people.",
    ),
    MeaningfulMeasure(
        "prepare.earliest_opportunity",
        P.PREPARE,
        RESILIENCE,
        "Work carried out at the earliest opportunity with a trusted person who knows the "
        "child best (early help episodes started)",
        _R,
        data_key="earlyhelp.started",
    ),
    MeaningfulMeasure(
        "prepare.advocacy_feedback",
        P.PREPARE,
        RESILIENCE,
        "Positive feedback from advocacy and support services for children and young people",
        _E,
        Unit.PERCENT,
    ),
    MeaningfulMeasure(
        "prepare.session_attendance",
        P.PREPARE,
        EVERYONE,
        "Attendance at partnership sessions, Safeguarding Week, masterclasses and development days",
        _E,
    ),
    MeaningfulMeasure(
        "prepare.theme_referrals",
        P.PREPARE,
        EVERYONE,
        "Referrals to services where a spotlight theme is present (contacts by source)",
        _R,
        data_key="frontdoor.contacts_by_source",
    ),
    MeaningfulMeasure(
        "prepare.website_visits",
        P.PREPARE,
        EVERYONE,
        "Visits to the partnership website",
        _E,
    ),
    MeaningfulMeasure(
        "prepare.social_media_engagement",
        P.PREPARE,
        EVERYONE,
        "Engagement with the partnership's social media (reactions, shares and replies)",
        _E,
    ),
    MeaningfulMeasure(
        "prepare.newsletter_subscriptions",
        P.PREPARE,
        EVERYONE,
        "Subscriptions to the partnership newsletter",
        _E,
    ),
    MeaningfulMeasure(
        "prepare.held_at_early_help",
        P.PREPARE,
        EVERYONE,
        "Cases held at early help level (early help episodes started)",
        _R,
        data_key="earlyhelp.started",
    ),
    MeaningfulMeasure(
        "prepare.training_attendance",
        P.PREPARE,
        WORKFORCE,
        "Multi-agency participation and attendance at exploitation and extra-familial harm "
        "training",
        _E,
        note="The training app holds bookings and attendance; until the data set has a "
        "training section the business unit enters the figure.",
    ),
    MeaningfulMeasure(
        "prepare.training_implemented",
        P.PREPARE,
        WORKFORCE,
        "Impact survey answers showing the training has been put into practice",
        _E,
        Unit.PERCENT,
    ),
    MeaningfulMeasure(
        "prepare.training_feedback",
        P.PREPARE,
        WORKFORCE,
        "Attendees who say the training changed them and their practice",
        _E,
        Unit.PERCENT,
    ),
    # Prevent
    MeaningfulMeasure(
        "prevent.child_protection_plans",
        P.PREVENT,
        RIGHT_TIME,
        "Children becoming subject to a child protection plan",
        _E,
        note="Child protection plans are held in children's social care's own system.",
    ),
    MeaningfulMeasure(
        "prevent.looked_after",
        P.PREVENT,
        RIGHT_TIME,
        "Children becoming looked after by the local authority",
        _E,
        note="Held in children's social care's own system.",
    ),
    MeaningfulMeasure(
        "prevent.exploitation_risk_level",
        P.PREVENT,
        RIGHT_TIME,
        "Children moving up in risk level for exploitation (children at risk by level)",
        _R,
        data_key="exploitation.at_risk_by_level",
    ),
    MeaningfulMeasure(
        "prevent.early_help_stepped_up",
        P.PREVENT,
        RIGHT_TIME,
        "Early help assessments referred to children's social care (stepped up)",
        _R,
        data_key="earlyhelp.stepped",
    ),
    MeaningfulMeasure(
        "prevent.early_intervention_access",
        P.PREVENT,
        RIGHT_TIME,
        "Children and families accessing the Targeted Intervention Service, Raise York and "
        "other early intervention services",
        _E,
    ),
    MeaningfulMeasure(
        "prevent.early_help_needs_met",
        P.PREVENT,
        RIGHT_TIME,
        "Early help closed because all needs were met (closures by reason)",
        _R,
        data_key="earlyhelp.closed_by_reason",
    ),
    MeaningfulMeasure(
        "prevent.school_attendance",
        P.PREVENT,
        RIGHT_TIME,
        "School attendance of children known to the partnership",
        _E,
        Unit.PERCENT,
        note="From schools' attendance returns.",
    ),
    MeaningfulMeasure(
        "prevent.at_risk_of_exploitation",
        P.PREVENT,
        RIGHT_TIME,
        "Children assessed as at risk of exploitation (screened)",
        _R,
        data_key="exploitation.screened",
    ),
    MeaningfulMeasure(
        "prevent.missing_episodes",
        P.PREVENT,
        RIGHT_TIME,
        "Missing episodes",
        _R,
        data_key="missing.episodes",
    ),
    MeaningfulMeasure(
        "prevent.wellbeing_improved",
        P.PREVENT,
        RIGHT_TIME,
        "Children and young people whose well-being and level of risk improved after "
        "an intervention",
        _E,
        Unit.PERCENT,
        note="From feedback, focus groups and before-and-after measures.",
    ),
    MeaningfulMeasure(
        "prevent.audits_effective",
        P.PREVENT,
        RIGHT_TIME,
        "Case audits showing effective intervention and prevention of escalation",
        _E,
        Unit.PERCENT,
    ),
    # Protect
    MeaningfulMeasure(
        "protect.sharing_decisions",
        P.PROTECT,
        SHARING,
        "Information sharing decisions across the partnership (by consent)",
        _R,
        data_key="sharing.decisions_by_consent",
    ),
    MeaningfulMeasure(
        "protect.sharing_audits",
        P.PROTECT,
        SHARING,
        "Audited cases where effective information sharing led to positive outcomes",
        _E,
        Unit.PERCENT,
    ),
    MeaningfulMeasure(
        "protect.messages_disseminated",
        P.PROTECT,
        SHARING,
        "Key messages and updates sent out through the website, social media, newsletter "
        "and shared inbox",
        _E,
    ),
    MeaningfulMeasure(
        "protect.meeting_attendance",
        P.PROTECT,
        JOINED_UP,
        "Multi-agency attendance at strategy meetings, disruption meetings, risk panels, "
        "missing meetings and conferences",
        _R,
        data_key="meetings.attendance_by_agency",
    ),
    MeaningfulMeasure(
        "protect.partners_sharing_data",
        P.PROTECT,
        JOINED_UP,
        "Partner agencies whose data is in the quarterly report to the Executive",
        _E,
    ),
    MeaningfulMeasure(
        "protect.joined_up_audits",
        P.PROTECT,
        JOINED_UP,
        "Audited multi-agency cases where joined-up working led to positive outcomes",
        _E,
        Unit.PERCENT,
    ),
    # Pursue
    MeaningfulMeasure(
        "pursue.at_risk_of_exploitation",
        P.PURSUE,
        DISRUPTION,
        "Children and young people assessed as at risk of exploitation (by level)",
        _R,
        data_key="exploitation.at_risk_by_level",
    ),
    MeaningfulMeasure(
        "pursue.networks_disrupted",
        P.PURSUE,
        DISRUPTION,
        "Networks and operations disrupted through enforcement and interventions",
        _R,
        data_key="contextual.figures",
    ),
    MeaningfulMeasure(
        "pursue.disruption_audits",
        P.PURSUE,
        DISRUPTION,
        "Audits showing disrupted networks and operations that led to positive outcomes",
        _E,
        Unit.PERCENT,
    ),
    MeaningfulMeasure(
        "pursue.what_works_sessions",
        P.PURSUE,
        DISRUPTION,
        "Sessions with children and young people about what works for them, used in "
        "disruption planning",
        _E,
    ),
)

BY_KEY: dict[str, MeaningfulMeasure] = {measure.key: measure for measure in CATALOGUE}
ENTERED: tuple[MeaningfulMeasure, ...] = tuple(m for m in CATALOGUE if m.entered)


def by_p() -> list[tuple[P, list[MeaningfulMeasure]]]:
    """The catalogue grouped by P, in the strategy's order."""
    return [(p, [m for m in CATALOGUE if m.p is p]) for p in P]


def data_set_keys() -> frozenset[str]:
    """Every measure key a comparison file may name: the data set's and the entered ones.

    The data set's own definitions (``insight.definitions``) are used when present;
    the record keys this catalogue names are always included.
    """
    keys = {m.data_key for m in CATALOGUE if m.data_key} | {m.key for m in ENTERED}
    try:
        definitions = importlib.import_module("safeguard.insight.definitions")
    except ImportError:
        return frozenset(keys)
    keys |= {measure.key for measure in getattr(definitions, "MEASURES", ())}
    return frozenset(keys)


def latest_entered_values() -> dict[str, Any]:
    """Each entered measure's current value: its latest quarter, as last entered."""
    from .models import MeasureValue

    latest: dict[str, Any] = {}
    for entry in MeasureValue.objects.select_related("entered_by").order_by(
        "measure_key", "period", "entered_at", "pk"
    ):
        latest[entry.measure_key] = entry  # later periods and later entries overwrite
    return latest


def value_history(limit: int = 50) -> list[Any]:
    """The most recent entries, newest first, with who entered them (the history kept)."""
    from .models import MeasureValue

    return list(
        MeasureValue.objects.select_related("entered_by").order_by("-entered_at", "-pk")[:limit]
    )
