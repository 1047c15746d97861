"""The national 3x5x2 intelligence grading, and the order the network page filters by.

Every link carries three parts (College of Policing intelligence management APP):

* source evaluation (the "3"): 1 Reliable, 2 Untested, 3 Not reliable;
* intelligence assessment (the "5"): A Known directly to the source, B Known indirectly
  but corroborated, C Known indirectly, D Not known, E Suspected to be false;
* handling code (the "2"): P lawful sharing permitted, C lawful sharing permitted with
  conditions, which must then be written down.

:func:`rank` puts the fifteen source-and-assessment pairs in one order (higher is
stronger), so a network can be recomputed from links "at or above" a chosen grade.
The assessment leads and the source breaks ties: what the source knows matters more
than how far the source is trusted, so "E" (suspected to be false) is weakest whatever
the source, and 3-A (an unreliable source who saw it) sits above 1-B.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from safeguard.core.errors import InvalidRequest


class SourceEvaluation(models.TextChoices):
    """How far the source is trusted (the "3")."""

    RELIABLE = "1", "1: Reliable"
    UNTESTED = "2", "2: Untested"
    NOT_RELIABLE = "3", "3: Not reliable"


class Assessment(models.TextChoices):
    """What the source knows of the information (the "5")."""

    KNOWN_DIRECTLY = "A", "A: Known directly to the source"
    CORROBORATED = "B", "B: Known indirectly but corroborated"
    KNOWN_INDIRECTLY = "C", "C: Known indirectly"
    NOT_KNOWN = "D", "D: Not known"
    SUSPECTED_FALSE = "E", "E: Suspected to be false"


class HandlingCode(models.TextChoices):
    """Whether it may be shared, and on what conditions (the "2")."""

    PERMITTED = "P", "P: Lawful sharing permitted"
    CONDITIONS = "C", "C: Lawful sharing permitted with conditions"


SOURCES = [c.value for c in SourceEvaluation]
ASSESSMENTS = [c.value for c in Assessment]
LOWEST_RANK = 1
HIGHEST_RANK = len(SOURCES) * len(ASSESSMENTS)


def rank(source: str, assessment: str) -> int:
    """The strength of a source-and-assessment pair, from 1 (3-E) to 15 (1-A).

    Raises :class:`InvalidRequest` for a value outside the scheme.
    """
    if source not in SOURCES:
        raise InvalidRequest(
            "Source evaluation must be 1, 2 or 3",
            errors={"source_evaluation": "Source evaluation must be 1, 2 or 3"},
        )
    if assessment not in ASSESSMENTS:
        raise InvalidRequest(
            "Intelligence assessment must be A, B, C, D or E",
            errors={"assessment": "Intelligence assessment must be A, B, C, D or E"},
        )
    a = len(ASSESSMENTS) - ASSESSMENTS.index(assessment)  # A=5 ... E=1
    s = len(SOURCES) - SOURCES.index(source)  # 1=3 ... 3=1
    return (a - 1) * len(SOURCES) + s


@dataclass(frozen=True)
class Grade:
    """A complete 3x5x2 grading of one piece of intelligence."""

    source: str
    assessment: str
    handling: str
    conditions: str = ""

    @property
    def code(self) -> str:
        """As written on a report, for example ``1-A-P``."""
        return f"{self.source}-{self.assessment}-{self.handling}"

    @property
    def rank(self) -> int:
        """Its place in the order the network filters by (higher is stronger)."""
        return rank(self.source, self.assessment)

    @property
    def words(self) -> str:
        """The three parts in words."""
        return "; ".join(
            (
                SourceEvaluation(self.source).label,
                Assessment(self.assessment).label,
                HandlingCode(self.handling).label,
            )
        )


def grade_check(*, source: str, assessment: str, handling: str, conditions: str) -> Grade:
    """A complete grading, or a GOV.UK error for each part that is missing or outside the scheme."""
    errors: dict[str, str] = {}
    if not source:
        errors["source_evaluation"] = "Select the source evaluation (1, 2 or 3)"
    elif source not in SOURCES:
        errors["source_evaluation"] = "Source evaluation must be 1, 2 or 3"
    if not assessment:
        errors["assessment"] = "Select the intelligence assessment (A to E)"
    elif assessment not in ASSESSMENTS:
        errors["assessment"] = "Intelligence assessment must be A, B, C, D or E"
    if not handling:
        errors["handling_code"] = "Select the handling code (P or C)"
    elif handling not in HandlingCode.values:
        errors["handling_code"] = "Handling code must be P or C"
    elif handling == HandlingCode.CONDITIONS and not conditions.strip():
        errors["handling_conditions"] = (
            "Enter the conditions for sharing: handling code C needs them"
        )
    if errors:
        raise InvalidRequest(next(iter(errors.values())), errors=errors)
    return Grade(source, assessment, handling, conditions.strip() if handling == "C" else "")


def grade_choices() -> list[tuple[str, str]]:
    """Every source-and-assessment pair, strongest first, for "at or above" filters."""
    pairs = [(s, a) for s in SOURCES for a in ASSESSMENTS]
    pairs.sort(key=lambda p: -rank(*p))
    return [(f"{s}-{a}", f"{s}-{a} or stronger") for s, a in pairs]


def parse_pair(value: str) -> tuple[str, str]:
    """``"2-B"`` as ``("2", "B")``; an :class:`InvalidRequest` for anything else."""
    source, _, assessment = (value or "").strip().upper().partition("-")
    rank(source, assessment)
    return source, assessment
