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


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def contextual_record(make_user):
    """Contextual safeguarding in July to September 2026, and around its edges.

    - Places: 1 July 09:00 UTC and 30 September 22:30 UTC (23:30 UK) in the quarter;
      30 September 23:30 UTC (1 October 00:30 UK) outside it.
    - A person of concern on 15 August; a context concern on 30 June 23:30 UTC (1 July UK).
    - Disruption actions: A agreed 2 July, completed 20 August, network disrupted, 4 children
      at risk before and 1 after; B agreed 30 June (before), completed 1 September,
      operation disrupted, 2 before and after not recorded (counts as 0); C agreed 3 July
      and completed 1 October (outside); D agreed 10 August, not completed.
    So: places 2, persons 1, links 0, concerns 1, agreed 3 (A, C, D), completed 2 (A, B),
    networks 1, operations 1, children at risk before 6, after 1.
    """
    from safeguard.contextual.models import (  # noqa: PLC0415
        ContextConcern,
        DisruptionAction,
        DisruptionOutcome,
        PersonOfConcern,
        Place,
    )
    from tests.factories import AgencyFactory  # noqa: PLC0415

    police = AgencyFactory(kind=AgencyKind.POLICE)
    officer = make_user(agency=police)
    for at in ("2026-07-01 09:00", "2026-09-30 22:30", "2026-09-30 23:30"):
        Place.objects.create(name="A park", kind="park", recorded_by=officer, recorded_at=_utc(at))
    PersonOfConcern.objects.create(
        name="Known as K", recorded_by=officer, agency=police, recorded_at=_utc("2026-08-15 10:00")
    )
    ContextConcern.objects.create(
        reference="CC-1", context_kind="place", what_happened="Seen", reported_by=officer,
        agency=police, reported_at=_utc("2026-06-30 23:30"),
    )  # fmt: skip
    network, operation = DisruptionOutcome.NETWORK_DISRUPTED, DisruptionOutcome.OPERATION_DISRUPTED
    for ref, agreed, completed, outcome, before, after in (
        ("A", "2026-07-02 10:00", dt.date(2026, 8, 20), network, 4, 1),
        ("B", "2026-06-30 10:00", dt.date(2026, 9, 1), operation, 2, None),
        ("C", "2026-07-03 10:00", dt.date(2026, 10, 1), network, 5, 0),
        ("D", "2026-08-10 10:00", None, "", 3, None),
    ):
        DisruptionAction.objects.create(
            reference=ref, tool="other", description="Action", owner_agency=police,
            due_on=dt.date(2026, 9, 30), agreed_by=officer, agreed_at=_utc(agreed),
            completed_on=completed, outcome=outcome, children_at_risk_before=before,
            children_at_risk_after=after,
        )  # fmt: skip
