"""QA wave 2: a meeting's outcome and actions reach the agency's queue, and its links open.

An agency invited through one named person still receives the outcome in its team queue;
the colleague who picks the work item up must be able to open the outcome (not a 404), and
an action owned by that colleague links to a page they can open.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.models import TeamMembership
from safeguard.meetings import services
from safeguard.meetings.models import ItemKind, OutcomeNotice
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from tests.factories import AgencyFactory

from .conftest import at, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_only(partnership, make_user):
    """A strategy meeting inviting social care and the police, and the school by its named lead."""
    p = partnership
    deputy = make_user(agency=p.school, first_name="Dan", last_name="Deputy")
    team = p.teacher.memberships.get().team
    TeamMembership.objects.create(team=team, user=deputy, since=timezone.localdate())
    meeting = services.meeting_arrange(
        by=p.chair,
        kind=p.strategy,
        title="Strategy discussion",
        starts_at=at(next_weekday()),
        agencies=[p.csc, p.police],
        people=[p.teacher],
    )
    item = services.item_add(
        by=p.chair, meeting=meeting, kind=ItemKind.CHILD, title="Missing twice", person=p.noah
    )
    services.item_notes_save(by=p.chair, item=item, notes={"child_voice": "Wants to be heard"})
    services.decision_add(by=p.chair, item=item, text="Hold a return interview this week")
    topic = services.item_add(
        by=p.chair, meeting=meeting, kind=ItemKind.TOPIC, title="Hotspot: the retail park"
    )
    services.decision_add(by=p.chair, item=topic, text="Patrol the retail park at weekends")
    services.action_add(
        by=p.chair,
        item=topic,
        description="Arrange weekend patrols",
        owner_user=deputy,
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    services.minutes_finalise(by=p.chair, meeting=meeting)
    return meeting, deputy


class TestAnAgencyInvitedThroughOneNamedPerson:
    def test_the_colleague_who_takes_the_outcome_item_can_open_the_outcome(
        self, partnership, named_only, signed_in
    ):
        meeting, deputy = named_only
        item = WorkItem.objects.get(kind=WorkKind.READ_OUTCOME, team__agency=partnership.school)
        response = signed_in(deputy).get(item.subject_url)
        assert response.status_code == 200
        assert "Patrol the retail park at weekends" in response.text
        item.refresh_from_db()
        assert item.status == WorkStatus.DONE
        notice = OutcomeNotice.objects.get(meeting=meeting, agency=partnership.school)
        assert notice.opened_by == deputy

    def test_the_action_owner_can_open_the_link_on_their_action(self, named_only, signed_in):
        _meeting, deputy = named_only
        action = WorkItem.objects.get(kind=WorkKind.MEETING_ACTION, assignee=deputy)
        response = signed_in(deputy).get(action.subject_url)
        assert response.status_code == 200
        assert "Arrange weekend patrols" in response.text

    def test_an_agency_never_invited_still_cannot_open_the_outcome(
        self, named_only, make_user, signed_in
    ):
        meeting, _deputy = named_only
        response = signed_in(make_user(agency=AgencyFactory(name="Elsewhere"))).get(
            f"/meetings/{meeting.reference}/outcome/"
        )
        assert response.status_code == 404

    def test_the_colleague_sees_no_child_they_may_not_see(self, partnership, named_only, signed_in):
        meeting, deputy = named_only
        page = signed_in(deputy).get(f"/meetings/{meeting.reference}/outcome/").text
        assert "Noah Stone" not in page
        assert "Hold a return interview this week" not in page
