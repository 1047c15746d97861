"""The demo has concerns at each level, a child in both roles, AIM assessments and a long investigation."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from safeguard.hsb import demo, selectors
from safeguard.hsb.models import AimAssessment, Concern, ConcernChange, Investigation, Level
from safeguard.people.demo import DemoState, build_agencies_and_accounts, build_families
from safeguard.work import demo as work_demo
from safeguard.work.models import WorkItem, WorkKind


def test_demo_tells_the_whole_story(db):
    state = DemoState(rng=random.Random(3), children=120)
    build_agencies_and_accounts(state)
    build_families(state)
    work_demo.build_teams(state)
    demo.build(state)
    assert set(Concern.objects.values_list("level", flat=True)) == set(Level.values)
    today = timezone.localdate()
    figures = selectors.figures(today - dt.timedelta(days=365), today)
    assert figures["both_roles"] >= 1
    assert AimAssessment.objects.count() >= 2
    assert AimAssessment.objects.filter(formulations__version=2).exists()
    investigation = Investigation.objects.get()
    assert investigation.reviews.count() == 3
    assert figures["investigations_open_over_3_months"] == 1
    assert WorkItem.objects.filter(kind=WorkKind.HSB_REVIEW_SUPPORT).exists()
    assert WorkItem.objects.filter(kind=WorkKind.HSB_SAFEGUARDING_RESPONSE).exists()
    assert WorkItem.objects.filter(kind=WorkKind.HSB_EXPLOITATION_SCREENING).count() == 1
    assert ConcernChange.objects.filter(concern__level=Level.INAPPROPRIATE).exists()
    counts = selectors.figures_counts(today - dt.timedelta(days=365), today)
    assert counts["concerns"] == 5
    assert all(isinstance(value, int) for value in counts.values())
