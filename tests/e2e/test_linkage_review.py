"""The person in the loop: import an agency's records, decide an uncertain match, undo it (axe clean)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role
from safeguard.records import scoring
from safeguard.records.models import AgencyRecord, LinkStatus
from safeguard.records.services import records_import_file
from tests.factories import AgencyFactory, PersonFactory
from tests.records.conftest import StandInScorer
from tests.records.helpers import csv_bytes

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def setting(monkeypatch, make_user):
    monkeypatch.setattr(scoring, "get_scorer", StandInScorer)
    mash = AgencyFactory(name="City of York Council MASH", is_mash=True)
    police = AgencyFactory(name="North Yorkshire Police", kind=AgencyKind.POLICE)
    worker = make_user(Role.MASH_WORKER, agency=mash, first_name="Morgan", last_name="Ashby")
    william = PersonFactory(
        given_name="William", family_name="Taylor", date_of_birth=dt.date(2015, 4, 3)
    )
    records_import_file(
        by=worker,
        agency=police,
        file_name="police.csv",
        content=csv_bytes(
            [["NYP-1", "Billy", "Taylor", "04/03/2015", "M", "3 Old Road", "YO1 1AA", ""]]
        ),
    )
    return worker, police, william


def test_a_mash_worker_confirms_an_uncertain_match_and_undoes_it(page, sign_in, setting):
    worker, _police, william = setting
    sign_in(page, worker)
    page.get_by_role("link", name="Match records").click()
    expect(page.locator("h1")).to_have_text("Match agency records")
    expect(page.locator("#queue-size")).to_contain_text(
        "1 pair of records waits for a person. Clearing them takes about 3 minutes"
    )
    expect(page.get_by_role("table").first).to_contain_text("Billy Taylor")
    assert_accessible(page)

    # William is outside the MASH's access: he is named only once a reason is recorded.
    expect(page.get_by_role("table").first).not_to_contain_text("William Taylor")
    page.get_by_role(
        "link", name="Compare Billy Taylor with someone your agency is not working with"
    ).click()
    expect(page.locator("h1")).to_have_text("Record why you need to look at this person's record")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need to look at this record?").fill(
        "Checking the police extract against our records"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Are these the same person?")
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Different")
    assert_accessible(page)

    page.get_by_label("Notes (optional)").fill("Same school, nickname for William")
    page.get_by_role("button", name="Confirm: same person").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Linked as the same person")
    assert AgencyRecord.objects.get().person_id == william.pk
    assert_accessible(page)

    page.get_by_role("link", name="Undo link of Billy Taylor").click()
    assert_accessible(page)
    page.get_by_role("button", name="Undo the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are undoing this")
    assert_accessible(page)
    page.get_by_label("Why are you undoing this?").fill(
        "A different child: checked with the school"
    )
    page.get_by_role("button", name="Undo the link").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The link has been undone")
    record = AgencyRecord.objects.get()
    assert record.link_status == LinkStatus.NEW_PERSON
    assert record.person_id != william.pk


def test_a_mash_worker_imports_an_extract_through_the_pages(page, sign_in, setting, tmp_path):
    worker, _police, _william = setting
    path = tmp_path / "school.csv"
    path.write_bytes(
        csv_bytes(
            [
                ["S1", "William", "Taylor", "03/04/2015", "M", "", "YO1 1AA", ""],
                ["S2", "Leo", "", "31/02/2013", "M", "", "", ""],
            ]
        )
    )
    sign_in(page, worker)
    page.goto("/people/records/import/")
    assert_accessible(page)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the agency whose records these are"
    )
    assert_accessible(page)
    page.get_by_label("Whose records are these?").select_option(label="North Yorkshire Police")
    page.get_by_label("Upload a file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("h1")).to_have_text("Match the columns")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check the rows before importing")
    expect(page.locator("body")).to_contain_text("is not a real date")
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Import complete")
    assert_accessible(page)


def test_the_queue_is_not_found_for_a_practitioner(page, sign_in, setting, make_user):
    sign_in(page, make_user(Role.PRACTITIONER))
    response = page.goto("/people/records/")
    assert response.status == 404
