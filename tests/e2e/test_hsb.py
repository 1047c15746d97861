"""Harmful sexual behaviour in a browser: a school's concern to AIM3 and a strategy meeting.

The outcome of the strategy meeting reaches an agency that did not come.

The school's designated safeguarding lead records a concern (first without evidence for the
level: a GOV.UK error, nothing saved), naming the child who harmed and the child harmed with
their voices, and signs the child harmed may also be exploited; it is referred at once, and
the MASH is asked to screen her on the exploitation app's own page. The Youth Justice Service's harmful sexual behaviour
service sees the referral on My work, sees only the child referred to it (the other child is
"another child"), allocates a keyworker and completes an AIM3 assessment. Social care
arranges a strategy meeting from the concern, runs it and finalises the minutes; school
nursing, which did not attend, finds the outcome on My work. The exploitation app's page of
the child who harmed shows his open harmful sexual behaviour pathway to the service, and
nothing of it to housing, which was shared only chosen entries of his record; the harmful
sexual behaviour pages refuse housing ("You do not have permission to see this page") while
the service, which reads his whole record, gets in. axe-core runs on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import Role, TeamMembership
from safeguard.hsb.models import Concern
from safeguard.meetings.models import Meeting, OutcomeNotice
from safeguard.people.models import AccessGrant
from tests.factories import AccessGrantFactory, AgencyFactory
from tests.hsb.conftest import build_partnership, train

from .axe import assert_accessible

pytestmark = pytest.mark.e2e

FORMULATION = {
    "Sexual behaviours": "Touched a younger pupil twice after being told to stop.",
    "Non-sexual behaviours": "Impulsive; kind to his brother.",
    "Development": "Speech and language needs.",
    "Family and environment": "Unsupervised phone at night.",
    "Self-regulation": "Calms with a trusted adult.",
    "Case formulation: what the pattern means for this child": "Curiosity shaped by pornography seen online.",
    "Plan: what will help, and who will do it": "Weekly sessions; parents' online safety plan.",
}


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def _date(page, prefix: str, day: dt.date) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(day.day))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_year").fill(str(day.year))


def _born(person) -> str:
    return f"{person.given_name} {person.family_name}, born {person.date_of_birth:%-d %B %Y}"


def test_a_schools_concern_reaches_an_aim3_assessment_and_a_strategy_meetings_outcome(
    page, sign_in, make_user
):
    p = build_partnership(make_user)
    TeamMembership.objects.filter(team=p.hsb_team, user=p.yjs_worker).update(is_manager=True)
    train(p.yjs_worker)
    today = timezone.localdate()

    # 1. The school records the concern at the time it is worried.
    sign_in(page, p.teacher)
    page.get_by_role("link", name="Record a concern about a child's sexual behaviour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record a concern about sexual behaviour"
    )
    assert_accessible(page)
    page.get_by_label("Child", exact=True).select_option(label=_born(p.leo))
    page.locator("#id_child_role_1").check()  # the child who harmed
    page.get_by_label("The child's voice", exact=True).fill("Said it was a game.")
    page.get_by_label("Another child involved (optional)").select_option(label=_born(p.mia))
    page.locator("#id_other_role_0").check()  # the child harmed
    page.get_by_label("The other child's voice").fill("Said she felt scared.")
    page.get_by_label("There are signs the other child may also be being exploited").check()
    _date(page, "noticed_on", today)
    page.get_by_label("What happened").fill("Seen touching a younger pupil in the toilets.")
    page.locator("#id_level_2").check()  # problematic
    page.locator("#id_light_1").check()  # amber
    page.get_by_label("What did you do straight away to keep the children safe?").fill(
        "Separated them and told both families."
    )
    page.get_by_role("button", name="Record the concern").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the evidence for the level you chose"
    )
    assert Concern.objects.count() == 0
    assert_accessible(page)
    page.get_by_label("Evidence for the level").fill("Repeated after being told to stop.")
    page.get_by_role("button", name="Record the concern").click()
    expect(page.get_by_text("Concern recorded and referred")).to_be_visible()
    expect(page.locator("#time-to-referral")).to_contain_text("after the behaviour was noticed")
    expect(
        page.get_by_text("Yes: the Multi-Agency Safeguarding Hub (MASH) was asked to screen")
    ).to_be_visible()
    assert_accessible(page)
    concern = Concern.objects.get()
    _sign_out(page)

    # 1b. The MASH is asked to screen Mia for exploitation, on the exploitation app's own page.
    sign_in(page, p.mash_worker)
    page.get_by_role(
        "link", name="Screen a child for exploitation (signs in a sexual behaviour concern)"
    ).first.click()
    page.get_by_role("link", name="its own page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen for exploitation")
    expect(page.get_by_text("Mia Shaw").first).to_be_visible()
    assert_accessible(page)
    _sign_out(page)

    # 2. The harmful sexual behaviour service: the referral on My work, only its own child.
    sign_in(page, p.yjs_worker)
    expect(
        page.get_by_text("Allocate a keyworker for a harmful sexual behaviour referral").first
    ).to_be_visible()
    page.goto(f"/harmful-sexual-behaviour/concerns/{concern.reference}/")
    expect(page.get_by_text("Another child (you cannot see their record)")).to_be_visible()
    expect(page.get_by_text("Mia Shaw")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Leo Hart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Hart")
    assert_accessible(page)  # the service reads his whole record (its referral share)
    page.get_by_role("link", name="Allocate a keyworker (child who harmed)").click()
    page.get_by_label("Keyworker").select_option(label="Robin Castle, Youth Justice Service")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("Keyworker allocated")).to_be_visible()
    page.get_by_role("link", name="Start an AIM assessment").click()
    assert_accessible(page)
    page.get_by_label("AIM3", exact=True).check()
    page.get_by_label("Preventative (with consent)").check()
    _date(page, "started_on", today)
    for label, text in FORMULATION.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_text("Assessment recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1 (current)")).to_be_visible()
    assert_accessible(page)

    # 2b. The exploitation app's page of Leo shows the service his open pathway, linked.
    page.goto(f"/exploitation/panel/children/{p.leo.pk}/")
    card = page.locator(".govuk-summary-card", has_text="Harmful sexual behaviour")
    expect(card).to_contain_text(
        "This child has an open harmful sexual behaviour pathway as a child who harmed."
    )
    expect(card).to_contain_text("Keyworker: Robin Castle")
    expect(card).to_contain_text("Highest level on the continuum: Problematic")
    assert_accessible(page)
    card.get_by_role("link", name="Open the child's harmful sexual behaviour page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Hart")
    _sign_out(page)

    # 2c. Housing, shared only chosen entries of Leo's record, sees his exploitation page
    # and nothing of harmful sexual behaviour.
    housing = AgencyFactory(name="Housing")
    housing_officer = make_user(Role.PRACTITIONER, agency=housing, first_name="Hal")
    AccessGrantFactory(person=p.leo, agency=housing, scope=AccessGrant.Scope.ENTRIES)
    sign_in(page, housing_officer)
    page.goto(f"/exploitation/panel/children/{p.leo.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Hart")
    expect(page.get_by_text("harmful sexual behaviour", exact=False)).to_have_count(0)
    assert_accessible(page)
    # Nor do the harmful sexual behaviour pages open to chosen entries: the standard refusal.
    for url in (
        f"/harmful-sexual-behaviour/children/{p.leo.pk}/",
        f"/harmful-sexual-behaviour/concerns/{concern.reference}/",
    ):
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 403, url
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You do not have permission to see this page"
        )
        expect(page.get_by_text("Said it was a game")).to_have_count(0)
        assert_accessible(page)
    _sign_out(page)

    # 3. Social care arranges the strategy meeting from the concern and finalises its minutes.
    sign_in(page, p.social_worker)
    page.goto(f"/harmful-sexual-behaviour/concerns/{concern.reference}/")
    page.get_by_role("link", name="Arrange a strategy meeting about this concern").click()
    day = today + dt.timedelta(days=7)
    _date(page, "date", day)
    page.get_by_label("Start time").fill("10:00")
    for agency in ("Children's social care", "Police", "School nursing", "Youth Justice Service"):
        page.get_by_label(agency, exact=True).check()
    page.get_by_role("button", name="Arrange the meeting").click()
    expect(page.get_by_text("Strategy meeting arranged and invitations sent")).to_be_visible()
    assert_accessible(page)
    meeting = Meeting.objects.get()
    for item in meeting.items.order_by("order"):
        page.get_by_role("link", name=item.title).click()
        page.get_by_label("The child's voice").fill("Heard through the school.")
        page.get_by_role("button", name="Save notes").click()
        expect(page.get_by_text("Notes saved")).to_be_visible()
        page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_text("Record attendance").click()
    page.get_by_label("Children's social care").select_option(label="Attended")
    page.get_by_label("Police", exact=True).select_option(label="Attended")
    page.get_by_label("Youth Justice Service").select_option(label="Attended")
    page.get_by_label("School nursing").select_option(label="Did not attend")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    page.get_by_role("button", name="Finalise the minutes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Minutes")
    assert_accessible(page)
    _sign_out(page)

    # 4. School nursing did not come: the outcome is on its My work, and opening it is the receipt.
    sign_in(page, p.nurse)
    expect(page.get_by_text("Read a changed outcome").first).to_be_visible()
    page.goto(f"/meetings/{meeting.reference}/outcome/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    notice = OutcomeNotice.objects.get(meeting=meeting, agency=p.health)
    assert notice.opened_by == p.nurse
