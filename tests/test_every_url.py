"""Every URL in the product, whoever adds it, is checked for access.

Signed-out people are sent to sign in (except on the public pages, which need no sign-in,
set no cookie and show no personal data), and roles that must never see a named child
(analyst, business unit, system administrator) never get one, however the URL is
filled in. No URL answers with a server error.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from safeguard.core.middleware import PUBLIC_PATH_PREFIXES, is_public_path
from safeguard.core.models import Role

from .factories import ChronologyEventFactory, InvolvementFactory, PersonFactory

# Pages anyone may see without signing in.
PUBLIC = {
    "/sign-in/",
    "/sign-in/two-factor/",
    "/signed-out/",
    "/accessibility/",
    "/health/",
}
CHILD_NAME = "Quillon Zebediah"


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route: str, person_id: str) -> str | None:
    route = route.lstrip("^").rstrip("$")
    if "(?P" in route or "\\" in route:
        return None  # regex routes (the admin's) are checked separately
    route = re.sub(r"<uuid:[^>]+>", person_id, route)
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(str:|slug:)?[^>]+>", "x", route)
    return "/" + route


def all_paths(person_id: str) -> list[str]:
    paths = set()
    for route in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/")):
            continue
        path = _fill(route, person_id)
        if path is not None:
            paths.add(path)
    return sorted(paths)


@pytest.fixture
def named_child(db):
    child = PersonFactory(given_name="Quillon", family_name="Zebediah")
    ChronologyEventFactory(person=child, title="Zebediah chronology entry")
    return child


@pytest.mark.django_db
def test_signed_out_people_are_sent_to_sign_in_from_every_page(client, named_child):
    for path in all_paths(str(named_child.pk)):
        response = client.get(path)
        assert response.status_code < 500, path
        assert CHILD_NAME.encode() not in response.content, path
        if path in PUBLIC or is_public_path(path):
            continue
        assert response.status_code in (302, 404, 405), f"{path} answered {response.status_code}"
        if response.status_code == 302:
            assert "/sign-in/" in response["Location"], path


@pytest.mark.django_db
def test_public_pages_open_without_sign_in_and_set_no_cookie(client, named_child):
    public = [p for p in all_paths(str(named_child.pk)) if is_public_path(p)]
    # Every public prefix has at least one page, and nothing else is public by accident.
    assert {
        prefix for prefix in PUBLIC_PATH_PREFIXES if any(p.startswith(prefix) for p in public)
    } == set(PUBLIC_PATH_PREFIXES)
    for path in public:
        response = client.get(path)
        assert response.status_code < 500, path
        assert response.status_code != 302 or "/sign-in/" not in response["Location"], path
        assert not response.cookies, f"{path} set a cookie: {list(response.cookies)}"
        assert "Set-Cookie" not in response, path
        assert CHILD_NAME.encode() not in response.content, path


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.BUSINESS_UNIT, Role.SYSTEM_ADMINISTRATOR])
def test_roles_without_personal_data_never_see_a_named_child(
    make_user, signed_in, named_child, role
):
    user = make_user(role, is_staff=role == Role.SYSTEM_ADMINISTRATOR)
    InvolvementFactory(person=named_child, agency=user.agency)
    client = signed_in(user)
    for path in all_paths(str(named_child.pk)):
        # Searching by the given name must not reveal the family name anywhere.
        for response in (client.get(path), client.get(path, {"q": "Quillon"})):
            assert response.status_code < 500, path
            assert b"Zebediah" not in response.content, f"{role} saw the child at {path}"
