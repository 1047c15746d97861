"""Retention: how long records are kept, which are due for review, and deletion that keeps the audit.

UK GDPR Article 5(1)(e) says personal data is kept no longer than necessary. Each
kind of record has a :class:`~safeguard.rights.models.RetentionRule` (defaults
seeded by a migration; the partnership's information governance lead signs them
off). Every month :func:`retention_review` lists the records whose period has
ended. Deleting one needs two people (the two-person rule, ASVS 2.3.5): one
proposes, a *different* Multi-Agency Safeguarding Hub (MASH) manager approves,
and approval deletes at once. Deletion removes the personal data rows and leaves
a tombstone in the audit chain (an ``AuditAction.DELETE`` event holding only
identifiers and record types), so ``safeguard verify_audit`` still passes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AuditAction
from safeguard.core.text import reason_clean
from safeguard.people import registry
from safeguard.people.access import AccessDenied
from safeguard.people.events import PeopleEvent
from safeguard.people.models import ChronologyEvent, Household, HouseholdMember, Involvement, Person

from .events import RightsEvent
from .models import RetentionDeletion, RetentionRule
from .subject_access import can_handle_subject_access

if TYPE_CHECKING:
    from safeguard.core.models import User

CHILD = "person:child"
ADULT = "person:adult"
CHRONOLOGY_PREFIX = "chronology:"


class RetentionError(InvalidRequest):
    """The record cannot be deleted (not due, already decided, or other records depend on it)."""


@dataclass
class ReviewItem:
    """One record whose retention period has ended (or ends in the month reviewed)."""

    record_type: str
    object_id: str
    person_id: uuid.UUID
    due_on: dt.date
    rule: RetentionRule
    why: str
    proposal: RetentionDeletion | None = None
    person_name: str = ""


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month containing ``month``."""
    first = month.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return first, last


def parse_month(text: str) -> dt.date:
    """'2026-11' to 1 November 2026; ValueError for anything else."""
    try:
        year_text, month_text = text.strip().split("-")
        return dt.date(int(year_text), int(month_text), 1)
    except (ValueError, TypeError) as exc:
        raise ValueError("Enter a month as year and month, like 2026-11") from exc


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rules_by_code() -> dict[str, RetentionRule]:
    """Every retention rule, by record type code."""
    return {r.record_type: r for r in RetentionRule.objects.all()}


def person_due_on(
    *,
    rule: RetentionRule,
    date_of_birth: dt.date | None,
    last_activity: dt.date,
) -> dt.date:
    """When a person's record is due for review: the LATER of the rule's dates."""
    candidates = []
    if rule.years_after_end is not None:
        candidates.append(_add_years(last_activity, rule.years_after_end))
    if rule.until_age is not None and date_of_birth is not None:
        candidates.append(_add_years(date_of_birth, rule.until_age))
    return max(candidates) if candidates else dt.date.max


def _people_without_open_work(today: dt.date) -> models.QuerySet[Person]:
    open_involvement = Involvement.objects.filter(person=OuterRef("pk")).filter(
        Q(ended__isnull=True) | Q(ended__gte=today)
    )
    last_end = (
        Involvement.objects.filter(person=OuterRef("pk"))
        .values("person")
        .annotate(m=Max("ended"))
        .values("m")
    )
    last_event = (
        ChronologyEvent.objects.filter(person=OuterRef("pk"))
        .values("person")
        .annotate(m=Max("occurred_at"))
        .values("m")
    )
    return (
        Person.objects.filter(~Exists(open_involvement))
        .annotate(last_end=Subquery(last_end), last_event=Subquery(last_event))
        .only("id", "given_name", "family_name", "date_of_birth", "created_at")
    )


def _last_activity(person: Any) -> dt.date:
    dates = [timezone.localdate(person.created_at)]
    if person.last_end:
        dates.append(person.last_end)
    if person.last_event:
        dates.append(timezone.localdate(person.last_event))
    return max(dates)


def _person_rule_code(person: Any) -> str:
    if person.date_of_birth is None:
        return CHILD
    first_recorded = timezone.localdate(person.created_at)
    age = person.age_on(first_recorded)
    return CHILD if age is None or age < 18 else ADULT  # noqa: PLR2004 - adulthood


def retention_review(*, month: dt.date, with_names: bool = False) -> list[ReviewItem]:
    """Every record due for review by the end of ``month`` (including overdue ones not yet deleted)."""
    _, last_day = month_bounds(month)
    rules = rules_by_code()
    items: list[ReviewItem] = []
    today = timezone.localdate()
    if CHILD in rules or ADULT in rules:
        for person in _people_without_open_work(max(today, last_day)).iterator(chunk_size=2000):
            code = _person_rule_code(person)
            rule = rules.get(code)
            if rule is None:
                continue
            last = _last_activity(person)
            due = person_due_on(rule=rule, date_of_birth=person.date_of_birth, last_activity=last)
            if due <= last_day:
                why = f"Last agency work or entry {last.day} {last:%B %Y}"
                if rule.until_age and person.date_of_birth:
                    birthday = _add_years(person.date_of_birth, rule.until_age)
                    why += f"; {rule.until_age}th birthday {birthday.day} {birthday:%B %Y}"
                items.append(
                    ReviewItem(
                        record_type=code,
                        object_id=str(person.pk),
                        person_id=person.pk,
                        due_on=due,
                        rule=rule,
                        why=why,
                        person_name=person.full_name if with_names else "",
                    )
                )
    for code, rule in rules.items():
        if not code.startswith(CHRONOLOGY_PREFIX) or rule.years_after_end is None:
            continue
        record_type = code.removeprefix(CHRONOLOGY_PREFIX)
        cutoff = _add_years(last_day, -rule.years_after_end)
        events = ChronologyEvent.objects.filter(
            record_type=record_type, occurred_at__date__lte=cutoff
        )
        if with_names:
            events = events.select_related("person")
        else:
            events = events.only("id", "person_id", "occurred_at", "category")
        for event in events.order_by("occurred_at"):
            occurred = timezone.localdate(event.occurred_at)
            items.append(
                ReviewItem(
                    record_type=code,
                    object_id=str(event.pk),
                    person_id=event.person_id,
                    due_on=_add_years(occurred, rule.years_after_end),
                    rule=rule,
                    why=f"Entry dated {occurred.day} {occurred:%B %Y}",
                    person_name=event.person.full_name if with_names else "",
                )
            )
    proposals = {
        (p.record_type, p.object_id): p
        for p in RetentionDeletion.objects.filter(
            status=RetentionDeletion.Status.PROPOSED
        ).select_related("proposed_by")
    }
    for item in items:
        item.proposal = proposals.get((item.record_type, item.object_id))
    items.sort(key=lambda i: (i.due_on, i.record_type, i.object_id))
    return items


def _item_for(record_type: str, object_id: str) -> ReviewItem | None:
    """The review item for one record if it is due today, else None."""
    today = timezone.localdate()
    for item in _due_items_for_record(record_type, object_id, today):
        return item
    return None


def _due_items_for_record(record_type: str, object_id: str, today: dt.date) -> list[ReviewItem]:
    rules = rules_by_code()
    rule = rules.get(record_type)
    if rule is None:
        return []
    if record_type in (CHILD, ADULT):
        try:
            pid = uuid.UUID(object_id)
        except ValueError:
            return []
        person = _people_without_open_work(today).filter(pk=pid).first()
        if person is None or _person_rule_code(person) != record_type:
            return []
        last = _last_activity(person)
        due = person_due_on(rule=rule, date_of_birth=person.date_of_birth, last_activity=last)
        if due > today:
            return []
        return [ReviewItem(record_type, object_id, person.pk, due, rule, "")]
    if record_type.startswith(CHRONOLOGY_PREFIX) and rule.years_after_end is not None:
        try:
            event = ChronologyEvent.objects.filter(
                pk=uuid.UUID(object_id), record_type=record_type.removeprefix(CHRONOLOGY_PREFIX)
            ).first()
        except ValueError:
            return []
        if event is None:
            return []
        due = _add_years(timezone.localdate(event.occurred_at), rule.years_after_end)
        if due > today:
            return []
        return [ReviewItem(record_type, object_id, event.person_id, due, rule, "")]
    return []


def _require_handler(by: Any) -> None:
    if not can_handle_subject_access(by):
        raise AccessDenied("Only MASH managers can delete records under the retention rules.")


def retention_deletion_propose(
    *, by: User, record_type: str, object_id: str, reason: str = ""
) -> RetentionDeletion:
    """First person: propose deleting a record whose retention period has ended."""
    _require_handler(by)
    with transaction.atomic():
        item = _item_for(record_type, object_id)
        if item is None:
            raise RetentionError("This record is not due for deletion under the retention rules.")
        if RetentionDeletion.objects.filter(
            record_type=record_type, object_id=object_id, status=RetentionDeletion.Status.PROPOSED
        ).exists():
            raise RetentionError("Deleting this record has already been proposed.")
        deletion = RetentionDeletion.objects.create(
            record_type=record_type,
            object_id=object_id,
            person_id=item.person_id,
            rule=item.rule,
            due_on=item.due_on,
            proposed_by=by,
            proposed_at=timezone.now(),
            reason=reason.strip(),
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=RightsEvent.RETENTION_DELETION,
            object_id=deletion.pk,
            person_id=item.person_id,
            changes={"record_type": record_type, "object_id": object_id, "due_on": item.due_on},
            reason="Retention period ended: deletion proposed",
        )
    return deletion


def retention_deletion_cancel(
    *, by: User, deletion: RetentionDeletion, reason: str
) -> RetentionDeletion:
    """Keep the record after all (for example, a new concern or a legal hold), with a reason."""
    _require_handler(by)
    try:
        reason = reason_clean(reason, blank="Give a reason for keeping the record.")
    except InvalidRequest as exc:
        raise RetentionError(exc.message, errors=exc.errors) from None
    with transaction.atomic():
        locked = RetentionDeletion.objects.select_for_update().get(pk=deletion.pk)
        if locked.status != RetentionDeletion.Status.PROPOSED:
            raise RetentionError("This proposal has already been decided.")
        locked.status = RetentionDeletion.Status.CANCELLED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=RightsEvent.RETENTION_DELETION,
            object_id=locked.pk,
            person_id=locked.person_id,
            changes={"status": {"before": "proposed", "after": "cancelled"}},
            reason=reason.strip(),
        )
    return locked


def retention_deletion_approve(*, by: User, deletion: RetentionDeletion) -> RetentionDeletion:
    """Second person: approve, and delete the record now, leaving an audit tombstone."""
    _require_handler(by)
    with transaction.atomic():
        locked = (
            RetentionDeletion.objects.select_for_update().select_related("rule").get(pk=deletion.pk)
        )
        if locked.status != RetentionDeletion.Status.PROPOSED:
            raise RetentionError("This proposal has already been decided.")
        if locked.proposed_by_id == by.pk:
            raise AccessDenied("A second person must approve a deletion: you proposed this one.")
        if _item_for(locked.record_type, locked.object_id) is None:
            raise RetentionError(
                "This record is no longer due for deletion (for example, new work started)."
            )
        if locked.record_type in (CHILD, ADULT):
            deleted = _delete_person(uuid.UUID(locked.object_id))
            object_type = PeopleEvent.PERSON
        else:
            deleted = _delete_rows(ChronologyEvent.objects.filter(pk=uuid.UUID(locked.object_id)))
            object_type = PeopleEvent.CHRONOLOGY_EVENT
        locked.status = RetentionDeletion.Status.DELETED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            by=by,
            action=AuditAction.DELETE,
            object_type=object_type,
            object_id=locked.object_id,
            person_id=locked.person_id,
            changes={
                "record_type": locked.record_type,
                "retention_rule": locked.rule.record_type,
                "retention_deletion": str(locked.pk),
                "proposed_by_id": locked.proposed_by_id,
                "deleted": deleted,
            },
            reason="Retention period ended: deleted with a second person's approval",
        )
    return locked


def _delete_rows(queryset: models.QuerySet[Any]) -> dict[str, list[str]]:
    """Delete rows and everything that cascades from them; return the ids by model, nothing else."""
    collector = Collector(using=queryset.db)
    try:
        collector.collect(list(queryset))
    except (ProtectedError, RestrictedError) as exc:
        blocking = sorted(
            {obj._meta.verbose_name_plural for obj in getattr(exc, "protected_objects", [])}
        )
        raise RetentionError(
            "Other records still depend on this one and must be dealt with first: "
            + ", ".join(map(str, blocking))
        ) from exc
    deleted: dict[str, list[str]] = defaultdict(list)
    for model, instances in collector.data.items():
        deleted[model._meta.label_lower].extend(str(obj.pk) for obj in instances)
    for qs in collector.fast_deletes:
        deleted[qs.model._meta.label_lower].extend(
            str(pk) for pk in qs.values_list("pk", flat=True)
        )
    collector.delete()
    return {label: sorted(ids) for label, ids in sorted(deleted.items())}


def _merge(into: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for label, ids in more.items():
        into[label] = sorted(set(into.get(label, [])) | set(ids))


def _erase_all(querysets: list[models.QuerySet[Any]], deleted: dict[str, list[str]]) -> None:
    """Delete several links' rows; rows another doomed row protects wait until it has gone."""
    remaining = querysets
    while remaining:
        blocked: list[models.QuerySet[Any]] = []
        error: RetentionError | None = None
        for queryset in remaining:
            try:
                _merge(deleted, _delete_rows(queryset.all()))
            except RetentionError as exc:
                blocked.append(queryset)
                error = exc
        if error is not None and len(blocked) == len(remaining):
            raise error
        remaining = blocked


def _delete_person(person_id: uuid.UUID) -> dict[str, list[str]]:
    """Delete a person and every row about them, as the registry says; return the ids, by model.

    Each app's declarations (``person_links.py``) say what retention does with the
    rows of each link: ``ERASE`` deletes them (for a many-to-many link, such as
    the children in a contact or an episode, the contacts or episodes no other
    person is left in), ``ANONYMISE`` unlinks them and blanks the declared fields,
    ``KEEP`` leaves them. Households left with no one in them are deleted too.
    """
    household_ids = list(
        HouseholdMember.objects.filter(person_id=person_id).values_list("household_id", flat=True)
    )
    deleted: dict[str, list[str]] = {}
    to_erase: list[models.QuerySet[Any]] = []
    orphans: list[tuple[registry.PersonLink, list[Any]]] = []
    for link in registry.links():
        rows = link.rows_for(person_id)
        if link.retention is registry.OnRetention.KEEP:
            continue
        if link.is_many_to_many:
            orphans.append((link, list(rows.values_list("pk", flat=True))))
        elif link.retention is registry.OnRetention.ANONYMISE:
            ids = list(rows.values_list("pk", flat=True))
            link.model._default_manager.filter(pk__in=ids).update(**link.anonymise)
            label = f"{link.model._meta.label_lower}:anonymised"
            _merge(deleted, {label: [str(pk) for pk in ids]})
        else:
            to_erase.append(rows)
    _erase_all(to_erase, deleted)
    _merge(deleted, _delete_rows(Person.objects.filter(pk=person_id)))
    for link, linked in orphans:
        alone = (
            link.model._default_manager.filter(pk__in=linked)
            .annotate(n=Count(link.field))
            .filter(n=0)
        )
        _merge(deleted, _delete_rows(alone))
    empty = Household.objects.filter(pk__in=household_ids).filter(
        ~Exists(HouseholdMember.objects.filter(household=OuterRef("pk")))
    )
    _merge(deleted, _delete_rows(empty))
    return deleted


def retention_summary(*, month: dt.date) -> dict[str, Any]:
    """Figures for the business unit: how many records are due, by rule, with no names."""
    items = retention_review(month=month)
    by_rule: dict[str, int] = defaultdict(int)
    for item in items:
        by_rule[item.rule.label] += 1
    return {"total": len(items), "by_rule": dict(sorted(by_rule.items()))}
