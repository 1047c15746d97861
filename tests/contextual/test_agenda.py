"""The monthly Child Exploitation Disruption Meeting's agenda builds itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.contextual import services
from safeguard.contextual.models import LinkKind
from safeguard.meetings.agenda import agenda_suggestions
from safeguard.meetings.kinds import kind
from safeguard.meetings.models import Meeting

from .conftest import link, place

pytestmark = pytest.mark.django_db


def _meeting(world, starts):
    return Meeting.objects.create(
        reference=f"MTG-CEDM-{starts:%Y%m%d}",
        kind=kind("child-exploitation-disruption-meeting"),
        title="Child Exploitation Disruption Meeting",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        chair=world.social_worker,
    )


class TestDisruptionAgenda:
    def test_new_intelligence_hotspots_concerns_and_open_actions_are_suggested(self, world):
        spot = place(world)
        dee = services.person_of_concern_create(by=world.officer, name="Dee")
        for child in (world.ava, world.ben):
            link(world, LinkKind.CHILD_PLACE, child=child, place=spot)
            link(world, LinkKind.CHILD_ADULT, child=child, person=dee)
        concern = services.context_concern_report(
            by=world.teacher, context_kind="place", where="The number 6 bus", what_happened="Vapes"
        )
        action = services.disruption_action_agree(
            by=world.social_worker,
            tool="patrols",
            description="Evening patrols",
            owner_agency=world.police,
            due_on=timezone.localdate() + dt.timedelta(days=7),
            place=spot,
        )
        meeting = _meeting(world, timezone.now() + dt.timedelta(days=2))
        titles = {s.title: s.reason for s in agenda_suggestions(meeting)}
        assert titles["Place: Coppergate Centre"] == "2 new links since the last meeting"
        assert titles["Person of concern: Dee"] == "2 new links since the last meeting"
        assert titles["Hotspot: Coppergate Centre"] == "Linked to 2 children assessed at risk"
        assert f"Concern {concern.reference}: The number 6 bus" in titles
        assert any(t.startswith(f"Action {action.reference}") for t in titles)
        assert not any("Tester" in t for t in titles)

    def test_intelligence_before_the_last_meeting_is_not_new(self, world):
        spot = place(world)
        link(world, LinkKind.CHILD_PLACE, child=world.ava, place=spot)
        _meeting(world, timezone.now() + dt.timedelta(minutes=1))
        later = _meeting(world, timezone.now() + dt.timedelta(days=30))
        assert not any(s.title.startswith("Place:") for s in agenda_suggestions(later))
