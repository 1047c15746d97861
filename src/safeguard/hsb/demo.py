"""Demo data for harmful sexual behaviour: every level, both roles, AIM, a long investigation.

Concerns at each level, a child in both roles, AIM assessments, and a long police
investigation with its 4-weekly support reviews.

Runs after the children, teams, work and meetings exist (order 84), through the services,
so every referral is a work item in the right queue. Times are then moved back so the
figures page has months to show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone

from safeguard.core.models import TeamPurpose
from safeguard.people.access import access_grant_create, people_visible_to
from safeguard.people.demo import DemoState, register_demo_extension
from safeguard.people.models import AccessGrant, ChronologyEvent
from safeguard.work.services import team_for_purpose

from . import assessments, investigations, services
from .events import HsbEvent
from .models import (
    AimTool,
    CaseType,
    Concern,
    Consent,
    Investigation,
    LessonsReason,
    Level,
    Light,
    Pathway,
    PoliceRequest,
    Role,
    SupportReview,
)
from .services import NamedChild

FORMULATION = {
    "sexual_behaviours": "Touched a younger pupil twice after being told to stop; says it was a game.",
    "non_sexual_behaviours": "Impulsive, some fights at break time; kind to his younger brother.",
    "development": "Speech and language needs; emotionally young for his age.",
    "family_environment": "Parents separated this year; unsupervised phone in his room at night.",
    "self_regulation": "Struggles when frustrated; calms with a trusted adult at school.",
    "formulation": (
        "Curiosity shaped by pornography seen online without supervision, with little "
        "understanding of consent; strengths in his relationships with school staff."
    ),
    "plan": "Weekly sessions on consent and relationships; parents' online safety plan; "
    "supervised break times agreed with the school.",
}
CONCERNS = [
    # level, light, days ago, what happened, evidence
    (
        Level.NORMAL,
        Light.GREEN,
        200,
        "Asked questions about where babies come from.",
        "Age-appropriate curiosity, no distress.",
    ),
    (
        Level.INAPPROPRIATE,
        Light.AMBER,
        150,
        "Used sexual words to upset a classmate.",
        "Once, after a film; stopped when asked.",
    ),
    (
        Level.PROBLEMATIC,
        Light.AMBER,
        90,
        "Touched a younger pupil in the toilets.",
        "Repeated after being told to stop; two years older.",
    ),
    (
        Level.ABUSIVE,
        Light.RED,
        60,
        "An older boy pressured him for images online.",
        "Coercion and threats; four years older; secrecy.",
    ),
    (
        Level.VIOLENT,
        Light.RED,
        110,
        "Forced sexual contact on another young person.",
        "Physical force used; the other child was injured.",
    ),
]


def _age(person: Any, today: dt.date) -> int:
    born = person.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _pick(people: list[Any], low: int, high: int, today: dt.date, used: set[Any]) -> Any:
    for person in people:
        if person.pk not in used and person.date_of_birth and low <= _age(person, today) <= high:
            used.add(person.pk)
            return person
    return None


@register_demo_extension(order=84)
def build(state: DemoState) -> None:  # noqa: PLR0914 - one story, told in order
    """Five concerns, a child in both roles, assessments and a long investigation."""
    dsl = state.users.get("school.dsl")
    yjs = state.users.get("yjs.worker")
    officer = state.users.get("police.officer")
    hsb_team = team_for_purpose(TeamPurpose.HARMFUL_SEXUAL_BEHAVIOUR)
    if dsl is None or yjs is None or hsb_team is None:
        return
    today = timezone.localdate()
    school_children = list(
        people_visible_to(dsl, whole_record=True)
        .filter(date_of_birth__isnull=False)
        .order_by("family_name")[:200]
    )
    police_sees = set(people_visible_to(officer).values_list("pk", flat=True)) if officer else set()
    used: set[Any] = set()
    jay = _pick(school_children, 12, 16, today, used)  # harmed someone, and was harmed
    younger = _pick(school_children, 9, 12, today, used)
    older = _pick(school_children, 15, 17, today, used)
    if jay is None or younger is None:
        return
    for tool in AimTool:
        assessments.trained_record(
            by=yjs, user=yjs, tool=tool, trained_on=today - dt.timedelta(days=400)
        )
    violent_harming = next(
        (
            c
            for c in school_children
            if c.pk in police_sees
            and c.pk not in used
            and c.date_of_birth
            and 12 <= _age(c, today) <= 17
        ),
        None,
    )
    if violent_harming is None and officer is not None and officer.agency is not None:
        # The school shares the child with the police, as it would after a violent incident.
        violent_harming = _pick(school_children, 12, 17, today, used)
        if violent_harming is not None:
            access_grant_create(
                by=dsl,
                person=violent_harming,
                kind=AccessGrant.Kind.SHARED,
                purpose="Violent sexual behaviour reported to the police",
                ends_at=timezone.now() + dt.timedelta(days=365),
                agency_id=officer.agency_id,
            )
    if violent_harming is not None:
        used.add(violent_harming.pk)
    others = [c for c in school_children if c.pk not in used][:4]
    stories: list[tuple[Any, list[NamedChild]]] = []
    for n, (level, _light, _days, _what, _why) in enumerate(CONCERNS):
        if level == Level.PROBLEMATIC:
            named = [
                NamedChild(
                    jay, Role.HARMING, "Said it was a game and he didn't think it was wrong."
                ),
                NamedChild(younger, Role.HARMED, "Said she felt scared and wanted it to stop."),
            ]
        elif level == Level.ABUSIVE:
            named = [
                # An older boy online: signs Jay may also be exploited (the MASH screens him).
                NamedChild(jay, Role.HARMED, "Said he was frightened to say no.", True)
            ]
            if older is not None:
                named.append(NamedChild(older, Role.HARMING, "Said everyone does it."))
        elif level == Level.VIOLENT and violent_harming is not None:
            named = [NamedChild(violent_harming, Role.HARMING, "Would not talk about it yet.")]
        elif others:
            named = [NamedChild(others[n % len(others)], Role.HARMING, "Said it was a joke.")]
        else:
            continue
        stories.append((CONCERNS[n], named))
    made: dict[Any, Concern] = {}
    for (level, light, days, what, why), named in stories:
        concern = services.concern_record(
            by=dsl,
            noticed_at=timezone.now() - dt.timedelta(hours=3 + days % 7),
            what_happened=what,
            level=level,
            light=light,
            evidence=why,
            immediate_response="Children separated and supervised; parents told the same day.",
            children=named,
        )
        made[level] = concern
    for level, concern in made.items():
        days = next(c[2] for c in CONCERNS if c[0] == level)
        shift = dt.timedelta(days=days)
        Concern.objects.filter(pk=concern.pk).update(
            recorded_at=concern.recorded_at - shift,
            noticed_at=concern.noticed_at - shift,
            referred_at=(concern.referred_at - shift) if concern.referred_at else None,
        )
        ChronologyEvent.objects.filter(
            source_type=HsbEvent.HSB_CONCERN, source_id=concern.reference
        ).update(occurred_at=F("occurred_at") - shift)
    corrected = made.get(Level.INAPPROPRIATE)
    if corrected is not None:
        corrected.refresh_from_db()
        services.concern_update(
            by=dsl,
            concern=corrected,
            noticed_at=corrected.noticed_at,
            what_happened=corrected.what_happened,
            level=corrected.level,
            light=corrected.light,
            evidence=corrected.evidence + " The class teacher confirmed it happened once.",
            immediate_response=corrected.immediate_response,
            reason="The class teacher's account came in the next day.",
        )
    for pathway in Pathway.objects.filter(team=hsb_team).select_related("person"):
        services.pathway_keyworker_set(by=yjs, pathway=pathway, keyworker=yjs)
        services.pathway_consent_record(
            by=yjs,
            pathway=pathway,
            case_type=CaseType.STATUTORY
            if pathway.person == violent_harming
            else CaseType.PREVENTATIVE,
            child_consent=Consent.GIVEN,
            parents_consent=Consent.GIVEN if pathway.person == jay else Consent.NOT_ASKED,
            engagement="Mum engaging well; dad finds it hard to talk about."
            if pathway.person == jay
            else "",
        )
    jay_pathway = Pathway.objects.filter(person=jay, role=Role.HARMING).first()
    if jay_pathway is not None and 10 <= _age(jay, today) <= 18:
        aim = assessments.assessment_start(
            by=yjs,
            pathway=jay_pathway,
            tool=AimTool.AIM3,
            case_type=CaseType.PREVENTATIVE,
            started_on=today - dt.timedelta(days=80),
            fields=FORMULATION,
        )
        assessments.formulation_update(
            by=yjs,
            assessment=aim,
            what_changed="Jay disclosed he had been pressured online by an older boy.",
            fields={
                **FORMULATION,
                "formulation": FORMULATION["formulation"]
                + " He has also been harmed: his own victimisation is part of the picture.",
            },
        )
        assessments.assessment_start(
            by=yjs,
            pathway=jay_pathway,
            tool=AimTool.AIM_DIGITAL,
            case_type=CaseType.PREVENTATIVE,
            started_on=today - dt.timedelta(days=50),
            fields={**FORMULATION, "sexual_behaviours": "Sharing and asking for images online."},
        )
        services.internet_advice_record(
            by=yjs,
            person=jay,
            given_on=today - dt.timedelta(days=70),
            given_to="Mother",
            parental_controls=True,
            monitoring=True,
            devices="Phone, tablet, games console",
            notes="Router settings shown; phone out of the bedroom at night.",
        )
        schools = services.schools_of(jay)
        if schools:
            services.lessons_flag(
                by=yjs,
                person=jay,
                school=schools[0],
                reason=LessonsReason.LOW_ATTENDANCE,
                detail="Attendance 71% last year; missed the spring online-safety unit.",
            )
    violent = made.get(Level.VIOLENT)
    if violent is not None and officer is not None and violent_harming is not None:
        investigation = investigations.investigation_record(
            by=officer,
            concern=violent,
            person=violent_harming,
            crime_reference="12/48213/26",
            started_on=today - dt.timedelta(days=105),
            officer=officer,
        )
        for weeks_ago in (11, 7, 4):
            review = investigations.support_review_record(
                by=yjs,
                investigation=investigation,
                support="Family support worker visiting weekly; parents offered a support group.",
            )
            SupportReview.objects.filter(pk=review.pk).update(
                reviewed_at=timezone.now() - dt.timedelta(weeks=weeks_ago, days=3)
            )
        investigations.investigation_reviews_prompt()  # the last review was over 4 weeks ago
        school = state.agencies.get("fulford-school")
        if school is not None:
            for days_ago, late in ((90, False), (60, True), (0, None)):
                request = investigations.police_request_create(
                    by=officer,
                    investigation=investigation,
                    agency=school,
                    question="Attendance and behaviour records since September, please.",
                    due_on=today + dt.timedelta(days=5),
                )
                if late is None:
                    continue
                asked = timezone.now() - dt.timedelta(days=days_ago)
                PoliceRequest.objects.filter(pk=request.pk).update(
                    asked_at=asked, due_at=asked + dt.timedelta(days=5)
                )
                request.refresh_from_db()
                investigations.police_request_answer(by=dsl, request=request, answer="Sent.")
                PoliceRequest.objects.filter(pk=request.pk).update(
                    answered_at=asked + dt.timedelta(days=9 if late else 2)
                )
        Investigation.objects.filter(pk=investigation.pk).update(
            recorded_at=timezone.now() - dt.timedelta(days=105)
        )
