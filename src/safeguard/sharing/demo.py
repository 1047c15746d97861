"""Demo data for information sharing: decisions on every consent path, grants, break-glass, requests.

Everything is made through the services, so the audit chain, chronology and
grants are exactly what real use would leave. Children are picked with the
generator's seeded random number generator, so the same seed picks the same
children.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from safeguard.people.demo import DemoState, register_demo_extension
from safeguard.people.models import AccessGrant, Involvement, Person

from .models import Consent, Decision, LawfulBasis, NoConsentReason, Purpose, SharingRequest
from .selectors import shareable_events
from .services import (
    BREAK_GLASS_HOURS,
    break_glass_open,
    information_request_create,
    safeguarding_lead_set,
    sharing_decision_record,
    sharing_grant_revoke,
)


def _children_of(state: DemoState, slug: str, count: int) -> list[Person]:
    """Children an agency is working with, chosen with the seeded generator."""
    agency = state.agencies[slug]
    ids = sorted(
        Involvement.objects.filter(
            agency=agency, ended__isnull=True, person__in=state.children_made
        )
        .values_list("person_id", flat=True)
        .distinct(),
        key=str,
    )
    chosen = state.rng.sample(ids, min(count, len(ids)))
    people = {p.pk: p for p in Person.objects.filter(pk__in=chosen)}
    return [people[i] for i in chosen]


def _share(state: DemoState, by: Any, person: Person, to: str, **kwargs: Any) -> Any:
    events = shareable_events(user=by, person=person)
    defaults: dict[str, Any] = {
        "purpose": Purpose.SAFEGUARDING_ASSESSMENT,
        "decision": Decision.SHARE,
        "consent": Consent.GIVEN,
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        "summary": "Attendance, pastoral notes and the child's own words about home.",
        "event_ids": [e.pk for e in events[:3]],
        "ends_on": state.today + dt.timedelta(days=28),
    }
    defaults.update(kwargs)
    if defaults["decision"] == Decision.NOT_SHARE:
        defaults.update(summary="", event_ids=[], ends_on=None)
    return sharing_decision_record(
        by=by, person=person, recipient_agency=state.agencies[to], **defaults
    )


@register_demo_extension(order=50)
def build(state: DemoState) -> None:
    """Decisions to share and not share, grants in every state, a break-glass use and requests."""
    users = state.users
    needed = ("school.dsl", "police.officer", "social.worker", "health.nurse", "mash.manager")
    if not all(name in users for name in needed):
        return
    dsl, officer, social, nurse = (users[n] for n in needed[:4])
    safeguarding_lead_set(by=None, agency=state.agencies["fulford-school"], user=dsl)

    pupils = _children_of(state, "fulford-school", 12)
    police_children = _children_of(state, "nyp", 2)
    csc_children = _children_of(state, "cyc-csc", 3)
    if len(pupils) < 5 or len(police_children) < 2 or len(csc_children) < 3:
        return

    # Shared with consent: active.
    _share(
        state,
        dsl,
        pupils[0],
        "nyp",
        purpose=Purpose.CRIMINAL_INVESTIGATION,
        judgement="Police are investigating an incident outside school; the parent agreed to share attendance.",
    )
    # Shared without seeking consent: asking could undermine a serious-crime investigation.
    _share(
        state,
        officer,
        police_children[0],
        "cyc-csc",
        purpose=Purpose.STRATEGY_MEETING,
        consent=Consent.NOT_SOUGHT,
        no_consent_reason=NoConsentReason.UNDERMINE_INVESTIGATION,
        lawful_basis=LawfulBasis.LAW_ENFORCEMENT,
        summary="Police intelligence about older males giving lifts; needed for tomorrow's strategy meeting.",
        judgement="Telling the family could alert the suspected exploiters; the child's safety outweighs privacy.",
    )
    # Refusal overridden by the school's safeguarding lead: asking again would increase the risk of harm.
    _share(
        state,
        dsl,
        pupils[1],
        "cyc-csc",
        consent=Consent.REFUSED,
        no_consent_reason=NoConsentReason.RISK_OF_HARM,
        judgement="Father refused; the child disclosed he hits her mother. Sharing protects the child.",
    )
    # Consent withdrawn; shared because delay would put the child at further risk.
    _share(
        state,
        social,
        csc_children[0],
        "hcv",
        purpose=Purpose.HEALTH_CARE,
        consent=Consent.WITHDRAWN,
        no_consent_reason=NoConsentReason.DELAY,
        judgement="Mother withdrew consent; the baby has missed two weight checks and waiting would add risk.",
    )
    # Not shared: consent refused and no lawful reason to override it.
    _share(
        state,
        dsl,
        pupils[2],
        "st-giles-sos",
        decision=Decision.NOT_SHARE,
        consent=Consent.REFUSED,
        purpose=Purpose.EARLY_HELP,
        judgement="The young person said no to a mentoring referral; there is no risk that would justify sharing.",
    )
    # Not shared: not necessary for the purpose.
    _share(
        state,
        social,
        csc_children[1],
        "cyc-housing",
        decision=Decision.NOT_SHARE,
        consent=Consent.NOT_SOUGHT,
        purpose=Purpose.EARLY_HELP,
        judgement="Housing asked for the full file; only the address is needed, which they already hold.",
    )
    # An expired grant and a revoked one.
    expired = _share(
        state,
        dsl,
        pupils[3],
        "hcv",
        purpose=Purpose.HEALTH_CARE,
        judgement="School nurse needed attendance before a health assessment; parent agreed.",
    )
    now = timezone.now()
    AccessGrant.objects.filter(pk=expired.grant_id).update(
        starts_at=now - dt.timedelta(days=40), ends_at=now - dt.timedelta(days=5)
    )
    revoked = _share(
        state,
        officer,
        police_children[1],
        "yjs",
        purpose=Purpose.CRIMINAL_INVESTIGATION,
        judgement="Youth Justice Service needed the police summary for a bail assessment; mother agreed.",
    )
    sharing_grant_revoke(by=officer, grant=revoked.grant, reason="Bail assessment complete")

    # Requests: one open, one overdue, shown on both sides.
    information_request_create(
        by=officer,
        person=police_children[0],
        to_agency=state.agencies["fulford-school"]
        if Involvement.objects.filter(
            person=police_children[0], agency=state.agencies["fulford-school"]
        ).exists()
        else state.agencies["hcv"],
        purpose=Purpose.CRIMINAL_INVESTIGATION,
        asked="Attendance and any disclosures in the last three months, for a police investigation.",
        due_date=state.today + dt.timedelta(days=3),
    )
    overdue = information_request_create(
        by=social,
        person=csc_children[2],
        to_agency=state.agencies["hcv"],
        purpose=Purpose.CHILD_PROTECTION,
        asked="Health visiting contacts and any concerns about the baby's weight, for a Section 47 enquiry.",
        due_date=state.today,
    )
    SharingRequest.objects.filter(pk=overdue.pk).update(due_date=state.today - dt.timedelta(days=4))

    # Emergency access awaiting review: the school nurse opens a pupil's record out of hours.
    from safeguard.people.access import people_visible_to
    from safeguard.people.demo import DEMO_PASSWORD

    school_ids = Involvement.objects.filter(agency=state.agencies["fulford-school"]).values(
        "person_id"
    )
    candidates = sorted(
        Person.objects.filter(pk__in=school_ids)
        .exclude(pk__in=people_visible_to(nurse).values("pk"))
        .values_list("pk", flat=True),
        key=str,
    )
    if candidates and nurse.check_password(DEMO_PASSWORD):
        target = Person.objects.get(pk=state.rng.choice(candidates))
        break_glass_open(
            by=nurse,
            person=target,
            reason=(
                "Pupil brought to the drop-in with a head injury after school; "
                f"needed to know of any previous injuries within the next {BREAK_GLASS_HOURS} hours."
            ),
            password=DEMO_PASSWORD,
        )
