"""The dashboard and downloads: aggregates for analysts and the business unit, never a name."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from safeguard.core.models import AgencyKind, Role
from safeguard.insight.forms import latest_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter():
    return latest_quarter(timezone.localdate())


@pytest.fixture
def named_child_record(partnership, quarter):
    """A contact, decided, about a child with a name nobody could miss."""
    child = partnership.person(given_name="Zebedee", family_name="Quillfeather")
    moment = f"{quarter.start.isoformat()} 10:00"
    partnership.contact(kind=AgencyKind.POLICE, received=moment, children=[child],
                        decided=f"{quarter.start.isoformat()} 15:00", level=4)  # fmt: skip
    partnership.missing(child=child, since=moment)
    return child


@pytest.fixture
def analyst(make_user):
    return make_user(Role.ANALYST)


class TestTheDashboard:
    def test_an_analyst_sees_figures_with_their_definitions(
        self, signed_in, analyst, named_child_record, quarter
    ):
        page = signed_in(analyst).get(reverse("insight:dashboard"))
        assert page.status_code == 200
        text = page.content.decode()
        assert quarter.title in text
        assert "Contacts and referrals by source" in text
        assert "Children in Need census referral source codes" in text  # the definition
        assert "Trends" in text

    def test_choosing_a_period_and_hiding_small_counts(
        self, signed_in, analyst, named_child_record, quarter
    ):
        page = signed_in(analyst).get(
            reverse("insight:dashboard"), {"period": quarter.label, "published": "on"}
        )
        assert page.status_code == 200
        assert 'id="published-note"' in page.content.decode()
        assert page.context["dataset"].published

    def test_a_period_not_in_the_list_gets_an_error_message_not_a_crash(self, signed_in, analyst):
        page = signed_in(analyst).get(reverse("insight:dashboard"), {"period": "1999Q9"})
        assert page.status_code == 200
        assert "Choose a quarter or financial year from the list" in page.content.decode()

    def test_a_quarter_with_no_records_says_so(self, signed_in, analyst, quarter):
        page = signed_in(analyst).get(reverse("insight:dashboard"))
        text = page.content.decode()
        assert 'id="no-records"' in text
        assert "No records in this period" in text
        assert "<table" in text  # the trends table only

    def test_contextual_figures_are_not_recorded_yet(self, signed_in, analyst):
        text = signed_in(analyst).get(reverse("insight:dashboard")).content.decode()
        try:
            import safeguard.contextual.selectors as contextual  # noqa: PLC0415

            has_figures = hasattr(contextual, "figures")
        except ImportError:
            has_figures = False
        if not has_figures:
            assert 'id="contextual-note"' in text
            assert "Not recorded yet" in text

    def test_the_business_unit_sees_it_and_a_practitioner_does_not(
        self, signed_in, make_user, practitioner
    ):
        business = make_user(Role.BUSINESS_UNIT)
        assert signed_in(business).get(reverse("insight:dashboard")).status_code == 200
        assert signed_in(practitioner).get(reverse("insight:dashboard")).status_code == 404
        download = reverse("insight:download-xlsx", args=["2026Q3"])
        assert signed_in(practitioner).get(download).status_code == 404

    def test_the_page_runs_a_bounded_number_of_queries(
        self, signed_in, analyst, named_child_record, django_assert_max_num_queries
    ):
        client = signed_in(analyst)
        client.get(reverse("insight:dashboard"))
        # The extract reads each operational table once, whatever the volume or periods.
        with django_assert_max_num_queries(32):
            client.get(reverse("insight:dashboard"))


class TestChartsReportAndComparison:
    def test_each_section_draws_its_trend_with_words_and_the_report_downloads(
        self, signed_in, analyst, named_child_record, quarter
    ):
        client = signed_in(analyst)
        text = client.get(reverse("insight:dashboard")).content.decode()
        assert 'id="frontdoor-chart"' in text
        assert '<img src="data:image/svg+xml;base64,' in text
        assert 'alt="Line chart, Contacts and referrals by source' in text
        assert 'id="download-pdf"' in text

        pdf = client.get(reverse("insight:download-pdf", args=[quarter.label]))
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        pages = PdfReader(io.BytesIO(pdf.content)).pages
        words = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
        assert "6: police 1" in words  # the one contact, from the police
        assert "Zebedee" not in words

    def test_comparison_figures_sit_beside_ours_in_the_trends(
        self, signed_in, make_user, analyst, named_child_record, quarter
    ):
        from safeguard.insight import services  # noqa: PLC0415

        services.comparison_upload(
            by=make_user(Role.BUSINESS_UNIT),
            filename="england.csv",
            content=f"measure key,period,area,value\nmissing.children,{quarter.label},England,4321\n".encode(),
            description="Published figures",
        )
        text = signed_in(analyst).get(reverse("insight:dashboard")).content.decode()
        assert "England: children missing" in text
        assert "4,321" in text


class TestNoChildReachesAnAnalyst:
    def test_no_insight_page_or_download_names_the_child(
        self, signed_in, analyst, named_child_record, quarter
    ):
        client = signed_in(analyst)
        label = quarter.label
        pages = [
            reverse("home"),
            reverse("insight:dashboard"),
            reverse("insight:dashboard") + f"?period={label}&published=on",
            reverse("insight:download-csv", args=[label]),
            reverse("insight:download-csv", args=[label]) + "?published=1",
            reverse("insight:download-xlsx", args=[label]),
        ]
        child = named_child_record
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.content
            for secret in (child.given_name, child.family_name, str(child.pk), child.pk.hex):
                assert secret.encode() not in body, (path, secret)

    def test_the_downloads_are_a_workbook_and_csv(
        self, signed_in, analyst, named_child_record, quarter
    ):
        client = signed_in(analyst)
        workbook = client.get(reverse("insight:download-xlsx", args=[quarter.label]))
        assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
        assert workbook.content[:2] == b"PK"
        sheet = client.get(reverse("insight:download-csv", args=[quarter.label]) + "?published=1")
        assert "published" in sheet["Content-Disposition"]
        assert sheet.content.decode().startswith("period,section,measure")


class TestTheAnalystsHomePage:
    def test_links_to_the_data_set_with_the_latest_quarters_headlines(
        self, signed_in, analyst, named_child_record, quarter
    ):
        text = signed_in(analyst).get(reverse("home")).content.decode()
        assert "The partnership data set will appear here" not in text
        assert 'id="insight-dashboard-link"' in text
        assert quarter.label in text
        assert 'id="insight-headlines"' in text
        assert "Decisions made within one working day" in text

    def test_the_headlines_are_kept_for_a_few_minutes_not_computed_on_every_load(
        self, signed_in, analyst, named_child_record, django_assert_max_num_queries
    ):
        client = signed_in(analyst)
        client.get(reverse("home"))
        with django_assert_max_num_queries(20):  # the extract alone reads over 20 tables
            text = client.get(reverse("home")).content.decode()
        assert 'id="insight-headlines"' in text
