"""The voice of a pre-verbal or non-verbal child in early help: PRESENT (issue 9 item 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.earlyhelp.models import Assessment
from safeguard.earlyhelp.taf import taf_meetings

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


class TestPresentInEarlyHelp:
    def test_a_meeting_records_what_the_child_shows(self, signed_in, family, episode):
        today = timezone.localdate()
        client = signed_in(family.lead)
        url = reverse("earlyhelp:taf", args=[episode.pk])
        page = client.get(url).content.decode()
        assert "What do the child&#x27;s presentation, behaviour and interactions show?" in page
        data = {
            "kind": "first",
            **_date("held_on", today),
            **_date("next_review_due", today + dt.timedelta(days=42)),
            "agencies": [family.school.pk],
            "progress": "Settled routines.",
            "voice_approach": "present",
            "child_presentation": "",
        }
        refused = client.post(url, data)
        assert b"Enter what the child&#x27;s presentation" in refused.content
        data["child_presentation"] = "Smiles and reaches for mum; feeds well."
        assert client.post(url, data).status_code == 302
        (meeting,) = taf_meetings().for_episodes([episode.pk])
        assert meeting.child_voice_approach == "present"
        assert meeting.child_voice == "Smiles and reaches for mum; feeds well."
        detail = client.get(reverse("earlyhelp:detail", args=[episode.pk])).content.decode()
        assert "(PRESENT approach)" in detail

    def test_an_assessment_keeps_the_approach(self, signed_in, family, episode):
        client = signed_in(family.lead)
        start = client.post(reverse("earlyhelp:assessment-start", args=[episode.pk]))
        assessment = Assessment.objects.get()
        assert start.status_code == 302
        url = reverse("earlyhelp:assessment", args=[episode.pk, assessment.pk])
        client.post(
            url,
            {
                "action": "draft",
                "voice_approach": "present",
                "child_presentation": "Watches the door; quiet when dad is home.",
            },
        )
        assessment.refresh_from_db()
        assert assessment.child_voice_approach == "present"
        assert assessment.child_voice == "Watches the door; quiet when dad is home."
        assert 'value="present" checked' in client.get(url).content.decode()
