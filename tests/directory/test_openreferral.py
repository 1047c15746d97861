"""Open Referral UK import and export: a round trip keeps every service; a bad file imports nothing."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.core.errors import Forbidden
from safeguard.core.models import AuditEvent
from safeguard.directory import openreferral, selectors, services
from safeguard.directory.models import Organisation, Phone, Service, ServiceArea, ServiceContact

from .conftest import YORK_FILE

pytestmark = pytest.mark.django_db


def export() -> list[dict]:
    return [openreferral.service_full(s) for s in selectors.services_all()]


def york_json() -> list[dict]:
    return json.loads(YORK_FILE.read_text())


class TestTheRoundTrip:
    def test_an_export_imported_into_an_empty_directory_exports_the_same(self, york):
        first = export()
        assert {s["name"] for s in first} >= {
            "North Yorkshire SOS+",
            "Family Information Service",
            "Emergency Duty Team",
        }
        Service.objects.all().delete()
        Organisation.objects.all().delete()
        result = services.directory_import(by=None, content=json.dumps(first))
        assert result == {"created": len(first), "updated": 0}
        assert export() == first

    def test_the_export_keeps_ages_needs_areas_contacts_and_how_to_refer(self, york):
        fis = next(s for s in export() if s["name"] == "Family Information Service")
        assert (fis["minimum_age"], fis["maximum_age"]) == (0, 19)
        codes = {a["taxonomy_term"]["code"]: a.get("value") for a in fis["attributes"]}
        assert codes["maximum_age_with_disability"] == "25"
        assert "disability" in codes
        assert [a["name"] for a in fis["service_areas"]] == ["City of York"]
        assert "01904 554444" in [p["number"] for p in fis["phones"]]
        assert fis["application_process"].startswith("Phone 01904 554444")
        assert fis["organization"]["name"] == "City of York Council"

    def test_optional_fields_without_a_value_are_left_out_not_null(self, york):
        for service in export():
            for key, value in service.items():
                assert value is not None, (service["name"], key)
                assert value != "", (service["name"], key)
        gate = next(s for s in export() if s["name"].startswith("The Gate York"))
        assert "minimum_age" not in gate

    def test_importing_the_same_file_again_changes_services_in_place(self, york):
        changed = york_json()
        changed[0]["name"] = "Multi-Agency Safeguarding Hub (MASH), City of York"
        changed[0]["service_areas"] = []
        result = services.directory_import(by=None, content=json.dumps(changed))
        assert result == {"created": 0, "updated": len(changed)}
        mash = Service.objects.get(pk=changed[0]["id"])
        assert mash.name.endswith("City of York")
        assert not mash.areas.exists()
        assert Service.objects.count() == len(changed)

    def test_a_paged_api_answer_can_be_imported_too(self, db):
        page = {"total_items": 1, "contents": york_json()[:1]}
        assert services.directory_import(by=None, content=json.dumps(page))["created"] == 1


def problems_with(data) -> list[str]:
    with pytest.raises(services.ImportRefused) as refused:
        services.directory_import(
            by=None, content=data if isinstance(data, str | bytes) else json.dumps(data)
        )
    return refused.value.problems


class TestABadFile:
    def test_every_problem_is_listed_naming_the_service_and_nothing_is_imported(self, db):
        data = york_json()
        data[1]["status"] = "open"
        data[2]["minimum_age"] = 30
        data[2]["maximum_age"] = 12
        del data[3]["name"]
        data[4]["email"] = "not an address"
        data[5]["id"] = "42"
        data[6]["attributes"].append(
            {"taxonomy_term": {"code": "astrology", "taxonomy": "safeguard-needs"}}
        )
        problems = problems_with(data)
        text = "\n".join(problems)
        assert "Service 2 (Emergency Duty Team): the status 'open' must be one of" in text
        assert (
            "Service 3 (Ivison Trust Parent Liaison Officer): the minimum age is more than the maximum age"
            in text
        )
        assert "Service 4: the name is missing" in text
        assert "the email 'not an address' is not an email address" in text
        assert "Service 6 (Raise York family hubs): the id '42' is not a UUID" in text
        assert "the need 'astrology' is not one we know" in text
        assert len(problems) == 6
        assert Service.objects.count() == 0
        assert Organisation.objects.count() == 0

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ("{not json", "The file is not valid JSON (line 1, column 2)"),
            (b"\xff\xfe\x00", "The file is not text in UTF-8"),
            ('{"services": 3}', "The file must hold a list of services"),
            ("[]", "The file holds no services"),
            ("[1, 2]", "Service 1: must be an object"),
        ],
    )
    def test_a_file_that_is_not_open_referral_json_says_so(self, db, content, message):
        assert any(p.startswith(message) for p in problems_with(content))

    def test_one_bad_service_stops_the_good_ones_and_changes_nothing_already_there(self, york):
        before = export()
        data = york_json()
        data[0]["name"] = "Renamed"
        data.append({"id": str(uuid.uuid4()), "name": "No organisation", "status": "active"})
        problems = problems_with(data)
        assert problems == [
            "Service 8 (No organisation): the organization (who runs the service) is missing"
        ]
        assert export() == before

    def test_a_repeated_id_and_an_id_owned_by_another_service_are_refused(self, york):
        data = york_json()
        twin = copy.deepcopy(data[3])
        problems = problems_with([data[3], twin])
        assert any("is used twice in the file" in p for p in problems)
        stranger = copy.deepcopy(data[3])
        stranger["id"] = str(uuid.uuid4())
        problems = problems_with([stranger])
        assert any("already belongs to another service" in p for p in problems)
        assert (
            ServiceArea.objects.count() + ServiceContact.objects.count() + Phone.objects.count() > 0
        )

    def test_someone_outside_the_business_unit_cannot_import(self, make_user):
        with pytest.raises(Forbidden):
            services.directory_import(by=make_user("practitioner"), content=YORK_FILE.read_bytes())
        assert Service.objects.count() == 0

    def test_an_import_is_audited_with_its_counts(self, business_unit):
        services.directory_import(
            by=business_unit, content=YORK_FILE.read_bytes(), file_name="york.json"
        )
        event = AuditEvent.objects.filter(object_type="directory_import").get()
        assert event.actor_id == business_unit.pk
        assert event.changes == {"created": 7, "updated": 0}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_any_json_at_all_gets_an_answer_never_a_crash(value):
    parsed = openreferral.parse_services(json.dumps(value))
    assert parsed.errors or parsed.services
