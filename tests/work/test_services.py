"""Work items: made, taken, allocated, done, cancelled, escalated, and moved on when away.

Made inside the creator's transaction; moved on when someone is away or leaves.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from safeguard.core.clock import Clock
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditEvent, OutboxMessage, TeamMembership
from safeguard.people.models import Involvement
from safeguard.work import services
from safeguard.work.events import WorkEvent
from safeguard.work.models import Absence, Priority, WorkItem, WorkKind, WorkStatus
from safeguard.work.services import Deadline
from tests.factories import AgencyFactory
from tests.work.conftest import make_item

pytestmark = pytest.mark.django_db


class TestCreatingWork:
    def test_an_item_is_audited_and_the_team_is_emailed_without_the_childs_name(self, csc):
        item = make_item(csc)
        assert item.status == WorkStatus.WAITING
        event = AuditEvent.objects.get(object_type=WorkEvent.WORK_ITEM, object_id=str(item.pk))
        assert event.person_id == csc.child.pk
        message = OutboxMessage.objects.get(related_id=str(item.pk))
        assert set(message.recipients) == {
            "manager@example.invalid",
            "worker@example.invalid",
            "other@example.invalid",
        }
        assert "Maisie" not in message.body
        assert "Thorne" not in message.body
        assert "/work/items/" in message.body

    def test_an_assigned_item_emails_only_the_assignee(self, csc):
        item = make_item(csc, assignee=csc.worker)
        message = OutboxMessage.objects.get(related_id=str(item.pk))
        assert message.recipients == ["worker@example.invalid"]

    def test_work_for_someone_who_is_away_waits_in_the_team_queue(self, csc):
        Absence.objects.create(
            user=csc.worker,
            kind="sickness",
            starts_on=timezone.localdate(),
            recorded_by=csc.manager,
        )
        assert make_item(csc, assignee=csc.worker).assignee is None

    def test_work_for_someone_outside_the_team_waits_in_the_team_queue(self, csc):
        assert make_item(csc, assignee=csc.outsider).assignee is None

    def test_the_due_moment_follows_the_deadline_clock(self, csc):
        before = timezone.now()
        item = make_item(csc, deadline=Deadline(2, Clock.ROUND_THE_CLOCK))
        assert dt.timedelta(hours=2) <= item.due_at - before < dt.timedelta(hours=2, seconds=5)
        assert item.clock == Clock.ROUND_THE_CLOCK

    def test_a_rolled_back_creator_leaves_no_item_and_no_email(self, csc):
        def creator_that_fails() -> None:
            with transaction.atomic():
                services.work_item_create(
                    by=csc.manager,
                    team=csc.team,
                    kind=WorkKind.OTHER,
                    title="Never happens",
                    subject_type="person",
                    subject_id="x",
                )
                raise RuntimeError("the creating service failed")

        with pytest.raises(RuntimeError):
            creator_that_fails()
        assert not WorkItem.objects.exists()
        assert not OutboxMessage.objects.exists()

    def test_deadlines_can_be_set_by_the_installation(self, settings):
        settings.WORK_DEADLINES = {"answer_request": [2, "working_hours"]}
        assert services.deadline_for("answer_request") == Deadline(2, Clock.WORKING_HOURS)
        assert services.deadline_for("answer_request_immediate") == Deadline(
            1, Clock.ROUND_THE_CLOCK
        )


class TestDoingWork:
    def test_taking_work_makes_it_yours_and_in_progress(self, csc):
        item = services.work_item_take(by=csc.worker, item=make_item(csc))
        assert item.assignee == csc.worker
        assert item.status == WorkStatus.IN_PROGRESS

    def test_someone_outside_the_team_cannot_take_it(self, csc):
        with pytest.raises(Forbidden):
            services.work_item_take(by=csc.outsider, item=make_item(csc))

    def test_a_worker_cannot_take_work_a_colleague_has(self, csc):
        item = make_item(csc, assignee=csc.other_worker)
        with pytest.raises(InvalidRequest, match="already has this work"):
            services.work_item_take(by=csc.worker, item=item)

    def test_only_a_manager_allocates(self, csc):
        item = make_item(csc)
        with pytest.raises(Forbidden):
            services.work_item_assign(by=csc.worker, item=item, assignee=csc.other_worker)
        services.work_item_assign(by=csc.manager, item=item, assignee=csc.other_worker)
        assert WorkItem.objects.get(pk=item.pk).assignee == csc.other_worker

    def test_nobody_is_given_work_while_away(self, csc):
        Absence.objects.create(
            user=csc.worker, kind="leave", starts_on=timezone.localdate(), recorded_by=csc.manager
        )
        with pytest.raises(InvalidRequest, match="is away"):
            services.work_item_assign(by=csc.manager, item=make_item(csc), assignee=csc.worker)

    def test_done_needs_what_was_done(self, csc):
        item = make_item(csc)
        with pytest.raises(InvalidRequest, match="Enter what was done"):
            services.work_item_complete(by=csc.worker, item=item, outcome="  ")
        services.work_item_complete(by=csc.worker, item=item, outcome="Seen alone; safe.")
        item.refresh_from_db()
        assert item.status == WorkStatus.DONE
        assert item.closed_by == csc.worker

    def test_work_that_closes_itself_cannot_be_ticked_off_by_hand(self, csc):
        item = make_item(csc, kind=WorkKind.ANSWER_REQUEST)
        with pytest.raises(InvalidRequest, match="closes by itself"):
            services.work_item_complete(by=csc.worker, item=item, outcome="Done it")

    def test_doing_the_thing_closes_its_items(self, csc):
        item = make_item(csc, kind=WorkKind.ANSWER_REQUEST, subject_type="contact", subject_id="C1")
        with transaction.atomic():
            closed = services.work_items_close_for(
                by=csc.worker, subject_type="contact", subject_id="C1", outcome="Answered"
            )
        assert closed == 1
        assert WorkItem.objects.get(pk=item.pk).status == WorkStatus.DONE

    def test_cancelling_needs_a_manager_and_a_reason(self, csc):
        item = make_item(csc)
        with pytest.raises(Forbidden):
            services.work_item_cancel(by=csc.worker, item=item, reason="Not needed")
        with pytest.raises(InvalidRequest):
            services.work_item_cancel(by=csc.manager, item=item, reason="\u200b")
        services.work_item_cancel(by=csc.manager, item=item, reason="Family moved away")
        assert WorkItem.objects.get(pk=item.pk).status == WorkStatus.CANCELLED

    def test_closed_work_cannot_be_closed_again(self, csc):
        item = services.work_item_complete(by=csc.worker, item=make_item(csc), outcome="Done")
        with pytest.raises(InvalidRequest, match="already done"):
            services.work_item_complete(by=csc.worker, item=item, outcome="Again")


class TestEscalation:
    def test_overdue_work_is_escalated_to_the_managers_once(self, csc):
        item = make_item(csc, priority=Priority.URGENT)
        later = item.due_at + dt.timedelta(minutes=1)
        escalated = services.work_escalate_overdue(now=later)
        assert [i.pk for i in escalated] == [item.pk]
        assert OutboxMessage.objects.filter(
            kind="work_overdue", recipients=["manager@example.invalid"]
        ).exists()
        assert services.work_escalate_overdue(now=later + dt.timedelta(hours=1)) == []

    def test_work_not_yet_due_is_not_escalated(self, csc):
        make_item(csc)
        assert services.work_escalate_overdue() == []


class TestAbsenceAndLeaving:
    def test_an_absence_from_today_moves_work_and_children_to_the_manager(self, csc):
        item = make_item(csc, assignee=csc.worker)
        services.absence_record(
            by=csc.manager, user=csc.worker, kind="sickness", starts_on=timezone.localdate()
        )
        item.refresh_from_db()
        assert item.assignee is None
        asks = WorkItem.objects.filter(assignee=csc.manager).order_by("kind")
        assert {a.kind for a in asks} == {WorkKind.REALLOCATE_WORK, WorkKind.REALLOCATE_CHILD}
        child_ask = asks.get(kind=WorkKind.REALLOCATE_CHILD)
        assert child_ask.person == csc.child
        # Due within one working day.
        assert child_ask.due_at - child_ask.created_at <= dt.timedelta(days=4)

    def test_a_future_absence_moves_work_on_the_day_it_starts(self, csc):
        make_item(csc, assignee=csc.worker)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        services.absence_record(by=csc.manager, user=csc.worker, kind="leave", starts_on=tomorrow)
        assert not WorkItem.objects.filter(kind=WorkKind.REALLOCATE_WORK).exists()
        started = services.absences_start(today=tomorrow)
        assert [a.user for a in started] == [csc.worker]
        assert WorkItem.objects.filter(kind=WorkKind.REALLOCATE_WORK).exists()
        assert services.absences_start(today=tomorrow) == []

    def test_only_their_manager_or_the_business_unit_records_an_absence(self, csc, make_user):
        with pytest.raises(Forbidden):
            services.absence_record(
                by=csc.other_worker, user=csc.worker, kind="leave", starts_on=timezone.localdate()
            )
        business_unit = make_user("business_unit", agency=AgencyFactory())
        services.absence_record(
            by=business_unit, user=csc.worker, kind="leave", starts_on=timezone.localdate()
        )

    def test_allocating_the_work_closes_the_re_allocation_ask(self, csc):
        item = make_item(csc, assignee=csc.worker)
        services.absence_record(
            by=csc.manager, user=csc.worker, kind="sickness", starts_on=timezone.localdate()
        )
        services.work_item_assign(by=csc.manager, item=item, assignee=csc.other_worker)
        ask = WorkItem.objects.get(kind=WorkKind.REALLOCATE_WORK)
        assert ask.status == WorkStatus.DONE

    def test_choosing_a_new_lead_practitioner_closes_the_ask(self, csc):
        services.absence_record(
            by=csc.manager, user=csc.worker, kind="sickness", starts_on=timezone.localdate()
        )
        ask = WorkItem.objects.get(kind=WorkKind.REALLOCATE_CHILD)
        services.lead_practitioner_reallocate(by=csc.manager, item=ask, lead=csc.other_worker)
        assert Involvement.objects.get(person=csc.child).lead_practitioner == csc.other_worker
        assert WorkItem.objects.get(pk=ask.pk).status == WorkStatus.DONE

    def test_deactivating_a_worker_puts_their_children_in_the_managers_queue(self, csc):
        make_item(csc, assignee=csc.worker)
        csc.worker.is_active = False
        csc.worker.save()  # any path: the admin, a script, or the close-account page
        kinds = set(WorkItem.objects.filter(assignee=csc.manager).values_list("kind", flat=True))
        assert kinds == {WorkKind.REALLOCATE_WORK, WorkKind.REALLOCATE_CHILD}

    def test_closing_an_account_through_the_service_is_audited_with_its_reason(self, csc):
        services.account_deactivate(by=csc.manager, user=csc.worker, reason="Left the council")
        event = AuditEvent.objects.get(object_type=WorkEvent.ACCOUNT)
        assert event.reason == "Left the council"
        assert WorkItem.objects.filter(kind=WorkKind.REALLOCATE_CHILD).count() == 1

    def test_leaving_a_team_sends_their_open_work_back_to_it(self, csc, make_user):
        business_unit = make_user("business_unit", agency=AgencyFactory())
        item = make_item(csc, assignee=csc.worker)
        services.team_member_remove(by=business_unit, team=csc.team, user=csc.worker)
        item.refresh_from_db()
        assert item.assignee is None
        assert not TeamMembership.objects.filter(team=csc.team, user=csc.worker).exists()


class TestTeams:
    def test_the_business_unit_sets_up_teams(self, csc, make_user):
        business_unit = make_user("business_unit", agency=AgencyFactory())
        team = services.team_create(
            by=business_unit, agency=csc.agency, name="Leaving care team", purpose="other"
        )
        assert team.slug
        with pytest.raises(InvalidRequest, match="already has a team called"):
            services.team_create(
                by=business_unit, agency=csc.agency, name="leaving care team", purpose="other"
            )
        with pytest.raises(Forbidden):
            services.team_create(by=csc.manager, agency=csc.agency, name="Mine", purpose="other")

    def test_a_team_takes_members_from_its_own_agency_only(self, csc, make_user):
        business_unit = make_user("business_unit", agency=AgencyFactory())
        with pytest.raises(InvalidRequest, match="works for another agency"):
            services.team_member_add(by=business_unit, team=csc.team, user=csc.outsider)

    def test_every_agency_gets_a_receiving_team_on_first_use(self, csc):
        team = services.team_receiving_for(csc.outsider.agency)
        assert team.receives_for_agency
        assert services.team_receiving_for(csc.outsider.agency) == team


class TestTheSweep:
    def test_the_sweep_escalates_and_starts_absences_once(self, csc):
        from io import StringIO

        from django.core.management import call_command

        item = make_item(csc, assignee=csc.worker)
        WorkItem.objects.filter(pk=item.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
        Absence.objects.create(
            user=csc.other_worker,
            kind="leave",
            starts_on=timezone.localdate(),
            recorded_by=csc.manager,
        )
        out = StringIO()
        call_command("work_sweep", stdout=out)
        assert "1 overdue item(s) escalated; 1 absence(s) started" in out.getvalue()
        out = StringIO()
        call_command("work_sweep", stdout=out)
        assert "0 overdue item(s) escalated; 0 absence(s) started" in out.getvalue()
