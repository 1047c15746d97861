"""The open Open Referral UK API: no keys, the CORS header, paging as the validator expects."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguard.directory.models import Service, ServiceStatus
from safeguard.directory.needs import BY_CODE

pytestmark = pytest.mark.django_db

PAGING = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


def get(client: Client, path: str, **params) -> tuple[int, dict]:
    response = client.get(path, params)
    assert response["Access-Control-Allow-Origin"] == "*", path
    assert response["Content-Type"].startswith("application/json")
    assert not response.cookies
    return response.status_code, response.json()


class TestTheIndex:
    def test_it_names_the_standard_and_profile(self, client):
        status, data = get(client, "/openreferral/")
        assert status == 200
        assert data["version"] == "HSDS 3.0"
        assert data["profile"].startswith("https://")
        assert data["openapi_url"].endswith("openapi.json")


class TestServicePages:
    def test_the_paging_fields_come_first_then_the_contents(self, client, york):
        status, data = get(client, "/openreferral/services")
        assert status == 200
        assert list(data) == PAGING
        assert data["total_items"] == 7
        assert (data["total_pages"], data["page_number"], data["size"]) == (1, 1, 7)
        assert data["first_page"]
        assert data["last_page"]
        assert not data["empty"]
        assert {"id", "organization_id", "name", "status"} <= set(data["contents"][0])

    def test_pages_of_three_walk_through_every_service_once(self, client, york):
        seen = []
        for page in (1, 2, 3):
            _status, data = get(client, "/openreferral/services", page=page, per_page=3)
            assert data["total_pages"] == 3
            assert data["page_number"] == page
            assert data["first_page"] == (page == 1)
            assert data["last_page"] == (page == 3)
            seen += [s["id"] for s in data["contents"]]
        assert len(seen) == len(set(seen)) == 7
        _status, beyond = get(client, "/openreferral/services", page=4, per_page=3)
        assert beyond["contents"] == []
        assert beyond["size"] == 0
        assert not beyond["empty"]

    def test_an_empty_directory_says_empty(self, client, db):
        _status, data = get(client, "/openreferral/services")
        assert data["empty"] is True
        assert data["total_items"] == 0
        assert data["total_pages"] == 1
        assert data["contents"] == []

    @pytest.mark.parametrize(
        "query",
        [
            {"page": "0"},
            {"page": "two"},
            {"per_page": "1000"},
            {"age": "-1"},
            {"modified_after": "soon"},
        ],
    )
    def test_a_bad_query_is_a_clear_400_with_the_header(self, client, york, query):
        status, data = get(client, "/openreferral/services", **query)
        assert status == 400
        assert data["detail"]

    def test_filters_by_need_age_words_and_organisation(self, client, york):
        term = BY_CODE["going_missing"].term_id
        _s, data = get(client, "/openreferral/services", taxonomy_term_id=term, age=22)
        assert [s["name"] for s in data["contents"]] == ["North Yorkshire SOS+"]
        _s, data = get(client, "/openreferral/services", search="drugs alcohol")
        assert [s["name"] for s in data["contents"]] == [
            "The Gate York (Young People's Drug and Alcohol Service)"
        ]
        org = data["contents"][0]["organization_id"]
        _s, data = get(client, "/openreferral/services", organization_id=org)
        assert data["total_items"] == 1

    def test_only_active_services_are_published(self, client, york):
        Service.objects.filter(name="Emergency Duty Team").update(status=ServiceStatus.INACTIVE)
        _s, data = get(client, "/openreferral/services")
        assert "Emergency Duty Team" not in [s["name"] for s in data["contents"]]


class TestOneService:
    def test_a_service_comes_fully_nested(self, client, york):
        sos = Service.objects.get(name="North Yorkshire SOS+")
        status, data = get(client, f"/openreferral/services/{sos.pk}")
        assert status == 200
        assert data["id"] == str(sos.pk)
        assert (data["minimum_age"], data["maximum_age"]) == (10, 25)
        assert data["organization"]["name"] == "St Giles Trust"
        assert {a["name"] for a in data["service_areas"]} == {"City of York", "North Yorkshire"}

    @pytest.mark.parametrize("service_id", ["not-a-uuid", "6d3f5b0e-0000-4000-8000-000000000000"])
    def test_an_unknown_id_is_a_404_with_the_header(self, client, york, service_id):
        status, data = get(client, f"/openreferral/services/{service_id}")
        assert status == 404
        assert data["detail"]


class TestTheRestOfTheFeed:
    def test_organisations_and_taxonomy_terms_are_paged_too(self, client, york):
        _s, orgs = get(client, "/openreferral/organizations")
        assert list(orgs) == PAGING
        assert orgs["total_items"] == 4
        status, one = get(client, f"/openreferral/organizations/{orgs['contents'][0]['id']}")
        assert status == 200
        assert one["name"]
        _s, terms = get(client, "/openreferral/taxonomy_terms")
        assert "going_missing" in [t["code"] for t in terms["contents"]]

    def test_a_browser_preflight_is_allowed_from_anywhere(self, client, db):
        response = client.options("/openreferral/services")
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]

    def test_writing_is_not_allowed(self, client, db):
        assert client.post("/openreferral/services").status_code == 405
