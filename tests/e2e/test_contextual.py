"""Contextual safeguarding in a browser: a police concern about a place to the disruption meeting.

A police officer reports a concern about a place without naming a child and gets a
reference; the triage reaches the contextual safeguarding team's queue and is done. The
officer records a graded link (first with handling code C and no conditions: a GOV.UK
error), opens the place's network with its table alternative, and the monthly Child
Exploitation Disruption Meeting's chair finds the place and the concern suggested for the
agenda. Social care cannot read a person of concern's police-only notes. A second journey:
a police officer corrects a person of concern's notes with a reason, the police manager sees
the history and who read the notes, and social care gets neither. A third: social care
corrects a disruption action (re-aimed at a peer group, first without a reason) and a link's
summary, each with its history. axe-core runs on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.contextual import services
from safeguard.contextual.models import ContextConcern, Link
from safeguard.core.models import Role, TeamMembership
from safeguard.meetings.kinds import kind
from safeguard.meetings.models import Invitation, Meeting
from tests.contextual.conftest import build
from tests.factories import TeamFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def test_a_police_concern_about_a_place_reaches_the_disruption_meetings_agenda(
    page, sign_in, make_user
):
    w = build(make_user)
    spot = services.place_create(
        by=w.officer, name="Coppergate Centre", kind="shopping_centre", location="53.9576, -1.0805"
    )
    services.person_of_concern_create(
        by=w.officer, name="Kai Ward", intelligence_notes="Uses the Foss Islands car park"
    )
    start = timezone.now() + dt.timedelta(days=3)
    meeting = Meeting.objects.create(
        reference="MTG-CEDM-E2E",
        kind=kind("child-exploitation-disruption-meeting"),
        title="Child Exploitation Disruption Meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        chair=w.social_worker,
    )
    for agency in (w.police, w.csc):
        Invitation.objects.create(meeting=meeting, agency=agency)

    # 1. The officer reports a concern about the place from My work, naming no child.
    sign_in(page, w.officer)
    page.get_by_role("link", name="Report a concern about a place, group or online space").click()
    assert_accessible(page)
    page.get_by_label("A place or space").check()
    page.get_by_label("A place already recorded (optional)").select_option(
        label="Coppergate Centre"
    )
    page.get_by_label("What has happened, or what worries you?").fill(
        "Younger children given vapes by adults."
    )
    page.get_by_role("button", name="Send the concern").click()
    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    assert_accessible(page)
    concern = ContextConcern.objects.get()
    expect(page.locator("#reference")).to_have_text(concern.reference)

    # 2. A graded link: handling code C needs its conditions.
    page.goto(f"/contextual/links/new/?kind=child_place&place={spot.pk}")
    born = f", born {w.ava.date_of_birth:%-d %B %Y}" if w.ava.date_of_birth else ""
    page.get_by_label("Child", exact=True).select_option(label=f"Ava Tester{born}")
    page.get_by_label("What is known").fill("Seen at the centre late at night.")
    page.get_by_label("Which agency did the information come from?").select_option(
        label=w.police.name
    )
    day = timezone.localdate() - dt.timedelta(days=2)
    page.locator("#id_known_on_day").fill(str(day.day))
    page.locator("#id_known_on_month").fill(str(day.month))
    page.locator("#id_known_on_year").fill(str(day.year))
    page.get_by_label("1: Reliable").check()
    page.get_by_label("A: Known directly to the source").check()
    page.get_by_label("C: Lawful sharing permitted with conditions").check()
    page.get_by_role("button", name="Record the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the conditions for sharing")
    assert not Link.objects.exists()
    assert_accessible(page)
    page.get_by_label("Conditions for sharing").fill("Police and social care only")
    page.get_by_role("button", name="Record the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link graded 1-A-C")
    assert_accessible(page)

    # 3. The place's network, with the table alternative and the grade it used.
    page.goto(f"/contextual/places/{spot.pk}/network/?steps=2&grade=2-B")
    expect(page.locator("#grade-used")).to_contain_text("2-B or stronger")
    links_table = page.get_by_role("table", name="Every link in the network")
    expect(links_table).to_contain_text("Ava Tester")
    expect(links_table).to_contain_text("1-A-C")
    assert_accessible(page)
    _sign_out(page)

    # 4. The contextual safeguarding team finds the triage in its queue and takes it to the meeting.
    sign_in(page, w.social_worker)
    page.goto(f"/work/teams/{w.team.slug}/")
    expect(page.get_by_text("Triage a concern about a place or space").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"/contextual/concerns/{concern.reference}/")
    page.get_by_label("Take to the disruption meeting").check()
    page.get_by_role("button", name="Save the triage").click()
    expect(page.get_by_text("Concern triaged")).to_be_visible()
    assert_accessible(page)

    # 5. The disruption meeting's agenda suggests the place, the concern and nobody's name.
    page.goto(f"/meetings/{meeting.reference}/")
    suggestions = page.locator("#suggestions + p + table")
    expect(suggestions).to_contain_text("Place: Coppergate Centre")
    expect(suggestions).to_contain_text(f"Concern {concern.reference}")
    expect(suggestions).not_to_contain_text("Ava Tester")
    assert_accessible(page)

    # 6. Social care sees the person of concern, but not the police-only notes.
    page.goto("/contextual/persons/")
    page.get_by_role("link", name="Kai Ward").click()
    expect(page.locator("#police-only")).to_have_text("Not shown: police only")
    expect(page.get_by_text("Foss Islands")).to_have_count(0)
    assert_accessible(page)


def test_a_police_correction_shows_in_the_history_and_the_manager_sees_who_read_the_notes(
    page, sign_in, make_user
):
    w = build(make_user)
    kai = services.person_of_concern_create(
        by=w.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
    )
    manager = make_user(Role.PRACTITIONER, agency=w.police, first_name="Mo", last_name="Manager")
    team = TeamFactory(agency=w.police, name="Police intelligence")
    TeamMembership.objects.create(
        team=team, user=manager, is_manager=True, since=timezone.localdate()
    )

    # 1. The officer corrects the notes; a change without a reason is a GOV.UK error.
    sign_in(page, w.officer)
    page.goto(f"/contextual/persons/{kai.pk}/")
    page.get_by_role("link", name="Change the details of this person").click()
    assert_accessible(page)
    page.get_by_label("Intelligence notes (police only)").fill("Drives a red van")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are making this change"
    )
    assert_accessible(page)
    page.get_by_label("Why are you making this change?").fill("Seen in the red van on Friday")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Person of concern changed")).to_be_visible()
    history = page.locator("#history + table")
    expect(history).to_contain_text("Pat Officer")
    expect(history).to_contain_text("was “Drives a blue van”, now “Drives a red van”")
    assert_accessible(page)
    _sign_out(page)

    # 2. The police manager sees the history and who read the notes.
    sign_in(page, manager)
    page.goto(f"/contextual/persons/{kai.pk}/")
    expect(page.locator("#history + table")).to_contain_text("Seen in the red van on Friday")
    page.get_by_role("link", name="See who read the police-only notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who read the police-only notes")
    expect(page.locator("#notes-reads")).to_contain_text("Pat Officer")
    expect(page.get_by_text("Drives a red van")).to_have_count(0)
    assert_accessible(page)
    _sign_out(page)

    # 3. Social care sees that the notes changed, not what or why, and not who read them.
    sign_in(page, w.social_worker)
    page.goto(f"/contextual/persons/{kai.pk}/")
    expect(page.locator("#history + table")).to_contain_text("Not shown: police only")
    expect(page.get_by_text("red van")).to_have_count(0)
    expect(page.get_by_role("link", name="See who read the police-only notes")).to_have_count(0)
    response = page.goto(f"/contextual/persons/{kai.pk}/police-only/reads/")
    assert response is not None
    assert response.status == 403
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Only managers in the police agency that holds the notes"
    )
    assert_accessible(page)


def test_a_disruption_action_and_a_link_are_corrected_with_a_reason_and_a_history(
    page, sign_in, make_user
):
    w = build(make_user)
    spot = services.place_create(by=w.officer, name="Coppergate Centre", kind="shopping_centre")
    services.peer_group_create(by=w.officer, name="Skate park group")
    action = services.disruption_action_agree(
        by=w.officer,
        tool="patrols",
        description="Evening patrols Thursday to Saturday",
        owner_agency=w.police,
        due_on=timezone.localdate() + dt.timedelta(days=14),
        place=spot,
        children_at_risk_before=3,
    )
    joined = services.link_record(
        by=w.officer,
        kind="child_place",
        child=w.ava,
        place=spot,
        summary="Seen together several evenings",
        source_agency=w.police,
        known_on=timezone.localdate() - dt.timedelta(days=3),
        source_evaluation="2",
        assessment="B",
        handling_code="P",
    )

    # 1. Social care re-aims the action at the peer group; without a reason, a GOV.UK error.
    sign_in(page, w.social_worker)
    page.goto(f"/contextual/actions/{action.reference}/")
    page.get_by_role("link", name="Change what was agreed").click()
    assert_accessible(page)
    page.get_by_label("Place (optional)").select_option(label="No place")
    page.get_by_label("Peer group (optional)").select_option(label="Skate park group")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are making this change"
    )
    assert_accessible(page)
    page.get_by_label("Why are you making this change?").fill("The meeting meant the group")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Disruption action changed")).to_be_visible()
    history = page.locator("#history + table")
    expect(history).to_contain_text("was “Coppergate Centre”, now “Skate park group”")
    expect(history).to_contain_text("The meeting meant the group")
    assert_accessible(page)

    # 2. The link's summary is corrected; its ends and grade stay.
    page.goto(f"/contextual/links/{joined.pk}/")
    page.get_by_role("link", name="Change what is known or the date of the information").click()
    assert_accessible(page)
    page.get_by_label("What is known").fill("Seen there most Friday evenings")
    page.get_by_label("Why are you making this change?").fill("More exact")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Link changed")).to_be_visible()
    expect(page.locator("#history + table")).to_contain_text("More exact")
    expect(page.get_by_role("heading", level=1)).to_have_text("Link graded 2-B-P")
    assert_accessible(page)
