"""Concern categories and their Department for Education (DfE) Children in Need census codes.

The codes follow the DfE Children in Need (CIN) census 2024 schema (see
``shared/reference/cin-codes.md``), so the partnership's contact figures line
up with the national return. Where the census has no factor of its own (online
harm, radicalisation, school attendance) the category maps to ``20`` ("Other").
Where the census splits a factor by who is affected, the split most contacts
describe is used: domestic abuse ``3B`` (a parent or carer is the subject),
substance misuse ``2B`` (drug misuse by a parent or carer), physical and sexual
abuse ``18C``/``19C`` (adult on child) and harmful sexual behaviour ``19B``
(child on child, the nearest code).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConcernCategory:
    """One kind of concern a referrer can choose, with its census code."""

    code: str
    label: str
    cin_code: str
    cin_factor: str


CATEGORIES: tuple[ConcernCategory, ...] = (
    ConcernCategory("neglect", "Neglect", "16A", "Neglect"),
    ConcernCategory("physical_abuse", "Physical abuse", "18C", "Physical abuse: adult on child"),
    ConcernCategory("sexual_abuse", "Sexual abuse", "19C", "Sexual abuse: adult on child"),
    ConcernCategory("emotional_abuse", "Emotional abuse", "17A", "Emotional abuse"),
    ConcernCategory(
        "domestic_abuse",
        "Domestic abuse",
        "3B",
        "Domestic violence: parent or carer is the subject",
    ),
    ConcernCategory(
        "child_sexual_exploitation",
        "Child sexual exploitation (CSE)",
        "11A",
        "Child sexual exploitation",
    ),
    ConcernCategory(
        "child_criminal_exploitation",
        "Child criminal exploitation (CCE)",
        "24A",
        "Child criminal exploitation",
    ),
    ConcernCategory("going_missing", "Going missing", "10A", "Going or being missing"),
    ConcernCategory(
        "harmful_sexual_behaviour",
        "Harmful sexual behaviour (HSB)",
        "19B",
        "Sexual abuse: child on child",
    ),
    ConcernCategory("online_harm", "Online harm", "20", "Other"),
    ConcernCategory("radicalisation", "Radicalisation", "20", "Other"),
    ConcernCategory(
        "female_genital_mutilation",
        "Female genital mutilation (FGM)",
        "22A",
        "Female genital mutilation",
    ),
    ConcernCategory(
        "parental_mental_health",
        "Parental mental health",
        "4B",
        "Mental health: parent or carer",
    ),
    ConcernCategory("self_harm", "Self-harm", "15A", "Self-harm"),
    ConcernCategory("substance_misuse", "Substance misuse", "2B", "Drug misuse: parent or carer"),
    ConcernCategory("school_attendance", "School attendance", "20", "Other"),
    ConcernCategory("other", "Something else", "20", "Other"),
)

BY_CODE: dict[str, ConcernCategory] = {c.code: c for c in CATEGORIES}
CHOICES: list[tuple[str, str]] = [(c.code, c.label) for c in CATEGORIES]


def cin_code(category: str) -> str:
    """The census factor code for a concern category (``KeyError`` if unknown)."""
    return BY_CODE[category].cin_code


def labels(codes: list[str]) -> list[str]:
    """The plain-English labels for a list of category codes, in the order given."""
    return [BY_CODE[c].label for c in codes if c in BY_CODE]
