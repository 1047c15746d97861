"""The voice of a pre-verbal or non-verbal child: the PRESENT approach on a concern (issue 9 item 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.frontdoor.models import Contact, VoiceApproach
from tests.frontdoor.test_views import STEPS

pytestmark = pytest.mark.django_db

STEP = reverse("frontdoor:report-step", kwargs={"step": "child-voice"})


def _child(client, *, months_old):
    born = timezone.localdate().replace(day=1)
    for _ in range(months_old):
        born = (born.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    client.post(
        reverse("frontdoor:report-child-new"),
        {
            "given_name": "Robin",
            "family_name": "Smallwood",
            "date_of_birth_day": str(born.day),
            "date_of_birth_month": str(born.month),
            "date_of_birth_year": str(born.year),
            "sex": "unknown",
        },
    )


class TestChildVoiceStep:
    def test_a_baby_starts_on_present_and_an_older_child_on_words(self, signed_in, referrer):
        client = signed_in(referrer)
        _child(client, months_old=8)
        page = client.get(STEP).content.decode()
        assert 'value="present" checked' in page
        assert "What do the child&#x27;s presentation, behaviour and interactions show?" in page
        assert "govuk-radios__conditional" in page

        older = signed_in(referrer)
        older.post(reverse("frontdoor:report-start"), {"action": "restart"})
        _child(older, months_old=60)
        assert 'value="words" checked' in older.get(STEP).content.decode()

    def test_present_needs_what_the_child_shows(self, signed_in, referrer):
        client = signed_in(referrer)
        _child(client, months_old=8)
        response = client.post(STEP, {"voice_approach": "present", "child_presentation": " "})
        assert response.status_code == 200
        assert b"Enter what the child&#x27;s presentation, behaviour and interactions show" in (
            response.content
        )

    def test_the_record_shows_which_approach_was_used(
        self, signed_in, referrer, mash_worker, mash_agency
    ):
        client = signed_in(referrer)
        _child(client, months_old=8)
        client.post(reverse("frontdoor:report-children"), {"action": "continue"})
        present = {
            "voice_approach": "present",
            "child_presentation": "Flinches when dad comes close; settles with nursery staff.",
        }
        for step, data in STEPS:
            answer = present if step == "child-voice" else data
            client.post(reverse("frontdoor:report-step", kwargs={"step": step}), answer)
        check = client.get(reverse("frontdoor:report-check")).content.decode()
        assert "PRESENT approach" in check
        assert "Flinches when dad comes close" in check
        client.post(reverse("frontdoor:report-check"))
        contact = Contact.objects.get()
        assert contact.child_voice_approach == VoiceApproach.PRESENT
        assert contact.child_voice.startswith("Flinches")
        page = signed_in(mash_worker).get(reverse("frontdoor:contact", args=[contact.reference]))
        assert b"pre-verbal or non-verbal: PRESENT approach" in page.content

    def test_words_stay_the_default(self, submit):
        assert submit().child_voice_approach == VoiceApproach.WORDS
