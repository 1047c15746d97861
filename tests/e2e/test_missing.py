"""A missing child in a real browser: the police record it, the school hears, the interview is held.

The police officer records Mia missing; the school's designated safeguarding lead
finds the notice on My work and reads which pupil and whom to contact (never the
details), and the email the school got carries no details either. The officer
records Mia's return; a social worker finds the return home interview on My work,
offers it with an independent interviewer, records Mia's acceptance and what she
said. axe-core runs on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.clock import UK
from safeguard.core.models import OutboxMessage
from safeguard.exploitation.models import MissingEpisode
from tests.exploitation.missing_fixtures import build_missing

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _sign_out(page) -> None:
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Sign out"
    ).click()
    page.context.clear_cookies()


def _moment(page, name: str, moment: dt.datetime) -> None:
    local = timezone.localtime(moment, UK)
    page.locator(f"#id_{name}_date_day").fill(str(local.day))
    page.locator(f"#id_{name}_date_month").fill(str(local.month))
    page.locator(f"#id_{name}_date_year").fill(str(local.year))
    page.locator(f"#id_{name}_time").fill(f"{local:%H:%M}")


def test_police_record_a_missing_child_the_school_is_told_and_the_interview_is_held(
    page, sign_in, make_user
):
    m = build_missing(make_user)
    now = timezone.now()

    # The police record Mia missing.
    sign_in(page, m.officer)
    page.goto("/exploitation/missing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Missing children")
    assert_accessible(page)
    page.get_by_role("link", name="Record a missing child").click()
    page.get_by_label("Which child?").select_option(label="Mia Hart, born 4 May 2011")
    page.get_by_label("Missing from home", exact=True).check()
    _moment(page, "missing_since", now - dt.timedelta(hours=5))
    _moment(page, "reported_at", now - dt.timedelta(hours=4))
    page.get_by_label("Where was the child last seen?").fill("Clifton Moor retail park")
    page.get_by_label("Who were they with? (optional)").fill("A man in a grey car")
    page.get_by_label("Who reported the child missing?").fill("Jo Hart")
    page.get_by_label("How do they know the child?").select_option(label="Parent or family")
    page.get_by_label("High risk", exact=True).check()
    page.get_by_role("button", name="Record the missing child").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missing episode MIS-")
    expect(page.get_by_text("Fulford School told the pupil was missing")).to_be_visible()
    assert_accessible(page)
    episode = MissingEpisode.objects.get()
    _sign_out(page)

    # The school's email says that a pupil is missing and whom to contact: nothing more.
    email = OutboxMessage.objects.get(kind="exploitation.school_notice")
    for detail in ("Mia", "Hart", "retail park", "grey car", "High"):
        assert detail not in email.subject + email.body
    assert episode.reference in email.body

    # The designated safeguarding lead finds the notice on My work and reads it.
    sign_in(page, m.dsl)
    page.get_by_role("link", name="Read a notice about a missing pupil").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Read a notice about a missing pupil")
    page.get_by_role("link", name=f"Missing episode {episode.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A pupil has been reported missing")
    expect(page.get_by_text("Mia Hart, born 4 May 2011")).to_be_visible()
    expect(page.get_by_text("retail park")).to_have_count(0)
    assert_accessible(page)
    _sign_out(page)

    # The police record her return.
    sign_in(page, m.officer)
    page.goto(f"/exploitation/missing/{episode.reference}/")
    page.get_by_role("link", name="Record the return").click()
    _moment(page, "returned_at", now - dt.timedelta(hours=1))
    page.get_by_label("Where was the child found?").fill("A flat on Bishopthorpe Road")
    page.get_by_label("Who found the child, or did they come back themselves?").fill("PC 123")
    assert_accessible(page)
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text("Return recorded")).to_be_visible()
    _sign_out(page)

    # A social worker offers the interview from the team's queue and records it.
    sign_in(page, m.worker)
    page.get_by_role("link", name="Offer a return home interview").first.click()
    page.get_by_role("link", name=f"Missing episode {episode.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Missing episode {episode.reference}"
    )
    page.get_by_label("Who will hold the interview?").select_option(
        label="Ira Independent (Children's social care)"
    )
    _moment(page, "offered_at", now - dt.timedelta(minutes=30))
    page.get_by_role("button", name="Offer the interview").click()
    expect(page.get_by_text("Return home interview offered")).to_be_visible()
    page.get_by_label("Yes, they accepted").check()
    _moment(page, "answered_at", now - dt.timedelta(minutes=20))
    page.get_by_role("button", name="Record the answer").click()
    _moment(page, "held_at", now - dt.timedelta(minutes=5))
    page.get_by_label("What did the child say?").fill("I went to see a friend; I was scared.")
    page.get_by_role("button", name="Record the interview").click()
    expect(page.get_by_text("Return home interview recorded")).to_be_visible()
    expect(page.get_by_text("I went to see a friend; I was scared.")).to_be_visible()
    assert_accessible(page)
    episode.return_interview.refresh_from_db()
    assert episode.return_interview.status == "completed"
