"""Rows about a person in every app, one builder per declared person link.

Used by the registry's merge, subject access and retention tests: when an app
declares a new person link, it adds a builder here (a test fails until it does).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from safeguard.core.models import AgencyKind, Role
from safeguard.earlyhelp.models import Episode, EpisodeChild, FamilyConsent, SupportRecord
from safeguard.frontdoor.models import Contact, ContactChild
from safeguard.people.models import (
    AccessGrant,
    Address,
    ChronologyEvent,
    Household,
    HouseholdMember,
    Involvement,
    OtherName,
    Person,
    Relationship,
    RelationshipKind,
)
from safeguard.records.models import AgencyRecord, LinkReview, PersonMerge
from safeguard.rights.models import SubjectAccessRequest
from safeguard.sharing.models import BreakGlassUse, SharingDecision, SharingRequest

from .factories import AgencyFactory, PersonFactory, UserFactory

_serial = itertools.count(1)


def _ref(prefix: str) -> str:
    return f"{prefix}-T{next(_serial):06d}"


@dataclass
class World:
    """The agencies and staff rows are recorded by, and someone else to be related to."""

    agency: Any
    other_agency: Any
    user: Any
    other: Person

    @classmethod
    def make(cls) -> World:
        agency = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
        return cls(
            agency=agency,
            other_agency=AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL),
            user=UserFactory(roles=[Role.MASH_MANAGER], agency=agency),
            other=PersonFactory(given_name="Rowena", family_name="Otherly"),
        )


def _now() -> dt.datetime:
    return timezone.now()


def _merged_into(w: World, p: Person) -> Any:
    ghost = PersonFactory(given_name="Earlier", family_name="Duplicate")
    Person.objects.filter(pk=ghost.pk).update(merged_into=p)
    return Person.objects.get(pk=ghost.pk)


def _contact(w: World, p: Person, also: Person | None = None) -> Any:
    contact = Contact.objects.create(
        reference=_ref("MASH"),
        received_at=_now(),
        referrer=w.user,
        referrer_agency=w.other_agency,
        referrer_name="Ridley Reporter",
        referrer_email="ridley.reporter@example.invalid",
        what_happened="Came to school hungry",
        child_voice="Said there was no food at home",
        consent="given",
        decision_due_at=_now() + dt.timedelta(days=1),
    )
    if also is not None:
        ContactChild.objects.create(contact=contact, person=also)
    return ContactChild.objects.create(contact=contact, person=p)


def _episode(w: World, p: Person, also: Person | None = None) -> Any:
    episode = Episode.objects.create(
        reference=_ref("EH"),
        lead_agency=w.agency,
        lead_practitioner=w.user,
        opened_on=timezone.localdate(),
        opened_by=w.user,
        reason="Family asked for help with routines",
    )
    if also is not None:
        EpisodeChild.objects.create(episode=episode, person=also, added_on=timezone.localdate())
    return EpisodeChild.objects.create(episode=episode, person=p, added_on=timezone.localdate())


def _support(w: World, p: Person) -> Any:
    membership = _episode(w, p)
    return SupportRecord.objects.create(
        episode=membership.episode,
        agency=w.agency,
        child=p,
        description="Weekly family support worker visits",
        started=timezone.localdate(),
        recorded_by=w.user,
    )


def _family_consent(w: World, p: Person) -> Any:
    membership = _episode(w, PersonFactory())
    return FamilyConsent.objects.create(
        episode=membership.episode,
        person=p,
        capacity=FamilyConsent.Capacity.PARENT,
        decision=FamilyConsent.Decision.GIVEN,
        decided_on=timezone.localdate(),
        method=FamilyConsent.Method.IN_PERSON,
        to_assessment=True,
        recorded_by=w.user,
    )


def _grant(w: World, p: Person, kind: str = AccessGrant.Kind.SHARED) -> AccessGrant:
    return AccessGrant.objects.create(
        person=p,
        kind=kind,
        agency=w.agency,
        purpose="Joint visit planning",
        granted_by=w.user,
        starts_at=_now() - dt.timedelta(hours=1),
        ends_at=_now() + dt.timedelta(days=7),
    )


def _decision(w: World, p: Person) -> Any:
    return SharingDecision.objects.create(
        reference=_ref("SHR"),
        person=p,
        decided_by=w.user,
        decided_at=_now(),
        from_agency=w.agency,
        recipient_agency=w.other_agency,
        purpose="safeguarding_assessment",
        decision="share",
        consent="given",
        lawful_basis="public_task_safeguarding",
        judgement="School needs to know to support her",
        summary="Dates of the last two visits",
        items_sha256="0" * 64,
        grant=_grant(w, p),
    )


def _request(w: World, p: Person) -> Any:
    return SharingRequest.objects.create(
        reference=_ref("RFI"),
        person=p,
        from_agency=w.agency,
        to_agency=w.other_agency,
        requested_by=w.user,
        purpose="safeguarding_assessment",
        asked="Attendance this term",
        due_date=timezone.localdate() + dt.timedelta(days=3),
        created_at=_now(),
    )


def _break_glass(w: World, p: Person) -> Any:
    return BreakGlassUse.objects.create(
        reference=_ref("BG"),
        grant=_grant(w, p, AccessGrant.Kind.BREAK_GLASS),
        person=p,
        user=w.user,
        agency=w.agency,
        reason="Found alone at night, needed to know who to call",
        opened_at=_now(),
    )


def _sar(w: World, p: Person) -> Any:
    return SubjectAccessRequest.objects.create(
        reference=_ref("SAR"),
        person=p,
        requester_kind="parent",
        requester_name="Petra Parent",
        received_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        recorded_by=w.user,
    )


def _work_item(w: World, p: Person) -> Any:
    from safeguard.core.models import Team, TeamPurpose
    from safeguard.work.models import WorkItem, WorkKind

    team, _ = Team.objects.get_or_create(
        agency=w.agency,
        name="Test team",
        defaults={"slug": _ref("team").lower(), "purpose": TeamPurpose.MASH},
    )
    return WorkItem.objects.create(
        team=team,
        kind=WorkKind.OTHER,
        title="Check the school's attendance figures",
        person=p,
        subject_type="person",
        subject_id=str(p.pk),
        due_at=_now() + dt.timedelta(days=1),
        clock="working_days",
    )


def _meeting_item(w: World, p: Person) -> Any:
    from safeguard.meetings.kinds import kind
    from safeguard.meetings.models import AgendaItem, Meeting

    start = _now()
    meeting = Meeting.objects.create(
        reference=_ref("MTG"),
        kind=kind("strategy-meeting"),
        title="Strategy meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        chair=w.user,
    )
    return AgendaItem.objects.create(
        meeting=meeting,
        kind="child",
        person=p,
        title="Section 47 decision",
        discussion="Bruising seen at school",
        child_voice="Said she felt safe at her nan's",
    )


def _merge_row(w: World, p: Person, field: str) -> Any:
    ghost = PersonFactory(given_name="Merged", family_name="Before")
    if field == "survivor":
        return PersonMerge.objects.create(survivor=p, merged=ghost, merged_by=w.user)
    return PersonMerge.objects.create(survivor=ghost, merged=p, merged_by=w.user)


def _household(w: World, p: Person) -> Any:
    return HouseholdMember.objects.create(
        household=Household.objects.create(name="Test household"), person=p
    )


def _agency_record(w: World, p: Person) -> Any:
    return AgencyRecord.objects.create(
        agency=w.other_agency,
        agency_record_id=_ref("AR"),
        given_name=p.given_name,
        family_name=p.family_name,
        content_hash="h",
        person=p,
    )


def _review(w: World, p: Person, field: str) -> Any:
    ends = {"person": p, "candidate": w.other} if field == "person" else {"candidate": p}
    return LinkReview.objects.create(
        kind=LinkReview.Kind.PEOPLE if field == "person" else LinkReview.Kind.RECORD,
        match_probability=0.8,
        **ends,
    )


def _missing_episode(w: World, p: Person) -> Any:
    from safeguard.exploitation.models import MissingEpisode, ReturnInterview

    now = _now()
    episode = MissingEpisode.objects.create(
        reference=_ref("MIS"),
        person=p,
        kind="missing_from_home",
        missing_since=now - dt.timedelta(hours=5),
        reported_at=now - dt.timedelta(hours=4),
        reported_by_name="Jo Parent",
        reported_by_kind="parent",
        last_seen_where="The retail park",
        risk_level="medium",
        recording_agency=w.agency,
        recorded_by=w.user,
        created_at=now,
        returned_at=now - dt.timedelta(hours=1),
        found_where="A friend's flat",
    )
    ReturnInterview.objects.create(
        episode=episode, due_at=now, status="completed", child_said="I was scared", updated_at=now
    )
    return episode


def _philomena(w: World, p: Person) -> Any:
    from safeguard.exploitation.models import PhilomenaProfile

    return PhilomenaProfile.objects.create(
        person=p, kept_by=w.agency, description="Curly hair", updated_at=_now(), updated_by=w.user
    )


def _repeat_flag(w: World, p: Person) -> Any:
    from safeguard.exploitation.models import RepeatMissingFlag

    return RepeatMissingFlag.objects.create(
        person=p, reached_at=_now(), episode=_missing_episode(w, p), episodes=3, window_days=90
    )


# One builder per declared link (``app_label.Model.field``): makes one row about ``p``.
def _review_child(w: World, p: Person) -> Any:
    from safeguard.learning.models import CaseReview, ReviewChild

    review = CaseReview.objects.create(
        reference=_ref("CR"),
        kind="local_multi_agency",
        title="A local review",
        submitted_by_agency=w.agency,
        aware_on=_now().date(),
        created_by=w.user,
    )
    return ReviewChild.objects.create(review=review, person=p, pseudonym="Child A", added_by=w.user)


def _hsb_concern(w: World, p: Person) -> Any:
    from safeguard.hsb.models import Concern, ConcernChild

    concern = Concern.objects.create(
        reference=_ref("SBC"),
        recorded_by=w.user,
        agency=w.agency,
        noticed_at=_now(),
        what_happened="Seen in the toilets",
        level="problematic",
        light="amber",
        age_band="9-13",
        evidence="Repeated after being told to stop",
        immediate_response="Separated",
    )
    return ConcernChild.objects.create(concern=concern, person=p, role="harming", voice="A game")


def _hsb_pathway(w: World, p: Person) -> Any:
    from safeguard.hsb.models import Pathway

    row = _hsb_concern(w, p)
    from tests.factories import TeamFactory

    team = TeamFactory(agency=w.agency, purpose="harmful_sexual_behaviour")
    return Pathway.objects.create(
        person=p,
        role="harmed",
        status="closed",  # builders may run twice for one person; closed ones never clash
        team=team,
        first_concern=row.concern,
        engagement="Engaging",
    )


def _hsb_assessment(w: World, p: Person) -> Any:
    from safeguard.hsb.models import AimAssessment, Formulation, Pathway

    row = _hsb_concern(w, p)
    from tests.factories import TeamFactory

    pathway = Pathway.objects.create(
        person=p,
        role="harming",
        status="closed",
        team=TeamFactory(agency=w.agency, purpose="harmful_sexual_behaviour"),
        first_concern=row.concern,
    )
    assessment = AimAssessment.objects.create(
        pathway=pathway,
        person=p,
        tool="aim3",
        case_type="preventative",
        started_on=timezone.localdate(),
        assessor=w.user,
    )
    Formulation.objects.create(
        assessment=assessment,
        version=1,
        recorded_by=w.user,
        sexual_behaviours="a",
        non_sexual_behaviours="b",
        development="c",
        family_environment="d",
        self_regulation="e",
        formulation="Curiosity shaped online",
        plan="Weekly sessions",
    )
    return assessment


def _hsb_advice(w: World, p: Person) -> Any:
    from safeguard.hsb.models import InternetSafetyAdvice

    return InternetSafetyAdvice.objects.create(
        person=p,
        given_on=timezone.localdate(),
        given_by=w.user,
        given_to="Mother",
        parental_controls=True,
        devices="Phone",
    )


def _hsb_lessons(w: World, p: Person) -> Any:
    from safeguard.hsb.models import OnlineSafetyLessons

    return OnlineSafetyLessons.objects.create(
        person=p, school=w.other_agency, reason="low_attendance", flagged_by=w.user
    )


def _hsb_investigation(w: World, p: Person) -> Any:
    from safeguard.hsb.models import Investigation

    row = _hsb_concern(w, p)
    return Investigation.objects.create(
        concern=row.concern,
        person=p,
        crime_reference=_ref("CR"),
        started_on=timezone.localdate(),
        officer=w.user,
    )


BUILDERS: dict[str, Callable[[World, Person], Any]] = {
    "people.Person.merged_into": _merged_into,
    "people.OtherName.person": lambda w, p: OtherName.objects.create(
        person=p, given_name="Goldie", family_name=p.family_name
    ),
    "people.Address.person": lambda w, p: Address.objects.create(
        person=p, line_1="12 Lantern Row", town="York", postcode="YO1 7HH"
    ),
    "people.Involvement.person": lambda w, p: Involvement.objects.create(
        person=p, agency=w.agency, started=timezone.localdate() - dt.timedelta(days=30)
    ),
    "people.ChronologyEvent.person": lambda w, p: ChronologyEvent.objects.create(
        person=p,
        occurred_at=_now(),
        category=ChronologyEvent.Category.NOTE,
        title="Seen at home",
        agency=w.agency,
    ),
    "people.AccessGrant.person": _grant,
    "people.HouseholdMember.person": _household,
    "people.Relationship.person": lambda w, p: Relationship.objects.get_or_create(
        person=p, other=w.other, kind=RelationshipKind.CHILD
    )[0],
    "people.Relationship.other": lambda w, p: Relationship.objects.get_or_create(
        person=w.other, other=p, kind=RelationshipKind.PARENT
    )[0],
    "records.AgencyRecord.person": _agency_record,
    "records.LinkReview.person": lambda w, p: _review(w, p, "person"),
    "records.LinkReview.candidate": lambda w, p: _review(w, p, "candidate"),
    "records.PersonMerge.survivor": lambda w, p: _merge_row(w, p, "survivor"),
    "records.PersonMerge.merged": lambda w, p: _merge_row(w, p, "merged"),
    "frontdoor.Contact.children": lambda w, p: _contact(w, p).contact,
    "frontdoor.ContactChild.person": _contact,
    "earlyhelp.Episode.children": lambda w, p: _episode(w, p).episode,
    "earlyhelp.EpisodeChild.person": _episode,
    "earlyhelp.SupportRecord.child": _support,
    "earlyhelp.FamilyConsent.person": _family_consent,
    "sharing.SharingDecision.person": _decision,
    "sharing.SharingRequest.person": _request,
    "sharing.BreakGlassUse.person": _break_glass,
    "rights.SubjectAccessRequest.person": _sar,
    "work.WorkItem.person": _work_item,
    "meetings.AgendaItem.person": _meeting_item,
    "exploitation.MissingEpisode.person": _missing_episode,
    "learning.ReviewChild.person": _review_child,
    "exploitation.PhilomenaProfile.person": _philomena,
    "exploitation.RepeatMissingFlag.person": _repeat_flag,
    "hsb.ConcernChild.person": _hsb_concern,
    "hsb.Pathway.person": _hsb_pathway,
    "hsb.AimAssessment.person": _hsb_assessment,
    "hsb.InternetSafetyAdvice.person": _hsb_advice,
    "hsb.OnlineSafetyLessons.person": _hsb_lessons,
    "hsb.Investigation.person": _hsb_investigation,
}


def _hsb_open_pathways(w: World, p: Person, q: Person) -> Any:
    """An open pathway in the same role on both records (the merge closes one, an undo reopens it)."""
    from safeguard.hsb.models import Pathway
    from tests.factories import TeamFactory

    for person in (p, q):
        row = _hsb_concern(w, person)
        Pathway.objects.create(
            person=person,
            role="harming",
            status="open",
            team=TeamFactory(agency=w.agency, purpose="harmful_sexual_behaviour"),
            first_concern=row.concern,
        )


# Rows shared by two people: a contact or episode naming both, a household both live in.
SHARED: dict[str, Callable[[World, Person, Person], Any]] = {
    "frontdoor.ContactChild.person": lambda w, p, q: _contact(w, p, also=q),
    "earlyhelp.EpisodeChild.person": lambda w, p, q: _episode(w, p, also=q),
    "people.HouseholdMember.person": lambda w, p, q: HouseholdMember.objects.create(
        household=_household(w, q).household, person=p
    ),
    "people.Relationship.person": lambda w, p, q: Relationship.objects.create(
        person=p, other=q, kind=RelationshipKind.SIBLING
    ),
    "hsb.Pathway.person": _hsb_open_pathways,
}


def rows_in_every_app(world: World, person: Person) -> dict[str, Any]:
    """One row for every declared link, about ``person``."""
    return {label: build(world, person) for label, build in BUILDERS.items()}


# The exploitation app's panel part keeps its builders beside its tests.
from tests.exploitation.panel_rows import PANEL_BUILDERS  # noqa: E402

BUILDERS.update(PANEL_BUILDERS)

# The contextual safeguarding app keeps its builders beside its tests.
from tests.contextual.person_rows import CONTEXTUAL_BUILDERS  # noqa: E402

BUILDERS.update(CONTEXTUAL_BUILDERS)
