"""The demo links places, persons of concern and groups to children, with a year of disruption."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from safeguard.contextual import demo, selectors
from safeguard.contextual.models import (
    DisruptionAction,
    Link,
    PeerGroup,
    PersonOfConcern,
    PersonOfConcernChange,
    Place,
    PlaceChange,
)
from safeguard.meetings import demo as meetings_demo
from safeguard.people.demo import DemoState, build_agencies_and_accounts, build_families
from safeguard.work import demo as work_demo
from safeguard.work.models import WorkItem, WorkKind


def test_demo_tells_the_whole_story(db):
    state = DemoState(rng=random.Random(3), children=80)
    build_agencies_and_accounts(state)
    build_families(state)
    work_demo.build_teams(state)
    meetings_demo.build(state)
    demo.build(state)
    assert Place.objects.count() == 7
    assert PersonOfConcern.objects.count() == 3
    assert PeerGroup.objects.count() == 2
    assert PlaceChange.objects.count() == 1
    assert PersonOfConcernChange.objects.get().police_only
    assert Link.objects.filter(child__isnull=False).exists()
    assert DisruptionAction.objects.exclude(outcome="").exists()
    assert DisruptionAction.objects.filter(outcome="").exists()
    assert WorkItem.objects.filter(kind=WorkKind.TRIAGE_CONTEXT_CONCERN, status="waiting").exists()
    today = timezone.localdate()
    figures = selectors.figures(today - dt.timedelta(days=365), today)
    assert figures["networks_disrupted"] >= 1
    assert figures["children_at_risk_before"] >= figures["children_at_risk_after"]
