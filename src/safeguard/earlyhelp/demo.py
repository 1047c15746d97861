"""Synthetic early help for the demo partnership: episodes, assessments, reviews, support, closures.

About one family in twenty-five known to the demo gets early help (scaled to
the demo size). Families are chosen where children's social care, Fulford
School or the health visiting and school nursing service already work with a
child, so the demo accounts ``social.worker``, ``school.dsl`` and
``health.nurse`` each lead some: open ones, ones with an overdue Team Around
the Family review, and closed ones (every closure reason appears).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from typing import Any

from django.utils import timezone

from safeguard.core.audit import AuditEntry, audit_record_many
from safeguard.core.models import AuditAction, ReferenceNumber
from safeguard.core.references import ALPHABET, format_reference
from safeguard.people.demo import DemoState, register_demo_extension
from safeguard.people.models import ChronologyEvent, HouseholdMember, Involvement, Person

from .events import EarlyHelpEvent
from .models import (
    Assessment,
    ClosureReason,
    Episode,
    EpisodeChild,
    FamilyConsent,
    Notification,
    SupportRecord,
)
from .services import SOURCE_TYPE, supporting_families_address
from .taf import TafKind, TafMeeting, taf_meetings

LEADS = {"cyc-csc": "social.worker", "fulford-school": "school.dsl", "hcv": "health.nurse"}
REVIEW_EVERY = dt.timedelta(weeks=6)
SHARE_OF_CHILDREN = 0.04
AT_LEAST_PER_LEAD = 6

REASONS = [
    "School attendance has dropped and mum is struggling since dad left.",
    "Parent asked for help with the children's behaviour at home and money worries.",
    "Health visitor worried about the baby's weight and mum's low mood.",
    "Arguments at home; the eldest has been staying out late.",
    "Family facing eviction; the children are anxious and tired at school.",
]
FAMILY_VIEWS = [
    "Mum says things got on top of her after losing her job. She wants help with routines.",
    "Dad says the children 'run rings round' him and he wants to feel more confident.",
    "The family want help to sort out debts and to get the eldest back into school.",
    "Parents agree there are too many arguments and want support as a couple.",
]
CHILD_VOICES = [
    "Said: 'I like it when mum walks me to school.' Worries about mum being sad.",
    "Said mornings are 'shouty' and they miss breakfast most days.",
    "Said they want their own bed and a quiet place to do homework.",
    "Drew a picture of home with nan in it; said nan's is where they feel calm.",
    "Said school is 'OK' but they get told off for being late and it's not their fault.",
]
NEEDS = [
    "Routines in the morning; school attendance; mum's emotional wellbeing.",
    "Parenting support for behaviour; help with debt and benefits.",
    "Housing: damp flat and risk of eviction; children's sleep.",
    "Relationship support for parents; youth activity for the eldest.",
]
STRENGTHS = [
    "Warm relationships; mum engages well with school; supportive grandmother nearby.",
    "Dad is keen to learn; children are close to each other.",
    "Family are open about what is hard; good links with the health visitor.",
]
PLANS = [
    "School to meet mum weekly about attendance; family support worker for routines (8 weeks); GP appointment for mum.",
    "Parenting course at the family hub; money advice referral; review in 6 weeks.",
    "Housing officer to visit; school nurse sleep sessions; Team Around the Family review in 6 weeks.",
]
PROGRESS = [
    "Attendance up from 82% to 91%. Mornings calmer most days.",
    "Mum finished the parenting course and says bedtimes are easier.",
    "Debt advice appointment kept; rent arrears plan agreed.",
    "Less progress than hoped: two missed appointments; plan adjusted.",
]
SUPPORT = [
    ("the-gate-york", "Drop-in and youth activity sessions"),
    ("st-giles-sos", "Mentoring sessions for the eldest"),
    ("cyc-housing", "Housing officer visit and rent arrears plan"),
    ("hcv", "School nurse sessions on sleep and anxiety"),
    ("fulford-school", "Weekly attendance check-ins with the pastoral team"),
    ("cyc-csc", "Family support worker: routines at home, 8 sessions"),
    ("ivison-trust", "Parent support from a family liaison worker"),
    ("acomb-primary", "Breakfast club place"),
]
CLOSURE_NOTES = {
    ClosureReason.NEEDS_MET: "Attendance above 95% for a term; family confident with routines.",
    ClosureReason.STEPPED_UP: "Worries grew about neglect; referred to the MASH and stepped up.",
    ClosureReason.STEPPED_DOWN: "Needs now met by school and health visiting as usual.",
    ClosureReason.DECLINED: "Family said they did not want more help; advice given on how to ask again.",
    ClosureReason.MOVED_AWAY: "Family moved to Leeds; information shared with their new school.",
}


def _families(state: DemoState) -> dict[Any, list[Person]]:
    """Children grouped by the household they live in."""
    child_ids = {c.pk: c for c in state.children_made}
    families: dict[Any, list[Person]] = defaultdict(list)
    for household_id, person_id in HouseholdMember.objects.filter(
        person_id__in=list(child_ids), left__isnull=True
    ).values_list("household_id", "person_id"):
        families[household_id].append(child_ids[person_id])
    return families


def _uuid(state: DemoState) -> uuid.UUID:
    return uuid.UUID(int=state.rng.getrandbits(128), version=4)


def _reference(state: DemoState) -> str:
    """A well-formed early help reference drawn from the demo's own random numbers."""
    body = "".join(state.rng.choice(ALPHABET) for _ in range(8))
    return format_reference("EH", body)


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@register_demo_extension(order=30)
def build(state: DemoState) -> None:
    """Add early help episodes with assessments, reviews, support and closures."""
    rng = state.rng
    # Apologies at TAF meetings draw on their own numbers, so later demo extensions get
    # the same ones as before they were added.
    apologies_rng = random.Random(f"taf-apologies-{state.children}")  # noqa: S311 - demo data
    today = state.today
    Episode.objects.all().delete()
    families = _families(state)
    kid_household = {kid.pk: hh for hh, kids in families.items() for kid in kids}
    by_lead: dict[str, list[Any]] = defaultdict(list)
    for person_id, slug in Involvement.objects.filter(
        person_id__in=list(kid_household), agency__slug__in=list(LEADS), ended__isnull=True
    ).values_list("person_id", "agency__slug"):
        household = kid_household[person_id]
        if household not in by_lead[slug]:
            by_lead[slug].append(household)
    # Adults living with the children: the parents and carers asked for consent.
    adult_born_before = today.replace(year=today.year - 18)
    adults: dict[Any, list[Person]] = defaultdict(list)
    for member in (
        HouseholdMember.objects.filter(household_id__in=list(families), left__isnull=True)
        .exclude(person_id__in=list(kid_household))
        .filter(person__date_of_birth__lt=adult_born_before)
        .select_related("person")
        .order_by("person__date_of_birth")
    ):
        adults[member.household_id].append(member.person)
    involved_agencies: dict[Any, set[int]] = defaultdict(set)
    for person_id, agency_id in Involvement.objects.filter(
        person_id__in=list(kid_household), ended__isnull=True
    ).values_list("person_id", "agency_id"):
        involved_agencies[kid_household[person_id]].add(agency_id)

    wanted = max(
        len(LEADS) * AT_LEAST_PER_LEAD, round(len(state.children_made) * SHARE_OF_CHILDREN / 2)
    )
    chosen: list[tuple[Any, str]] = []
    taken: set[Any] = set()
    slugs = [s for s in LEADS if by_lead.get(s) and state.users.get(LEADS[s])]
    for slug in slugs:
        rng.shuffle(by_lead[slug])
    position = 0
    while len(chosen) < wanted and slugs:
        slug = slugs[position % len(slugs)]
        candidates = [h for h in by_lead[slug] if h not in taken]
        if candidates:
            household = candidates[0]
            taken.add(household)
            chosen.append((household, slug))
        elif all(not [h for h in by_lead[s] if h not in taken] for s in slugs):
            break
        position += 1

    closure_cycle = list(ClosureReason.values)
    recipient = supporting_families_address()
    episodes: list[Episode] = []
    memberships: list[EpisodeChild] = []
    assessments: list[Assessment] = []
    meetings: list[TafMeeting] = []
    supports: list[SupportRecord] = []
    notifications: list[Notification] = []
    events: list[ChronologyEvent] = []
    consents: list[tuple[FamilyConsent, list[int]]] = []
    per_lead_count: dict[str, int] = defaultdict(int)
    closed_count = 0

    for household, slug in chosen:
        kids = sorted(families[household], key=lambda k: k.date_of_birth or today)
        lead = state.users[LEADS[slug]]
        agency = state.agencies[slug]
        number = per_lead_count[slug]
        per_lead_count[slug] += 1
        # Each lead gets a mix: the 2nd of theirs is overdue, every 3rd is closed.
        closing = number % 3 == 2
        overdue = number % 3 == 1
        opened = today - dt.timedelta(days=rng.randrange(90, 420))
        reference = _reference(state)
        episode = Episode(
            id=_uuid(state),
            reference=reference,
            household_id=household,
            lead_agency=agency,
            lead_practitioner=lead,
            opened_on=opened,
            opened_by=lead,
            reason=rng.choice(REASONS),
        )
        episodes.append(episode)
        memberships.extend(EpisodeChild(episode=episode, person=k, added_on=opened) for k in kids)

        def add_event(
            day: dt.date,
            category: str,
            title: str,
            detail: str = "",
            *,
            kids: list[Person] = kids,
            episode: Episode = episode,
            agency: Any = agency,
            lead: Any = lead,
        ) -> None:
            for kid in kids:
                events.append(
                    ChronologyEvent(
                        id=_uuid(state),
                        person=kid,
                        occurred_at=_at(day),
                        category=category,
                        title=title[:200],
                        detail=detail,
                        agency=agency,
                        recorded_by=lead,
                        source_type=SOURCE_TYPE,
                        source_id=str(episode.pk),
                    )
                )

        def notify(
            event: str,
            day: dt.date,
            detail: str,
            *,
            episode: Episode = episode,
            reference: str = reference,
            lead: Any = lead,
        ) -> None:
            label = Notification.Event(event).label
            notifications.append(
                Notification(
                    episode=episode,
                    event=event,
                    recipient=recipient,
                    subject=f"Early help {reference}: {label}",
                    body=f"Early help reference: {reference}\nWhat happened: {label}\n{detail}",
                    created_by=lead,
                    created_at=_at(day, 15),
                    emailed_at=_at(day, 15),
                )
            )

        add_event(
            opened,
            ChronologyEvent.Category.SUPPORT,
            f"Early help started ({reference})",
            episode.reason,
        )
        end = today
        if closing:
            end = min(
                today - dt.timedelta(days=1), opened + dt.timedelta(days=rng.randrange(75, 200))
            )
        draft_only = not closing and not overdue and rng.random() < 0.15
        assessed_on = opened + dt.timedelta(days=rng.randrange(3, 15))
        # Consent before the assessment: a parent or carer at home (or the eldest child,
        # as a young person able to decide), to the assessment and to sharing with the
        # agencies working with the family.
        asked = adults.get(household) or [kids[-1]]
        agreed_on = opened + dt.timedelta(days=rng.randrange(0, 3))
        sharing_with = sorted(involved_agencies[household] | {agency.pk})
        consent = FamilyConsent(
            episode=episode,
            person=asked[0],
            capacity=(
                FamilyConsent.Capacity.PARENT
                if household in adults
                else FamilyConsent.Capacity.YOUNG_PERSON
            ),
            decision=FamilyConsent.Decision.GIVEN,
            decided_on=agreed_on,
            method=rng.choice(FamilyConsent.Method.values),
            to_assessment=True,
            to_sharing=True,
            recorded_by=lead,
        )
        consents.append((consent, sharing_with))
        add_event(
            agreed_on,
            ChronologyEvent.Category.SUPPORT,
            f"Consent to early help given ({reference})",
            "Agreed to the Early Help Assessment and to sharing information.",
        )
        withdraw_on: dt.date | None = None
        if number % 3 == 0 and number >= 3:  # some open families withdraw consent
            withdraw_on = today - dt.timedelta(days=1)
        if len(asked) > 1 and number == 4:  # a second parent refuses
            consents.append(
                (
                    FamilyConsent(
                        episode=episode,
                        person=asked[1],
                        capacity=FamilyConsent.Capacity.PARENT,
                        decision=FamilyConsent.Decision.REFUSED,
                        decided_on=today - dt.timedelta(days=2),
                        method=FamilyConsent.Method.PHONE,
                        next_step=FamilyConsent.NextStep.OFFER_AGAIN,
                        note="Does not want agencies talking about the family; will think again.",
                        recorded_by=lead,
                    ),
                    [],
                )
            )
        known = "Children:\n" + "\n".join(f"- {k.full_name}" for k in kids)
        assessment = Assessment(
            id=_uuid(state),
            episode=episode,
            status=Assessment.Status.DRAFT if draft_only else Assessment.Status.COMPLETED,
            lead_practitioner=lead,
            assessment_date=assessed_on,
            already_known=known,
            family_view=rng.choice(FAMILY_VIEWS),
            child_voice="" if draft_only else rng.choice(CHILD_VOICES),
            needs=rng.choice(NEEDS),
            strengths=rng.choice(STRENGTHS),
            plan="" if draft_only else rng.choice(PLANS),
            prefilled_from=["the children's records", "agencies working with the family"],
            created_by=lead,
            completed_at=None if draft_only else _at(assessed_on, 16),
            completed_by=None if draft_only else lead,
        )
        assessments.append(assessment)
        if draft_only:
            episode.review_due = None
        else:
            add_event(
                assessed_on,
                ChronologyEvent.Category.ASSESSMENT,
                f"Early Help Assessment completed ({reference})",
                f"Lead practitioner: {lead}, {agency}.",
            )
            notify(
                Notification.Event.ASSESSMENT_COMPLETED, assessed_on, f"Lead practitioner: {lead}"
            )
            meeting_day = assessed_on + dt.timedelta(days=rng.randrange(7, 15))
            # Overdue: the family's last review did not happen.
            last_possible = end - dt.timedelta(days=rng.randrange(50, 80)) if overdue else end
            kind = TafKind.FIRST
            agencies_here = sorted(involved_agencies[household] | {agency.pk})
            next_due = assessed_on + REVIEW_EVERY
            while meeting_day <= last_possible:
                next_due = meeting_day + REVIEW_EVERY
                # Now and then a partner sends apologies (never the lead agency).
                partners = [a for a in agencies_here if a != agency.pk]
                away = (
                    [apologies_rng.choice(partners)]
                    if partners and apologies_rng.random() < 0.2
                    else []
                )
                meeting = TafMeeting(
                    episode_id=episode.pk,
                    kind=kind,
                    agency_ids=[a for a in agencies_here if a not in away],
                    apologies_ids=away,
                    held_on=meeting_day,
                    attendees=f"{lead} ({agency}), parent, family support worker",
                    family_attended=rng.random() < 0.85,
                    progress=rng.choice(PROGRESS),
                    child_voice=rng.choice(CHILD_VOICES),
                    plan_update="" if rng.random() < 0.5 else rng.choice(PLANS),
                    next_review_due=next_due,
                    recorded_by=lead,
                )
                meetings.append(meeting)
                add_event(
                    meeting_day,
                    ChronologyEvent.Category.MEETING,
                    f"{meeting.get_kind_display()} ({reference})",
                    f"Next review due {next_due.day} {next_due:%B %Y}.",
                )
                notify(Notification.Event.REVIEWED, meeting_day, meeting.get_kind_display())
                kind = TafKind.REVIEW
                meeting_day = next_due + dt.timedelta(days=rng.randrange(-3, 4))
            episode.review_due = next_due
        for support_slug, description in rng.sample(SUPPORT, k=rng.randrange(2, 4)):
            started = assessed_on + dt.timedelta(days=rng.randrange(5, 30))
            if started > end:
                started = assessed_on
            ended = (
                min(end, started + dt.timedelta(days=rng.randrange(30, 120)))
                if closing or rng.random() < 0.3
                else None
            )
            supports.append(
                SupportRecord(
                    episode=episode,
                    agency=state.agencies[support_slug],
                    child=rng.choice(kids) if rng.random() < 0.4 else None,
                    description=description,
                    started=started,
                    ended=ended,
                    recorded_by=lead,
                )
            )
        if closing:
            reason = closure_cycle[closed_count % len(closure_cycle)]
            closed_count += 1
            episode.status = Episode.Status.CLOSED
            episode.closure_reason = reason
            episode.closure_note = CLOSURE_NOTES[ClosureReason(reason)]
            episode.closed_on = end
            episode.closed_by = lead
            if reason == ClosureReason.DECLINED:
                withdraw_on = end
            label = ClosureReason(reason).label
            add_event(
                end, ChronologyEvent.Category.SUPPORT, f"Early help closed: {label} ({reference})"
            )
            notify(Notification.Event.CLOSED, end, f"Reason: {label}")
        if withdraw_on is not None:
            consent.withdrawn_on = max(withdraw_on, agreed_on)
            consent.withdrawal_note = "The family no longer want early help."
            consent.withdrawal_recorded_by = lead
            add_event(
                consent.withdrawn_on,
                ChronologyEvent.Category.SUPPORT,
                f"Consent to early help withdrawn ({reference})",
                "No further sharing.",
            )

    ReferenceNumber.objects.bulk_create(
        [ReferenceNumber(value=e.reference, kind="early_help_episode") for e in episodes],
        ignore_conflicts=True,
    )
    Episode.objects.bulk_create(episodes, batch_size=500)
    EpisodeChild.objects.bulk_create(memberships, batch_size=500)
    Assessment.objects.bulk_create(assessments, batch_size=500)
    # The meetings themselves are kept by the meetings app (earlyhelp/taf.py).
    taf_meetings().record_many(meetings)
    FamilyConsent.objects.bulk_create([c for c, _ in consents], batch_size=500)
    consent_agencies = FamilyConsent.agencies.through
    consent_agencies.objects.bulk_create(
        [
            consent_agencies(familyconsent_id=c.pk, agency_id=agency_id)
            for c, agency_ids in consents
            for agency_id in agency_ids
        ],
        batch_size=1000,
    )
    SupportRecord.objects.bulk_create(supports, batch_size=500)
    Notification.objects.bulk_create(notifications, batch_size=500)
    ChronologyEvent.objects.bulk_create(events, batch_size=500)
    audit_record_many(
        by=None,
        entries=[
            AuditEntry(
                action=AuditAction.CREATE,
                object_type=EarlyHelpEvent.DEMO_EARLY_HELP,
                changes={
                    "episodes": len(episodes),
                    "closed": closed_count,
                    "taf_meetings": len(meetings),
                    "support_records": len(supports),
                    "consents": len(consents),
                },
                reason="Synthetic early help data loaded",
            )
        ],
    )


@register_demo_extension(order=31)
def build_allocation_waiting(state: DemoState) -> None:
    """A family the MASH decided needs early help this week, waiting for a lead practitioner.

    The early help team's manager (csc.manager) allocates one from the work item.
    """
    from safeguard.frontdoor.models import Outcome
    from safeguard.frontdoor.selectors import contacts_with_outcome
    from safeguard.people.access import can_edit_person

    from .handoffs import lead_allocation_ask
    from .services import early_help_episode_open

    worker = state.users.get("mash.worker")
    if worker is None:
        return
    taken = set(
        EpisodeChild.objects.filter(episode__status=Episode.Status.OPEN).values_list(
            "person_id", flat=True
        )
    )
    for contact in contacts_with_outcome(Outcome.EARLY_HELP_ASSESSMENT)[:40]:
        children = [cc.person for cc in contact.contact_children.all()]
        if not children or any(c.pk in taken for c in children):
            continue
        if not all(can_edit_person(worker, c) for c in children):
            continue
        episode = early_help_episode_open(
            by=worker,
            children=children,
            source_reference=contact.reference,
            reason="Emerging needs; the family agreed to early help.",
        )
        lead_allocation_ask(by=worker, episode=episode, children=children, notify=False)
        return
    # No recent decision the MASH can still open: a social worker asks for early help instead.
    social = state.users.get("social.worker")
    if social is None or social.agency_id is None:
        return
    for involvement in (
        Involvement.objects.filter(agency_id=social.agency_id, ended__isnull=True)
        .exclude(person_id__in=taken)
        .select_related("person")
        .order_by("started", "pk")[:50]
    ):
        child = involvement.person
        if child.merged_into_id is not None or not can_edit_person(social, child):
            continue
        episode = early_help_episode_open(
            by=social,
            children=[child],
            reason="Needs have eased since the child in need plan; the family asked for early help.",
        )
        lead_allocation_ask(by=social, episode=episode, children=[child], notify=False)
        return
