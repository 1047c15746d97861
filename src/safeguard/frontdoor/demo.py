"""Demo data for the front door: a year of contacts to the MASH, decisions, police forms.

York's Multi-Agency Safeguarding Hub (MASH) handles thousands of contacts a year
for about 44,000 children. We assume 4,400 a year (one for every ten children)
and scale by the demo's number of children, so 2,000 children give about 200
contacts. About one in five is a re-referral (the same child within 12
months); a dozen or so are open in the MASH queue; decisions cover all four
levels of the continuum of need. Everything is drawn from ``state.rng``, so the
same seed always gives the same front door.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safeguard.core.models import ReferenceNumber
from safeguard.core.references import ALPHABET, format_reference
from safeguard.people.demo import CHILD_VOICE, DemoState, register_demo_extension
from safeguard.people.models import AccessGrant, ChronologyEvent, Person, Visibility
from safeguard.work.models import WorkItem

from . import categories as concern_categories
from .hours import decision_due, in_office_hours
from .models import (
    Consent,
    Contact,
    ContactChild,
    ContactDraft,
    ContactStatus,
    Level,
    MashEnquiry,
    NoConsentReason,
    Outcome,
    PoliceForm,
    PoliceFormKind,
    PoliceIntelligenceUser,
    ThresholdDecision,
)
from .services import needs_sign_off, police_form_work_create
from .services.police import POLICE_FORM_SUBJECT
from .services.requests import REQUEST_SUBJECT, request_work_create

CONTACTS_PER_CHILD_PER_YEAR = 4_400 / 44_000
POLICE_FORMS_PER_CHILD_PER_YEAR = 600 / 44_000
OPEN_CONTACTS = 14

REFERRERS = ["school.dsl", "health.nurse", "police.officer", "social.worker", "yjs.worker"]
LEVEL_WEIGHTS = [(1, 15), (2, 30), (3, 30), (4, 25)]
# Only outcomes the level allows (models.OUTCOMES_BY_LEVEL). The lists keep their lengths, so
# the demo draws the same random numbers as before (later demo extensions depend on them).
OUTCOMES_BY_LEVEL = {
    1: [Outcome.ADVICE_NO_FURTHER_ACTION, Outcome.SIGNPOST],
    2: [Outcome.SIGNPOST, Outcome.EARLY_HELP_ASSESSMENT],
    3: [Outcome.EARLY_HELP_ASSESSMENT, Outcome.TARGETED_INTERVENTION],
    4: [Outcome.SECTION_17, Outcome.SECTION_47, Outcome.LOOKED_AFTER],
}
MESSAGES = {
    Outcome.ADVICE_NO_FURTHER_ACTION: (
        "Thank you. The MASH has given advice; please keep supporting the child in school."
    ),
    Outcome.SIGNPOST: "The family has been given details of a local support service.",
    Outcome.EARLY_HELP_ASSESSMENT: "An Early Help Assessment will be offered; a lead practitioner will contact you.",
    Outcome.TARGETED_INTERVENTION: "A Team Around the Family will be arranged; you will be invited.",
    Outcome.SECTION_17: "A social worker will assess the child's needs. They may contact you.",
    Outcome.SECTION_47: "A strategy discussion is being held today. Please keep your notes safe.",
    Outcome.LOOKED_AFTER: "The child is safe. A social worker will contact you about next steps.",
    Outcome.POLICE_NOTIFIED: "The police have been told and will follow this up.",
}
WHAT_HAPPENED = [
    "Arrived at school hungry and in the same clothes for a week.",
    "Disclosed that dad hit mum last night; police were called.",
    "Seen getting into cars with older males after school.",
    "Went missing overnight and came back with new trainers and a phone.",
    "Posted about wanting to hurt themselves; marks seen on arms.",
    "Parent attended clinic appointment under the influence.",
    "Attendance has fallen to 60% this term; not seen at home visits.",
    "Sharing sexual images with younger pupils online.",
]
CATEGORY_SETS = [
    ["neglect"],
    ["domestic_abuse", "emotional_abuse"],
    ["child_sexual_exploitation", "going_missing"],
    ["child_criminal_exploitation", "going_missing"],
    ["self_harm"],
    ["substance_misuse", "parental_mental_health"],
    ["school_attendance", "neglect"],
    ["harmful_sexual_behaviour", "online_harm"],
    ["physical_abuse"],
]


def _reference(state: DemoState, prefix: str) -> str:
    body = "".join(state.rng.choice(ALPHABET) for _ in range(8))
    return format_reference(prefix, body)


def _weighted(state: DemoState, pairs: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return state.rng.choices(values, weights=weights, k=1)[0]


@register_demo_extension(order=20)
def build(state: DemoState) -> None:
    """Add a year of contacts, decisions and police forms to the demo partnership."""
    Contact.objects.all().delete()
    PoliceForm.objects.all().delete()
    # Work items point at requests and forms by id: a rebuilt demo starts their queues afresh.
    WorkItem.objects.filter(subject_type__in=[REQUEST_SUBJECT, POLICE_FORM_SUBJECT]).delete()
    ContactDraft.objects.all().delete()
    if not state.children_made or "mash.worker" not in state.users:
        return
    rng = state.rng
    now = timezone.now()
    mash = state.agencies.get("cyc-mash")
    worker = state.users["mash.worker"]
    manager = state.users.get("mash.manager", worker)
    referrers = [state.users[u] for u in REFERRERS if u in state.users]
    total = max(20, round(len(state.children_made) * CONTACTS_PER_CHILD_PER_YEAR))
    children = state.children_made
    used: list[Person] = []
    last_contact: dict[Any, list[dt.datetime]] = {}
    moments = sorted(
        now - dt.timedelta(days=rng.uniform(3, 365), minutes=rng.randrange(0, 1440))
        for _ in range(total - OPEN_CONTACTS)
    ) + sorted(now - dt.timedelta(hours=rng.uniform(0.5, 40)) for _ in range(OPEN_CONTACTS))
    contacts: list[Contact] = []
    links: list[tuple[Contact, list[Person]]] = []
    references: list[ReferenceNumber] = []
    for number, received in enumerate(moments):
        is_open = number >= total - OPEN_CONTACTS
        if used and rng.random() < 0.2:
            kids = [rng.choice(used)]
        else:
            kids = [rng.choice(children)]
            if rng.random() < 0.2:
                kids.append(rng.choice(children))
        kids = list({k.pk: k for k in kids}.values())
        used.extend(kids)
        previous = sum(
            1
            for k in kids
            for when in last_contact.get(k.pk, [])
            if received - dt.timedelta(days=365) <= when < received
        )
        for k in kids:
            last_contact.setdefault(k.pk, []).append(received)
        referrer = rng.choice(referrers)
        cats = rng.choice(CATEGORY_SETS)
        consent = _weighted(
            state, [(Consent.GIVEN, 60), (Consent.REFUSED, 15), (Consent.NOT_ASKED, 25)]
        )
        reference = _reference(state, "MASH")
        references.append(ReferenceNumber(value=reference, kind="contact"))
        contact = Contact(
            reference=reference,
            received_at=received,
            referrer=referrer,
            referrer_agency=referrer.agency,
            referrer_name=referrer.get_full_name(),
            referrer_role=referrer.job_title,
            referrer_phone="01904 000000",
            referrer_email=referrer.email or "referrer@example.invalid",
            categories=cats,
            cin_codes=sorted({concern_categories.cin_code(c) for c in cats}),
            what_happened=rng.choice(WHAT_HAPPENED),
            happened_on=timezone.localtime(received).date(),
            child_voice=rng.choice(CHILD_VOICE),
            immediate_danger=rng.random() < 0.05,
            family_knows="Parents told about the referral." if consent == Consent.GIVEN else "",
            consent=consent,
            no_consent_reason=rng.choice(NoConsentReason.values)
            if consent == Consent.NOT_ASKED
            else "",
            decision_due_at=decision_due(received),
            is_re_referral=previous > 0,
            previous_contacts=previous,
            received_in_office_hours=in_office_hours(received),
            status=ContactStatus.RECEIVED if is_open else ContactStatus.DECIDED,
        )
        contacts.append(contact)
        links.append((contact, kids))
    ReferenceNumber.objects.bulk_create(references, ignore_conflicts=True, batch_size=500)
    Contact.objects.bulk_create(contacts, batch_size=500)
    saved = {
        c.reference: c
        for c in Contact.objects.filter(reference__in=[c.reference for c in contacts])
    }

    contact_children: list[ContactChild] = []
    decisions: list[ThresholdDecision] = []
    requests: list[MashEnquiry] = []
    events: list[ChronologyEvent] = []
    grants: list[AccessGrant] = []
    agencies_to_ask = [
        a
        for slug, a in state.agencies.items()
        if slug in ("nyp", "hcv", "fulford-school", "cyc-csc")
    ]
    sign_off_waiting = 0
    for unsaved, kids in links:
        contact = saved[unsaved.reference]
        for kid in kids:
            contact_children.append(
                ContactChild(
                    contact=contact,
                    person=kid,
                    # The demo's referrers described each child as the record has them.
                    reported_given_name=kid.given_name,
                    reported_family_name=kid.family_name,
                    reported_date_of_birth=kid.date_of_birth,
                )
            )
            events.append(
                ChronologyEvent(
                    person=kid,
                    occurred_at=contact.received_at,
                    category=ChronologyEvent.Category.CONTACT,
                    title=(
                        f"Concern reported to the Multi-Agency Safeguarding Hub (MASH) by "
                        f"{contact.referrer_agency.name} ({contact.reference})"
                    ),
                    detail="About: "
                    + ", ".join(concern_categories.labels(contact.categories))
                    + ".",
                    agency=contact.referrer_agency,
                    source_type="frontdoor.contact",
                    source_id=str(contact.pk),
                )
            )
            grant_ends = contact.received_at + dt.timedelta(days=30)
            if mash is not None and grant_ends > now:
                grants.append(
                    AccessGrant(
                        person=kid,
                        kind=AccessGrant.Kind.MASH_CONTACT,
                        agency=mash,
                        purpose=(
                            f"Named in contact {contact.reference}, "
                            "which the Multi-Agency Safeguarding Hub (MASH) is triaging"
                        ),
                        granted_by=contact.referrer,
                        starts_at=contact.received_at,
                        ends_at=grant_ends,
                        source_reference=contact.reference,
                    )
                )
        for agency in rng.sample(agencies_to_ask, k=rng.randrange(0, 3)):
            asked = contact.received_at + dt.timedelta(minutes=rng.randrange(20, 180))
            answered = contact.status == ContactStatus.DECIDED or rng.random() < 0.5
            requests.append(
                MashEnquiry(
                    contact=contact,
                    agency=agency,
                    question="What do you know about this family?",
                    requested_at=asked,
                    requested_by=worker,
                    answer="Known to us; see our records for the last year." if answered else "",
                    answered_at=asked + dt.timedelta(hours=2) if answered else None,
                    answered_by=worker if answered else None,
                )
            )
        if contact.status != ContactStatus.DECIDED:
            if sign_off_waiting < 3 and rng.random() < 0.3:
                sign_off_waiting += 1
                contact.status = ContactStatus.AWAITING_SIGN_OFF
                decisions.append(
                    ThresholdDecision(
                        contact=contact,
                        level=4,
                        outcome=Outcome.SECTION_47,
                        rationale="Risk of significant harm; strategy discussion needed.",
                        message_to_referrer=MESSAGES[Outcome.SECTION_47],
                        decided_by=worker,
                        decided_at=now - dt.timedelta(minutes=30),
                        needs_sign_off=True,
                    )
                )
            continue
        level = _weighted(state, LEVEL_WEIGHTS)
        outcome = rng.choice(OUTCOMES_BY_LEVEL[level])
        decided_at = min(
            contact.decision_due_at - dt.timedelta(minutes=rng.randrange(10, 600)), now
        )
        decided_at = max(decided_at, contact.received_at + dt.timedelta(minutes=30))
        sign_off = needs_sign_off(level=level, outcome=outcome)
        decisions.append(
            ThresholdDecision(
                contact=contact,
                level=level,
                outcome=outcome,
                rationale=f"{Level(level).label}: needs assessed against the continuum of need.",
                message_to_referrer=MESSAGES[outcome],
                decided_by=worker,
                decided_at=decided_at,
                needs_sign_off=sign_off,
                signed_off_by=manager if sign_off else None,
                signed_off_at=decided_at + dt.timedelta(minutes=45) if sign_off else None,
            )
        )
        contact.referrer_told_at = decided_at + dt.timedelta(hours=1)
        for kid in kids:
            events.append(
                ChronologyEvent(
                    person=kid,
                    occurred_at=decided_at,
                    category=ChronologyEvent.Category.DECISION,
                    title=(
                        f"Multi-Agency Safeguarding Hub (MASH) decision: {Level(level).label.lower()}, "
                        f"{outcome.label.lower()} ({contact.reference})"
                    ),
                    agency=mash,
                    source_type="frontdoor.threshold_decision",
                    source_id=contact.reference,
                    visibility=Visibility.MASH_AND_SOCIAL_CARE,
                )
            )
            # The outcome as the referrer was told it: every agency with access reads this.
            events.append(
                ChronologyEvent(
                    person=kid,
                    occurred_at=contact.referrer_told_at,
                    category=ChronologyEvent.Category.DECISION,
                    title=f"Outcome of the concern {contact.reference}: {outcome.label.lower()}",
                    detail=MESSAGES[outcome],
                    agency=mash,
                    source_type="frontdoor.decision_outcome",
                    source_id=contact.reference,
                )
            )
    Contact.objects.bulk_update(
        [
            c
            for c in saved.values()
            if c.status == ContactStatus.AWAITING_SIGN_OFF or c.referrer_told_at
        ],
        ["status", "referrer_told_at"],
        batch_size=500,
    )
    ContactChild.objects.bulk_create(contact_children, batch_size=500, ignore_conflicts=True)
    ThresholdDecision.objects.bulk_create(decisions, batch_size=500)
    MashEnquiry.objects.bulk_create(requests, batch_size=500)
    _requests_in_queues(state)
    ChronologyEvent.objects.bulk_create(events, batch_size=500)
    AccessGrant.objects.bulk_create(grants, batch_size=500)
    _police_forms(state, now)


def _police_forms(state: DemoState, now: dt.datetime) -> None:
    rng = state.rng
    senders = [
        state.users[u] for u in ("school.dsl", "health.nurse", "social.worker") if u in state.users
    ]
    if not senders:
        return
    officer = state.users.get("police.officer")
    if officer is not None:
        PoliceIntelligenceUser.objects.get_or_create(user=officer)
    count = max(8, round(len(state.children_made) * POLICE_FORMS_PER_CHILD_PER_YEAR))
    kinds = [
        (PoliceFormKind.MISSING_PERSON, 30),
        (PoliceFormKind.MISSING_RETURNED, 25),
        (PoliceFormKind.MISSING_FURTHER_INFORMATION, 10),
        (PoliceFormKind.WELFARE_CHECK, 15),
        (PoliceFormKind.MENTAL_HEALTH_ACT, 5),
        (PoliceFormKind.PARTNER_INTELLIGENCE, 15),
    ]
    forms = []
    references = []
    for _ in range(count):
        child = rng.choice(state.children_made)
        sender = rng.choice(senders)
        kind = _weighted(state, kinds)
        reference = _reference(state, "POL")
        references.append(ReferenceNumber(value=reference, kind=f"police_{kind}"))
        forms.append(
            PoliceForm(
                reference=reference,
                kind=kind,
                received_at=now - dt.timedelta(days=rng.uniform(0, 365)),
                submitted_by=sender,
                agency=sender.agency,
                contact_name=sender.get_full_name(),
                contact_email=sender.email or "partner@example.invalid",
                subject_name=child.full_name,
                subject_date_of_birth=child.date_of_birth,
                location="York",
                details="Details given by the partner agency.",
                status="acknowledged" if rng.random() < 0.8 else "received",
            )
        )
    # Forms nobody has actioned yet are recent (the hub works its queue); a child went missing
    # a minute ago. Each waits in the police safeguarding hub's queue as a work item.
    waiting = [f for f in forms if f.status == "received"]
    for form in waiting:
        form.received_at = now - dt.timedelta(hours=rng.uniform(0.5, 40))
    if waiting:
        waiting[0].kind = PoliceFormKind.MISSING_PERSON
        waiting[0].received_at = now - dt.timedelta(minutes=1)
    ReferenceNumber.objects.bulk_create(references, ignore_conflicts=True)
    PoliceForm.objects.bulk_create(forms, batch_size=500)
    for form in PoliceForm.objects.filter(status="received").select_related("agency"):
        police_form_work_create(by=form.submitted_by, form=form, notify=False)


def _requests_in_queues(state: DemoState) -> None:
    """Requests for information still waiting sit in the asked agency's queue; the police answer.

    One request to the police on an open contact waits in the police safeguarding hub's
    queue, and the police answered another themselves.
    """
    worker = state.users["mash.worker"]
    officer = state.users.get("police.officer")
    police = state.agencies.get("nyp")
    open_contacts = list(
        Contact.objects.filter(
            status__in=[ContactStatus.RECEIVED, ContactStatus.GATHERING]
        ).order_by("received_at")
    )
    if police is not None and len(open_contacts) >= 2:
        asked = timezone.now() - dt.timedelta(minutes=40)
        MashEnquiry.objects.bulk_create(
            [
                MashEnquiry(
                    contact=open_contacts[-1],
                    agency=police,
                    question="Any call-outs to the family's address in the last year?",
                    requested_at=asked,
                    requested_by=worker,
                ),
                MashEnquiry(
                    contact=open_contacts[-2],
                    agency=police,
                    question="Is anyone at the address known to the police?",
                    requested_at=asked - dt.timedelta(hours=3),
                    requested_by=worker,
                    answer="Two domestic incidents at the address in March; no arrests.",
                    answered_at=asked - dt.timedelta(hours=1),
                    answered_by=officer or worker,
                ),
            ]
        )
    for request in MashEnquiry.objects.filter(
        answered_at__isnull=True,
        contact__status__in=[ContactStatus.RECEIVED, ContactStatus.GATHERING],
    ).select_related("contact", "agency"):
        request_work_create(by=worker, request=request, notify=False)
