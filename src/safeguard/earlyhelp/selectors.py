"""Reads about early help, always filtered by the people access rule, in a fixed number of queries.

A user sees an episode only when they may see every child in it: an episode
is about the children, so it is no more visible than the least visible child.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role, User
from safeguard.directory.selectors import signpost_suggestions
from safeguard.frontdoor.models import Contact
from safeguard.people.access import (
    EDITING_ROLES,
    entry_access,
    people_visible_to,
    sees_personal_data,
)
from safeguard.people.models import (
    ChronologyEvent,
    HouseholdMember,
    Involvement,
    Person,
    Relationship,
    Visibility,
)

from .models import (
    Assessment,
    ClosureReason,
    Episode,
    EpisodeChange,
    EpisodeChild,
    FamilyConsent,
    Notification,
    SupportRecord,
)
from .taf import TafMeeting, taf_meetings

EPISODES_PER_PAGE = 50
PREFILL_CHRONOLOGY_EVENTS = 12
# What the family may be told never comes from these agencies: police and youth justice
# entries (intelligence, investigations, offending) are never copied into a family-facing
# assessment, whatever the entry's sensitivity.
NOT_FOR_THE_FAMILY_AGENCY_KINDS = frozenset({AgencyKind.POLICE, AgencyKind.YOUTH_JUSTICE})
# Only entries every agency with access to the child may read ("general"); sensitive types
# (police intelligence, sexual or mental health, harmful sexual behaviour) never.
FOR_THE_FAMILY_RECORD_TYPES = frozenset({"general"})
ADULT_AGE = 18


def episodes_visible_to(user: Any) -> QuerySet[Episode]:
    """Episodes whose children the user may all see: the filter every early help read starts from.

    Seeing a child only through a share of chosen records is not enough: an episode is
    the family's whole early help record (issue 10, item 2).
    """
    if not sees_personal_data(user):
        return Episode.objects.none()
    visible = people_visible_to(user, whole_record=True).values("pk")
    # One pass over the episodes' children: an episode whose children are all visible
    # (and which has one). Asking "has a visible child" and "has no hidden child" as two
    # subqueries worked out who the user may see twice in every query (at 20,000 children
    # on PostgreSQL, most of the early help list's and My work's time).
    all_visible = (
        EpisodeChild.objects.order_by()
        .values("episode_id")
        .annotate(children=Count("pk"), seen=Count("pk", filter=Q(person_id__in=visible)))
        .filter(children=F("seen"))
        .values("episode_id")
    )
    return Episode.objects.filter(pk__in=all_visible)


def can_view_episode(user: Any, episode: Episode | uuid.UUID) -> bool:
    """Whether the user may open the episode (they may see every child in it)."""
    episode_id: Any = getattr(episode, "pk", episode)
    return episodes_visible_to(user).filter(pk=episode_id).exists()


def can_change_episode(
    user: Any, episode: Episode | uuid.UUID, *, known_visible: bool = False
) -> bool:
    """Whether the user may change the episode: a practitioner or MASH role and able to see it.

    ``known_visible`` skips the visibility query when the caller has just loaded
    the episode through :func:`episodes_visible_to`.
    """
    if not sees_personal_data(user) or not (user.role_codes() & EDITING_ROLES):
        return False
    return known_visible or can_view_episode(user, episode)


def episode_get_visible(*, user: Any, episode_id: uuid.UUID) -> Episode | None:
    """The episode if the user may see it, else None (the page then says 'not found')."""
    return (
        episodes_visible_to(user)
        .filter(pk=episode_id)
        .select_related("lead_agency", "lead_practitioner", "household", "opened_by", "closed_by")
        .first()
    )


def episode_child_ids(episode: Episode) -> list[uuid.UUID]:
    """The children in an episode."""
    return list(EpisodeChild.objects.filter(episode=episode).values_list("person_id", flat=True))


def my_episodes(*, user: Any, status: str = "open", page: int = 1) -> Page:
    """Episodes the user's agency leads or takes part in, a page at a time (see ``_mine``)."""
    episodes = (
        _mine(user)
        .select_related("lead_agency", "lead_practitioner")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=EpisodeChild.objects.select_related("person").order_by(
                    "person__date_of_birth"
                ),
            )
        )
    )
    if status in (Episode.Status.OPEN, Episode.Status.CLOSED):
        episodes = episodes.filter(status=status)
    if status == "overdue":
        episodes = episodes.filter(status=Episode.Status.OPEN, review_due__lt=timezone.localdate())
    # Open before closed ("open" sorts after "closed"), then the review due soonest.
    episodes = episodes.order_by("-status", "review_due", "-opened_on", "reference")
    return Paginator(episodes, EPISODES_PER_PAGE).get_page(page)


def my_episode_counts(*, user: Any) -> dict[str, int]:
    """How many open episodes the user's agency takes part in, and how many reviews are overdue."""
    counts = (
        _mine(user)
        .filter(status=Episode.Status.OPEN)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(review_due__lt=timezone.localdate())),
        )
    )
    return {"open": counts["open"], "overdue": counts["overdue"]}


def _mine(user: Any) -> QuerySet[Episode]:
    """Episodes the user's agency leads or takes part in (support or Team Around the Family).

    Open episodes with no lead practitioner yet (for example, opened by the
    Multi-Agency Safeguarding Hub (MASH)) are listed for everyone who can see
    the children, so that someone takes the lead.
    """
    agency_id = user.agency_id
    involved = (
        Q(lead_agency_id=agency_id)
        | Q(lead_practitioner_id=user.pk)
        | Q(lead_practitioner__isnull=True, status=Episode.Status.OPEN)
        | Q(pk__in=SupportRecord.objects.filter(agency_id=agency_id).values("episode_id"))
        | Q(pk__in=taf_meetings().episode_ids_with_agency(agency_id))
    )
    return episodes_visible_to(user).filter(involved)


@dataclass
class EpisodePage:
    """Everything the episode page shows, loaded in a fixed number of queries."""

    episode: Episode
    children: list[Person]
    assessments: list[Assessment]
    meetings: list[TafMeeting]
    changes: list[EpisodeChange]
    notifications: list[Notification]
    support_count: int
    consent: ConsentState
    draft: Assessment | None = None


def episode_page(*, episode: Episode) -> EpisodePage:
    """Load the episode page's data."""
    children = [
        m.person
        for m in EpisodeChild.objects.filter(episode=episode)
        .select_related("person", "person__current_school")
        .order_by("person__date_of_birth")
    ]
    assessments = list(
        Assessment.objects.filter(episode=episode).select_related(
            "lead_practitioner", "lead_practitioner__agency", "completed_by"
        )
    )
    meetings = taf_meetings().for_episodes([episode.pk])
    changes = list(EpisodeChange.objects.filter(episode=episode).select_related("recorded_by"))
    notifications = list(Notification.objects.filter(episode=episode)[:20])
    draft = next((a for a in assessments if a.is_draft), None)
    return EpisodePage(
        episode=episode,
        children=children,
        assessments=assessments,
        meetings=meetings,
        changes=changes,
        notifications=notifications,
        support_count=SupportRecord.objects.filter(episode=episode).count(),
        consent=family_consent(episode=episode),
        draft=draft,
    )


@dataclass
class SupportRow:
    """One line of the central record of support: who helped, how, for whom, when."""

    agency: str
    what: str
    who: str
    started: dt.date | None
    ended: dt.date | None
    source: str
    episode_reference: str = ""


@dataclass
class CentralRecord:
    """The support a family has had from every agency, on one page."""

    episode: Episode
    children: list[Person]
    rows: list[SupportRow] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)


def central_record(*, user: Any, episode: Episode) -> CentralRecord:
    """Every agency's support for the children in this episode, across all their visible episodes.

    Rows come from three places: agencies' involvements with the children,
    agencies taking part in Team Around the Family meetings, and support
    recorded in early help. Earlier episodes for the same children are
    included, so a family's whole journey is on one page.
    """
    members = list(
        EpisodeChild.objects.filter(episode=episode)
        .select_related("person")
        .order_by("person__date_of_birth")
    )
    children = [m.person for m in members]
    child_ids = [c.pk for c in children]
    names = {c.pk: c.full_name for c in children}
    family_episode_ids = EpisodeChild.objects.filter(person_id__in=child_ids).values("episode_id")
    episodes = list(
        episodes_visible_to(user)
        .filter(pk__in=family_episode_ids)
        .select_related("lead_agency", "lead_practitioner")
        .order_by("opened_on")
    )
    episode_ids = [e.pk for e in episodes]
    references = {e.pk: e.reference for e in episodes}
    rows: list[SupportRow] = []
    for involvement in (
        Involvement.objects.filter(person_id__in=child_ids)
        .select_related("agency", "lead_practitioner")
        .order_by("-started")
    ):
        what = involvement.role_description or "Working with the child"
        if involvement.lead_practitioner_id:
            what = f"{what} (lead: {involvement.lead_practitioner})"
        rows.append(
            SupportRow(
                agency=involvement.agency.name,
                what=what,
                who=names.get(involvement.person_id, ""),
                started=involvement.started,
                ended=involvement.ended,
                source="Agency involvement",
            )
        )
    # One row per agency per episode: first and last meeting, and how many it came to.
    membership: dict[tuple[uuid.UUID, str], list[dt.date]] = {}
    for meeting in reversed(taf_meetings().for_episodes(episode_ids)):
        for agency_name in meeting.agency_names:
            membership.setdefault((meeting.episode_id, agency_name), []).append(meeting.held_on)
    for (episode_id, agency_name), days in membership.items():
        count = len(days)
        rows.append(
            SupportRow(
                agency=agency_name,
                what=(
                    "Member of the Team Around the Family: "
                    f"{count} meeting{'s' if count != 1 else ''}"
                ),
                who="The family",
                started=days[0],
                ended=days[-1],
                source="Team Around the Family (TAF)",
                episode_reference=references.get(episode_id, ""),
            )
        )
    for record in (
        SupportRecord.objects.filter(episode_id__in=episode_ids)
        .select_related("agency", "child")
        .order_by("-started")
    ):
        rows.append(
            SupportRow(
                agency=record.agency.name,
                what=record.description,
                who=record.child.full_name if record.child_id and record.child else "The family",
                started=record.started,
                ended=record.ended,
                source="Early help support",
                episode_reference=references.get(record.episode_id, ""),
            )
        )
    for assessment in (
        Assessment.objects.filter(episode_id__in=episode_ids, status=Assessment.Status.COMPLETED)
        .select_related("lead_practitioner", "lead_practitioner__agency")
        .order_by("assessment_date")
    ):
        lead = assessment.lead_practitioner
        rows.append(
            SupportRow(
                agency=lead.agency.name if lead and lead.agency else "Not recorded",
                what=f"Early Help Assessment (lead practitioner: {lead or 'not recorded'})",
                who="The family",
                started=assessment.assessment_date,
                ended=assessment.assessment_date,
                source="Early Help Assessment",
                episode_reference=references.get(assessment.episode_id, ""),
            )
        )
    rows.sort(key=lambda r: (r.started or dt.date.min, r.agency), reverse=True)
    agencies = sorted({r.agency for r in rows})
    return CentralRecord(
        episode=episode, children=children, rows=rows, episodes=episodes, agencies=agencies
    )


@dataclass
class Prefill:
    """What a new assessment starts from, and where each part came from."""

    values: dict[str, Any]
    sources: list[str]
    previous: Assessment | None = None


def assessment_prefill(*, user: Any, episode: Episode) -> Prefill:
    """Start a new assessment from what is already known, so the family tells its story once.

    The previous completed assessment for any of these children gives the
    family's view, needs, strengths and plan (to be checked, not retyped);
    the people, agencies and the children's chronology (only the record types
    the user may see) give the background. The child's voice is never copied:
    it must be heard afresh.
    """
    children = [
        m.person
        for m in EpisodeChild.objects.filter(episode=episode)
        .select_related("person", "person__current_school")
        .order_by("person__date_of_birth")
    ]
    child_ids = [c.pk for c in children]
    visible_episode_ids = (
        episodes_visible_to(user)
        .filter(pk__in=EpisodeChild.objects.filter(person_id__in=child_ids).values("episode_id"))
        .values("pk")
    )
    previous = (
        Assessment.objects.filter(
            episode_id__in=visible_episode_ids, status=Assessment.Status.COMPLETED
        )
        .select_related("lead_practitioner")
        .order_by("-assessment_date", "-completed_at")
        .first()
    )
    sources: list[str] = []
    lines: list[str] = ["Children:"]
    for child in children:
        born = f", born {child.date_of_birth:%-d %B %Y}" if child.date_of_birth else ""
        school = f", {child.current_school.name}" if child.current_school else ""
        lines.append(f"- {child.full_name}{born}{school}")
    sources.append("the children's records")
    households = HouseholdMember.objects.filter(person_id__in=child_ids, left__isnull=True).values(
        "household_id"
    )
    visible = people_visible_to(user).values("pk")
    others = list(
        HouseholdMember.objects.filter(household_id__in=households, left__isnull=True)
        .exclude(person_id__in=child_ids)
        .filter(person_id__in=visible)
        .select_related("person")
        .order_by("person__date_of_birth")
    )
    if others:
        lines.append("")
        lines.append("Lives with:")
        lines.extend(f"- {m.person.full_name}" for m in others)
        sources.append("the household")
    known = already_known_for_family(user=user, children=children)
    if known.involvements:
        lines.append("")
        lines.append("Agencies working with the family now:")
        for inv in known.involvements:
            role = f" ({inv.role_description})" if inv.role_description else ""
            lines.append(
                f"- {inv.agency.name}{role} with {inv.person.given_name} "
                f"since {inv.started:%-d %B %Y}"
            )
        sources.append("agencies working with the family")
    if known.events:
        lines.append("")
        lines.append("Recent events from the children's chronology:")
        for event in known.events:
            when = timezone.localtime(event.occurred_at)
            agency = f", {event.agency.name}" if event.agency_id and event.agency else ""
            lines.append(f"- {when:%-d %B %Y}{agency}: {event.person.given_name}: {event.title}")
        sources.append("the children's chronology")
    values: dict[str, Any] = {"already_known": "\n".join(lines)}
    if previous is not None:
        values.update(
            family_view=previous.family_view,
            needs=previous.needs,
            strengths=previous.strengths,
            plan=previous.plan,
        )
        date = f"{previous.assessment_date:%-d %B %Y}" if previous.assessment_date else "undated"
        sources.insert(0, f"the previous Early Help Assessment ({date})")
    return Prefill(values=values, sources=sources, previous=previous)


@dataclass
class AlreadyKnown:
    """What an assessment may tell the family is already known: agencies and chronology entries."""

    involvements: list[Involvement]
    events: list[ChronologyEvent]


def already_known_for_family(
    *, user: Any, children: list[Person], limit: int = PREFILL_CHRONOLOGY_EVENTS
) -> AlreadyKnown:
    """Only what the family may be told: the one filter for an assessment's "what is already known".

    An Early Help Assessment is written with, and shared with, the family. So it
    never carries police or youth justice entries (by the recording agency's kind,
    and the police category), nor anything that is not visible to everyone with
    access to the child (today: any sensitive record type, whatever the user
    could see themselves). When chronology entries carry a visibility of their
    own (issue 10), only "every agency with access" ones are kept, and only those
    the user may read themselves.
    Early help's own entries are left out (the assessment is part of them).
    """
    child_ids = [c.pk for c in children]
    if not child_ids or not sees_personal_data(user):
        return AlreadyKnown(involvements=[], events=[])
    involvements = list(
        Involvement.objects.filter(person_id__in=child_ids)
        .filter(Q(ended__isnull=True) | Q(ended__gte=timezone.localdate()))
        .exclude(agency__kind__in=NOT_FOR_THE_FAMILY_AGENCY_KINDS)
        .select_related("agency", "person")
        .order_by("agency__name")
    )
    # The entries the user may read, and of those only the ones open to every agency.
    readable = Q()
    for child in children:
        readable |= Q(person_id=child.pk) & entry_access(user, child).q()
    events = list(
        ChronologyEvent.objects.filter(readable)
        .filter(
            person_id__in=child_ids,
            record_type__in=FOR_THE_FAMILY_RECORD_TYPES,
            visibility=Visibility.EVERYONE,
        )
        .exclude(agency__kind__in=NOT_FOR_THE_FAMILY_AGENCY_KINDS)
        .exclude(category=ChronologyEvent.Category.POLICE)
        .exclude(source_type="early_help_episode")
        .select_related("agency", "person")
        .order_by("-occurred_at")[:limit]
    )
    return AlreadyKnown(involvements=involvements, events=events)


@dataclass
class ConsentState:
    """Where the family's consent stands: the latest answer of each person asked."""

    records: list[FamilyConsent]
    current: list[FamilyConsent]

    @property
    def withdrawn(self) -> list[FamilyConsent]:
        """Consent given and then withdrawn (and not given again since)."""
        return [c for c in self.current if c.is_withdrawn]

    @property
    def refused(self) -> list[FamilyConsent]:
        """People whose latest answer is no."""
        return [c for c in self.current if c.decision == FamilyConsent.Decision.REFUSED]

    @property
    def in_force(self) -> list[FamilyConsent]:
        """Consent given and not withdrawn."""
        return [
            c
            for c in self.current
            if c.decision == FamilyConsent.Decision.GIVEN and not c.is_withdrawn
        ]

    @property
    def blocked(self) -> bool:
        """Someone has refused or withdrawn: no assessment and no further sharing."""
        return bool(self.refused or self.withdrawn)

    @property
    def agreed_to_assessment(self) -> bool:
        """Whether an Early Help Assessment may start (or be completed)."""
        return not self.blocked and any(c.to_assessment for c in self.in_force)

    @property
    def sharing_agency_ids(self) -> set[int]:
        """The agencies the family agreed to share with; none once anyone refuses or withdraws."""
        if self.blocked:
            return set()
        return {a.pk for c in self.in_force if c.to_sharing for a in c.agencies.all()}


def family_consent(*, episode: Episode) -> ConsentState:
    """Every consent, refusal and withdrawal for the episode, newest first, in two queries."""
    records = list(
        FamilyConsent.objects.filter(episode=episode)
        .select_related("person", "recorded_by", "withdrawal_recorded_by")
        .prefetch_related("agencies")
        .order_by("-decided_on", "-recorded_at")
    )
    current: dict[Any, FamilyConsent] = {}
    for record in records:
        current.setdefault(record.person_id, record)
    return ConsentState(records=records, current=list(current.values()))


def consent_people(*, user: Any, episode: Episode) -> list[tuple[Person, str]]:
    """Who can be asked for consent: each child, and the adults with parental responsibility.

    Adults are those recorded with parental responsibility for one of the
    children, and the adults living with them; only people the user may see.
    Each comes with the capacity they consent in.
    """
    children = [
        m.person
        for m in EpisodeChild.objects.filter(episode=episode)
        .select_related("person")
        .order_by("person__date_of_birth")
    ]
    child_ids = [c.pk for c in children]
    visible = people_visible_to(user).values("pk")
    with_responsibility = Relationship.objects.filter(
        other_id__in=child_ids, parental_responsibility=True
    ).values("person_id")
    households = HouseholdMember.objects.filter(person_id__in=child_ids, left__isnull=True).values(
        "household_id"
    )
    living_with = HouseholdMember.objects.filter(
        household_id__in=households, left__isnull=True
    ).values("person_id")
    responsible = set(with_responsibility.values_list("person_id", flat=True))
    today = timezone.localdate()
    adults = [
        p
        for p in Person.objects.filter(pk__in=visible)
        .filter(Q(pk__in=with_responsibility) | Q(pk__in=living_with))
        .exclude(pk__in=child_ids)
        .order_by("family_name", "given_name")
        # Brothers and sisters outside the episode live there too: only adults, unless
        # parental responsibility is recorded (a young parent).
        if p.pk in responsible or (p.age_on(today) or ADULT_AGE) >= ADULT_AGE
    ]
    parent: str = FamilyConsent.Capacity.PARENT
    young_person: str = FamilyConsent.Capacity.YOUNG_PERSON
    return [(a, parent) for a in adults] + [(c, young_person) for c in children]


def lead_practitioner_choices(*, episode: Episode | None, user: Any) -> QuerySet[User]:
    """Who may lead: practitioners in the user's agency or an agency working with the children."""
    agency_ids = {user.agency_id}
    if episode is not None:
        agency_ids.update(
            Involvement.objects.filter(
                person_id__in=EpisodeChild.objects.filter(episode=episode).values("person_id")
            )
            .filter(Q(ended__isnull=True) | Q(ended__gte=timezone.localdate()))
            .values_list("agency_id", flat=True)
        )
    return (
        User.objects.filter(
            agency_id__in=agency_ids,
            is_active=True,
            roles__code__in=[Role.PRACTITIONER, Role.MASH_WORKER, Role.MASH_MANAGER],
        )
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name")
    )


def episode_signpost_suggestions(*, page: EpisodePage) -> list[dict[str, Any]]:
    """When early help signposts the family, the directory's services that fit each child.

    Early help signposts when it closes "stepped down to universal services", or when the
    family declined and the practitioner's next step is to signpost them. The concerns
    asked about are the categories of the Multi-Agency Safeguarding Hub (MASH) contact the
    episode came from (none when it started elsewhere: then every service the child's
    age fits), as on the MASH decision page (``directory.selectors.signpost_suggestions``).
    """
    episode = page.episode
    signposting = episode.closure_reason == ClosureReason.STEPPED_DOWN or any(
        c.next_step == FamilyConsent.NextStep.UNIVERSAL for c in page.consent.refused
    )
    if not signposting:
        return []
    categories = (
        Contact.objects.filter(reference=episode.source_reference)
        .values_list("categories", flat=True)
        .first()
        if episode.source_reference
        else None
    )
    return signpost_suggestions(page.children, list(categories or []))
