"""The demo gives a year of training close to the annual report's figures."""

from __future__ import annotations

import random

from safeguard.people.demo import DemoState, build_agencies_and_accounts
from safeguard.training import demo, selectors
from safeguard.training.models import BookingStatus, ImpactSurvey, SurveyStatus
from safeguard.work import demo as work_demo


def test_the_demo_year_matches_the_annual_report(db):
    state = DemoState(rng=random.Random(3), children=40)
    build_agencies_and_accounts(state)
    work_demo.build_teams(state)
    demo.build(state)
    report = selectors.report(year=selectors.year_of(state.today) - 1)
    rows = {r.label: r for r in report.courses}
    a = rows["Safeguarding Children: Working Together A"]
    assert (a.sessions, a.attendees, a.evaluations, a.likely_share) == (8, 160, 126, 76)
    b = rows["Safeguarding Children: Shared Responsibilities and Procedures - Working Together B"]
    assert (b.sessions, b.attendees, b.evaluations, b.likely_share) == (8, 159, 117, 79)
    assert (report.total.sessions, report.total.attendees) == (29, 410)
    assert report.elearning_total == (1709, 1354)
    assert a.surveys_answered > 0
    # The demo accounts: a place on a waiting list, an impact survey, a manager's stage, AIM3.
    officer = state.users["police.officer"]
    assert officer.training_bookings.get().status == BookingStatus.WAITING
    assert ImpactSurvey.objects.filter(
        booking__learner=state.users["social.worker"], status=SurveyStatus.OPEN
    ).exists()
    assert ImpactSurvey.objects.filter(
        manager=state.users["csc.manager"], status=SurveyStatus.MANAGER
    ).exists()
    assert selectors.trained_in(state.users["yjs.worker"], "aim3")
    assert selectors.trained_in(state.users["yjs.worker"], "aim_digital")
