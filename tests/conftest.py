"""Shared fixtures: users of every role, a child with an involvement, a signed-in client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

import pytest
from django.test import Client

from safeguard.core.models import Role, User

from .audit_triggers import audit_triggers
from .factories import AgencyFactory, InvolvementFactory, PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_checkpoints(tmp_path, settings) -> None:
    """Audit checkpoints go to a temporary file in every test."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no requests counted against any rate limit."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    caches[
        "default"
    ].clear()  # nothing cached (such as the home page's figures) leaks between tests


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


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request):
    """Transactional tests end with a database flush, which the audit triggers rightly refuse.

    Around those tests only, the triggers are switched off just for the flush and back
    on before the next test, so every test still runs against an append-only table.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    uses_db = transactional or marker is not None or "db" in request.fixturenames
    if not uses_db:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    _roles_exist()
    if not transactional:
        yield
        return
    audit_triggers(enable=True)
    yield
    audit_triggers(enable=False)


def _roles_exist() -> None:
    """The fixed roles and default retention rules come from data migrations.

    A transactional test's flush empties them, so they are put back before each test.
    """
    from django.apps import apps

    import_module("safeguard.core.migrations.0002_audit_append_only_and_roles").roles_up(apps, None)
    import_module("safeguard.rights.migrations.0002_retention_defaults").seed(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _fast_postgres_flush() -> Iterator[None]:
    """Empty PostgreSQL tables with DELETE rather than TRUNCATE after each journey.

    Transactional tests end with a flush. On PostgreSQL Django truncates every
    table, which creates new files and syncs them to disk (fsync stays on in our
    test cluster): about 3.5 s a test on a loaded 2-core machine, against 0.05 s
    for DELETE on the few rows a journey makes. Foreign keys are deferred, and the
    flush runs in one transaction, so the order of the deletes does not matter.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(
        self: Any,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or not tables:
            return original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(t)};" for t in tables]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = original  # type: ignore[method-assign]
