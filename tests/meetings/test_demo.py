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
    assert Meeting.objects.filter(kind__slug="child-exploitation-risk-assessment-panel").count() > 8
    assert Meeting.objects.filter(kind__slug="strategy-meeting").count() == 2
    recorded = set(Invitation.objects.values_list("attendance", flat=True))
    assert {Attendance.ATTENDED, Attendance.APOLOGIES} <= recorded
    open_actions = Action.objects.filter(work_item__kind=WorkKind.MEETING_ACTION).exclude(
        work_item__status=WorkStatus.DONE
    )
    assert open_actions.exists()
    notices = OutcomeNotice.objects.all()
    assert notices.filter(opened_at__isnull=False).exists()
    assert notices.filter(opened_at__isnull=True).exists()
