"""Shared fixtures: users of every role, a child with an involvement, a signed-in client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safeguard.core.models import Role, User

from .factories import AgencyFactory, InvolvementFactory, PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_checkpoints(tmp_path, settings) -> None:
    """Audit checkpoints go to a temporary file in every test."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def _make(*roles: str, agency=None, **kwargs) -> User:
        if agency is not None:
            kwargs["agency"] = agency
        return UserFactory(roles=list(roles) or [Role.PRACTITIONER], **kwargs)

    return _make


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def practitioner(make_user, agency) -> User:
    return make_user(Role.PRACTITIONER, agency=agency)


@pytest.fixture
def child(db, agency):
    person = PersonFactory(given_name="Jayden", family_name="Smith")
    InvolvementFactory(person=person, agency=agency)
    return person


@pytest.fixture
def signed_in(settings) -> Callable[[User], Client]:
    """A test client signed in as the user, with two-factor sign-in treated as done."""
    settings.DEMO_MODE = True

    def _client(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _client
