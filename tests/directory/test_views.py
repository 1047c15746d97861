"""The business unit's pages: services, import and export, news and events, campaigns, newsletter."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeguard.core.models import Role
from safeguard.directory.models import Campaign, NewsItem, Service

from .conftest import YORK_FILE

pytestmark = pytest.mark.django_db

PAGES = [
    "/directory/services/",
    "/directory/services/new/",
    "/directory/import/",
    "/directory/export/",
    "/directory/news/",
    "/directory/news/new/",
    "/directory/events/new/",
    "/directory/awareness/new/",
    "/directory/campaigns/new/",
    "/directory/newsletter/",
]


class TestWhoMayEdit:
    @pytest.mark.parametrize(
        "role", [Role.PRACTITIONER, Role.MASH_MANAGER, Role.ANALYST, Role.SYSTEM_ADMINISTRATOR]
    )
    def test_other_roles_get_page_not_found(self, make_user, signed_in, role):
        client = signed_in(make_user(role))
        for path in PAGES:
            assert client.get(path).status_code == 404, path

    def test_the_business_unit_opens_every_page(self, signed_in, business_unit, york):
        client = signed_in(business_unit)
        for path in PAGES:
            assert client.get(path).status_code == 200, path

    def test_everyone_signed_in_sees_the_campaigns_for_the_subgroups(
        self, make_user, signed_in, business_unit
    ):
        client = signed_in(business_unit)
        client.post(
            "/directory/campaigns/new/",
            {
                "title": "Think, spot, speak out",
                "subgroup": "Child exploitation subgroup",
                "aims": "Spot the signs.",
                "starts_on_day": "1",
                "starts_on_month": "3",
                "starts_on_year": "2025",
                "ends_on_day": "31",
                "ends_on_month": "3",
                "ends_on_year": "2025",
                "channels": ["social_media", "schools"],
                "evaluation_report": "Reached 21,000.",
            },
        )
        assert Campaign.objects.get().channels == ["social_media", "schools"]
        text = signed_in(make_user(Role.PRACTITIONER)).get("/directory/").content.decode()
        assert "Child exploitation subgroup" in text
        assert "Reached 21,000." in text
        assert "Social media, Schools and colleges" in text


class TestServices:
    def test_adding_a_service_shows_it_publicly(self, signed_in, business_unit, client):
        response = signed_in(business_unit).post(
            "/directory/services/new/",
            {
                "organisation_name": "York Young Carers",
                "name": "Young carers support",
                "description": "Breaks and support for young carers.",
                "status": "active",
                "minimum_age": "8",
                "maximum_age": "18",
                "needs": ["family_information"],
                "areas": "City of York",
                "application_process": "Phone us.",
            },
        )
        assert response.status_code == 302
        assert "Young carers support" in client.get("/services/").content.decode()

    def test_an_oldest_age_below_the_youngest_is_an_error(self, signed_in, business_unit):
        response = signed_in(business_unit).post(
            "/directory/services/new/",
            {
                "organisation_name": "X",
                "name": "Y",
                "description": "Z",
                "status": "active",
                "minimum_age": "12",
                "maximum_age": "5",
                "needs": ["parenting"],
                "areas": "York",
                "application_process": "Ask.",
            },
        )
        assert response.status_code == 400
        assert (
            "Oldest age must be the same as or more than youngest age" in response.content.decode()
        )
        assert Service.objects.count() == 0

    def test_a_bad_file_lists_what_is_wrong_and_a_good_one_imports(self, signed_in, business_unit):
        client = signed_in(business_unit)
        data = json.loads(YORK_FILE.read_text())
        data[0]["status"] = "open"
        bad = client.post(
            "/directory/import/",
            {"file": SimpleUploadedFile("bad.json", json.dumps(data).encode())},
        )
        assert bad.status_code == 400
        text = bad.content.decode()
        assert "it has 1 problem, listed below" in text
        assert "the status &#x27;open&#x27; must be one of" in text
        assert Service.objects.count() == 0
        good = client.post(
            "/directory/import/", {"file": SimpleUploadedFile("york.json", YORK_FILE.read_bytes())}
        )
        assert good.status_code == 302
        assert Service.objects.count() == 7

    def test_the_export_downloads_open_referral_json(self, signed_in, business_unit, york):
        response = signed_in(business_unit).get("/directory/export/")
        assert response["Content-Disposition"].startswith('attachment; filename="services-')
        assert len(json.loads(response.content)) == 7


class TestNews:
    def test_a_news_item_is_public_from_its_publish_date(self, signed_in, business_unit, client):
        staff = signed_in(business_unit)
        for title, year in (("Published", "2024"), ("Not yet", "2099")):
            staff.post(
                "/directory/news/new/",
                {
                    "title": title,
                    "summary": "One line.",
                    "body": "Text.",
                    "category": "partnership",
                    "published_on_day": "1",
                    "published_on_month": "2",
                    "published_on_year": year,
                },
            )
        assert NewsItem.objects.count() == 2
        text = client.get("/news/").content.decode()
        assert "Published" in text
        assert "Not yet" not in text
        assert client.get(f"/news/{NewsItem.objects.get(title='Not yet').slug}/").status_code == 404

    def test_an_event_that_ends_before_it_starts_is_an_error(self, signed_in, business_unit):
        response = signed_in(business_unit).post(
            "/directory/events/new/",
            {
                "title": "Briefing",
                "kind": "briefing",
                "description": "About.",
                "date_day": "1",
                "date_month": "6",
                "date_year": "2030",
                "start": "14:00",
                "end": "13:00",
                "location": "Online",
            },
        )
        assert response.status_code == 400
        assert "End time must be after the start time" in response.content.decode()


class TestNewsletterPages:
    def test_compose_edit_and_send_from_the_pages(self, signed_in, business_unit):
        client = signed_in(business_unit)
        response = client.post(
            "/directory/newsletter/", {"month_day": "1", "month_month": "3", "month_year": "2026"}
        )
        assert response.status_code == 302
        issue_url = response["Location"]
        assert client.post(issue_url, {"subject": "March", "body": "Hello."}).status_code == 302
        sent = client.post(issue_url + "send/", follow=True)
        assert "The newsletter is on its way to 0 subscribers." in sent.content.decode()
        again = client.post(issue_url + "send/", follow=True)
        assert "This issue has already been sent." in again.content.decode()
