import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from safeguard.api.models import PartnerToken
from safeguard.api.services import partner_token_create, partner_token_revoke, token_hash
from safeguard.frontdoor.models import Contact, Outcome, PoliceForm
from safeguard.frontdoor.services import threshold_decide
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

CONCERN = {
    "children": [{"given_name": "Sky", "family_name": "Apitest", "date_of_birth": "2013-09-01"}],
    "categories": ["child_criminal_exploitation"],
    "what_happened": "Seen with older teenagers carrying packages.",
    "child_voice": "Said 'they look after me'.",
    "consent": "not_asked",
    "no_consent_reason": "increase_risk",
    "referrer_name": "A Teacher",
    "referrer_email": "teacher@example.invalid",
}


def post(client, path, body, auth):
    return client.post(
        f"/api/v1/frontdoor/{path}", json.dumps(body), content_type="application/json", **auth
    )


class TestPartnerTokens:
    def test_only_the_hash_is_stored(self, partner):
        record, token = partner
        assert record.token_hash == token_hash(token)
        assert token not in str(PartnerToken.objects.values_list())

    def test_management_command_prints_a_token_once(self, db):
        AgencyFactory(slug="nyp-test")
        out = io.StringIO()
        call_command(
            "partner_token", agency="nyp-test", name="Niche RMS", stdout=out, stderr=io.StringIO()
        )
        token = out.getvalue().strip()
        assert PartnerToken.objects.get(token_hash=token_hash(token)).name == "Niche RMS"

    def test_no_token_or_a_revoked_token_is_refused(self, partner, auth):
        client = Client()
        assert post(client, "concerns", CONCERN, {}).status_code == 401
        assert (
            post(client, "concerns", CONCERN, {"HTTP_AUTHORIZATION": "Bearer nonsense"}).status_code
            == 401
        )
        partner_token_revoke(by=None, token=partner[0])
        assert post(client, "concerns", CONCERN, auth).status_code == 401


class TestConcernApi:
    def test_submit_and_read_back_the_status(
        self, auth, mash_worker_api, django_capture_on_commit_callbacks
    ):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):  # the receipt leaves after commit
            response = post(client, "concerns", CONCERN, auth)
        assert response.status_code == 201, response.content
        reference = response.json()["reference"]
        assert reference.startswith("MASH-")
        assert reference in mail.outbox[0].body
        status = client.get(f"/api/v1/frontdoor/status/{reference}", **auth).json()
        assert status["status"] == "received"
        assert status["outcome"] is None
        contact = Contact.objects.get(reference=reference)
        threshold_decide(
            by=mash_worker_api,
            contact=contact,
            level=2,
            outcome=Outcome.SIGNPOST,
            rationale="Exploitation risk.",
            message_to_referrer="Targeted support offered.",
        )
        status = client.get(f"/api/v1/frontdoor/status/{reference}", **auth).json()
        assert status["outcome"] == "signpost"
        assert status["message_to_referrer"] == "Targeted support offered."
        assert "rationale" not in status

    def test_another_agencys_reference_is_not_found(self, auth, db):
        other = AgencyFactory(slug="other-partner")
        _, other_token = partner_token_create(by=None, agency=other, name="Other")
        client = Client()
        reference = post(client, "concerns", CONCERN, auth).json()["reference"]
        response = client.get(
            f"/api/v1/frontdoor/status/{reference}", HTTP_AUTHORIZATION=f"Bearer {other_token}"
        )
        assert response.status_code == 404
        assert client.get("/api/v1/frontdoor/status/MASH-0000-0000-0", **auth).status_code == 404

    def test_consent_not_asked_needs_a_reason(self, auth):
        body = {**CONCERN, "no_consent_reason": ""}
        response = post(Client(), "concerns", body, auth)
        assert response.status_code == 422
        assert "no_consent_reason" in json.dumps(response.json())

    def test_child_voice_is_required(self, auth):
        body = {k: v for k, v in CONCERN.items() if k != "child_voice"}
        assert post(Client(), "concerns", body, auth).status_code == 422

    def test_future_date_of_birth_is_refused(self, auth):
        body = {
            **CONCERN,
            "children": [{"given_name": "A", "family_name": "B", "date_of_birth": "2999-01-01"}],
        }
        assert post(Client(), "concerns", body, auth).status_code == 422


class TestPoliceApi:
    @pytest.mark.parametrize(
        ("path", "extra", "kind"),
        [
            ("police/missing-person", {"report": "returned"}, "missing_returned"),
            ("police/welfare-check", {"why_police": "Threats of violence."}, "welfare_check"),
            (
                "police/mental-health-act",
                {"assessment_when": "Tomorrow 10am", "risks": "Knife"},
                "mental_health_act",
            ),
            ("police/intelligence", {"source_grading": "seen"}, "partner_intelligence"),
        ],
    )
    def test_each_form_gives_a_reference(self, auth, path, extra, kind):
        body = {
            "subject_name": "Jo Example",
            "details": "Details here.",
            "contact_name": "Alex",
            "contact_email": "alex@example.invalid",
            **extra,
        }
        response = post(Client(), path, body, auth)
        assert response.status_code == 201, response.content
        reference = response.json()["reference"]
        assert reference.startswith("POL-")
        assert PoliceForm.objects.get(reference=reference).kind == kind


@pytest.fixture
def mash_worker_api(make_user):
    from safeguard.core.models import Agency, Role

    return make_user(Role.MASH_WORKER, agency=Agency.objects.get(slug="api-mash"))


class TestProblemResponses:
    def test_a_refused_partner_gets_a_json_problem_saying_why(self, partner, auth):
        from safeguard.core.models import Role

        record, _ = partner
        Role.objects.get_or_create(code=Role.SYSTEM_ADMINISTRATOR, defaults={"name": "Admin"})
        from safeguard.core.services import roles_set_at_set_up

        roles_set_at_set_up(user=record.system_user, codes=[Role.SYSTEM_ADMINISTRATOR])
        response = post(Client(), "concerns", CONCERN, auth)
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 403
        assert problem["title"] == "You cannot do this"
        assert problem["detail"] == "This partner system cannot report concerns."
        assert not Contact.objects.exists()

    def test_the_schema_documents_problems_for_errors(self):
        from safeguard.api.api import api

        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        concerns = schema["paths"]["/api/v1/frontdoor/concerns"]["post"]["responses"]
        assert "application/problem+json" in concerns[403]["content"]


class TestTheApiSchemaIsLooserThanTheServer:
    """Finding: the schema allowed values the server refused (schemathesis ST202)."""

    def test_the_schema_states_the_constraints_the_services_enforce(self):
        from safeguard.api.api import api

        schemas = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]
        child = schemas["ChildIn"]["properties"]
        assert child["nhs_number"]["pattern"]
        assert child["postcode"]["pattern"]
        dob = child["date_of_birth"]["anyOf"][0]
        assert dob["formatMinimum"] == "1900-01-01"
        assert "today" in dob["description"]
        assert schemas["WelfareCheckIn"]["properties"]["contact_phone"]["pattern"]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("date_of_birth", "0001-01-01"),
            ("date_of_birth", "9999-12-31"),
            ("nhs_number", "not a number"),
            ("postcode", "<script>"),
        ],
    )
    def test_values_outside_the_schema_are_refused_with_422(self, auth, field, value):
        body = {**CONCERN, "children": [{**CONCERN["children"][0], field: value}]}
        response = post(Client(), "concerns", body, auth)
        assert response.status_code == 422, response.content
        assert not Contact.objects.exists()
