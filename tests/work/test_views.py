"""Work pages: who may open a queue or an item, what they show, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from safeguard.core.audit import AuditAction
from safeguard.core.events import CoreEvent
from safeguard.core.models import AuditEvent, Role, TeamMembership
from safeguard.work.events import WorkEvent
from safeguard.work.models import Priority, WorkItem, WorkKind, WorkStatus
from safeguard.work.selectors import queue_order
from tests.factories import AgencyFactory, PersonFactory, TeamFactory, WorkItemFactory
from tests.work.conftest import make_item

pytestmark = pytest.mark.django_db


class TestTheTeamQueue:
    def test_members_see_the_queue_with_the_childs_name(self, csc, signed_in):
        make_item(csc)
        response = signed_in(csc.worker).get(f"/work/teams/{csc.team.slug}/")
        assert response.status_code == 200
        assert "Maisie Thorne" in response.text
        listed = AuditEvent.objects.filter(
            action=AuditAction.LIST, object_type=WorkEvent.WORK_QUEUE
        )
        assert list(listed.values_list("person_id", flat=True)) == [csc.child.pk]

    def test_someone_outside_the_team_is_told_the_page_does_not_exist(self, csc, signed_in):
        response = signed_in(csc.outsider).get(f"/work/teams/{csc.team.slug}/")
        assert response.status_code == 404
        assert AuditEvent.objects.filter(
            outcome="refused", object_type=WorkEvent.WORK_QUEUE
        ).exists()

    def test_a_member_who_cannot_see_the_child_sees_no_name(self, csc, signed_in, make_user):
        stranger = PersonFactory(given_name="Orla", family_name="Quince")
        make_item(csc, person=stranger, subject_id=stranger.pk)
        response = signed_in(csc.worker).get(f"/work/teams/{csc.team.slug}/")
        assert "Orla" not in response.text
        assert "A child whose record you cannot open" in response.text

    def test_the_queue_page_is_a_fixed_number_of_queries(
        self, csc, signed_in, django_assert_max_num_queries
    ):
        client = signed_in(csc.worker)
        for _ in range(3):
            WorkItemFactory(team=csc.team, person=PersonFactory())
        with django_assert_max_num_queries(QUEUE_QUERIES):
            client.get(f"/work/teams/{csc.team.slug}/")
        for _ in range(60):
            WorkItemFactory(team=csc.team, person=PersonFactory())
        with django_assert_max_num_queries(QUEUE_QUERIES):
            response = client.get(f"/work/teams/{csc.team.slug}/")
        assert "Page 1 of 2" in response.text


# The team queue page, whatever the length of the queue (pinned; bench/queues.py measures it).
QUEUE_QUERIES = 22


class TestAnItem:
    def test_the_team_opens_an_item_and_takes_it(self, csc, signed_in):
        item = make_item(csc)
        client = signed_in(csc.worker)
        page = client.get(f"/work/items/{item.pk}/")
        assert page.status_code == 200
        assert "Take this work" in page.text
        client.post(f"/work/items/{item.pk}/take/")
        assert WorkItem.objects.get(pk=item.pk).assignee == csc.worker

    def test_an_outsider_cannot_open_or_act_on_an_item(self, csc, signed_in):
        item = make_item(csc)
        client = signed_in(csc.outsider)
        assert client.get(f"/work/items/{item.pk}/").status_code == 404
        assert client.post(f"/work/items/{item.pk}/take/").status_code == 404
        assert client.post(f"/work/items/{item.pk}/done/", {"outcome": "x"}).status_code == 404
        assert WorkItem.objects.get(pk=item.pk).status == WorkStatus.WAITING

    def test_a_worker_cannot_allocate_or_cancel(self, csc, signed_in):
        item = make_item(csc)
        client = signed_in(csc.worker)
        assert (
            client.post(
                f"/work/items/{item.pk}/allocate/", {"assignee": csc.other_worker.pk}
            ).status_code
            == 404
        )
        assert client.post(f"/work/items/{item.pk}/cancel/", {"reason": "No"}).status_code == 404

    def test_marking_done_without_saying_what_was_done_shows_a_govuk_error(self, csc, signed_in):
        item = make_item(csc)
        response = signed_in(csc.worker).post(f"/work/items/{item.pk}/done/", {"outcome": ""})
        assert response.status_code == 400
        assert "govuk-error-summary" in response.text
        assert "Enter what was done" in response.text

    def test_a_manager_allocates_from_the_item_page(self, csc, signed_in):
        item = make_item(csc)
        response = signed_in(csc.manager).post(
            f"/work/items/{item.pk}/allocate/", {"assignee": csc.other_worker.pk}
        )
        assert response.status_code == 302
        assert WorkItem.objects.get(pk=item.pk).assignee == csc.other_worker


class TestMyWork:
    def test_my_work_lists_my_items_and_my_teams_waiting_items(self, csc, signed_in):
        make_item(csc, assignee=csc.worker, title="Mine to do")
        make_item(csc, title="Nobody has this yet")
        response = signed_in(csc.worker).get("/")
        assert "Your work" in response.text
        assert "Mine to do" in response.text
        assert "Nobody has this yet" in response.text

    def test_a_manager_sees_overdue_work_in_their_team(self, csc, signed_in):
        item = make_item(csc, assignee=csc.worker, title="Late visit")
        WorkItem.objects.filter(pk=item.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))
        response = signed_in(csc.manager).get("/")
        assert "Overdue in teams you manage" in response.text
        assert "Late visit" in response.text

    def test_names_on_my_work_are_audited(self, csc, signed_in):
        make_item(csc, assignee=csc.worker)
        signed_in(csc.worker).get("/")
        assert AuditEvent.objects.filter(
            action=AuditAction.LIST, object_type=CoreEvent.MY_WORK, person_id=csc.child.pk
        ).exists()


class TestAbsenceAndTeamPages:
    def test_a_manager_records_an_absence_and_the_work_moves(self, csc, signed_in):
        make_item(csc, assignee=csc.worker)
        today = timezone.localdate()
        response = signed_in(csc.manager).post(
            f"/work/people/{csc.worker.pk}/absence/",
            {
                "kind": "sickness",
                "starts_on_day": today.day,
                "starts_on_month": today.month,
                "starts_on_year": today.year,
            },
        )
        assert response.status_code == 302
        assert WorkItem.objects.filter(
            kind=WorkKind.REALLOCATE_CHILD, assignee=csc.manager
        ).exists()

    def test_a_colleague_cannot_record_an_absence(self, csc, signed_in):
        assert (
            signed_in(csc.other_worker).get(f"/work/people/{csc.worker.pk}/absence/").status_code
            == 404
        )

    def test_only_the_business_unit_and_administrators_set_up_teams(
        self, csc, signed_in, make_user
    ):
        assert signed_in(csc.manager).get("/work/manage/teams/").status_code == 404
        business_unit = make_user(Role.BUSINESS_UNIT, agency=AgencyFactory())
        response = signed_in(business_unit).get("/work/manage/teams/")
        assert response.status_code == 200
        assert csc.team.name in response.text
        assert "Maisie" not in response.text


class TestQueueOrder(HypothesisTestCase):
    """Overdue first, then priority, then the due moment, whatever the mix."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(list(Priority)), st.integers(min_value=-72, max_value=72)),
            min_size=1,
            max_size=12,
        )
    )
    def test_queue_order(self, rows):
        team = TeamFactory()
        now = timezone.now()
        for priority, hours in rows:
            WorkItemFactory(
                team=team, priority=priority, due_at=now + dt.timedelta(hours=hours, seconds=1)
            )
        ordered = list(queue_order(WorkItem.objects.filter(team=team), now))
        keys = [(0 if i.due_at < now else 1, i.priority, i.due_at) for i in ordered]
        assert keys == sorted(keys)


def test_the_teams_a_user_is_in_show_on_team_queues(csc, signed_in):
    TeamMembership.objects.filter(user=csc.other_worker).delete()
    assert signed_in(csc.worker).get("/work/").status_code == 200
    assert signed_in(csc.other_worker).get("/work/").status_code == 404
