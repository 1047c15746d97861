"""Every write about learning: case reviews and their clocks, briefings, action plans.

Each service checks the permission table, changes state, writes the audit event and
creates or closes the work items that follow, in one transaction. A review's next
step is always a work item in the partnership business unit's queue, due when the
national rules say; a published briefing asks every agency to confirm its cascade;
each plan action is a work item in its owner agency's queue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.clock import UK, add_working_days, months_after
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import Agency, AuditAction, Team, TeamMembership, TeamPurpose, User
from safeguard.core.references import reference_issue
from safeguard.people.access import can_view_person
from safeguard.people.models import Person
from safeguard.work.models import WorkItem, WorkKind
from safeguard.work.services import (
    deadline_for,
    team_for_purpose,
    team_receiving_for,
    work_item_create,
    work_items_close_for,
)

from .events import LearningEvent
from .models import (
    ActionPlan,
    Audit,
    AuditFinding,
    AuditKind,
    AuditStatus,
    Board,
    BoardMember,
    BoardPriority,
    Briefing,
    BriefingStatus,
    Cascade,
    CaseDecision,
    CaseReview,
    ChildDeathSummary,
    Contribution,
    LocalReviewDecision,
    PlanAction,
    PlanItemStatus,
    PlanStatus,
    ReviewChild,
    ReviewKind,
    ReviewStatus,
    Theme,
    WorkPlanItem,
    YouSaidWeDid,
)

NOTIFY_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
PUBLISH_WITHIN_MONTHS = 6
CASCADE_WITHIN_DAYS = 28
STEP_SUBJECT = "case_review"
# The partner who sent a case reads the business unit's decision on it.
DECISION_SUBJECT = "case_review_sent"


def _require(by: User, perm: str, obj: Any = None) -> None:
    if not by.has_perm(perm, obj):
        raise Forbidden("You cannot do this.")


def working_days_after(day: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``day`` (England and Wales bank holidays skipped)."""
    return add_working_days(dt.datetime.combine(day, dt.time(9, 0), tzinfo=UK), days).date()


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 0), tzinfo=UK)


def _partnership_team() -> Team:
    """The business unit's team, which receives every review's next step."""
    team = team_for_purpose(TeamPurpose.PARTNERSHIP)
    if team is None:
        raise InvalidRequest(
            "There is no partnership business unit team to send the review's next step to. "
            "Ask a system administrator to set one up."
        )
    return team


def _step(by: User, review: CaseReview, title: str, due_on: dt.date) -> WorkItem:
    return work_item_create(
        by=by,
        team=_partnership_team(),
        kind=WorkKind.CASE_REVIEW_STEP,
        title=title,
        subject_type=STEP_SUBJECT,
        subject_id=review.pk,
        subject_url=reverse("learning:review", args=[review.reference]),
        subject_label=review.reference,
        due_at=_end_of(due_on),
    )


def _close_steps(by: User, review: CaseReview, outcome: str) -> None:
    work_items_close_for(
        by=by,
        subject_type=STEP_SUBJECT,
        subject_id=review.pk,
        kinds=(WorkKind.CASE_REVIEW_STEP,),
        outcome=outcome,
    )


def _not_after_today(day: dt.date | None, field: str, label: str) -> None:
    if day is not None and day > timezone.localdate():
        raise InvalidRequest(errors={field: f"{label} must be today or in the past"})


# --- case reviews -------------------------------------------------------------------


def review_open(
    *,
    by: User,
    kind: str,
    title: str,
    summary: str,
    agency: Agency,
    aware_on: dt.date,
    incident_on: dt.date | None = None,
    themes: Iterable[Theme] = (),
) -> CaseReview:
    """Open a review; a serious incident starts the 5 working day notification clock."""
    _require(by, "learning.manage_learning")
    _not_after_today(aware_on, "aware_on", "The date the partnership became aware")
    if incident_on is not None and incident_on > aware_on:
        raise InvalidRequest(
            errors={"incident_on": "The incident must be on or before the date of awareness"}
        )
    with transaction.atomic():
        review = CaseReview.objects.create(
            reference=reference_issue(prefix="CR", kind="case_review"),
            kind=kind,
            title=title,
            summary=summary,
            submitted_by_agency=agency,
            aware_on=aware_on,
            incident_on=incident_on,
            created_by=by,
        )
        review.themes.set(list(themes))
        if kind == ReviewKind.SERIOUS_INCIDENT:
            review.notification_due_on = working_days_after(aware_on, NOTIFY_WORKING_DAYS)
            review.save(update_fields=["notification_due_on"])
            _step(
                by,
                review,
                f"Notify the national panel of serious incident {review.reference}",
                review.notification_due_on,
            )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.CASE_REVIEW,
            object_id=review.reference,
            changes={"kind": kind, "aware_on": aware_on, "themes": [t.slug for t in themes]},
        )
    return review


def review_notified(*, by: User, review: CaseReview, notified_on: dt.date) -> CaseReview:
    """The national panel was notified: the 15 working day rapid review clock starts."""
    _require(by, "learning.manage_learning")
    if review.kind != ReviewKind.SERIOUS_INCIDENT:
        raise InvalidRequest("Only a serious incident is notified to the national panel.")
    if review.notified_on is not None:
        raise InvalidRequest("The notification has already been recorded.")
    _not_after_today(notified_on, "notified_on", "The date of the notification")
    if notified_on < review.aware_on:
        raise InvalidRequest(
            errors={
                "notified_on": "The notification cannot be before the partnership became aware "
                f"({review.aware_on:%-d %B %Y})"
            }
        )
    with transaction.atomic():
        review.notified_on = notified_on
        review.rapid_review_due_on = working_days_after(notified_on, RAPID_REVIEW_WORKING_DAYS)
        review.save(update_fields=["notified_on", "rapid_review_due_on"])
        _close_steps(by, review, "The national panel was notified.")
        _step(
            by,
            review,
            f"Complete the rapid review of {review.reference}",
            review.rapid_review_due_on,
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.CASE_REVIEW,
            object_id=review.reference,
            changes={"notified_on": notified_on},
        )
    return review


def review_rapid_review_done(
    *, by: User, review: CaseReview, done_on: dt.date, decision: str
) -> CaseReview:
    """The rapid review is complete, with the decision on a local review."""
    _require(by, "learning.manage_learning")
    if review.notified_on is None:
        raise InvalidRequest(
            "A rapid review cannot be recorded before the serious incident notification."
        )
    if review.rapid_review_done_on is not None:
        raise InvalidRequest("The rapid review has already been recorded.")
    _not_after_today(done_on, "done_on", "The date the rapid review was completed")
    if done_on < review.notified_on:
        raise InvalidRequest(
            errors={"done_on": "The rapid review cannot be completed before the notification"}
        )
    if decision not in LocalReviewDecision.values or not decision:
        raise InvalidRequest(errors={"decision": "Select the decision on a local review"})
    with transaction.atomic():
        review.rapid_review_done_on = done_on
        review.local_review_decision = decision
        review.local_review_decided_on = done_on
        fields = ["rapid_review_done_on", "local_review_decision", "local_review_decided_on"]
        _close_steps(by, review, "The rapid review is complete.")
        if decision == LocalReviewDecision.LOCAL_REVIEW:
            review.local_review_started_on = done_on
            review.publication_due_on = months_after(done_on, PUBLISH_WITHIN_MONTHS)
            fields += ["local_review_started_on", "publication_due_on"]
            _step(
                by,
                review,
                f"Publish the local child safeguarding practice review {review.reference}",
                review.publication_due_on,
            )
        review.save(update_fields=fields)
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.CASE_REVIEW,
            object_id=review.reference,
            changes={"rapid_review_done_on": done_on, "decision": decision},
        )
    return review


def review_child_link(*, by: User, review: CaseReview, person: Person) -> ReviewChild:
    """Link a child the user may see; everyone else knows the child by a pseudonym."""
    _require(by, "learning.manage_learning")
    if not can_view_person(by, person):
        raise InvalidRequest(
            errors={"person": "You cannot link this child: you do not have access to their record"}
        )
    if review.children.filter(person=person).exists():
        raise InvalidRequest(errors={"person": "This child is already linked to the review"})
    with transaction.atomic():
        taken = set(review.children.values_list("pseudonym", flat=True))
        pseudonym = next(
            f"Child {letter}" for letter in _letters() if f"Child {letter}" not in taken
        )
        child = ReviewChild.objects.create(
            review=review, person=person, pseudonym=pseudonym, added_by=by
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.CASE_REVIEW_CHILD,
            object_id=review.reference,
            person_id=person.pk,
            changes={"pseudonym": pseudonym},
        )
    return child


def _letters() -> Iterable[str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    yield from alphabet
    yield from (a + b for a in alphabet for b in alphabet)


def identifying_words(review: CaseReview | None) -> list[str]:
    """Everything that would identify the review's children in published text."""
    if review is None:
        return []
    words: list[str] = []
    for child in review.children.select_related("person"):
        person = child.person
        if person is None:
            continue
        names = [person.given_name, person.family_name, *person.middle_names.split()]
        words += [n for n in names if len(n.strip()) > 1]
        words += [
            i for i in (person.nhs_number, person.unique_pupil_number, person.police_reference) if i
        ]
        if person.date_of_birth:
            dob = person.date_of_birth
            words += [f"{dob:%d/%m/%Y}", f"{dob:%-d %B %Y}", dob.isoformat()]
    return words


def identifies_a_child(text: str, review: CaseReview | None) -> bool:
    """Whether the text names or identifies one of the review's children (whole words)."""
    compact = re.sub(r"\s+", " ", text)
    for word in identifying_words(review):
        if re.search(rf"(?<!\w){re.escape(word.strip())}(?!\w)", compact, re.IGNORECASE):
            return True
        digits = re.sub(r"\D", "", word)
        if len(digits) >= 8 and digits in re.sub(r"\D", "", compact):
            return True
    return False


def review_publish(*, by: User, review: CaseReview, learning_summary: str) -> CaseReview:
    """Publish the review's learning, refused while it names or identifies a child."""
    _require(by, "learning.manage_learning")
    if review.case_decision == CaseDecision.NOT_PURSUED or review.status == ReviewStatus.CLOSED:
        raise InvalidRequest(
            "This case was closed without being taken further: there is no learning to publish."
        )
    if not learning_summary.strip():
        raise InvalidRequest(errors={"learning_summary": "Enter the learning to publish"})
    if identifies_a_child(learning_summary, review):
        raise InvalidRequest(
            errors={
                "learning_summary": "The learning names or identifies a child of this review. "
                "Use the pseudonym (for example Child A) instead of names, dates of birth "
                "and numbers"
            }
        )
    with transaction.atomic():
        review.learning_summary = learning_summary
        review.published_on = timezone.localdate()
        review.status = ReviewStatus.PUBLISHED
        review.save(update_fields=["learning_summary", "published_on", "status"])
        _close_steps(by, review, "The learning was published.")
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.CASE_REVIEW,
            object_id=review.reference,
            changes={"published_on": review.published_on},
        )
    return review


# --- 7 point briefings --------------------------------------------------------------


BRIEFING_FIELDS = tuple(name for name, _ in Briefing.SECTIONS)


def briefing_save(
    *, by: User, briefing: Briefing | None, title: str, review: CaseReview | None, **sections: str
) -> Briefing:
    """Create or edit a draft briefing."""
    _require(by, "learning.manage_learning")
    unknown = set(sections) - set(BRIEFING_FIELDS)
    if unknown:
        raise ValueError(f"Unknown briefing sections: {sorted(unknown)}")
    if briefing is not None and briefing.status == BriefingStatus.PUBLISHED:
        raise InvalidRequest("A published briefing cannot be changed.")
    with transaction.atomic():
        created = briefing is None
        if briefing is None:
            briefing = Briefing(
                reference=reference_issue(prefix="SPB", kind="briefing"), created_by=by
            )
        briefing.title = title
        briefing.review = review
        for name, value in sections.items():
            setattr(briefing, name, value)
        briefing.save()
        audit_record(
            by=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type=LearningEvent.BRIEFING,
            object_id=briefing.reference,
            changes={"title": title},
        )
    return briefing


def briefing_publish(*, by: User, briefing: Briefing) -> Briefing:
    """Publish a briefing and ask every active agency to confirm it has cascaded it."""
    _require(by, "learning.manage_learning")
    if briefing.status == BriefingStatus.PUBLISHED:
        raise InvalidRequest("The briefing is already published.")
    empty = [label for name, label in Briefing.SECTIONS if not getattr(briefing, name).strip()]
    if empty:
        raise InvalidRequest("Complete every section before publishing: " + ", ".join(empty) + ".")
    text = "\n".join([briefing.title, *(getattr(briefing, n) for n in BRIEFING_FIELDS)])
    if identifies_a_child(text, briefing.review):
        raise InvalidRequest(
            "The briefing names or identifies a child of its review. Use the pseudonym "
            "(for example Child A) instead of names, dates of birth and numbers."
        )
    today = timezone.localdate()
    with transaction.atomic():
        briefing.status = BriefingStatus.PUBLISHED
        briefing.published_on = today
        briefing.save(update_fields=["status", "published_on"])
        url = reverse("learning:briefing", args=[briefing.reference])
        for agency in Agency.objects.filter(active=True).order_by("name"):
            cascade = Cascade.objects.create(briefing=briefing, agency=agency)
            cascade.work_item = work_item_create(
                by=by,
                team=team_receiving_for(agency),
                kind=WorkKind.CONFIRM_CASCADE,
                title=f"Cascade the 7 point briefing {briefing.reference} and say how you used it",
                subject_type="briefing_cascade",
                subject_id=cascade.pk,
                subject_url=url,
                subject_label=briefing.reference,
                due_at=_end_of(today + dt.timedelta(days=CASCADE_WITHIN_DAYS)),
                notify=False,
            )
            cascade.save(update_fields=["work_item"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.BRIEFING,
            object_id=briefing.reference,
            changes={"published_on": today},
        )
    return briefing


def cascade_confirm(*, by: User, cascade: Cascade, how_used: str) -> Cascade:
    """The agency confirms it cascaded the briefing and says how it used it."""
    _require(by, "learning.act_for_agency", cascade)
    if cascade.confirmed_on is not None:
        raise InvalidRequest("Your agency has already confirmed this briefing.")
    if not how_used.strip():
        raise InvalidRequest(
            errors={
                "how_used": "Say how your agency used the briefing, for example in team meetings"
            }
        )
    with transaction.atomic():
        cascade.confirmed_on = timezone.localdate()
        cascade.confirmed_by = by
        cascade.how_used = how_used
        cascade.save(update_fields=["confirmed_on", "confirmed_by", "how_used"])
        work_items_close_for(
            by=by,
            subject_type="briefing_cascade",
            subject_id=cascade.pk,
            kinds=(WorkKind.CONFIRM_CASCADE,),
            outcome="Cascade confirmed.",
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.BRIEFING_CASCADE,
            object_id=cascade.briefing.reference,
            changes={"agency": cascade.agency.name, "confirmed_on": cascade.confirmed_on},
        )
    return cascade


# --- action plans -------------------------------------------------------------------


def plan_create(
    *,
    by: User,
    title: str,
    subgroup: str,
    review: CaseReview | None = None,
    audit: Audit | None = None,
) -> ActionPlan:
    """Start an action plan for a review or an audit, monitored by a subgroup."""
    _require(by, "learning.manage_learning")
    with transaction.atomic():
        plan = ActionPlan.objects.create(
            reference=reference_issue(prefix="PLAN", kind="action_plan"),
            title=title,
            subgroup=subgroup,
            review=review,
            audit=audit,
            created_by=by,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.ACTION_PLAN,
            object_id=plan.reference,
            changes={"title": title, "subgroup": subgroup},
        )
    return plan


def plan_action_add(
    *, by: User, plan: ActionPlan, description: str, owner_agency: Agency, due_on: dt.date
) -> PlanAction:
    """Add an action: a work item in the owner agency's queue, due at 17:00 on the date."""
    _require(by, "learning.manage_learning")
    if plan.status == PlanStatus.SIGNED_OFF:
        raise InvalidRequest("The plan is signed off; start a new plan for new actions.")
    if due_on < timezone.localdate():
        raise InvalidRequest(errors={"due_on": "The due date must be today or in the future"})
    with transaction.atomic():
        action = PlanAction.objects.create(
            plan=plan, description=description, owner_agency=owner_agency, due_on=due_on
        )
        action.work_item = work_item_create(
            by=by,
            team=team_receiving_for(owner_agency),
            kind=WorkKind.PLAN_ACTION,
            title=f"Complete an action of the partnership's action plan {plan.reference}",
            detail=description,
            subject_type="plan_action",
            subject_id=action.pk,
            subject_url=reverse("learning:plan", args=[plan.reference]),
            subject_label=plan.reference,
            due_at=_end_of(due_on),
        )
        action.save(update_fields=["work_item"])
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.PLAN_ACTION,
            object_id=plan.reference,
            changes={"owner": owner_agency.name, "due_on": due_on},
        )
    return action


def plan_action_complete(*, by: User, action: PlanAction, evidence: str) -> PlanAction:
    """The owner agency (or the business unit) records the action done, with its evidence."""
    _require(by, "learning.act_for_agency", action)
    if action.completed_on is not None:
        raise InvalidRequest("The action is already complete.")
    if not evidence.strip():
        raise InvalidRequest(errors={"evidence": "Enter the evidence that the action is complete"})
    with transaction.atomic():
        action.evidence = evidence
        action.completed_on = timezone.localdate()
        action.completed_by = by
        action.save(update_fields=["evidence", "completed_on", "completed_by"])
        work_items_close_for(
            by=by,
            subject_type="plan_action",
            subject_id=action.pk,
            kinds=(WorkKind.PLAN_ACTION,),
            outcome="Completed with evidence.",
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.PLAN_ACTION,
            object_id=action.plan.reference,
            changes={"completed_on": action.completed_on},
        )
    return action


def plan_sign_off(*, by: User, plan: ActionPlan) -> ActionPlan:
    """Sign off a plan whose every action is complete."""
    _require(by, "learning.manage_learning")
    if plan.status == PlanStatus.SIGNED_OFF:
        raise InvalidRequest("The plan is already signed off.")
    open_actions = plan.actions.filter(completed_on__isnull=True).count()
    if not plan.actions.exists():
        raise InvalidRequest("A plan with no actions cannot be signed off.")
    if open_actions:
        raise InvalidRequest(
            f"The plan cannot be signed off: {open_actions} "
            f"{'action is' if open_actions == 1 else 'actions are'} not complete."
        )
    with transaction.atomic():
        plan.status = PlanStatus.SIGNED_OFF
        plan.signed_off_on = timezone.localdate()
        plan.signed_off_by = by
        plan.save(update_fields=["status", "signed_off_on", "signed_off_by"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.ACTION_PLAN,
            object_id=plan.reference,
            changes={"signed_off_on": plan.signed_off_on},
        )
    return plan


# --- audits -------------------------------------------------------------------------

RAG_VALUES = ("red", "amber", "green")


def audit_request(
    *,
    by: User,
    kind: str,
    title: str,
    terms_of_reference: str,
    voice_plan: str,
    sample: str,
    due_on: dt.date,
    agencies: Iterable[Agency],
    themes: Iterable[Theme] = (),
) -> Audit:
    """Ask agencies to take part in an audit: each gets a work item for its findings."""
    _require(by, "learning.manage_learning")
    agencies = list(agencies)
    errors: dict[str, str] = {}
    if kind == AuditKind.MULTI_AGENCY and not voice_plan.strip():
        errors["voice_plan"] = "Say how the child's voice and lived experience will be captured"
    if not agencies:
        errors["agencies"] = "Select at least one agency to take part"
    if due_on <= timezone.localdate():
        errors["due_on"] = "The date findings are due must be in the future"
    if errors:
        raise InvalidRequest(errors=errors)
    with transaction.atomic():
        audit = Audit.objects.create(
            reference=reference_issue(prefix="AUD", kind="audit"),
            kind=kind,
            title=title,
            terms_of_reference=terms_of_reference,
            voice_plan=voice_plan,
            sample=sample,
            due_on=due_on,
            created_by=by,
        )
        audit.themes.set(list(themes))
        audit.agencies.set(agencies)
        url = reverse("learning:audit", args=[audit.reference])
        for agency in agencies:
            finding = AuditFinding.objects.create(audit=audit, agency=agency)
            finding.work_item = work_item_create(
                by=by,
                team=team_receiving_for(agency),
                kind=WorkKind.AUDIT_FINDINGS,
                title=f"Send your agency's findings for audit {audit.reference}",
                subject_type="audit_finding",
                subject_id=finding.pk,
                subject_url=url,
                subject_label=audit.reference,
                due_at=_end_of(due_on),
            )
            finding.save(update_fields=["work_item"])
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.AUDIT,
            object_id=audit.reference,
            changes={"kind": kind, "agencies": [a.name for a in agencies], "due_on": due_on},
        )
    return audit


def finding_submit(
    *, by: User, finding: AuditFinding, findings: str, good_practice: str = "", rating: str = ""
) -> AuditFinding:
    """An agency sends its findings (a school its red, amber or green self-assessment)."""
    _require(by, "learning.act_for_agency", finding)
    if finding.submitted_on is not None:
        raise InvalidRequest("Your agency's findings have already been sent.")
    errors: dict[str, str] = {}
    if not findings.strip():
        errors["findings"] = "Enter your agency's findings"
    if finding.audit.kind == AuditKind.SCHOOL_SELF_ASSESSMENT and rating not in RAG_VALUES:
        errors["rating"] = "Select red, amber or green"
    if errors:
        raise InvalidRequest(errors=errors)
    with transaction.atomic():
        finding.findings = findings
        finding.good_practice = good_practice
        finding.rating = rating
        finding.submitted_on = timezone.localdate()
        finding.submitted_by = by
        finding.save()
        work_items_close_for(
            by=by,
            subject_type="audit_finding",
            subject_id=finding.pk,
            kinds=(WorkKind.AUDIT_FINDINGS,),
            outcome="Findings sent.",
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.AUDIT,
            object_id=finding.audit.reference,
            changes={"agency": finding.agency.name, "submitted_on": finding.submitted_on},
        )
    return finding


def finding_moderate(*, by: User, finding: AuditFinding, rating: str, note: str) -> AuditFinding:
    """The moderation step of a school self-assessment: agree or change the rating, with a note."""
    _require(by, "learning.manage_learning")
    if finding.audit.kind != AuditKind.SCHOOL_SELF_ASSESSMENT:
        raise InvalidRequest("Only school self-assessments are moderated.")
    if finding.submitted_on is None:
        raise InvalidRequest("The school has not sent its self-assessment yet.")
    errors: dict[str, str] = {}
    if rating not in RAG_VALUES:
        errors["rating"] = "Select red, amber or green"
    if rating != finding.rating and not note.strip():
        errors["note"] = "Say why the moderated rating differs from the school's"
    if errors:
        raise InvalidRequest(errors=errors)
    with transaction.atomic():
        finding.moderated_rating = rating
        finding.moderation_note = note
        finding.save(update_fields=["moderated_rating", "moderation_note"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.AUDIT,
            object_id=finding.audit.reference,
            changes={"agency": finding.agency.name, "moderated_rating": rating},
        )
    return finding


def audit_close(*, by: User, audit: Audit, good_practice: str, learning_points: str) -> Audit:
    """Close an audit once every agency has sent its findings, with the partnership's learning."""
    _require(by, "learning.manage_learning")
    waiting = audit.findings.filter(submitted_on__isnull=True).count()
    if waiting:
        raise InvalidRequest(
            f"The audit cannot be closed: {waiting} "
            f"{'agency has' if waiting == 1 else 'agencies have'} not sent findings."
        )
    if not learning_points.strip():
        raise InvalidRequest(errors={"learning_points": "Enter the learning points"})
    with transaction.atomic():
        audit.good_practice = good_practice
        audit.learning_points = learning_points
        audit.status = AuditStatus.CLOSED
        audit.save(update_fields=["good_practice", "learning_points", "status"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.AUDIT,
            object_id=audit.reference,
            changes={"status": AuditStatus.CLOSED},
        )
    return audit


# --- governance and voice -----------------------------------------------------------


def you_said_we_did_add(
    *, by: User, heard_on: dt.date, from_whom: str, you_said: str, we_did: str
) -> YouSaidWeDid:
    """Add an entry to the Voice and Involvement log."""
    _require(by, "learning.manage_learning")
    with transaction.atomic():
        entry = YouSaidWeDid.objects.create(
            heard_on=heard_on, from_whom=from_whom, you_said=you_said, we_did=we_did, created_by=by
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"you-said-{entry.pk}",
            changes={"heard_on": heard_on},
        )
    return entry


def contribution_set(*, by: User, year: int, agency: Agency, amount: Decimal) -> Contribution:
    """Record (or correct) a partner's contribution for a financial year."""
    _require(by, "learning.manage_learning")
    if amount < 0:
        raise InvalidRequest(errors={"amount_pounds": "The amount cannot be negative"})
    with transaction.atomic():
        contribution, created = Contribution.objects.update_or_create(
            year=year, agency=agency, defaults={"amount_pounds": amount}
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"contribution-{year}-{agency.slug}",
            changes={"amount_pounds": amount},
        )
    return contribution


def child_death_summary_set(*, by: User, year: int, **figures: Any) -> ChildDeathSummary:
    """Record the Child Death Overview Panel's yearly summary (figures, themes, learning)."""
    _require(by, "learning.manage_learning")
    if figures.get("modifiable_factors", 0) > figures.get("reviews_completed", 0):
        raise InvalidRequest(
            errors={
                "modifiable_factors": "Reviews with modifiable factors cannot be more than the "
                "reviews completed"
            }
        )
    with transaction.atomic():
        summary, _ = ChildDeathSummary.objects.update_or_create(year=year, defaults=figures)
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"child-death-summary-{year}",
            changes={k: v for k, v in figures.items() if isinstance(v, int)},
        )
    return summary


def annual_report_export_record(*, by: User, year: int, fmt: str) -> None:
    """Record that the annual report draft was viewed or exported (it names no child)."""
    _require(by, "learning.manage_learning")
    with transaction.atomic():
        audit_record(
            by=by,
            action=AuditAction.EXPORT if fmt != "page" else AuditAction.VIEW,
            object_type=LearningEvent.ANNUAL_REPORT,
            object_id=str(year),
            changes={"format": fmt},
        )


SUBMITTABLE = (ReviewKind.LOCAL_MULTI_AGENCY, ReviewKind.NEAR_MISS, ReviewKind.GOOD_PRACTICE)


def review_submit(*, by: User, kind: str, title: str, summary: str) -> CaseReview:
    """A partner agency submits a case for learning; the business unit's queue considers it."""
    _require(by, "learning.submit_case")
    if by.agency is None:
        raise Forbidden("Only someone working in an agency can submit a case.")
    if kind not in SUBMITTABLE:
        raise InvalidRequest(errors={"kind": "Select what kind of case it is"})
    if not summary.strip():
        raise InvalidRequest(errors={"summary": "Say what happened and what could be learned"})
    today = timezone.localdate()
    with transaction.atomic():
        review = CaseReview.objects.create(
            reference=reference_issue(prefix="CR", kind="case_review"),
            kind=kind,
            title=title,
            summary=summary,
            submitted_by_agency=by.agency,
            aware_on=today,
            created_by=by,
        )
        _step(
            by,
            review,
            f"Consider {review.get_kind_display().lower()} {review.reference} from {by.agency}",
            working_days_after(today, 10),
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.CASE_REVIEW,
            object_id=review.reference,
            changes={"kind": kind, "submitted_by": str(by.agency)},
        )
    return review


def _sender_team(review: CaseReview) -> tuple[Team, User | None]:
    """Where the sender's "read the decision" item waits: their own team, else their agency's."""
    sender = review.created_by
    if sender.is_active and sender.agency_id == review.submitted_by_agency_id:
        membership = (
            TeamMembership.objects.filter(user=sender, team__active=True)
            .select_related("team")
            .order_by("is_manager", "since", "pk")
            .first()
        )
        if membership is not None:
            return membership.team, sender
        return team_receiving_for(review.submitted_by_agency), sender
    return team_receiving_for(review.submitted_by_agency), None


def review_consider(*, by: User, review: CaseReview, decision: str, reason: str) -> CaseReview:
    """The business unit decides a case a partner sent: take it forward, or not; the sender is told.

    Either way the "Consider ..." step closes with the decision as its outcome. Taken
    forward, the next step is publishing its learning (within six months); not taken
    further, the case closes. The partner who sent it gets "Read the decision" in their
    queue, linking to their own page of the case, which shows the decision and why.
    """
    _require(by, "learning.manage_learning")
    if review.kind not in SUBMITTABLE:
        raise InvalidRequest("Only a case a partner sent is decided this way.")
    if review.case_decision or review.status != ReviewStatus.OPEN:
        raise InvalidRequest("This case has already been decided.")
    if decision not in (CaseDecision.TAKE_FORWARD, CaseDecision.NOT_PURSUED):
        raise InvalidRequest(errors={"decision": "Select whether to take the case forward"})
    reason = reason.strip()
    if decision == CaseDecision.NOT_PURSUED and not reason:
        raise InvalidRequest(
            errors={"reason": "Say why the partnership will not take the case further"}
        )
    if identifies_a_child(reason, review):
        raise InvalidRequest(
            errors={"reason": "The reason names or identifies a child. Use the pseudonym instead"}
        )
    today = timezone.localdate()
    kind = review.get_kind_display().lower()
    with transaction.atomic():
        review.case_decision = decision
        review.case_decided_on = today
        review.case_decision_reason = reason
        fields = ["case_decision", "case_decided_on", "case_decision_reason"]
        if decision == CaseDecision.NOT_PURSUED:
            review.status = ReviewStatus.CLOSED
            fields.append("status")
            _close_steps(by, review, f"Not taken further: {reason}")
        else:
            review.publication_due_on = months_after(today, PUBLISH_WITHIN_MONTHS)
            fields.append("publication_due_on")
            _close_steps(by, review, "Taken forward: its learning will be published.")
            _step(
                by,
                review,
                f"Publish the learning from {kind} {review.reference}",
                review.publication_due_on,
            )
        review.save(update_fields=fields)
        team, sender = _sender_team(review)
        work_item_create(
            by=by,
            team=team,
            assignee=sender,
            kind=WorkKind.CASE_DECISION,
            title=f"Read the decision on the {kind} you sent ({review.reference})",
            detail=CaseDecision(decision).label + (f". Why: {reason}" if reason else "."),
            subject_type=DECISION_SUBJECT,
            subject_id=review.pk,
            subject_url=reverse("learning:sent-case", args=[review.reference]),
            subject_label=review.reference,
            deadline=deadline_for("read_outcome"),
        )
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.CASE_REVIEW,
            object_id=review.reference,
            changes={"case_decision": decision, "reason": reason},
        )
    return review


def sent_case_read(*, by: User, review: CaseReview) -> None:
    """The sender's agency opened its case after the decision: their "read" item is done."""
    if not review.case_decision:
        return
    with transaction.atomic():
        closed = work_items_close_for(
            by=by,
            subject_type=DECISION_SUBJECT,
            subject_id=review.pk,
            kinds=(WorkKind.CASE_DECISION,),
            outcome=f"Read by {by.get_full_name() or by.username}.",
        )
        if closed:
            audit_record(
                by=by,
                action=AuditAction.VIEW,
                object_type=LearningEvent.CASE_REVIEW,
                object_id=review.reference,
                changes={"read_decision": review.case_decision},
            )


def board_member_add(
    *, by: User, board: Board, agency: Agency, name: str, role: str
) -> BoardMember:
    """Add a member to the Executive or a subgroup."""
    _require(by, "learning.manage_learning")
    with transaction.atomic():
        member = BoardMember.objects.create(board=board, agency=agency, name=name, role=role)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"board-{board.slug}",
            changes={"member": name, "agency": agency.name},
        )
    return member


def board_priority_add(*, by: User, board: Board, year: int, title: str) -> BoardPriority:
    """Add a priority the board works to in a year."""
    _require(by, "learning.manage_learning")
    with transaction.atomic():
        priority = BoardPriority.objects.create(board=board, year=year, title=title)
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"board-{board.slug}",
            changes={"priority": title, "year": year},
        )
    return priority


def work_plan_item_add(
    *,
    by: User,
    board: Board,
    description: str,
    owner_agency: Agency,
    due_on: dt.date,
    priority: BoardPriority | None = None,
) -> WorkPlanItem:
    """Add a line to a board's work plan."""
    _require(by, "learning.manage_learning")
    if priority is not None and priority.board_id != board.pk:
        raise InvalidRequest(errors={"priority": "Select one of this board's priorities"})
    with transaction.atomic():
        item = WorkPlanItem.objects.create(
            board=board,
            priority=priority,
            description=description,
            owner_agency=owner_agency,
            due_on=due_on,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"board-{board.slug}",
            changes={"work_plan": description[:80], "due_on": due_on},
        )
    return item


def work_plan_item_status(*, by: User, item: WorkPlanItem, status: str) -> WorkPlanItem:
    """Say how a work plan line stands."""
    _require(by, "learning.manage_learning")
    if status not in PlanItemStatus.values:
        raise InvalidRequest(errors={"status": "Select how the work stands"})
    with transaction.atomic():
        item.status = status
        item.save(update_fields=["status"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=LearningEvent.GOVERNANCE,
            object_id=f"board-{item.board.slug}",
            changes={"work_plan_item": item.pk, "status": status},
        )
    return item
