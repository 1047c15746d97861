"""GOV.UK errors instead of 500s for NUL and other control characters.

Finding: NUL bytes in references in URLs gave 500s on PostgreSQL. These tests
matter most there (``bash scripts/with-postgres.sh``): SQLite stores a NUL happily.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguard.core.models import AgencyKind, Role
from safeguard.people.models import Person

from ..factories import AgencyFactory, InvolvementFactory, PersonFactory

QUERY_NAMES = [
    "q", "page", "change", "action", "status", "request", "decision", "week", "show",
    "record_type", "person_id", "object_id", "month", "reason", "timeout",
]  # fmt: skip


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _paths_with_text_parts() -> list[str]:
    """Every page whose address holds a reference or other text, with a NUL in it."""
    paths = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("admin/") or "(?P" in route or "<str:" not in route:
            continue
        filled = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000000", route)
        filled = re.sub(r"<int:[^>]+>", "1", filled)
        paths.append("/" + re.sub(r"<str:[^>]+>", "MASH-2026-00001%00", filled))
    return paths


@pytest.fixture
def mash_worker(make_user):
    mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
    return make_user(Role.MASH_MANAGER, agency=mash)


@pytest.mark.django_db
class TestNulBytesInReferencesInUrls:
    def test_a_reference_with_a_nul_is_not_found(self, signed_in, mash_worker):
        client = signed_in(mash_worker)
        paths = _paths_with_text_parts()
        assert "/mash/MASH-2026-00001%00/" in paths
        for path in paths:
            for response in (client.get(path), client.post(path)):
                assert response.status_code == 404, f"{path} answered {response.status_code}"

    @pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f"])
    def test_any_address_with_a_control_character_is_not_found(self, signed_in, mash_worker, char):
        client = signed_in(mash_worker)
        response = client.get("/people/" + char + "/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


@pytest.mark.django_db
class TestControlCharactersInQueriesAndForms:
    def test_every_page_answers_a_nul_in_its_query_string_without_an_error(
        self, signed_in, mash_worker
    ):
        child = PersonFactory(given_name="Quillon", family_name="Zebediah")
        InvolvementFactory(person=child, agency=mash_worker.agency)
        client = signed_in(mash_worker)
        query = dict.fromkeys(QUERY_NAMES, "x\x00")
        for route in _routes(get_resolver().url_patterns):
            if route.startswith(("admin/", "api/")) or "(?P" in route:
                continue
            filled = re.sub(r"<uuid:[^>]+>", str(child.pk), route)
            filled = re.sub(r"<int:[^>]+>", "1", filled)
            path = "/" + re.sub(r"<(str:)?[^>]+>", "x", filled)
            response = client.get(path, query)
            assert response.status_code < 500, path

    @pytest.mark.parametrize("char", ["\x00", "\x1b", "\x08"])
    def test_a_form_with_a_control_character_gets_a_govuk_error(
        self, signed_in, make_user, agency, char
    ):
        user = make_user(Role.PRACTITIONER, agency=agency)
        response = signed_in(user).post(
            reverse("people:create"),
            {"given_name": f"Jay{char}den", "family_name": "Smith", "sex": "unknown"},
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "There is a problem" in body
        assert "Remove the invisible" in body
        assert not Person.objects.filter(family_name="Smith").exists()
