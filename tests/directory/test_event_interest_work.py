"""QA wave 2: a registration of interest in an event reaches the business unit's queue.

The public page tells the person "The partnership's business unit will email you about a
place", but nothing reached the business unit: no work item, no email, only a list on a
page nobody was sent to.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.models import Role, TeamMembership, TeamPurpose
from safeguard.directory import services
from safeguard.work.models import WorkItem, WorkStatus
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_team(business_unit):
    team = TeamFactory(
        agency=business_unit.agency, purpose=TeamPurpose.PARTNERSHIP, name="Business unit"
    )
    TeamMembership.objects.create(team=team, user=business_unit, since=timezone.localdate())
    return team


@pytest.fixture
def event(business_unit):
    start = timezone.now() + dt.timedelta(days=5)
    return services.event_save(
        by=business_unit,
        event=None,
        title="Partner briefing",
        kind="briefing",
        description="About.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        location="Online",
    )


class TestARegistrationOfInterestReachesTheBusinessUnit:
    def test_the_business_unit_gets_one_item_per_event_that_opens_the_list(
        self, client, event, unit_team, business_unit, signed_in
    ):
        for email in ("sam@example.org", "kim@example.org"):
            client.post(f"/events/{event.slug}/", {"name": "Sam Jones", "email": email})
        item = WorkItem.objects.get(team=unit_team)
        assert item.status == WorkStatus.WAITING
        assert "Partner briefing" in item.title
        assert "Sam" not in item.title + item.detail
        assert "sam@example.org" not in item.title + item.detail
        unit = signed_in(business_unit)
        assert "Partner briefing" in unit.get("/").text
        page = unit.get(item.subject_url)
        assert page.status_code == 200
        assert "sam@example.org" in page.text

    def test_once_followed_up_a_new_registration_opens_a_new_item(
        self, client, event, unit_team, business_unit
    ):
        client.post(f"/events/{event.slug}/", {"name": "Sam", "email": "sam@example.org"})
        WorkItem.objects.update(status=WorkStatus.DONE)
        client.post(f"/events/{event.slug}/", {"name": "Kim", "email": "kim@example.org"})
        assert WorkItem.objects.filter(status=WorkStatus.WAITING).count() == 1

    def test_a_practitioner_outside_the_business_unit_cannot_open_the_list(
        self, client, event, unit_team, make_user, signed_in
    ):
        client.post(f"/events/{event.slug}/", {"name": "Sam", "email": "sam@example.org"})
        item = WorkItem.objects.get(team=unit_team)
        outsider = signed_in(make_user(Role.PRACTITIONER))
        assert outsider.get(item.subject_url).status_code in (403, 404)
        assert outsider.get(f"/work/items/{item.pk}/").status_code == 404

    def test_without_a_business_unit_team_the_registration_still_succeeds(self, client, event):
        response = client.post(f"/events/{event.slug}/", {"name": "Sam", "email": "s@example.org"})
        assert response.status_code == 200
        assert not WorkItem.objects.exists()
