"""``Idempotency-Key`` on the partner API: a retried submission never makes a second contact."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from safeguard.api.models import IdempotencyKey
from safeguard.api.services import partner_token_create
from safeguard.frontdoor.models import Contact, PoliceForm
from tests.factories import AgencyFactory

from .test_partner_api import CONCERN, post

pytestmark = pytest.mark.django_db


def _keyed(auth, key):
    return {**auth, "HTTP_IDEMPOTENCY_KEY": key}


class TestARetriedSubmission:
    def test_the_same_key_and_body_get_the_first_answer_and_no_second_contact(self, auth):
        client = Client()
        first = post(client, "concerns", CONCERN, _keyed(auth, "retry-1"))
        assert first.status_code == 201, first.content
        again = post(client, "concerns", CONCERN, _keyed(auth, "retry-1"))
        assert again.status_code == 201
        assert again.content == first.content  # the same reference, byte for byte
        assert again["Idempotent-Replayed"] == "true"
        assert Contact.objects.count() == 1

    def test_without_a_key_each_post_is_a_new_submission(self, auth):
        client = Client()
        one = post(client, "concerns", CONCERN, auth).json()["reference"]
        two = post(client, "concerns", CONCERN, auth).json()["reference"]
        assert one != two
        assert Contact.objects.count() == 2

    def test_the_same_key_with_a_different_body_is_refused_with_a_problem(self, auth):
        client = Client()
        assert post(client, "concerns", CONCERN, _keyed(auth, "k")).status_code == 201
        changed = {**CONCERN, "what_happened": "Something else entirely."}
        refused = post(client, "concerns", changed, _keyed(auth, "k"))
        assert refused.status_code == 422
        assert refused["Content-Type"] == "application/problem+json"
        assert "different request" in refused.json()["title"]
        assert Contact.objects.count() == 1

    def test_the_same_key_on_another_operation_is_refused(self, auth):
        client = Client()
        assert post(client, "concerns", CONCERN, _keyed(auth, "k2")).status_code == 201
        police = {
            "subject_name": "Sky Apitest",
            "details": "Needs a welfare visit.",
            "contact_name": "A Teacher",
            "why_police": "Threats made",
        }
        refused = post(client, "police/welfare-check", police, _keyed(auth, "k2"))
        assert refused.status_code == 422
        assert PoliceForm.objects.count() == 0

    def test_a_rejected_submission_is_answered_the_same_way_again(self, auth):
        client = Client()
        bad = {**CONCERN, "no_consent_reason": ""}
        first = post(client, "concerns", bad, _keyed(auth, "bad"))
        assert first.status_code == 422
        again = post(client, "concerns", bad, _keyed(auth, "bad"))
        assert again.content == first.content
        assert Contact.objects.count() == 0

    def test_keys_belong_to_one_token(self, auth):
        other_agency = AgencyFactory(slug="other-school")
        _, other_token = partner_token_create(by=None, agency=other_agency, name="Other MIS")
        client = Client()
        mine = post(client, "concerns", CONCERN, _keyed(auth, "shared")).json()["reference"]
        theirs = post(
            client,
            "concerns",
            CONCERN,
            {"HTTP_AUTHORIZATION": f"Bearer {other_token}", "HTTP_IDEMPOTENCY_KEY": "shared"},
        ).json()["reference"]
        assert mine != theirs
        assert Contact.objects.count() == 2

    def test_an_expired_key_may_be_used_again(self, auth, settings):
        client = Client()
        first = post(client, "concerns", CONCERN, _keyed(auth, "old")).json()["reference"]
        IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
        second = post(client, "concerns", CONCERN, _keyed(auth, "old")).json()["reference"]
        assert first != second
        assert IdempotencyKey.objects.count() == 1

    def test_a_key_that_is_not_visible_ascii_is_refused(self, auth):
        response = post(Client(), "concerns", CONCERN, _keyed(auth, "x" * 256))
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert Contact.objects.count() == 0

    def test_without_a_valid_token_the_key_changes_nothing(self, auth):
        response = post(Client(), "concerns", CONCERN, {"HTTP_IDEMPOTENCY_KEY": "k"})
        assert response.status_code == 401
        assert not IdempotencyKey.objects.exists()


class TestTheSchema:
    def test_every_post_operation_documents_the_header(self):
        schema = Client().get("/api/v1/openapi.json").json()
        posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
        assert posts
        for operation in posts:
            names = [p["name"] for p in operation.get("parameters", [])]
            assert names.count("Idempotency-Key") == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
class TestTwoAtOnce:
    def test_two_concurrent_requests_with_the_same_key_make_one_contact(self, partner):
        _, token = partner
        AgencyFactory(name="API MASH 2", slug="api-mash-2", is_mash=True)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "race"}
        answers: list[tuple[int, bytes]] = []
        barrier = threading.Barrier(2)

        def send() -> None:
            try:
                barrier.wait()
                response = Client().post(
                    "/api/v1/frontdoor/concerns",
                    json.dumps(CONCERN),
                    content_type="application/json",
                    **headers,
                )
                answers.append((response.status_code, response.content))
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert [status for status, _ in answers] == [201, 201]
        assert answers[0][1] == answers[1][1]
        assert Contact.objects.count() == 1
