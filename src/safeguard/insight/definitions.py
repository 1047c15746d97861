"""Every measure in the data set with its written definition, shown beside its figures.

The definitions are the partnership's own decisions about what each figure counts
(docs/insight.md says why). Keys are ``section.name``; the section titles follow.
"""

from __future__ import annotations

from safeguard.insight.types import Measure, Unit

SECTIONS: dict[str, str] = {
    "frontdoor": "Front door: contacts, referrals and decisions",
    "earlyhelp": "Early help",
    "sharing": "Information sharing",
    "meetings": "Multi-agency meetings",
    "missing": "Children missing from home or care",
    "exploitation": "Child exploitation",
    "hsb": "Harmful sexual behaviour (HSB)",
    "contextual": "Contextual safeguarding: places, persons of concern and disruption",
}

_M = Measure

MEASURES: tuple[Measure, ...] = (
    _M(
        "frontdoor.contacts_by_source",
        "Contacts and referrals by source",
        "Contacts received by the Multi-Agency Safeguarding Hub (MASH) in the period, by who "
        "made them, using the Children in Need census referral source codes. A referral is a "
        "contact the MASH decided at level 4 (specialist need: children's social care). The "
        "source is the referrer's agency kind; a contact from early help stepping up is 5D.",
    ),
    _M(
        "frontdoor.children_in_contacts",
        "Children named in contacts",
        "Different children named in at least one contact received in the period, and the "
        "rate per 10,000 children living in the area.",
    ),
    _M(
        "frontdoor.decisions_by_level",
        "Threshold decisions by level",
        "Threshold decisions the MASH made in the period (the decision's time), by the level "
        "on the continuum of need. An amended decision counts once, at its current level.",
    ),
    _M(
        "frontdoor.decided_in_time",
        "Decisions made within one working day",
        "Threshold decisions made in the period, split by whether the decision came within "
        "one working day of the contact arriving (the partnership's clock: office hours, "
        "weekends and bank holidays excluded).",
        unit=Unit.PERCENT,
    ),
    _M(
        "frontdoor.re_referrals",
        "Re-referrals within 12 months",
        "Referrals decided in the period (level 4 decisions) where a child named had another "
        "referral decided in the 365 days before.",
        unit=Unit.PERCENT,
    ),
    _M(
        "earlyhelp.started",
        "Early help episodes started",
        "Early help episodes (one family's period of early help) opened in the period.",
    ),
    _M(
        "earlyhelp.reviewed",
        "Early help episodes reviewed",
        "Different early help episodes with a Team Around the Family review meeting held in "
        "the period (cancelled meetings do not count).",
    ),
    _M(
        "earlyhelp.closed_by_reason",
        "Early help episodes closed, by reason",
        "Early help episodes closed in the period, by the reason recorded at closure.",
    ),
    _M(
        "earlyhelp.stepped",
        "Early help stepped up or down",
        "Early help episodes closed in the period because the family was stepped up to "
        "children's social care, or stepped down to universal services.",
    ),
    _M(
        "sharing.decisions_by_consent",
        "Information sharing decisions by consent",
        "Decisions recorded in the period about sharing a child's information with another "
        "agency, by whether consent was given, refused, not sought or withdrawn, and whether "
        "the practitioner shared.",
    ),
    _M(
        "sharing.requests_timeliness",
        "Sharing requests answered late",
        "Requests from one agency to another to share information, due in the period "
        "(withdrawn requests left out), by whether the answer came by the due date (UK dates).",
    ),
    _M(
        "sharing.break_glass",
        "Break-glass uses",
        "Emergency (break-glass) openings of a child's record in the period, by the outcome "
        "of their review.",
    ),
    _M(
        "meetings.attendance_by_agency",
        "Meeting attendance by agency",
        "Invitations to multi-agency meetings held in the period (cancelled meetings left "
        "out), by the invited agency's kind and what was recorded about attendance.",
    ),
    _M(
        "meetings.attendance_by_kind",
        "Meeting attendance by kind of meeting",
        "The same invitations, by the kind of meeting.",
    ),
    _M(
        "missing.episodes",
        "Missing episodes",
        "Episodes of a child missing from home or care (or away from placement) that began "
        "in the period.",
    ),
    _M(
        "missing.children",
        "Children missing",
        "Different children with at least one missing episode that began in the period, and "
        "the rate per 10,000 children living in the area.",
    ),
    _M(
        "missing.repeat",
        "Children missing repeatedly",
        "Children with 3 or more missing episodes that began in the period.",
    ),
    _M(
        "missing.return_interviews",
        "Return home interviews",
        "Missing episodes that ended (the child returned or was found) in the period, by what "
        "happened to the return home interview: held within 72 hours of the return (round "
        "the clock), held later, declined by the child, not held, or still waiting.",
        unit=Unit.PERCENT,
    ),
    _M(
        "exploitation.screened",
        "Children screened for exploitation",
        "Different children with an exploitation screening completed in the period, and the "
        "rate per 10,000 children living in the area.",
    ),
    _M(
        "exploitation.at_risk_by_level",
        "Children at risk of exploitation, by level",
        "Children whose latest risk panel decision in the period found an emerging, moderate "
        "or significant risk of child sexual exploitation (CSE), child criminal exploitation "
        "(CCE) or both, by the level found.",
    ),
    _M(
        "exploitation.at_risk_by_sex",
        "Children at risk of exploitation, by sex",
        "The same children, by sex as recorded.",
    ),
    _M(
        "exploitation.at_risk_by_age",
        "Children at risk of exploitation, by age band",
        "The same children, by age on the day of the panel decision.",
    ),
    _M(
        "exploitation.at_risk_by_ethnicity",
        "Children at risk of exploitation, by ethnic group",
        "The same children, by the broad 2021 census ethnic group recorded.",
    ),
    _M(
        "exploitation.nrm_referrals",
        "National Referral Mechanism (NRM) referrals",
        "Children referred to the National Referral Mechanism in the period (the referral "
        "date), by the kind of exploitation.",
    ),
    _M(
        "exploitation.nrm_decision_days",
        "Days to a reasonable grounds decision",
        "NRM referrals whose first reasonable grounds decision was made in the period, and "
        "the median number of calendar days from referral to that decision.",
        unit=Unit.DAYS,
    ),
    _M(
        "hsb.concerns_by_level",
        "Harmful sexual behaviour concerns by level",
        "Concerns about a child's sexual behaviour recorded in the period, by where the "
        "behaviour sits on Hackett's continuum.",
    ),
    _M(
        "hsb.aim_assessments",
        "AIM assessments started",
        "Assessments using the AIM Project's tools started in the period, by tool and by "
        "whether the case is preventative (with consent) or statutory.",
    ),
    _M(
        "hsb.both_roles",
        "Children both harmed and harming",
        "Children named in a harmful sexual behaviour concern as a child harmed and in one as "
        "a child who harmed (any concern recorded by the end of the period).",
    ),
    _M(
        "hsb.time_to_referral",
        "Time from noticing to referral",
        "Concerns recorded in the period that were referred on, and the median hours from "
        "the behaviour first being noticed to the referral.",
        unit=Unit.HOURS,
    ),
    _M(
        "hsb.long_investigations",
        "Investigations open over 3 months",
        "Police investigations of harmful sexual behaviour still open at the end of the "
        "period that started more than 91 days before it ended.",
    ),
    _M(
        "contextual.figures",
        "Places, persons of concern and disruption",
        "Places and persons of concern recorded, disruption actions and their outcomes, and "
        "networks disrupted in the period, as the contextual safeguarding record counts them.",
    ),
)

BY_KEY: dict[str, Measure] = {measure.key: measure for measure in MEASURES}


def measure(key: str) -> Measure:
    """The measure with ``key`` (``KeyError`` when there is none)."""
    return BY_KEY[key]
