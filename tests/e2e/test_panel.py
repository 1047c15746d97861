"""The risk panel in a browser: a screened child reaches the panel, which decides; the nurse sees only the flag.

A social worker's screening puts the child on the next panel's suggested agenda. The
chair adds the child, records the decision (criminal exploitation, moderate risk, a
plan, the lead professional, a review date and an action) and signs it off. The
school nurse finds "A child is flagged to health services" in My work and opens the
flag: since when, and the lead professional's contact, nothing about the risk or the
plan. axe-core runs on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.exploitation.models.panel import RiskLevel
from safeguard.exploitation.panel import services
from tests.exploitation.panel_world import build_world

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def test_a_screened_child_reaches_the_panel_which_decides_and_the_nurse_sees_only_the_flag(
    page, sign_in, make_user
):
    w = build_world(make_user)
    services.screening_record(
        by=w.worker,
        person=w.child,
        screened_on=timezone.localdate(),
        indicators={
            "county_lines": {"when": "current", "evidence": "Found in Scarborough with cash"},
            "missing": {"when": "current", "evidence": "Missing three nights this month"},
        },
        incidents=[],
        incident_detail="",
        judgement="Being drawn into a county line by older boys.",
        judgement_level=RiskLevel.SIGNIFICANT,
    )

    # The chair finds the child suggested for the next panel and adds them.
    sign_in(page, w.chair)
    page.goto("/exploitation/panel/")
    assert_accessible(page)
    page.get_by_role("link", name="Child Exploitation Risk Assessment Panel").first.click()
    expect(page.get_by_text("New screening (emerging risk)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("Child added to the agenda")).to_be_visible()

    # The decision: the review date defaults to six weeks after the panel.
    page.get_by_role("link", name="Record the decision").click()
    assert_accessible(page)
    page.get_by_label("Child criminal exploitation (CCE)").check()
    page.get_by_label("Moderate risk").check()
    page.get_by_label("The plan").fill(
        "Disrupt the line; weekly visits; a trusted adult at school."
    )
    page.get_by_label("Lead professional").select_option(
        label="Sam Social, Social worker (City social care)"
    )
    page.get_by_label("Action 1: what needs to be done").fill("Share intelligence about the line.")
    page.get_by_label("Action 1: who").select_option(label="Pat Officer (County police)")
    due = timezone.localdate() + dt.timedelta(days=10)
    group = page.get_by_role("group", name="Action 1: due by")
    group.get_by_label("Day").fill(str(due.day))
    group.get_by_label("Month").fill(str(due.month))
    group.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Waiting for the chair to sign off")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("I have checked the decision and sign it off as the panel's chair").check()
    page.get_by_role("button", name="Sign off the decision").click()
    expect(page.get_by_text("Decision signed off")).to_be_visible()
    expect(page.get_by_role("table", name="History of the level")).to_contain_text("Moderate risk")
    assert_accessible(page)
    _sign_out(page)

    # The school nurse: a flag in the team's queue, and nothing more than the flag.
    sign_in(page, w.nurse)
    page.get_by_role("link", name="Note a child flagged to health services").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Health flag").click()
    expect(page.get_by_role("heading", name="There is a flag")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Sam Social")
    expect(main).to_contain_text("01904 555 000")
    for secret in ("Moderate", "criminal", "county line", "Disrupt", "Ava"):
        expect(main).not_to_contain_text(secret)
    assert_accessible(page)
