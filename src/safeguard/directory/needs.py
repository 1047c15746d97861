"""What a service helps with: the directory's needs, shared with the front door's concern codes.

A need's code is the front door's concern category code where one exists
(``child_criminal_exploitation``, ``going_missing``...), so a contact's categories
are the needs :func:`safeguard.directory.selectors.services_for` is asked about,
with no mapping table between the two apps. Needs the front door has no category
for (parenting, family information, disability) have their own codes.

In Open Referral UK each need is an ``attribute`` linking the service to a
``taxonomy_term`` of our taxonomy ``NEEDS_TAXONOMY``; term ids are stable UUIDs made
from the code, so an export imported elsewhere keeps them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

NEEDS_TAXONOMY = "safeguard-needs"
_NAMESPACE = uuid.UUID("6f1c2f6e-5a0e-4d53-9a55-3c1d3b6f2a10")


@dataclass(frozen=True)
class Need:
    """One thing a service helps with."""

    code: str
    label: str

    @property
    def term_id(self) -> str:
        """The Open Referral UK taxonomy term id for this need (stable across exports)."""
        return str(uuid.uuid5(_NAMESPACE, f"{NEEDS_TAXONOMY}:{self.code}"))


NEEDS: tuple[Need, ...] = (
    Need("child_sexual_exploitation", "Child sexual exploitation"),
    Need("child_criminal_exploitation", "Child criminal exploitation, including county lines"),
    Need("going_missing", "Going missing from home or care"),
    Need("substance_misuse", "Drugs and alcohol"),
    Need("domestic_abuse", "Domestic abuse"),
    Need("parental_mental_health", "A parent's or carer's mental health"),
    Need("neglect", "Neglect"),
    Need("parenting", "Parenting support"),
    Need("family_information", "Information for families"),
    Need("disability", "Disability or special educational needs"),
    Need("immediate_risk", "A child at risk of significant harm"),
)

BY_CODE: dict[str, Need] = {n.code: n for n in NEEDS}
BY_TERM_ID: dict[str, Need] = {n.term_id: n for n in NEEDS}
CHOICES: list[tuple[str, str]] = [(n.code, n.label) for n in NEEDS]


def labels(codes: list[str]) -> list[str]:
    """The labels of the needs named, in the order given, skipping unknown codes."""
    return [BY_CODE[c].label for c in codes if c in BY_CODE]
