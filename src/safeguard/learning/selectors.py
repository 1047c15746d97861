"""Reads for learning: the business unit's overview, a review, briefings, plans and reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from safeguard.people.access import people_visible_to

from .models import (
    ActionPlan,
    Audit,
    AuditFinding,
    Briefing,
    BriefingStatus,
    Cascade,
    CaseReview,
    PlanAction,
    Rag,
    ReviewStatus,
    Subgroup,
)


@dataclass(frozen=True)
class Clock:
    """One of a review's clocks: what, when due, when met, and how it stands."""

    label: str
    due_on: dt.date | None
    met_on: dt.date | None

    @property
    def state(self) -> str:
        """'met', 'met late', 'overdue', 'due' or '' (not started)."""
        if self.due_on is None:
            return ""
        if self.met_on is not None:
            return "met late" if self.met_on > self.due_on else "met"
        return "overdue" if self.due_on < timezone.localdate() else "due"


def review_clocks(review: CaseReview) -> list[Clock]:
    """The clocks that apply to this review, in order."""
    clocks = [
        Clock(
            "Notify the national panel (5 working days from awareness)",
            review.notification_due_on,
            review.notified_on,
        ),
        Clock(
            "Rapid review (15 working days from the notification)",
            review.rapid_review_due_on,
            review.rapid_review_done_on,
        ),
        Clock(
            "Publish the local review (6 months from its start)",
            review.publication_due_on,
            review.published_on if review.publication_due_on else None,
        ),
    ]
    return [c for c in clocks if c.due_on is not None]


def reviews_overview() -> QuerySet[CaseReview]:
    """Every review, newest first, with its themes (one query each for reviews and themes)."""
    return CaseReview.objects.select_related("submitted_by_agency").prefetch_related("themes")


# The kinds a partner sends (the business unit opens serious incidents itself).
SENT_KINDS = ("local_multi_agency", "near_miss", "good_practice")


def review_page(reference: str) -> CaseReview | None:
    """One review with what its page shows."""
    return (
        CaseReview.objects.select_related("submitted_by_agency", "created_by")
        .prefetch_related("themes", "briefings", "plans")
        .filter(reference=reference)
        .first()
    )


def sent_case_for(*, user: Any, reference: str) -> CaseReview | None:
    """A case the user's agency sent for learning, for the sender's own page (else None)."""
    if getattr(user, "agency_id", None) is None:
        return None
    return (
        CaseReview.objects.select_related("submitted_by_agency")
        .filter(
            reference=reference[:20],
            submitted_by_agency_id=user.agency_id,
            kind__in=SENT_KINDS,
        )
        .first()
    )


def cases_sent_by(*, user: Any) -> QuerySet[CaseReview]:
    """The cases the user's agency sent for learning, newest first."""
    if getattr(user, "agency_id", None) is None:
        return CaseReview.objects.none()
    return CaseReview.objects.filter(
        submitted_by_agency_id=user.agency_id, kind__in=SENT_KINDS
    ).order_by("-aware_on", "-created_at")[:20]


def review_children_for(user: Any, review: CaseReview) -> list[dict[str, Any]]:
    """The review's children: pseudonym for everyone, the person only where the user may see them."""
    children = list(review.children.select_related("person"))
    person_ids = [c.person_id for c in children if c.person_id is not None]
    visible = set(people_visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    return [
        {"pseudonym": c.pseudonym, "person": c.person if c.person_id in visible else None}
        for c in children
    ]


def briefings_published() -> QuerySet[Briefing]:
    """Published briefings, newest first."""
    return Briefing.objects.filter(status=BriefingStatus.PUBLISHED).order_by("-published_on")


def briefing_page(reference: str) -> Briefing | None:
    """One briefing with its cascades and their agencies."""
    return (
        Briefing.objects.select_related("review")
        .prefetch_related(
            Prefetch("cascades", queryset=Cascade.objects.select_related("agency", "confirmed_by"))
        )
        .filter(reference=reference)
        .first()
    )


def cascade_for(user: Any, briefing: Briefing) -> Cascade | None:
    """The user's agency's cascade of the briefing, if it has one."""
    if user.agency_id is None:
        return None
    return briefing.cascades.filter(agency_id=user.agency_id).first()


def plans_overview() -> QuerySet[ActionPlan]:
    """Every plan with its counts of actions and complete actions."""
    return ActionPlan.objects.select_related("review").annotate(
        action_count=Count("actions"),
        complete_count=Count("actions", filter=Q(actions__completed_on__isnull=False)),
    )


def plan_page(reference: str) -> ActionPlan | None:
    """One plan with its actions and their owners."""
    return (
        ActionPlan.objects.select_related("review", "audit", "signed_off_by")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=PlanAction.objects.select_related("owner_agency", "completed_by"),
            )
        )
        .filter(reference=reference)
        .first()
    )


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    """'2026Q3' as its first and last days (calendar quarters)."""
    year, quarter = int(label[:4]), int(label[-1])
    if quarter not in (1, 2, 3, 4):
        raise ValueError(label)
    start = dt.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (
        dt.date(year + 1, 1, 1) if end_month == 12 else dt.date(year, end_month + 1, 1)
    ) - dt.timedelta(days=1)
    return start, end


def quarter_of(day: dt.date) -> str:
    """The calendar quarter a date falls in, as '2026Q3'."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


@dataclass
class SubgroupReport:
    """One subgroup's action plans at the end of a quarter."""

    subgroup: str
    label: str
    plans: list[ActionPlan] = field(default_factory=list)
    rag: Counter[str] = field(default_factory=Counter)
    signed_off_in_quarter: int = 0
    continuing: int = 0


def quarterly_report(quarter: str) -> list[SubgroupReport]:
    """Per subgroup: plans, actions by red/amber/green at the quarter's end, plans signed off."""
    start, end = quarter_bounds(quarter)
    reports = {value: SubgroupReport(value, label) for value, label in Subgroup.choices}
    plans = (
        ActionPlan.objects.filter(created_at__date__lte=end)
        .exclude(signed_off_on__lt=start)
        .prefetch_related("actions")
        .order_by("reference")
    )
    for plan in plans:
        report = reports[plan.subgroup]
        report.plans.append(plan)
        if plan.signed_off_on is not None and start <= plan.signed_off_on <= end:
            report.signed_off_in_quarter += 1
        else:
            report.continuing += 1
        for action in plan.actions.all():
            done = action.completed_on is not None and action.completed_on <= end
            report.rag[Rag.COMPLETE if done else _rag_at(action, end)] += 1
    return list(reports.values())


def _rag_at(action: PlanAction, day: dt.date) -> str:
    if action.due_on < day:
        return Rag.RED
    return Rag.AMBER if (action.due_on - day).days <= 28 else Rag.GREEN


def year_counts(start: dt.date, end: dt.date) -> dict[str, int]:
    """The annual report's counts: plans signed off and continuing, reviews, briefings."""
    return {
        "plans_signed_off": ActionPlan.objects.filter(signed_off_on__range=(start, end)).count(),
        "plans_continuing": ActionPlan.objects.filter(created_at__date__lte=end)
        .filter(Q(signed_off_on__isnull=True) | Q(signed_off_on__gt=end))
        .count(),
        "reviews_opened": CaseReview.objects.filter(aware_on__range=(start, end)).count(),
        "reviews_published": CaseReview.objects.filter(
            status=ReviewStatus.PUBLISHED, published_on__range=(start, end)
        ).count(),
        "briefings_published": Briefing.objects.filter(published_on__range=(start, end)).count(),
    }


def audit_page(reference: str) -> Audit | None:
    """One audit with its agencies' findings."""
    return (
        Audit.objects.prefetch_related(
            "themes",
            Prefetch(
                "findings", queryset=AuditFinding.objects.select_related("agency", "submitted_by")
            ),
        )
        .filter(reference=reference)
        .first()
    )


def audits_overview() -> QuerySet[Audit]:
    """Every audit with how many agencies have sent findings."""
    return Audit.objects.annotate(
        agency_count=Count("findings", distinct=True),
        sent_count=Count("findings", filter=Q(findings__submitted_on__isnull=False), distinct=True),
    )
