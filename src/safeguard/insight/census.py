"""The Department for Education (DfE) Children in Need (CIN) census, child by child, as XML.

The census is the national return of every child referred to children's social care in
the collection year (1 April to 31 March). This module builds it in the shape the DfE's
rule validator (``csc-validator-be-cin``) reads: a header, then one ``Child`` per child
with identifiers, characteristics and their CIN details (referral, assessment, Section 47
enquiry). It is child-level: only the business unit may produce it (``services.py``
checks ``insight.export_census`` and audits every export, naming the children).

What the record holds and what it does not (docs/insight-outputs.md says more):

* A referral is a contact the Multi-Agency Safeguarding Hub (MASH) decided at level 4
  (specialist need) in the year; the date is the decision's UK date and the source is
  the referrer's agency. A child with several such referrals in the year has one open
  episode starting at the first: the record does not hold when social care closed a case.
* A Section 17 or Section 47 outcome starts an assessment on the decision day; a Section
  47 outcome also starts a Section 47 enquiry, its conference due 15 working days later.
  The record holds no assessment authorisation, no factors at assessment, no
  conference date, no child in need plan and no child protection plan.
* The primary need is suggested from the contact's concern categories and disability is
  ``DDA`` where special educational needs and disabilities (SEND) are recorded, else
  ``NONE``: social care must confirm both before the return is sent.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET  # noqa: S405 - we build XML here, we never parse untrusted XML
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .types import Period

UK = ZoneInfo("Europe/London")
SOFTWARE_CODE = "Safeguard"
RELEASE = "1"

# Census code lists (shared/reference/cin-codes.md and the validator's own lists).
ETHNICITY_CODES = frozenset(
    "ABAN AIND AOTH APKN BAFR BCRB BOTH CHNE MOTH MWAS MWBA MWBC NOBT OOTH REFU WBRI WIRI "
    "WIRT WOTH WROM".split()
)
DISABILITY_CODES = frozenset("NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA".split())
REFERRAL_SOURCES = frozenset("1A 1B 1C 1D 2A 2B 3A 3B 3C 3D 3E 3F 4 5A 5B 5C 5D 6 7 8 9 10".split())
PRIMARY_NEEDS = frozenset(f"N{n}" for n in range(10))
UPN_UNKNOWN = frozenset(f"UN{n}" for n in range(1, 11))
SEX_CODES = {"female": "F", "male": "M", "unknown": "U"}

# people.Ethnicity (the 2021 census groups) to the DfE's codes.
ETHNICITY = {
    "asian_bangladeshi": "ABAN",
    "asian_chinese": "CHNE",
    "asian_indian": "AIND",
    "asian_pakistani": "APKN",
    "asian_other": "AOTH",
    "black_african": "BAFR",
    "black_caribbean": "BCRB",
    "black_other": "BOTH",
    "mixed_white_asian": "MWAS",
    "mixed_white_black_african": "MWBA",
    "mixed_white_black_caribbean": "MWBC",
    "mixed_other": "MOTH",
    "white_british": "WBRI",
    "white_irish": "WIRI",
    "white_gypsy_traveller": "WIRT",
    "white_roma": "WROM",
    "white_other": "WOTH",
    "other_arab": "OOTH",
    "other_any": "OOTH",
    "not_known": "NOBT",
    "declined": "REFU",
}

# core.AgencyKind (the referrer's agency) to the census's source of referral.
REFERRAL_SOURCE = {
    "childrens_social_care": "5B",
    "police": "6",
    "health_icb": "3F",
    "health_hospital": "3F",
    "health_gp": "3A",
    "health_visiting": "3B",
    "health_mental": "3F",
    "education_school": "2A",
    "education_college": "2B",
    "education_early_years": "2B",
    "youth_justice": "7",
    "voluntary": "8",
    "housing": "4",
    "probation": "7",
}
EARLY_HELP_SOURCE = "5D"

# Concern categories (frontdoor/categories.py) to a suggested primary need, first match wins.
PRIMARY_NEED_BY_CATEGORY = (
    (
        {
            "neglect",
            "physical_abuse",
            "sexual_abuse",
            "emotional_abuse",
            "domestic_abuse",
            "child_sexual_exploitation",
            "child_criminal_exploitation",
            "female_genital_mutilation",
        },
        "N1",  # abuse or neglect
    ),
    ({"parental_mental_health"}, "N3"),  # parental disability or illness
    ({"substance_misuse"}, "N5"),  # family dysfunction
    ({"harmful_sexual_behaviour"}, "N6"),  # socially unacceptable behaviour
)
DEFAULT_PRIMARY_NEED = "N4"  # family in acute stress

SECTION_17 = "section_17"
SECTION_47 = "section_47"
LOOKED_AFTER = "looked_after"
SPECIALIST_LEVEL = 4
_ALPHANUMERIC = re.compile(r"^[A-Za-z0-9]{1,20}$")
_UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


@dataclass(frozen=True)
class Referral:
    """One level 4 decision about one child: when, from whom, and what followed."""

    decided_on: dt.date
    source: str
    outcome: str
    categories: tuple[str, ...] = ()


@dataclass
class CensusChild:
    """One child in the return, with the referrals the record holds for them in the year."""

    la_child_id: str
    person_id: str
    date_of_birth: dt.date | None
    sex: str
    ethnicity: str
    upn: str
    has_send: bool
    referrals: list[Referral] = field(default_factory=list)


def census_year(period: Period) -> Period:
    """The collection year: the census runs on financial years (1 April to 31 March)."""
    if period.is_quarter:
        raise ValueError("The Children in Need census covers a financial year, like 2026-27.")
    return period


_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(rest: str) -> str:
    """The check letter of a Unique Pupil Number whose characters 2 to 13 are ``rest``.

    Character 13 may be a letter (a temporary number); letters count as their place in
    the check-letter alphabet.
    """
    total = 0
    for weight, char in enumerate(rest, start=2):
        value = int(char) if char.isdigit() else _CHECK_LETTERS.index(char)
        total += value * weight
    return _CHECK_LETTERS[total % 23]


def upn_valid(upn: str) -> bool:
    """Whether the Unique Pupil Number has the right shape and check letter."""
    if not _UPN.match(upn) or upn[12].isalpha() and upn[12] not in _CHECK_LETTERS:
        return False
    return upn[0] == upn_check_letter(upn[1:])


def primary_need(categories: Iterable[str]) -> str:
    """A suggested primary need code from the contact's concern categories."""
    chosen = set(categories)
    for group, code in PRIMARY_NEED_BY_CATEGORY:
        if chosen & group:
            return code
    return DEFAULT_PRIMARY_NEED


def la_child_id(person_id: object) -> str:
    """A stable identifier of up to 20 letters and digits, from the person's record number."""
    return str(person_id).replace("-", "").upper()[:20]


def children_from_record(year: Period) -> list[CensusChild]:
    """Every child with a level 4 decision in the year, with those referrals, from the record."""
    from safeguard.frontdoor.models import ContactChild, Submission, ThresholdDecision

    year = census_year(year)
    start = dt.datetime.combine(year.start, dt.time.min, tzinfo=UK)
    end = dt.datetime.combine(year.end, dt.time.min, tzinfo=UK)
    decisions = {
        decision.contact_id: decision
        for decision in ThresholdDecision.objects.filter(
            level=SPECIALIST_LEVEL, decided_at__gte=start, decided_at__lt=end
        ).select_related("contact__referrer_agency")
    }
    rows = (
        ContactChild.objects.filter(contact_id__in=list(decisions))
        .select_related("person")
        .order_by("person_id", "contact_id")
    )
    children: dict[str, CensusChild] = {}
    for row in rows:
        person = row.person
        if person.merged_into_id is not None:
            continue
        decision = decisions[row.contact_id]
        contact = decision.contact
        if contact.submitted_via == Submission.EARLY_HELP:
            source = EARLY_HELP_SOURCE
        else:
            source = REFERRAL_SOURCE.get(contact.referrer_agency.kind, "8")
        child = children.get(str(person.pk))
        if child is None:
            child = children[str(person.pk)] = CensusChild(
                la_child_id=la_child_id(person.pk),
                person_id=str(person.pk),
                date_of_birth=person.date_of_birth,
                sex=SEX_CODES.get(person.sex, "U"),
                ethnicity=ETHNICITY.get(person.ethnicity, "NOBT"),
                upn=(person.unique_pupil_number or "").strip().upper(),
                has_send=bool((person.send or "").strip()),
            )
        child.referrals.append(
            Referral(
                decided_on=decision.decided_at.astimezone(UK).date(),
                source=source,
                outcome=decision.outcome,
                categories=tuple(contact.categories or ()),
            )
        )
    return sorted(children.values(), key=lambda item: item.la_child_id)


def _add(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    node = ET.SubElement(parent, tag)
    if text is not None:
        node.text = text.isoformat() if isinstance(text, dt.date) else str(text)
    return node


def _upn_unknown(child: CensusChild, reference: dt.date) -> str:
    """Why there is no Unique Pupil Number: not yet of school age (UN2) or not known (UN5)."""
    if child.date_of_birth is not None:
        age = reference.year - child.date_of_birth.year
        if (reference.month, reference.day) < (child.date_of_birth.month, child.date_of_birth.day):
            age -= 1
        if age < 5:  # noqa: PLR2004 - school age
            return "UN2"
    return "UN5"


def conference_target(start: dt.date) -> dt.date:
    """The initial child protection conference is due 15 working days after the enquiry starts."""
    from safeguard.core.clock import is_working_day

    day, counted = start, 0
    while counted < 15:  # noqa: PLR2004 - Working Together's 15 working days
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def census_xml(
    year: Period,
    children: Iterable[CensusChild],
    *,
    la_code: str,
    now: dt.datetime | None = None,
) -> bytes:
    """The return as XML bytes, one ``Child`` per child, in the census's element order."""
    year = census_year(year)
    reference = year.last_day
    now = now or dt.datetime.now(tz=UK)
    root = ET.Element("Message")
    header = _add(root, "Header")
    details = _add(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", reference.year)
    _add(details, "ReferenceDate", reference)
    source = _add(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la_code)
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", "1")
    _add(source, "DateTime", now.astimezone(UK).replace(microsecond=0, tzinfo=None).isoformat())
    listing = _add(root, "Children")
    for child in children:
        if not child.referrals:
            continue
        node = _add(listing, "Child")
        identifiers = _add(node, "ChildIdentifiers")
        _add(identifiers, "LAchildID", child.la_child_id)
        if _UPN.match(child.upn):
            _add(identifiers, "UPN", child.upn)
        else:
            _add(identifiers, "UPNunknown", _upn_unknown(child, reference))
        if child.date_of_birth is not None:
            _add(identifiers, "PersonBirthDate", child.date_of_birth)
        _add(identifiers, "Sex", child.sex)
        characteristics = _add(node, "ChildCharacteristics")
        _add(characteristics, "Ethnicity", child.ethnicity)
        disabilities = _add(characteristics, "Disabilities")
        _add(disabilities, "Disability", "DDA" if child.has_send else "NONE")
        # One open episode from the first referral: the record holds no closure.
        referrals = sorted(child.referrals, key=lambda item: item.decided_on)
        first = referrals[0]
        episode = _add(node, "CINdetails")
        _add(episode, "CINreferralDate", first.decided_on)
        _add(episode, "ReferralSource", first.source)
        _add(episode, "PrimaryNeedCode", primary_need(first.categories))
        _add(episode, "ReferralNFA", "false")
        assessed = next(
            (r for r in referrals if r.outcome in (SECTION_17, SECTION_47, LOOKED_AFTER)), None
        )
        if assessed is not None:
            assessment = _add(episode, "Assessments")
            _add(assessment, "AssessmentActualStartDate", assessed.decided_on)
        enquiry = next((r for r in referrals if r.outcome == SECTION_47), None)
        if enquiry is not None:
            section47 = _add(episode, "Section47")
            _add(section47, "S47ActualStartDate", enquiry.decided_on)
            _add(section47, "InitialCPCtarget", conference_target(enquiry.decided_on))
            _add(section47, "ICPCnotRequired", "false")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def census_problems(content: bytes, year: Period) -> list[str]:
    """Our own checks of the census's shape and codes, in plain English (empty when clean).

    They follow the DfE validator's error rules for what this export can hold (header,
    identifiers, codes, dates inside the year, one open episode per child); the validator
    itself runs outside the test suite (docs/insight-outputs.md).
    """
    from defusedxml import ElementTree as SafeET

    year = census_year(year)
    problems: list[str] = []
    try:
        root = SafeET.fromstring(content)
    except SafeET.ParseError as error:
        return [f"The file is not well-formed XML: {error}."]

    def text(node: ET.Element | None, path: str) -> str:
        found = node.find(path) if node is not None else None
        return (found.text or "").strip() if found is not None else ""

    def date(value: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None

    header = root.find("Header")
    if text(header, "CollectionDetails/Collection") != "CIN":
        problems.append("The header must say the collection is CIN.")
    if text(header, "CollectionDetails/ReferenceDate") != year.last_day.isoformat():
        problems.append(f"The reference date must be {year.last_day.isoformat()}.")
    if text(header, "CollectionDetails/Year") != str(year.last_day.year):
        problems.append(f"The census year must be {year.last_day.year}.")
    if not text(header, "Source/LEA").isdigit():
        problems.append("The local authority code must be a number.")
    seen: set[str] = set()
    children = root.findall("Children/Child")
    for number, child in enumerate(children, start=1):
        where = f"Child {number}"
        child_id = text(child, "ChildIdentifiers/LAchildID")
        if not _ALPHANUMERIC.match(child_id):
            problems.append(f"{where}: the child ID must be 1 to 20 letters or digits.")
        if child_id in seen:
            problems.append(f"{where}: the child ID {child_id} appears twice.")
        seen.add(child_id)
        upn, unknown = (
            text(child, "ChildIdentifiers/UPN"),
            text(child, "ChildIdentifiers/UPNunknown"),
        )
        if upn and not upn_valid(upn):
            problems.append(f"{where}: the Unique Pupil Number is not valid (check letter).")
        elif not (upn or unknown in UPN_UNKNOWN):
            problems.append(f"{where}: a Unique Pupil Number or a reason code is needed.")
        birth = date(text(child, "ChildIdentifiers/PersonBirthDate"))
        if birth is None or birth > year.last_day:
            problems.append(f"{where}: the date of birth is missing or after the census year.")
        if text(child, "ChildIdentifiers/Sex") not in {"M", "F", "U"}:
            problems.append(f"{where}: sex must be M, F or U.")
        if text(child, "ChildCharacteristics/Ethnicity") not in ETHNICITY_CODES:
            problems.append(f"{where}: the ethnicity code is not in the census list.")
        disabilities = [
            (node.text or "").strip()
            for node in child.findall("ChildCharacteristics/Disabilities/Disability")
        ]
        if not disabilities or any(code not in DISABILITY_CODES for code in disabilities):
            problems.append(f"{where}: a disability code (or NONE) from the census list is needed.")
        episodes = child.findall("CINdetails")
        if not episodes:
            problems.append(f"{where}: the child has no CIN details.")
        open_episodes = 0
        for episode in episodes:
            referred = date(text(episode, "CINreferralDate"))
            if referred is None or referred > year.last_day:
                problems.append(f"{where}: the referral date is missing or after the census year.")
                continue
            if text(episode, "ReferralSource") not in REFERRAL_SOURCES:
                problems.append(f"{where}: the source of referral is not in the census list.")
            nfa = text(episode, "ReferralNFA").lower()
            if nfa not in {"true", "false", "1", "0"}:
                problems.append(f"{where}: the no further action flag must be true or false.")
            need = text(episode, "PrimaryNeedCode")
            if nfa in {"false", "0"} and need not in PRIMARY_NEEDS:
                problems.append(f"{where}: the primary need code is missing or not in the list.")
            if not text(episode, "CINclosureDate"):
                open_episodes += 1
            for assessment in episode.findall("Assessments"):
                started = date(text(assessment, "AssessmentActualStartDate"))
                if started is None or started < referred:
                    problems.append(f"{where}: an assessment starts before the referral.")
                elif not text(assessment, "AssessmentAuthorisationDate") and not (
                    year.start <= started <= year.last_day
                ):
                    problems.append(f"{where}: an open assessment must start in the census year.")
            for enquiry in episode.findall("Section47"):
                started = date(text(enquiry, "S47ActualStartDate"))
                if started is None or started < referred:
                    problems.append(f"{where}: a Section 47 enquiry starts before the referral.")
                target = date(text(enquiry, "InitialCPCtarget"))
                if target is not None and target.weekday() >= 5:  # noqa: PLR2004 - Saturday
                    problems.append(f"{where}: the conference target date falls at a weekend.")
        if open_episodes > 1:
            problems.append(f"{where}: more than one open CIN episode.")
    return problems
