"""Property tests: a contact's own deadline and the MASH queue's order, across daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.core.clock import in_office_hours, is_working_day, office_hours
from safeguard.frontdoor.hours import decision_due
from safeguard.frontdoor.models import Consent, Contact, ContactStatus, Urgency
from safeguard.frontdoor.selectors import mash_queue
from safeguard.frontdoor.services import contact_deadline

UK = ZoneInfo("Europe/London")
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=dt.datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(dt.UTC),
)
# The nights the clocks change, where a local-time sum would gain or lose an hour.
around_clock_changes = st.sampled_from(
    [
        dt.datetime(2025, 3, 30, 0, 30, tzinfo=dt.UTC),  # spring forward at 01:00 UTC
        dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC),  # fall back at 01:00 UTC
        dt.datetime(2026, 3, 29, 0, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 0, 45, tzinfo=dt.UTC),
    ]
).flatmap(lambda m: st.integers(-180, 180).map(lambda minutes: m + dt.timedelta(minutes=minutes)))


class TestImmediateDanger:
    @given(st.one_of(moments, around_clock_changes))
    def test_is_two_elapsed_hours_whatever_the_clocks_do(self, received):
        due = contact_deadline(received, Urgency.IMMEDIATE)
        assert (due.astimezone(dt.UTC) - received).total_seconds() == 2 * 3600

    def test_at_the_spring_change_it_shows_one_more_hour_on_the_wall_clock(self):
        received = dt.datetime(2025, 3, 30, 0, 30, tzinfo=dt.UTC)  # 00:30 GMT
        due = contact_deadline(received, Urgency.IMMEDIATE)
        assert timezone.localtime(due).strftime("%H:%M %Z") == "03:30 BST"

    def test_at_the_autumn_change_it_shows_one_hour_less_on_the_wall_clock(self):
        received = dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)  # 01:30 BST
        due = contact_deadline(received, Urgency.IMMEDIATE)
        assert timezone.localtime(due).strftime("%H:%M %Z") == "02:30 GMT"


class TestUrgentAndStandard:
    @given(st.one_of(moments, around_clock_changes))
    def test_urgent_is_due_in_office_hours_on_a_working_day(self, received):
        due = contact_deadline(received, Urgency.URGENT).astimezone(UK)
        opens, closes = office_hours()
        assert is_working_day(due.date())
        assert opens < due.time() <= closes
        assert due > received

    @given(st.one_of(moments, around_clock_changes))
    def test_urgent_is_never_later_than_standard(self, received):
        assert contact_deadline(received, Urgency.URGENT) <= contact_deadline(
            received, Urgency.STANDARD
        )

    @given(st.one_of(moments, around_clock_changes))
    def test_standard_is_one_working_day(self, received):
        assert contact_deadline(received, Urgency.STANDARD) == decision_due(received)

    @given(moments)
    def test_in_office_hours_urgent_is_four_hours_or_less_away_on_the_wall_clock(self, received):
        due = contact_deadline(received, Urgency.URGENT)
        if in_office_hours(received):
            local_received = received.astimezone(UK)
            if due.astimezone(UK).date() == local_received.date():
                assert due - received <= dt.timedelta(hours=4)


contacts = st.lists(
    st.tuples(
        st.sampled_from(list(Urgency)),
        st.integers(min_value=-72 * 60, max_value=0),  # received up to three days ago (minutes)
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
class TestQueueOrder:
    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(contacts, st.one_of(moments, around_clock_changes))
    def test_urgency_first_then_overdue_then_due(self, make_user, mash_worker, specs, now):
        referrer = make_user()
        with transaction.atomic():
            made = []
            for n, (urgency, minutes) in enumerate(specs):
                received = now + dt.timedelta(minutes=minutes)
                made.append(
                    Contact.objects.create(
                        reference=f"MASH-TEST-{n:04d}",
                        received_at=received,
                        referrer=referrer,
                        referrer_agency=referrer.agency,
                        referrer_name="A Referrer",
                        referrer_email="a@example.invalid",
                        what_happened="x",
                        child_voice="y",
                        consent=Consent.GIVEN,
                        urgency=urgency,
                        decision_due_at=contact_deadline(received, urgency),
                        status=ContactStatus.RECEIVED,
                    )
                )
            rows, total = mash_queue(user=mash_worker, now=now)
            expected = sorted(
                made,
                key=lambda c: (c.urgency, c.decision_due_at > now, c.decision_due_at, c.pk),
            )
            assert total == len(made)
            assert [r.contact.pk for r in rows] == [c.pk for c in expected]
            # Every row's tag follows its own deadline.
            for row in rows:
                overdue = row.contact.decision_due_at <= now
                assert (row.rag == "red") == overdue
            transaction.set_rollback(True)
