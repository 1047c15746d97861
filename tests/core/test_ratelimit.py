"""Rate limits: past the limit, search answers a GOV.UK 429 page that says when to come back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core.ratelimit import Rate


class TestRates:
    @pytest.mark.parametrize(
        ("text", "rate"),
        [("60/minute", Rate(60, 60)), ("5/second", Rate(5, 1)), ("1000/hour", Rate(1000, 3600))],
    )
    def test_limits_are_written_as_a_count_per_period(self, text, rate):
        assert Rate.parse(text) == rate

    @pytest.mark.parametrize("text", ["60", "0/minute", "-1/minute", "ten/minute", "5/fortnight"])
    def test_anything_else_is_refused(self, text):
        with pytest.raises(ValueError, match="60/minute"):
            Rate.parse(text)


@pytest.mark.django_db
class TestSearchLimit:
    def test_past_the_limit_search_answers_a_too_many_requests_page(
        self, settings, signed_in, practitioner, make_user, child
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "3/minute"}
        client = signed_in(practitioner)
        for _ in range(3):
            response = client.get(reverse("people:search"), {"q": "Jayden"})
            assert response.status_code == 200
            assert "Smith" in response.content.decode()
        refused = client.get(reverse("people:search"), {"q": "Jayden"})
        body = refused.content.decode()
        assert refused.status_code == 429
        assert "You have made too many requests" in body
        assert "up to 3 a minute" in body
        assert "Smith" not in body
        assert 1 <= int(refused["Retry-After"]) <= 61
        assert refused["Cache-Control"] == "no-store"

        # The limit is each person's own: a colleague can still search.
        colleague = signed_in(make_user(agency=practitioner.agency))
        assert colleague.get(reverse("people:search"), {"q": "Jayden"}).status_code == 200

    def test_an_empty_limit_switches_it_off(self, settings, signed_in, practitioner):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": ""}
        client = signed_in(practitioner)
        for _ in range(80):
            assert client.get(reverse("people:search"), {"q": "Jayden"}).status_code == 200

    def test_the_default_allows_sixty_searches_a_minute(self, settings):
        assert Rate.parse(settings.RATE_LIMITS["search"]) == Rate(60, 60)
