"""The partnership data set in a browser: an analyst picks a quarter and takes the workbook.

The analyst signs in, follows the home page's link to the data set, chooses the quarter
before the latest one, sees its figures with what each counts beside them (and no child's
name), hides small counts as the published version does, and downloads the workbook,
which opens with the same figures. axe-core runs on the dashboard both ways.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from safeguard.core.models import AgencyKind, Role
from safeguard.insight.forms import latest_quarter
from tests.factories import UserFactory
from tests.insight.conftest import Partnership

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def test_an_analyst_picks_a_quarter_sees_its_figures_and_downloads_the_workbook(
    page, sign_in, tmp_path
):
    quarter = latest_quarter(timezone.localdate()).previous()
    built = Partnership()
    built.user = UserFactory(agency=built.agency(AgencyKind.CHILDRENS_SOCIAL_CARE))
    child = built.person(given_name="Zebedee", family_name="Quillfeather")
    received = f"{quarter.start.isoformat()} 10:00"
    for _ in range(7):
        built.contact(kind=AgencyKind.EDUCATION_SCHOOL, received=received, children=[child])
    analyst = UserFactory(roles=[Role.ANALYST])

    sign_in(page, analyst)
    page.get_by_role("link", name="Open the partnership data set").click()
    expect(page.get_by_role("heading", name="Partnership data set", level=1)).to_be_visible()
    page.get_by_label("Quarter or financial year").select_option(quarter.label)
    page.get_by_role("button", name="Show the figures").click()

    expect(page.locator(".govuk-caption-l")).to_have_text(quarter.title)
    sources = page.locator("#frontdoor-contacts-by-source")
    expect(sources.get_by_role("row", name="2A: schools")).to_contain_text("7")
    expect(sources.locator(".definition")).to_contain_text("referral source codes")
    expect(page.locator("main")).not_to_contain_text("Quillfeather")
    assert_accessible(page)

    page.get_by_label("Hide small counts, as in the published version").check()
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator("#published-note")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    path = tmp_path / "set.xlsx"
    download.value.save_as(path)
    rows = [tuple(r) for r in load_workbook(path)["Front door"].iter_rows(values_only=True)]
    assert ("2A: schools", 7, 0) in rows
