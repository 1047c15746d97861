"""The insight output pages: census for the business unit only, measures, comparison uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safeguard.core.models import AuditEvent, Role
from safeguard.insight.comparison import comparison_for
from safeguard.insight.forms import latest_quarter
from safeguard.insight.models import ComparisonFigure, ComparisonUpload, MeasureValue
from safeguard.insight.types import Period

pytestmark = pytest.mark.django_db


class TestCensusPage:
    def test_an_analyst_is_forbidden_and_the_refusal_is_recorded(self, make_user, signed_in):
        analyst = make_user(Role.ANALYST)
        client = signed_in(analyst)

        assert client.get("/insight/census/").status_code == 403
        assert client.post("/insight/census/", {"year": "2026-27"}).status_code == 403
        assert AuditEvent.objects.filter(actor_id=analyst.pk, action="deny").count() == 2
        assert not AuditEvent.objects.filter(object_type="cin_census").exists()

    def test_the_business_unit_downloads_the_file(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))

        page = client.get("/insight/census/")
        assert page.status_code == 200
        assert b"Children in Need census" in page.content
        response = client.post("/insight/census/", {"year": "2026-27"})

        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="cin-census-2026-27.xml"'
        assert b"<ReferenceDate>2027-03-31</ReferenceDate>" in response.content
        assert AuditEvent.objects.filter(object_type="cin_census", action="export").count() == 1

    def test_a_quarter_is_refused_with_a_message(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))

        response = client.post("/insight/census/", {"year": "2026Q3"})

        assert response.status_code == 200
        assert b"Enter a financial year, like 2026-27" in response.content
        assert b"govuk-error-summary" in response.content


class TestMeasuresPages:
    def test_every_p_is_listed_with_record_keys_and_entered_values(self, make_user, signed_in):
        unit = make_user(Role.BUSINESS_UNIT)
        client = signed_in(unit)

        response = client.post(
            "/insight/measures/enter/",
            {
                "measure_key": "prepare.website_visits",
                "period": "2026Q3",
                "value": "12,345",
                "note": "Website analytics",
            },
        )
        assert response.status_code == 302
        page = client.get("/insight/measures/").content.decode()

        for heading in ("Prepare", "Prevent", "Protect", "Pursue"):
            assert f">{heading}</h2>" in page
        assert "12345 in 2026Q3" in page
        assert "missing.episodes" in page
        assert "From the data set" in page

    def test_a_new_value_replaces_the_old_and_both_stay_in_the_history(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))
        for value in ("40", "45"):
            client.post(
                "/insight/measures/enter/",
                {"measure_key": "prevent.school_attendance", "period": "2026Q2", "value": value},
            )

        assert "45% in 2026Q2" in client.get("/insight/measures/").content.decode()
        history = client.get("/insight/measures/enter/").content.decode()
        assert history.count("prevent.school_attendance") >= 2
        assert MeasureValue.objects.count() == 2
        assert AuditEvent.objects.filter(object_type="measure_value", action="create").count() == 2

    def test_bad_values_get_govuk_errors_and_nothing_is_saved(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))

        for data, message in (
            (
                {"measure_key": "prevent.school_attendance", "period": "2026Q2", "value": "lots"},
                "Value must be a number",
            ),
            (
                {"measure_key": "prevent.school_attendance", "period": "2026Q2", "value": "140"},
                "A percentage must be between 0 and 100",
            ),
            (
                {"measure_key": "prevent.school_attendance", "period": "2026-27", "value": "40"},
                "Enter a quarter, like 2026Q3",
            ),
            (
                {"measure_key": "missing.episodes", "period": "2026Q2", "value": "4"},
                "Choose a measure from the list",
            ),
        ):
            response = client.post("/insight/measures/enter/", data)
            assert response.status_code == 200
            assert message in response.content.decode()
            assert b"govuk-error-summary" in response.content
        assert MeasureValue.objects.count() == 0

    def test_a_measure_the_record_answers_shows_the_latest_quarters_figure(
        self, make_user, signed_in, partnership
    ):
        quarter = latest_quarter(timezone.localdate())
        for _ in range(2):
            partnership.missing(child=partnership.person(), since=f"{quarter.start} 10:00")
        page = signed_in(make_user(Role.ANALYST)).get("/insight/measures/").content.decode()
        row = page[page.index("Missing episodes<br>") :]
        row = row[: row.index("</tr>")]
        assert f"2 in {quarter.label}" in row
        assert 'href="/insight/#missing-episodes"' in row

    def test_an_analyst_reads_the_measures_but_cannot_enter(self, make_user, signed_in):
        client = signed_in(make_user(Role.ANALYST))

        page = client.get("/insight/measures/")
        assert page.status_code == 200
        assert b"Enter a quarter" not in page.content
        assert client.get("/insight/measures/enter/").status_code == 403
        assert client.get("/insight/comparison/").status_code == 403


def csv_file(text: str, name: str = "comparison.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


class TestComparisonPage:
    def test_a_good_file_is_stored_and_lines_up_with_the_quarters(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))
        response = client.post(
            "/insight/comparison/",
            {
                "file": csv_file(
                    "Measure key,Period,Area,Value\n"
                    "missing.episodes,2026Q2,England,1200\n"
                    'missing.episodes,2026Q3,England,"1,250"\n'
                    "missing.episodes,2026Q3,Statistical neighbours,98.5\n"
                ),
                "description": "Published figures",
            },
        )

        assert response.status_code == 302
        assert ComparisonFigure.objects.count() == 3
        periods = [Period.quarter(2026, 1), Period.quarter(2026, 2), Period.quarter(2026, 3)]
        assert comparison_for("missing.episodes", periods) == {
            "England": [None, 1200.0, 1250.0],
            "Statistical neighbours": [None, None, 98.5],
        }
        assert b"Published figures" in client.get("/insight/comparison/").content

    def test_a_newer_upload_wins_where_figures_overlap(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))
        for value in ("10", "11"):
            client.post(
                "/insight/comparison/",
                {
                    "file": csv_file(
                        f"measure key,period,area,value\nmissing.episodes,2026Q3,England,{value}\n"
                    )
                },
            )

        assert comparison_for("missing.episodes", ["2026Q3"]) == {"England": [11.0]}

    def test_wrong_columns_are_refused_and_nothing_is_saved(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))

        response = client.post(
            "/insight/comparison/", {"file": csv_file("measure,when,value\nx,2026Q3,1\n")}
        )

        assert response.status_code == 200
        assert b"The first row must name the columns" in response.content
        assert ComparisonUpload.objects.count() == 0

    def test_every_bad_row_is_listed_and_nothing_is_saved(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))

        response = client.post(
            "/insight/comparison/",
            {
                "file": csv_file(
                    "measure key,period,area,value\n"
                    "missing.episodes,2026Q3,England,12\n"
                    "missing.episodes,2026Q3,England,twelve\n"
                    "made.up,2026Q3,England,3\n"
                    "missing.episodes,last year,England,3\n"
                )
            },
        )

        page = response.content.decode()
        assert "Row 3: the value &#x27;twelve&#x27; is not a number." in page
        assert "Row 4: the measure key &#x27;made.up&#x27; is not in the data set." in page
        assert "Row 5: the period &#x27;last year&#x27; is not like 2026Q3 or 2026-27." in page
        assert "Fix the 3 problems listed and upload the file again" in page
        assert "govuk-error-summary" in page
        assert ComparisonUpload.objects.count() == 0
        assert ComparisonFigure.objects.count() == 0

    def test_a_file_that_is_not_text_is_refused(self, make_user, signed_in):
        client = signed_in(make_user(Role.BUSINESS_UNIT))
        upload = SimpleUploadedFile("figures.csv", b"PK\x03\x04binary", content_type="text/csv")

        response = client.post("/insight/comparison/", {"file": upload})

        assert b"The file must be a CSV file" in response.content
        assert ComparisonUpload.objects.count() == 0


class TestMyWork:
    def test_the_business_unit_finds_the_output_pages_from_my_work(self, make_user, signed_in):
        page = signed_in(make_user(Role.BUSINESS_UNIT)).get("/").content.decode()

        assert 'href="/insight/measures/"' in page
        assert 'href="/insight/comparison/"' in page
        assert 'href="/insight/census/"' in page
