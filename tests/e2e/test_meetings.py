"""A meeting in a real browser: the chair runs it, an absent school reads its one item's outcome.

The chair puts three items on the agenda (two children and a topic), records the
discussion, the child's voice, decisions and an action, invites the school for one
child only, records attendance and finalises. The school, which sent apologies, signs
in and sees only that child's outcome; the police officer who owns the action finds it
on My work. axe-core runs on every page; the journey uses keyboard-reachable controls.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.meetings.conftest import arrange_panel, build_partnership

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def _add_item(page, kind: str, title: str, child: str | None = None) -> None:
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Title", exact=True).fill(title)
    if child:
        page.get_by_label("Child", exact=True).select_option(label=child)
    page.get_by_role("button", name="Add the item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def _back_to_agenda(page) -> None:
    page.get_by_role("link", name="Back to the agenda").click()


@pytest.fixture
def panel(make_user):
    partnership = build_partnership(make_user)
    return partnership, arrange_panel(partnership)


def test_a_chair_runs_a_meeting_and_an_absent_agency_reads_its_items_outcome(page, sign_in, panel):
    p, meeting = panel
    sign_in(page, p.chair)
    page.get_by_role("link", name="Meetings", exact=True).click()
    # Setting up a recurring meeting: an empty form gives the GOV.UK error summary.
    page.get_by_role("link", name="Set up a recurring meeting").click()
    page.get_by_role("button", name="Set up the meetings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how often it meets")
    assert_accessible(page)
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Exploitation panel").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation panel")
    assert_accessible(page)

    # With the keyboard only, the chair moves the meeting to 15:00 the same day.
    page.get_by_role("link", name="Move this meeting").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Move Exploitation panel")
    assert_accessible(page)
    day = timezone.localtime(meeting.starts_at).date()
    page.locator("#id_date_day").focus()
    for value in (str(day.day), str(day.month), str(day.year), "15:00"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Meeting moved and every invited agency told")).to_be_visible()
    expect(page.locator("main")).to_contain_text("3:00pm")

    # Ava's item: discussion, her voice, a decision, an action, and the school invited for her.
    _add_item(page, "A child", "Missing twice this month", child="Ava Brook, born 17 May 2014")
    page.get_by_label("Discussion", exact=True).fill("Found at the retail park both times.")
    page.get_by_label("The child's voice").fill("Says she goes there to see friends.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Notes saved")).to_be_visible()
    page.get_by_label("Decision", exact=True).fill("Refer Ava to the exploitation team")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_label("What needs to be done?").fill("Visit the retail park with the youth team")
    page.get_by_label("Who owns the action?").select_option(label="Pat Officer, Police")
    due = timezone.localdate() + dt.timedelta(days=21)
    page.locator("#id_due_on_day").fill(str(due.day))
    page.locator("#id_due_on_month").fill(str(due.month))
    page.locator("#id_due_on_year").fill(str(due.year))
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_text("Action recorded")).to_be_visible()
    page.get_by_label("Agency", exact=True).select_option(label="Fulford School")
    page.get_by_role("button", name="Invite for this item").click()
    expect(page.get_by_text("Fulford School invited for this item")).to_be_visible()
    assert_accessible(page)

    # Noah's item and a topic.
    _back_to_agenda(page)
    _add_item(page, "A child", "Seen with older adults", child="Noah Stone, born 17 May 2014")
    page.get_by_label("The child's voice").fill("Did not want to talk today.")
    page.get_by_role("button", name="Save notes").click()
    page.get_by_label("Decision", exact=True).fill("Disrupt Noah's older contacts")
    page.get_by_role("button", name="Record the decision").click()
    _back_to_agenda(page)
    _add_item(page, "A topic", "Hotspot: the retail park")
    page.get_by_label("Decision", exact=True).fill("Ask for a joint patrol plan")
    page.get_by_role("button", name="Record the decision").click()

    # Attendance: the school sent apologies; then the minutes are finalised.
    _back_to_agenda(page)
    page.get_by_text("Record attendance").click()
    page.get_by_label("Children's social care").select_option(label="Attended")
    page.get_by_label("Police", exact=True).select_option(label="Attended")
    page.get_by_label("Fulford School").select_option(label="Apologies")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Finalise the minutes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Minutes: Exploitation panel")
    assert_accessible(page)
    # Final minutes: the meeting page offers no cancel or move, and the page says why.
    page.goto(f"/meetings/{meeting.reference}/")
    expect(page.get_by_role("link", name="Cancel this meeting")).to_have_count(0)
    expect(page.get_by_role("link", name="Move this meeting")).to_have_count(0)
    page.goto(f"/meetings/{meeting.reference}/cancel/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot cancel this meeting")
    expect(page.get_by_role("button", name="Cancel the meeting")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation panel")
    _sign_out(page)

    # The school was absent: it reads Ava's outcome, and nothing else.
    sign_in(page, p.teacher)
    page.goto(f"/meetings/{meeting.reference}/outcome/")
    expect(page.get_by_text("Refer Ava to the exploitation team")).to_be_visible()
    expect(page.get_by_text("Disrupt Noah's older contacts")).to_have_count(0)
    expect(page.get_by_text("Ask for a joint patrol plan")).to_have_count(0)
    expect(page.get_by_text("Fulford School's attendance: apologies")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # The action's owner finds it on My work.
    sign_in(page, p.officer)
    page.goto("/")
    expect(page.get_by_text("Complete an action from a meeting").first).to_be_visible()
    assert_accessible(page)
