"""The person page shows the person's age and a status line (issue 10, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import Agency, AgencyKind
from safeguard.people.selectors import age_in_words, person_page

from ..factories import InvolvementFactory, PersonFactory


class TestAgeInWords:
    @pytest.mark.parametrize(
        ("born", "today", "words"),
        [
            (dt.date(2016, 7, 1), dt.date(2026, 7, 1), "10 years old"),
            (dt.date(2016, 7, 2), dt.date(2026, 7, 1), "9 years old"),
            (dt.date(2024, 7, 1), dt.date(2026, 7, 1), "2 years old"),
            (dt.date(2024, 7, 2), dt.date(2026, 7, 1), "23 months old"),
            (dt.date(2026, 5, 31), dt.date(2026, 7, 1), "1 month old"),
            (dt.date(2026, 6, 20), dt.date(2026, 7, 1), "Under 1 month old"),
            (dt.date(2024, 2, 29), dt.date(2026, 2, 28), "23 months old"),
            (None, dt.date(2026, 7, 1), ""),
            (dt.date(2027, 1, 1), dt.date(2026, 7, 1), ""),
        ],
    )
    def test_age_is_in_years_from_two_and_in_months_below(self, born, today, words):
        assert age_in_words(born, today) == words


@pytest.mark.django_db
class TestThePersonPageShowsAgeAndStatus:
    def test_a_ten_year_old_is_shown_as_ten_years_old_with_who_is_working_with_her(
        self, signed_in, practitioner, agency
    ):
        today = timezone.localdate()
        girl = PersonFactory(
            given_name="Amelia", date_of_birth=today.replace(year=today.year - 10, day=1)
        )
        InvolvementFactory(person=girl, agency=agency)
        social_care = Agency.objects.create(
            slug="csc", name="City Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
        )
        InvolvementFactory(person=girl, agency=social_care)
        ended = Agency.objects.create(slug="old", name="Old Agency", kind=AgencyKind.VOLUNTARY)
        InvolvementFactory(person=girl, agency=ended, ended=today - dt.timedelta(days=3))
        body = signed_in(practitioner).get(reverse("people:detail", args=[girl.pk]))
        text = body.content.decode()
        assert (
            "10 years old · Child · Open to children&#x27;s social care · "
            "2 agencies working with them now"
        ) in text
        assert '<dt class="govuk-summary-list__key">Age</dt>' in text

    def test_a_baby_is_shown_in_months_and_an_estimated_age_says_so(
        self, signed_in, practitioner, agency
    ):
        today = timezone.localdate()
        baby = PersonFactory(
            given_name="Poppy",
            date_of_birth=today - dt.timedelta(days=200),
            date_of_birth_estimated=True,
        )
        InvolvementFactory(person=baby, agency=agency)
        text = signed_in(practitioner).get(reverse("people:detail", args=[baby.pk]))
        status = text.content.decode().split('data-testid="person-status">')[1].split("<")[0]
        assert status == (
            "About 6 months old · Child · Open to children&#x27;s social care · "
            "1 agency working with them now"
        )

    def test_age_is_counted_on_the_uk_date_not_the_utc_date(
        self, practitioner, agency, monkeypatch
    ):
        # 23:30 UTC on 30 June 2026 is 00:30 on 1 July in the UK (British Summer Time).
        girl = PersonFactory(date_of_birth=dt.date(2016, 7, 1))
        InvolvementFactory(person=girl, agency=agency)
        late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
        monkeypatch.setattr(timezone, "now", lambda: late)
        page = person_page(user=practitioner, person=girl, basis="test")
        assert page.status[0] == "10 years old"
