"""Sharing's hand-offs: a request for information is work for the asked agency; break-glass for a manager."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import Role, TeamMembership
from safeguard.sharing import services
from safeguard.sharing.models import Alert
from safeguard.work.models import Priority, WorkItem, WorkKind, WorkStatus
from tests.factories import TeamFactory
from tests.sharing.conftest import PASSWORD

REASON = "Child arrived at A&E with injuries, out of hours, need history"


@pytest.fixture
def school_team(school, teacher, make_user):
    """The school's safeguarding office: the teacher (the pupil's lead) and their manager."""
    team = TeamFactory(agency=school, name="Safeguarding office", receives_for_agency=True)
    head = make_user(Role.PRACTITIONER, agency=school, first_name="Hana", last_name="Head")
    TeamMembership.objects.create(team=team, user=teacher, since=timezone.localdate())
    TeamMembership.objects.create(team=team, user=head, is_manager=True, since=timezone.localdate())
    team.head = head
    return team


def _ask(by, person, to_agency, due=None):
    return services.information_request_create(
        by=by,
        person=person,
        to_agency=to_agency,
        purpose="safeguarding_assessment",
        asked="Any police contact with the family?",
        due_date=due or timezone.localdate() + dt.timedelta(days=2),
    )


@pytest.mark.django_db
class TestSharingRequestIsWork:
    def test_lands_in_the_asked_agencys_queue_by_the_date_needed(self, teacher, pupil, police):
        request = _ask(teacher, pupil, police)
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert item.team.agency == police
        assert item.title == "Request for information from Northfield School"
        assert item.subject_url == (
            reverse("sharing:share", args=[pupil.pk]) + f"?request={request.pk}"
        )
        assert timezone.localtime(item.due_at).date() == request.due_date + dt.timedelta(days=1)
        assert item.person == pupil

    def test_answering_with_a_decision_closes_the_item(
        self, teacher, officer, pupil, police, school
    ):
        request = _ask(teacher, pupil, police)
        services.sharing_decision_record(
            by=officer,
            person=pupil,
            recipient_agency=school,
            purpose="safeguarding_assessment",
            decision="not_share",
            consent="not_sought",
            lawful_basis="public_task_safeguarding",
            judgement="Nothing held about this family.",
            request=request,
        )
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert item.status == WorkStatus.DONE
        assert "Answered by" in item.outcome


@pytest.mark.django_db
class TestBreakGlassReview:
    def test_the_lead_practitioners_manager_gets_a_review_item(
        self, make_user, voluntary, pupil, school_team
    ):
        nurse = make_user(Role.PRACTITIONER, agency=voluntary)
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        item = WorkItem.objects.get(kind=WorkKind.REVIEW_BREAK_GLASS)
        assert item.team == school_team
        assert item.assignee == school_team.head
        assert item.priority == Priority.URGENT
        assert item.subject_url == reverse("sharing:review", args=[use.pk])
        assert use.reference in item.subject_label
        assert Alert.objects.filter(break_glass_use=use, recipient=school_team.head).exists()

    def test_reviewing_closes_the_item(self, make_user, voluntary, pupil, school_team, signed_in):
        nurse = make_user(Role.PRACTITIONER, agency=voluntary)
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        client = signed_in(school_team.head)
        assert client.get(reverse("sharing:review", args=[use.pk])).status_code == 200
        client.post(reverse("sharing:review", args=[use.pk]), {"outcome": "appropriate"})
        item = WorkItem.objects.get(kind=WorkKind.REVIEW_BREAK_GLASS)
        assert item.status == WorkStatus.DONE
        assert "Appropriate" in item.outcome

    def test_no_item_without_a_lead_practitioners_team(self, make_user, voluntary, pupil):
        nurse = make_user(Role.PRACTITIONER, agency=voluntary)
        services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        assert not WorkItem.objects.filter(kind=WorkKind.REVIEW_BREAK_GLASS).exists()
