"""Never overbooked, even when many people book the last places at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from safeguard.core.models import AgencyKind
from safeguard.training import services
from safeguard.training.models import BookingStatus
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 8
PLACES = 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: SQLite runs every write transaction IMMEDIATE, one at a time",
)
def test_simultaneous_bookings_never_take_more_places_than_there_are(partnership, make_session):
    session = make_session(capacity=PLACES)
    agency = AgencyFactory(kind=AgencyKind.HEALTH_GP)
    people = [UserFactory(agency=agency, email=f"gp{n}@example.org") for n in range(PEOPLE)]
    start = threading.Barrier(PEOPLE)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def book(person):
        try:
            start.wait()
            result = services.booking_create(by=person, session=session, learner=person)
            outcomes.append("waiting" if result.waiting else "booked")
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(outcomes) == ["booked"] * PLACES + ["waiting"] * (PEOPLE - PLACES)
    assert session.bookings.filter(status=BookingStatus.BOOKED).count() == PLACES
    assert session.bookings.filter(status=BookingStatus.WAITING).count() == PEOPLE - PLACES


def test_bookings_one_after_another_fill_the_places_then_the_waiting_list(
    partnership, make_session
):
    """The same on every database, without threads: the count is the session's capacity."""
    session = make_session(capacity=PLACES)
    agency = AgencyFactory(kind=AgencyKind.HEALTH_GP)
    results = []
    for n in range(PEOPLE):
        person = UserFactory(agency=agency, email=f"gp{n}@example.org")
        results.append(services.booking_create(by=person, session=session, learner=person).waiting)
    assert results == [False] * PLACES + [True] * (PEOPLE - PLACES)
