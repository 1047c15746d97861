"""A merge is whole: a child in an open early help episode and a MASH contact is merged, then unmerged.

The episode stays visible to its lead practitioner and the contact to the
Multi-Agency Safeguarding Hub (MASH) throughout; an unrelated agency still gets
'Page not found'. Every page is checked with axe.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role
from safeguard.earlyhelp.models import Episode, EpisodeChild
from safeguard.frontdoor.models import Contact, ContactChild
from safeguard.people.models import Involvement, Person
from safeguard.records.models import LinkReview
from tests.factories import AgencyFactory, PersonFactory

from .axe import assert_accessible
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_as(browser, live_server, sign_in) -> Iterator[Callable[[Any], Any]]:
    """``open_as(user)``: a separate signed-in browser page for each person in the journey."""
    contexts = []

    def _open(user: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, user)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def family(make_user):
    mash = AgencyFactory(name="City of York Council MASH", is_mash=True)
    hub = AgencyFactory(name="Acomb Family Hub", kind=AgencyKind.VOLUNTARY)
    elsewhere = AgencyFactory(name="Harrogate Dental Practice", kind=AgencyKind.HEALTH_GP)
    worker = make_user(Role.MASH_WORKER, agency=mash, first_name="Morgan", last_name="Ashby")
    lead = make_user(Role.PRACTITIONER, agency=hub, first_name="Lena", last_name="Hart")
    stranger = make_user(Role.PRACTITIONER, agency=elsewhere)
    survivor = PersonFactory(
        given_name="Ava", family_name="Browne", date_of_birth=dt.date(2015, 4, 3)
    )
    merged = PersonFactory(given_name="Eva", family_name="Brown", date_of_birth=dt.date(2015, 4, 3))
    Involvement.objects.create(person=merged, agency=hub, started=dt.date(2025, 9, 1))
    episode = Episode.objects.create(
        reference="EH-MERGE-1",
        lead_agency=hub,
        lead_practitioner=lead,
        opened_on=dt.date(2025, 9, 1),
        opened_by=lead,
        reason="Help with school attendance",
    )
    EpisodeChild.objects.create(episode=episode, person=merged, added_on=dt.date(2025, 9, 1))
    contact = Contact.objects.create(
        reference="MASH-MERGE-1",
        received_at=timezone.now(),
        referrer=lead,
        referrer_agency=hub,
        referrer_name="Lena Hart",
        referrer_email="lena.hart@example.invalid",
        what_happened="Missed school for a week",
        child_voice="Said home is noisy at night",
        consent="given",
        decision_due_at=timezone.now() + dt.timedelta(days=1),
    )
    ContactChild.objects.create(contact=contact, person=merged)
    LinkReview.objects.create(
        kind=LinkReview.Kind.PEOPLE,
        person=survivor,
        candidate=merged,
        match_probability=0.93,
    )
    return {
        "worker": worker,
        "lead": lead,
        "stranger": stranger,
        "survivor": survivor,
        "merged": merged,
        "episode": episode,
        "contact": contact,
    }


def _everyone_still_sees_what_they_should(pages, family, child_name: str) -> None:
    episode_url = f"/early-help/{family['episode'].pk}/"
    contact_url = f"/mash/{family['contact'].reference}/"
    lead, mash, stranger = pages["lead"], pages["worker"], pages["stranger"]
    lead.goto(episode_url)
    expect(lead.locator("main")).to_contain_text(child_name)
    assert_accessible(lead)
    mash.goto(contact_url)
    expect(mash.locator("main")).to_contain_text(child_name)
    assert_accessible(mash)
    for url in (episode_url, contact_url):
        response = stranger.goto(url)
        assert response.status == 404
        expect(stranger.locator("h1")).to_have_text("Page not found")
    assert_accessible(stranger)


def test_a_merge_and_its_undo_never_hide_an_episode_or_a_contact(page, sign_in, open_as, family):
    worker = family["worker"]
    sign_in(page, worker)
    pages = {
        "worker": page,
        "lead": open_as(family["lead"]),
        "stranger": open_as(family["stranger"]),
    }
    _everyone_still_sees_what_they_should(pages, family, "Eva Brown")

    page.goto("/people/records/")
    # Ava is outside the MASH's access: the match opens once a reason is recorded.
    page.get_by_role("link", name=re.compile(r"^Compare ")).click()
    expect(page.locator("h1")).to_contain_text("Record why you need to look")
    assert_accessible(page)
    page.get_by_label("Why do you need to look at this record?").fill(
        "Resolving a possible duplicate record"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Are these the same person?")
    assert_accessible(page)
    page.get_by_label("Notes (optional)").fill("Same date of birth and school; name misspelt")
    page.get_by_role("button", name="Confirm: same person").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Linked as the same person")
    assert Person.objects.get(pk=family["merged"].pk).merged_into_id == family["survivor"].pk
    assert_accessible(page)

    # The episode and the contact now name the survivor, and stay visible.
    _everyone_still_sees_what_they_should(pages, family, "Ava Browne")

    page.goto("/people/records/")
    page.get_by_role("link", name=re.compile(r"^Undo merge of ")).click()
    assert_accessible(page)
    page.get_by_label("Why are you undoing this?").fill("Twins: checked with the school")
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("are separate people again")
    assert_accessible(page)

    _everyone_still_sees_what_they_should(pages, family, "Eva Brown")
    assert EpisodeChild.objects.get(episode=family["episode"]).person_id == family["merged"].pk
