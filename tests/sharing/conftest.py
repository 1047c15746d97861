"""Fixtures for information sharing: two agencies, a child, and records of every type."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role
from safeguard.people.access import RECORD_TYPES
from tests.factories import AgencyFactory, ChronologyEventFactory, InvolvementFactory, PersonFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def school(db):
    return AgencyFactory(name="Northfield School", kind=AgencyKind.EDUCATION_SCHOOL)


@pytest.fixture
def police(db):
    return AgencyFactory(name="Test Police", kind=AgencyKind.POLICE)


@pytest.fixture
def voluntary(db):
    return AgencyFactory(name="Helping Hands", kind=AgencyKind.VOLUNTARY)


@pytest.fixture
def mash_agency(db):
    return AgencyFactory(name="Test MASH", kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)


@pytest.fixture
def teacher(make_user, school):
    return make_user(Role.PRACTITIONER, agency=school, email="teacher@example.invalid")


@pytest.fixture
def officer(make_user, police):
    return make_user(Role.PRACTITIONER, agency=police, email="officer@example.invalid")


@pytest.fixture
def pupil(db, school, teacher):
    person = PersonFactory(given_name="Zebedee", family_name="Quartermaine")
    InvolvementFactory(person=person, agency=school, lead_practitioner=teacher)
    return person


@pytest.fixture
def school_events(pupil, school):
    """One event of every record type, recorded by the school."""
    return {
        code: ChronologyEventFactory(
            person=pupil,
            agency=school,
            record_type=code,
            title=f"CANARY-{code.upper()}-EVENT",
            occurred_at=timezone.now() - dt.timedelta(days=3),
        )
        for code in RECORD_TYPES
    }


@pytest.fixture(scope="session")
def _shared_client_handler():
    """One request handler for every test client: loading the middleware (static files) is slow."""
    from django.test.client import ClientHandler

    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def fast_signed_in(settings, _shared_client_handler):
    """Like ``signed_in``, but the clients share one handler (cookies stay per client)."""
    from django.test import Client

    settings.DEMO_MODE = True

    def _client(user):
        client = Client()
        client.handler = _shared_client_handler
        client.force_login(user)
        return client

    return _client
