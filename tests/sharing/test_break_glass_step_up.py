"""The break-glass password step-up is throttled like sign-in, and its failures are audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core.models import AuditEvent, Role
from safeguard.people.access import can_view_person
from tests.sharing.conftest import PASSWORD

REASON = "Child arrived at A&E with injuries, out of hours, need history"


@pytest.fixture
def nurse(make_user, voluntary):
    return make_user(Role.PRACTITIONER, agency=voluntary)


class TestTheBreakGlassPasswordStepUpIsNotThrottled:
    """Finding: the password asked again at break-glass could be guessed without limit."""

    def test_five_wrong_passwords_stop_even_the_right_one_for_a_while(
        self, signed_in, nurse, pupil, settings
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "step_up": "5/hour"}
        client = signed_in(nurse)
        url = reverse("sharing:break-glass", args=[pupil.pk])
        for _ in range(5):
            response = client.post(url, {"reason": REASON, "password": "wrong guess"})
            assert response.status_code == 200
            assert b"The password is not correct" in response.content
        response = client.post(url, {"reason": REASON, "password": PASSWORD})
        assert response.status_code == 429
        assert "Retry-After" in response
        assert not can_view_person(nurse, pupil)
        assert (
            AuditEvent.objects.filter(
                object_type="break_glass", outcome="denied", actor_id=nurse.pk
            ).count()
            == 5
        )
        assert AuditEvent.objects.filter(
            object_type="rate_limit", action="deny", actor_id=nurse.pk
        ).exists()

    def test_a_right_password_is_not_held_back_by_earlier_right_answers(
        self, signed_in, nurse, pupil, settings
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "step_up": "1/hour"}
        client = signed_in(nurse)
        url = reverse("sharing:break-glass", args=[pupil.pk])
        response = client.post(url, {"reason": REASON, "password": PASSWORD})
        assert response.status_code == 302
        assert can_view_person(nurse, pupil)
