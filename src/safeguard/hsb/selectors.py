"""Every read about harmful sexual behaviour, filtered by the access rule.

A concern can name children whom different readers may see: a reader sees a concern
when they see the whole record of at least one child in it, and each other child only as
"another child" with their role, never their name or record
(``people.access.people_visible_to(whole_record=True)``, one query per page). A share of
chosen entries of a child opens none of the child's harmful sexual behaviour record
(``rules.can_view_child``). :func:`figures` is what the figures page shows;
:func:`figures_counts` is the same, flat ``dict[str, int]``, for the partnership's data set.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from safeguard.core.models import AuditAction, AuditEvent
from safeguard.people.access import people_visible_to
from safeguard.people.events import PeopleEvent
from safeguard.people.models import Person
from safeguard.work.models import WorkItem, WorkKind

from .investigations import LONG_INVESTIGATION, next_review_due
from .models import (
    OPEN_INVESTIGATION,
    AimAssessment,
    AimTool,
    AimTrainedPractitioner,
    CaseType,
    Concern,
    ConcernChild,
    InternetSafetyAdvice,
    Investigation,
    Level,
    OnlineSafetyLessons,
    Pathway,
    PathwayStatus,
    Role,
    StrategyMeeting,
)


def concerns_visible_to(user: Any, *, whole_record: bool = True) -> QuerySet[Concern]:
    """Concerns naming at least one child whose whole record the user sees, newest first.

    ``whole_record=False`` counts a share of chosen entries too: only to tell such a reader
    that the concern exists and is refused to them (403), rather than "Page not found".
    """
    visible = people_visible_to(user, whole_record=whole_record).values("id")
    ids = ConcernChild.objects.filter(person_id__in=visible).values("concern_id")
    return Concern.objects.filter(pk__in=ids).select_related("recorded_by", "agency")


def concern_get_visible(*, user: Any, reference: str) -> Concern | None:
    """The concern, when the user sees the whole record of a child in it."""
    return concerns_visible_to(user).filter(reference=reference).first()


def concern_seen_through_chosen_entries(*, user: Any, reference: str) -> ConcernChild | None:
    """A child of the concern the user sees only through a share of chosen entries, if any.

    Asked only after :func:`concern_get_visible` found nothing: the page then refuses (403).
    """
    return (
        ConcernChild.objects.filter(
            concern__reference=reference, person_id__in=people_visible_to(user).values("id")
        )
        .order_by("pk")
        .first()
    )


@dataclass
class NamedChildRow:
    """A child in a concern as one reader sees them."""

    role: str
    role_label: str
    visible: bool
    person: Person | None
    voice: str
    signs: bool = False  # signs of exploitation (shown only for a visible child)


def concern_children(*, user: Any, concern: Concern) -> list[NamedChildRow]:
    """The children in a concern; those whose whole record the reader does not see are 'another child'.

    A child the reader sees only through a share of chosen entries is 'another child' too:
    no name, no voice, no signs, no link.
    """
    rows = list(concern.children.select_related("person").order_by("role", "pk"))
    ids = [r.person_id for r in rows]
    visible = set(
        people_visible_to(user, whole_record=True).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return [
        NamedChildRow(
            role=r.role,
            role_label=Role(r.role).label,
            visible=r.person_id in visible,
            person=r.person if r.person_id in visible else None,
            voice=r.voice if r.person_id in visible else "",
            signs=r.exploitation_signs if r.person_id in visible else False,
        )
        for r in rows
    ]


def time_to_referral(concern: Concern) -> dt.timedelta | None:
    """From the behaviour being noticed to the referral (None when the level needs none)."""
    if concern.referred_at is None:
        return None
    return max(concern.referred_at - concern.noticed_at, dt.timedelta(0))


def keyworker_changes(pathway: Pathway) -> int:
    """How many times the child's keyworker has changed (from the involvement's audit)."""
    if pathway.involvement_id is None:
        return 0
    events = AuditEvent.objects.filter(
        object_type=PeopleEvent.INVOLVEMENT,
        object_id=str(pathway.involvement_id),
        action=AuditAction.UPDATE,
    ).values_list("changes", flat=True)
    return sum(
        1 for changes in events if isinstance(changes, dict) and "lead_practitioner" in changes
    )


@dataclass
class PathwayView:
    """A pathway as a page shows it: who leads, how stable the team is, consent."""

    pathway: Pathway
    keyworker: Any
    changes: int
    assessments: list[AimAssessment] = field(default_factory=list)


@dataclass
class ChildPage:
    """Everything the HSB service knows about a child, both roles side by side."""

    person: Person
    roles: dict[str, list[ConcernChild]]
    pathways: dict[str, PathwayView | None]
    safeguarding: list[WorkItem]
    investigations: list[Investigation]
    advice: list[InternetSafetyAdvice]
    lessons: list[OnlineSafetyLessons]

    @property
    def both_roles(self) -> bool:
        """Whether the child has been both harmed and harmed someone."""
        return bool(self.roles[Role.HARMED]) and bool(self.roles[Role.HARMING])


def _pathway_view(pathway: Pathway | None) -> PathwayView | None:
    if pathway is None:
        return None
    lead = pathway.involvement.lead_practitioner if pathway.involvement else None
    assessments = list(
        pathway.assessments.select_related("assessor").prefetch_related("formulations")
    )
    return PathwayView(pathway, lead, keyworker_changes(pathway), assessments)


def child_page(*, person: Person) -> ChildPage:
    """The child's page (the caller has asked the access rule)."""
    named = list(
        ConcernChild.objects.filter(person=person)
        .select_related("concern", "concern__agency")
        .order_by("-concern__recorded_at")
    )
    roles: dict[str, list[ConcernChild]] = {Role.HARMED: [], Role.HARMING: []}
    for row in named:
        roles[row.role].append(row)
    pathways: dict[str, PathwayView | None] = {}
    for role in (Role.HARMED, Role.HARMING):
        pathway = (
            Pathway.objects.filter(person=person, role=role)
            .select_related("team", "involvement__lead_practitioner", "first_concern", "closed_by")
            .order_by("-opened_at")
            .first()
        )
        pathways[role] = _pathway_view(pathway)
    return ChildPage(
        person=person,
        roles=roles,
        pathways=pathways,
        safeguarding=list(
            WorkItem.objects.filter(person=person, kind=WorkKind.HSB_SAFEGUARDING_RESPONSE)
            .select_related("team", "assignee")
            .order_by("-created_at")
        ),
        investigations=list(
            Investigation.objects.filter(person=person).select_related("officer", "concern")
        ),
        advice=list(InternetSafetyAdvice.objects.filter(person=person).select_related("given_by")),
        lessons=list(OnlineSafetyLessons.objects.filter(person=person).select_related("school")),
    )


LEVEL_ORDER = {code: order for order, code in enumerate(Level.values)}


@dataclass(frozen=True)
class OpenPathway:
    """A child's open pathway in one role, with the highest level of its concerns on the continuum."""

    pathway: Pathway
    keyworker: Any
    level: str


def open_pathways(*, person: Person) -> list[OpenPathway]:
    """The child's open pathways (child harmed first), in two queries (the caller asks the rule)."""
    pathways = list(
        Pathway.objects.filter(person=person)
        .exclude(status=PathwayStatus.CLOSED)
        .select_related("team", "involvement__lead_practitioner")
        .order_by("role")
    )
    if not pathways:
        return []
    highest: dict[str, str] = {}
    for role, level in ConcernChild.objects.filter(
        person=person, role__in=[p.role for p in pathways]
    ).values_list("role", "concern__level"):
        if role not in highest or LEVEL_ORDER[level] > LEVEL_ORDER[highest[role]]:
            highest[role] = level
    return [
        OpenPathway(
            pathway=p,
            keyworker=p.involvement.lead_practitioner if p.involvement else None,
            level=highest.get(p.role, ""),
        )
        for p in pathways
    ]


def concern_meetings(concern: Concern) -> list[StrategyMeeting]:
    """The strategy meetings arranged about the concern."""
    return list(concern.meetings.select_related("meeting").order_by("meeting__starts_at"))


def investigation_review_due(investigation: Investigation) -> dt.datetime | None:
    """When the next support review is due, while the investigation is open."""
    return next_review_due(investigation) if investigation.is_open else None


def trained_practitioners() -> list[AimTrainedPractitioner]:
    """Everyone recorded as trained to use an AIM tool."""
    return list(
        AimTrainedPractitioner.objects.select_related("user", "user__agency").order_by(
            "user__last_name", "tool"
        )
    )


def team_pathways(*, user: Any) -> list[Pathway]:
    """Open pathways in the teams the user works in, whose children's whole record the user sees."""
    return list(
        Pathway.objects.exclude(status=PathwayStatus.CLOSED)
        .filter(team__memberships__user_id=user.pk)
        .filter(person__in=people_visible_to(user, whole_record=True))
        .select_related("person", "team", "involvement__lead_practitioner")
        .order_by("opened_at")
    )


def figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The figures the partnership asks for, between two dates (both included); counts only.

    Concerns by level, AIM assessments by tool and case type, children both harmed and
    harming (ever, counted at the end date), time from noticing to referral (median and
    slowest, in hours) and investigations open over 3 months at the end date.
    """
    concerns = Concern.objects.filter(recorded_at__date__gte=start, recorded_at__date__lte=end)
    by_level = dict(concerns.values_list("level").annotate(n=Count("pk")).order_by())
    assessments = AimAssessment.objects.filter(started_on__gte=start, started_on__lte=end)
    by_tool = {
        (tool, case_type): n
        for tool, case_type, n in assessments.values_list("tool", "case_type")
        .annotate(n=Count("pk"))
        .order_by()
    }
    harmed = set(
        ConcernChild.objects.filter(role=Role.HARMED, concern__recorded_at__date__lte=end)
        .values_list("person_id", flat=True)
        .distinct()
    )
    harming = set(
        ConcernChild.objects.filter(role=Role.HARMING, concern__recorded_at__date__lte=end)
        .values_list("person_id", flat=True)
        .distinct()
    )
    hours = [
        (referred - noticed).total_seconds() / 3600
        for noticed, referred in concerns.filter(referred_at__isnull=False).values_list(
            "noticed_at", "referred_at"
        )
        if referred is not None
    ]
    end_moment = dt.datetime.combine(end, dt.time.max, tzinfo=dt.UTC)
    long_open = Investigation.objects.filter(
        Q(status__in=OPEN_INVESTIGATION) | Q(closed_on__gt=end),
        started_on__lte=(end_moment - LONG_INVESTIGATION).date(),
    ).count()
    return {
        "start": start,
        "end": end,
        "concerns": concerns.count(),
        "concerns_by_level": [(lvl.value, lvl.label, by_level.get(lvl.value, 0)) for lvl in Level],
        "referred": concerns.filter(referred_at__isnull=False).count(),
        "assessments": assessments.count(),
        "assessments_by_tool": [
            (
                tool.label,
                by_tool.get((tool.value, "preventative"), 0),
                by_tool.get((tool.value, "statutory"), 0),
            )
            for tool in AimTool
        ],
        "both_roles": len(harmed & harming),
        "referral_hours_median": round(median(hours), 1) if hours else None,
        "referral_hours_slowest": round(max(hours), 1) if hours else None,
        "investigations_open_over_3_months": long_open,
        "generated_at": timezone.now(),
    }


def figures_counts(start: dt.date, end: dt.date) -> dict[str, int]:
    """The same figures as :func:`figures`, flat, every value an ``int``: for the data set.

    Keys: ``concerns``, ``concerns_<level>`` for each level on the continuum,
    ``concerns_referred``, ``aim_assessments``, ``aim_assessments_<tool>_<case type>``,
    ``children_both_roles``, ``referral_minutes_median`` and ``referral_minutes_slowest``
    (0 when nothing was referred), ``investigations_open_over_3_months``. Counts only,
    never a child; the data set applies its own small-number suppression.
    """
    full = figures(start, end)
    counts: dict[str, int] = {
        "concerns": full["concerns"],
        "concerns_referred": full["referred"],
        "aim_assessments": full["assessments"],
        "children_both_roles": full["both_roles"],
        "investigations_open_over_3_months": full["investigations_open_over_3_months"],
    }
    for code, _label, n in full["concerns_by_level"]:
        counts[f"concerns_{code}"] = n
    assessments = AimAssessment.objects.filter(started_on__gte=start, started_on__lte=end)
    by_tool = Counter(assessments.values_list("tool", "case_type"))
    for tool in AimTool:
        for case_type in CaseType:
            counts[f"aim_assessments_{tool.value}_{case_type.value}"] = by_tool.get(
                (tool.value, case_type.value), 0
            )
    for key in ("median", "slowest"):
        hours = full[f"referral_hours_{key}"]
        counts[f"referral_minutes_{key}"] = round(hours * 60) if hours is not None else 0
    return counts
