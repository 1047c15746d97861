from __future__ import annotations

import random

from django.utils import timezone

from safeguard.core.models import User
from safeguard.earlyhelp import demo
from safeguard.earlyhelp.models import ClosureReason, Episode
from safeguard.earlyhelp.selectors import my_episodes
from safeguard.people.demo import DemoState, build_agencies_and_accounts, build_families


def _state(seed: int) -> DemoState:
    state = DemoState(rng=random.Random(seed), children=300)
    build_agencies_and_accounts(state)
    build_families(state)
    demo.build(state)
    return state


def test_demo_gives_each_demo_account_families_and_every_closure_reason(db):
    _state(1)
    assert set(
        Episode.objects.exclude(closure_reason="").values_list("closure_reason", flat=True)
    ) == set(ClosureReason.values)
    today = timezone.localdate()
    for username in ("social.worker", "school.dsl", "health.nurse"):
        user = User.objects.get(username=username)
        episodes = list(my_episodes(user=user, status="all").object_list)
        assert len(episodes) >= 3, username
        assert any(e.review_overdue_on(today) for e in episodes), username
        assert any(not e.is_open for e in episodes), username
        assert any(e.is_open and not e.review_overdue_on(today) for e in episodes), username


def test_demo_families_gave_consent_and_some_withdrew_it(db):
    from safeguard.earlyhelp.models import FamilyConsent
    from safeguard.earlyhelp.selectors import family_consent

    _state(2)
    episodes = list(Episode.objects.all())
    assert episodes
    for episode in episodes:
        state = family_consent(episode=episode)
        assert state.records, episode.reference
        given = [c for c in state.records if c.decision == FamilyConsent.Decision.GIVEN]
        assert given
        assert given[0].to_assessment
        assert given[0].decided_on <= min(
            (a.assessment_date for a in episode.assessments.all() if a.assessment_date),
            default=given[0].decided_on,
        )
        if episode.closure_reason == ClosureReason.DECLINED:
            assert state.withdrawn, episode.reference
    assert any(e.is_open and family_consent(episode=e).withdrawn for e in episodes)


def test_demo_has_a_family_waiting_for_a_lead_practitioner(db):
    from safeguard.work.demo import build_teams
    from safeguard.work.models import WorkItem, WorkKind

    state = DemoState(rng=random.Random(2), children=300)
    build_agencies_and_accounts(state)
    build_families(state)
    build_teams(state)
    demo.build(state)
    demo.build_allocation_waiting(state)
    item = WorkItem.objects.get(kind=WorkKind.ALLOCATE_LEAD)
    assert item.team.slug == "early-help"
    assert item.assignee.username == "csc.manager"
    assert Episode.objects.get(pk=item.subject_id).lead_practitioner is None
