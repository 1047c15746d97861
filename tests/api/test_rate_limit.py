"""The partner API's rate limit: per token, answered as an RFC 9457 problem with Retry-After."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import AgencyFactory


@pytest.mark.django_db
class TestPartnerApiLimit:
    def _status(self, client: Client, token: str, reference: str = "X"):
        return client.get(
            f"/api/v1/frontdoor/status/{reference}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    def test_past_the_limit_the_api_answers_a_problem_with_retry_after(self, settings, partner):
        from safeguard.api.services import partner_token_create

        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "2/minute"}
        client = Client()
        token = partner[1]
        for _ in range(2):
            assert self._status(client, token).status_code == 404
        refused = self._status(client, token)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/problem+json"
        problem = json.loads(refused.content)
        assert problem["status"] == 429
        assert problem["title"] == "Too many requests"
        assert "2 a minute" in problem["detail"]
        assert 1 <= int(refused["Retry-After"]) <= 61

        # Another partner's token has its own count.
        _, other = partner_token_create(
            by=None, agency=AgencyFactory(slug="other-school"), name="Other MIS"
        )
        assert self._status(client, other).status_code == 404

    def test_a_wrong_token_is_refused_before_it_counts(self, settings, partner):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "1/minute"}
        client = Client()
        for _ in range(3):
            assert self._status(client, "nonsense").status_code == 401
        assert self._status(client, partner[1]).status_code == 404

    def test_the_schema_documents_the_429_answer(self):
        from safeguard.api.api import api

        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                assert 429 in operation["responses"], f"{method} {path}"
