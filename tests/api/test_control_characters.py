"""Finding: NUL bytes in API child names and in references in URLs gave 500s on PostgreSQL."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from safeguard.frontdoor.models import Contact

from .test_partner_api import CONCERN, post

pytestmark = pytest.mark.django_db

CONTROL_TEXTS = ["Sky\x00", "Sky\x1b[31m", "Sky\x07", "Sky\ud800"]


class TestNulBytesInApiChildNames:
    @pytest.mark.parametrize("text", CONTROL_TEXTS)
    def test_a_child_name_with_a_control_character_is_a_clear_422(self, auth, text):
        body = copy.deepcopy(CONCERN)
        body["children"][0]["given_name"] = text
        response = Client().post(
            "/api/v1/frontdoor/concerns",
            json.dumps(body),
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 422
        assert "control characters" in response.content.decode()
        assert not Contact.objects.exists()

    @pytest.mark.parametrize("field", ["what_happened", "referrer_name", "child_voice"])
    def test_any_text_with_a_nul_is_refused(self, auth, field):
        body = copy.deepcopy(CONCERN)
        body[field] = f"Some words\x00 {body[field]}"
        assert post(Client(), "concerns", body, auth).status_code == 422
        assert not Contact.objects.exists()

    def test_line_breaks_and_tabs_are_still_fine(self, auth):
        body = copy.deepcopy(CONCERN)
        body["what_happened"] = "First line.\nSecond line,\tafter a tab."
        assert post(Client(), "concerns", body, auth).status_code == 201

    def test_a_status_reference_with_a_nul_is_not_found(self, auth):
        response = Client().get("/api/v1/frontdoor/status/MASH-2026-%00", **auth)
        assert response.status_code == 404
