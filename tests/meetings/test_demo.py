"""The demo gives the panel chair weeks of panels with attendance, open actions and outcomes."""

from __future__ import annotations

import random

from safeguard.meetings import demo
from safeguard.meetings.models import Action, Attendance, Invitation, Meeting, OutcomeNotice
from safeguard.people.demo import DemoState, build_agencies_and_accounts, build_families
from safeguard.work import demo as work_demo
from safeguard.work.models import WorkKind, WorkStatus


def test_demo_has_panels_with_apologies_open_actions_and_outcomes(db):
    state = DemoState(rng=random.Random(3), children=120)
    build_agencies_and_accounts(state)
    build_families(state)
    work_demo.build_teams(state)
    demo.build(state)
    # A year of weekly panels and monthly disruption meetings, and a year of strategy meetings.
    assert (
        Meeting.objects.filter(kind__slug="child-exploitation-risk-assessment-panel").count() > 52
    )
    assert Meeting.objects.filter(kind__slug="child-exploitation-disruption-meeting").count() > 12
    assert Meeting.objects.filter(kind__slug="strategy-meeting").count() == 12
    recorded = set(Invitation.objects.values_list("attendance", flat=True))
    assert {Attendance.ATTENDED, Attendance.APOLOGIES} <= recorded
    open_actions = Action.objects.filter(work_item__kind=WorkKind.MEETING_ACTION).exclude(
        work_item__status=WorkStatus.DONE
    )
    assert open_actions.exists()
    notices = OutcomeNotice.objects.all()
    assert notices.filter(opened_at__isnull=False).exists()
    assert notices.filter(opened_at__isnull=True).exists()


def test_early_help_demo_keeps_its_team_around_the_family_meetings_here(db):
    from safeguard.earlyhelp import demo as earlyhelp_demo
    from safeguard.earlyhelp.models import Episode
    from safeguard.earlyhelp.taf import taf_meetings

    state = DemoState(rng=random.Random(4), children=200)
    build_agencies_and_accounts(state)
    build_families(state)
    earlyhelp_demo.build(state)
    taf = Meeting.objects.filter(kind__slug="team-around-the-family")
    assert taf.count() > 10
    assert not taf.filter(episode__isnull=True).exists()
    attendance = set(
        Invitation.objects.filter(meeting__in=taf).values_list("attendance", flat=True)
    )
    assert attendance == {Attendance.ATTENDED, Attendance.APOLOGIES}
    # The latest meeting of each episode set its review date.
    for episode in Episode.objects.filter(pk__in=taf.values("episode_id"), status="open"):
        latest = taf_meetings().for_episodes([episode.pk])[0]
        assert episode.review_due == latest.next_review_due, episode.reference
