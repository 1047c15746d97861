"""A small hand-built partnership for the data set tests: every row made here, by hand.

The quarter is July to September 2026 (2026Q3). Each test works its expected figures out
from the rows below, in its own words, never by calling the engine's code.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest

from safeguard.core.models import AgencyKind
from safeguard.earlyhelp.models import Episode
from safeguard.exploitation.models import (
    MissingEpisode,
    NrmDecision,
    NrmReferral,
    PanelDecision,
    ReturnInterview,
    Screening,
)
from safeguard.frontdoor.models import Contact, ContactChild, ThresholdDecision
from safeguard.hsb.models import Concern, ConcernChild
from safeguard.meetings.models import AgendaItem, Invitation, Meeting, MeetingKind
from safeguard.people.models import Person
from safeguard.sharing.models import SharingDecision
from tests.factories import AccessGrantFactory, AgencyFactory, PersonFactory, UserFactory

UTC = dt.UTC
_numbers = itertools.count(1)


def at(text: str) -> dt.datetime:
    """A UTC moment from ``2026-07-06 09:00``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _ref(prefix: str) -> str:
    return f"{prefix}-{next(_numbers):06d}"


@dataclass
class Partnership:
    """Builds records with only the fields the data set reads (and those the models need)."""

    agencies: dict[str, Any] = field(default_factory=dict)
    user: Any = None
    kind: Any = None

    def agency(self, kind: str) -> Any:
        if kind not in self.agencies:
            self.agencies[kind] = AgencyFactory(kind=kind)
        return self.agencies[kind]

    def person(self, **fields: Any) -> Person:
        return PersonFactory(**fields)

    def contact(
        self,
        *,
        kind: str,
        received: str,
        children: list[Person],
        decided: str | None = None,
        level: int | None = None,
    ) -> Contact:
        agency = self.agency(kind)
        contact = Contact.objects.create(
            reference=_ref("CON"),
            received_at=at(received),
            referrer=self.user,
            referrer_agency=agency,
            referrer_name="A referrer",
            referrer_email="referrer@example.org",
            what_happened="A concern.",
            child_voice="Said they were fine.",
            consent="given",
            decision_due_at=at(received) + dt.timedelta(days=1),
        )
        for child in children:
            ContactChild.objects.create(contact=contact, person=child)
        if decided is not None:
            assert level is not None
            outcome = {1: "advice_nfa", 2: "signpost", 3: "early_help_assessment"}.get(
                level, "section_17"
            )
            ThresholdDecision.objects.create(
                contact=contact,
                level=level,
                outcome=outcome,
                rationale="Reasons.",
                message_to_referrer="Thank you.",
                decided_by=self.user,
                decided_at=at(decided),
            )
            contact.status = "decided"
            contact.save(update_fields=["status"])
        return contact

    def early_help(self, *, opened: str, closed: str | None = None, reason: str = "") -> Episode:
        return Episode.objects.create(
            reference=_ref("EH"),
            lead_agency=self.agency(AgencyKind.CHILDRENS_SOCIAL_CARE),
            opened_on=day(opened),
            opened_by=self.user,
            status="closed" if closed else "open",
            closed_on=day(closed) if closed else None,
            closure_reason=reason,
        )

    def sharing(self, *, decided: str, decision: str, consent: str, child: Person) -> None:
        SharingDecision.objects.create(
            reference=_ref("SD"),
            person=child,
            decided_by=self.user,
            decided_at=at(decided),
            from_agency=self.agency(AgencyKind.EDUCATION_SCHOOL),
            recipient_agency=self.agency(AgencyKind.POLICE),
            purpose="safeguarding_assessment",
            decision=decision,
            consent=consent,
            no_consent_reason="" if consent == "given" else "risk_of_harm",
            lawful_basis="public_task_safeguarding",
            judgement="Shared to protect.",
            summary="A summary.",
            items=[],
            items_sha256="0" * 64,
            grant=AccessGrantFactory(
                person=child, agency=self.agency(AgencyKind.POLICE), granted_by=self.user
            )
            if decision == "share"
            else None,
        )

    def missing(
        self,
        *,
        child: Person,
        since: str,
        returned: str | None = None,
        interview: str | None = None,
        held: str | None = None,
    ) -> MissingEpisode:
        episode = MissingEpisode.objects.create(
            reference=_ref("MIS"),
            person=child,
            kind="missing_from_home",
            missing_since=at(since),
            reported_at=at(since),
            reported_by_name="A parent",
            reported_by_kind="parent",
            last_seen_where="Home",
            risk_level="medium",
            recording_agency=self.agency(AgencyKind.POLICE),
            recorded_by=self.user,
            created_at=at(since),
            returned_at=at(returned) if returned else None,
        )
        if interview is not None:
            assert returned is not None
            ReturnInterview.objects.create(
                episode=episode,
                due_at=at(returned) + dt.timedelta(hours=72),
                status=interview,
                held_at=at(held) if held else None,
                updated_at=at(returned),
                updated_by=self.user,
            )
        return episode

    def meeting(self, *, starts: str, kind_name: str = "Risk panel") -> Meeting:
        kind, _ = MeetingKind.objects.get_or_create(
            slug=kind_name.lower().replace(" ", "-"),
            defaults={"name": kind_name, "frequency": "monthly"},
        )
        return Meeting.objects.create(
            reference=_ref("MTG"),
            kind=kind,
            title="A meeting",
            chair=self.user,
            starts_at=at(starts),
            ends_at=at(starts) + dt.timedelta(hours=1),
        )

    def invite(self, meeting: Meeting, *, kind: str, attendance: str) -> None:
        Invitation.objects.create(meeting=meeting, agency=self.agency(kind), attendance=attendance)

    def screening(self, *, child: Person, on: str) -> None:
        Screening.objects.create(
            reference=_ref("SCR"),
            person=child,
            screened_on=day(on),
            screened_by=self.user,
            agency=self.agency(AgencyKind.YOUTH_JUSTICE),
            proposed_level="moderate",
            judgement="Worried.",
            judgement_level="moderate",
        )

    def panel(self, *, child: Person, recorded: str, exploitation: str, level: str) -> None:
        meeting = self.meeting(starts=recorded)
        item = AgendaItem.objects.create(meeting=meeting, kind="child", person=child, title="Item")
        PanelDecision.objects.create(
            item=item,
            person=child,
            exploitation=exploitation,
            level=level,
            plan="A plan.",
            lead_professional=self.user,
            review_on=day(recorded[:10]) + dt.timedelta(days=28),
            recorded_by=self.user,
            recorded_at=at(recorded),
        )

    def nrm(
        self, *, child: Person, referred: str, exploitation: str, decided: str | None = None
    ) -> None:
        referral = NrmReferral.objects.create(
            reference=_ref("NRM"),
            person=child,
            referred_on=day(referred),
            first_responder="Children's social care",
            exploitation=exploitation,
            local_decision=True,
            reasonable_grounds_due=day(referred) + dt.timedelta(days=45),
            recorded_by=self.user,
        )
        if decided:
            NrmDecision.objects.create(
                referral=referral,
                stage="reasonable_grounds",
                outcome="positive",
                decided_on=day(decided),
                reasons="Reasons.",
                recorded_by=self.user,
            )

    def hsb(
        self,
        *,
        recorded: str,
        level: str,
        noticed: str,
        referred: str | None = None,
        children: tuple[tuple[Person, str], ...] = (),
    ) -> Concern:
        concern = Concern.objects.create(
            reference=_ref("HSB"),
            recorded_by=self.user,
            agency=self.agency(AgencyKind.EDUCATION_SCHOOL),
            recorded_at=at(recorded),
            noticed_at=at(noticed),
            what_happened="Behaviour.",
            level=level,
            light="amber",
            age_band="13-17",
            evidence="Evidence.",
            immediate_response="Response.",
            referred_at=at(referred) if referred else None,
        )
        for child, role in children:
            ConcernChild.objects.create(concern=concern, person=child, role=role, voice="Words.")
        return concern


@pytest.fixture
def partnership(db) -> Partnership:
    built = Partnership()
    built.user = UserFactory(agency=built.agency(AgencyKind.CHILDRENS_SOCIAL_CARE))
    return built
