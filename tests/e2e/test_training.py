"""Training in a real browser: booking for the team, the waiting list, the register, evaluation.

A school's manager finds Training from My work and books a member of their team on the
last place of a session; a police officer gets the waiting list. The team member says
they cannot attend, which gives the officer the place. On a session held yesterday the
trainer ticks the register; the learner who came evaluates the course and downloads
their certificate. axe-core runs on every page; the register and the evaluation are
answered with the keyboard alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from safeguard.training import services
from safeguard.training.models import BookingStatus, Evaluation
from tests.training.conftest import build_partnership, make_session_for

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def test_booking_for_the_team_the_waiting_list_the_register_and_the_evaluation(
    page, sign_in, make_user
):
    p = build_partnership(make_user)
    coming = make_session_for(p.course, p.trainer, days=10, capacity=1)
    held = make_session_for(p.course, p.trainer, days=-1, capacity=10)
    before = held.starts_at - dt.timedelta(days=7)
    came = services.booking_create(by=p.colleague, session=held, learner=p.colleague, now=before)
    services.booking_create(by=p.officer, session=held, learner=p.officer, now=before)

    # The manager finds Training on My work and books Lee from their team.
    sign_in(page, p.manager)
    page.get_by_role("link", name="Multi-agency training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Multi-agency training")
    assert_accessible(page)
    page.get_by_role("link", name="Using the AIM3 assessment").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Using the AIM3 assessment")
    page.get_by_label("Who in your team is coming?").select_option(label="Lee Learner")
    page.get_by_role("button", name="Book for them").click()
    expect(page.get_by_text("Place booked: Lee Learner is booked on this session")).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # The officer finds the session full and joins the waiting list.
    sign_in(page, p.officer)
    page.goto(f"/training/sessions/{coming.pk}/")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("The session is full: You are on the waiting list")).to_be_visible()
    _sign_out(page)

    # Lee cannot attend after all: the place goes to the officer.
    sign_in(page, p.learner)
    page.goto("/training/")
    page.get_by_role("link", name="Using the AIM3 assessment").first.click()
    page.get_by_role("link", name="Cancel, or say you cannot attend").click()
    assert_accessible(page)
    page.get_by_label("I cannot attend").check()
    page.get_by_label("Reason (optional)").fill("Court hearing that day")
    page.get_by_role("button", name="Confirm").click()
    expect(
        page.get_by_text("Apologies recorded: the place is free for someone else")
    ).to_be_visible()
    assert coming.bookings.get(learner=p.officer).status == BookingStatus.BOOKED
    _sign_out(page)

    # The trainer ticks yesterday's register with the keyboard.
    sign_in(page, p.trainer)
    page.goto(f"/training/sessions/{held.pk}/")
    page.get_by_role("link", name="Open the register").click()
    assert_accessible(page)
    page.get_by_label("Cal Colleague").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save the register").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Register saved: 1 of 2 came")).to_be_visible()
    _sign_out(page)

    # Cal, who came, evaluates the course (keyboard only) and downloads the certificate.
    sign_in(page, p.colleague)
    page.goto("/training/")
    page.get_by_role("link", name="Evaluate Using the AIM3 assessment").click()
    page.get_by_role("button", name="Send your evaluation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    for element in (
        "the content of the course",
        "the trainer",
        "the materials and resources",
        "the overall quality",
    ):
        group = page.get_by_role("group", name=f"How would you rate {element}?")
        group.get_by_label("Very good").focus()
        page.keyboard.press("Space")
    page.get_by_role("group", name="How likely are you to change").get_by_label(
        "Likely", exact=True
    ).check()
    page.get_by_label("Anything else you want to tell us").fill("The case studies helped.")
    page.get_by_role("button", name="Send your evaluation").click()
    expect(page.get_by_text("Thank you: your evaluation is saved")).to_be_visible()
    assert Evaluation.objects.get(booking=came.booking).likelihood == 4
    with page.expect_download() as download:
        page.get_by_role("link", name="download your certificate").click()
    assert download.value.suggested_filename.startswith("certificate-")
    assert_accessible(page)
