"""The pages under /harmful-sexual-behaviour/: who sees them, and GOV.UK errors with nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import Role as UserRole
from safeguard.hsb import investigations as inv
from safeguard.hsb.models import Concern, Pathway, Role, StrategyMeeting
from safeguard.meetings.models import Meeting

from .conftest import record

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _concern_post(p, **overrides):
    data = {
        "child": str(p.leo.pk),
        "child_role": "harming",
        "child_voice": "Said it was a game.",
        "other_child": str(p.mia.pk),
        "other_role": "harmed",
        "other_voice": "Said she was scared.",
        **_date("noticed_on", timezone.localdate()),
        "noticed_time": "",
        "what_happened": "Seen in the toilets.",
        "level": "problematic",
        "light": "amber",
        "evidence": "Repeated after being told to stop.",
        "immediate_response": "Separated them.",
    }
    data.update(overrides)
    return data


class TestRecordingAConcernOnThePage:
    def test_a_school_records_a_concern_and_sees_it_referred(self, p, signed_in):
        client = signed_in(p.teacher)
        response = client.post(reverse("hsb:concern-new"), _concern_post(p), follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Concern recorded and referred" in text
        assert "after the behaviour was noticed" in text
        assert "Leo Hart" in text
        assert "Mia Shaw" in text

    def test_a_level_without_evidence_shows_a_govuk_error_and_saves_nothing(self, p, signed_in):
        response = signed_in(p.teacher).post(
            reverse("hsb:concern-new"), _concern_post(p, evidence="")
        )
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert b"Enter the evidence for the level you chose" in response.content
        assert not Concern.objects.exists()

    def test_another_child_needs_their_voice(self, p, signed_in):
        response = signed_in(p.teacher).post(
            reverse("hsb:concern-new"), _concern_post(p, other_voice="")
        )
        assert b"Enter the other child&#x27;s voice" in response.content
        assert not Concern.objects.exists()

    def test_roles_that_see_no_children_cannot_open_the_pages(self, p, make_user, signed_in):
        analyst = make_user(UserRole.ANALYST, agency=p.csc)
        client = signed_in(analyst)
        assert client.get(reverse("hsb:index")).status_code == 404
        assert client.get(reverse("hsb:concern-new")).status_code == 404
        assert client.get(reverse("hsb:figures")).status_code == 200


class TestThePagesRender:
    def test_each_page_answers_for_the_people_who_use_it(self, p, signed_in, make_user):
        concern = record(p)
        pathway = Pathway.objects.get(person=p.leo, role=Role.HARMING)
        investigation = inv.investigation_record(
            by=p.officer,
            concern=concern,
            person=p.leo,
            crime_reference="12/1/26",
            started_on=timezone.localdate(),
            officer=p.officer,
        )
        manager = make_user(UserRole.MASH_MANAGER, agency=p.csc)
        pages = [
            (p.teacher, reverse("hsb:index")),
            (p.teacher, reverse("hsb:continuum")),
            (p.teacher, reverse("hsb:concern", args=[concern.reference])),
            (p.yjs_manager, reverse("hsb:child", args=[p.leo.pk])),
            (p.yjs_manager, reverse("hsb:keyworker", args=[pathway.pk])),
            (p.yjs_worker, reverse("hsb:consent", args=[pathway.pk])),
            (p.yjs_worker, reverse("hsb:assessment-new", args=[pathway.pk])),
            (p.yjs_worker, reverse("hsb:internet-advice", args=[p.leo.pk])),
            (p.yjs_worker, reverse("hsb:lessons", args=[p.leo.pk])),
            (p.officer, reverse("hsb:investigation", args=[investigation.pk])),
            (p.officer, reverse("hsb:investigation-new", args=[concern.reference])),
            (p.social_worker, reverse("hsb:strategy", args=[concern.reference])),
            (p.yjs_manager, reverse("hsb:trained")),
            (manager, reverse("hsb:figures")),
        ]
        for user, url in pages:
            response = signed_in(user).get(url)
            assert response.status_code == 200, (user, url)
            assert b"govuk-heading-l" in response.content, url

    def test_the_strategy_meeting_page_arranges_a_meeting_in_the_meetings_app(self, p, signed_in):
        concern = record(p)
        day = timezone.localdate() + dt.timedelta(days=10)
        response = signed_in(p.social_worker).post(
            reverse("hsb:strategy", args=[concern.reference]),
            {
                **_date("date", day),
                "time": "10:00",
                "location": "Room 2",
                "agencies": [str(a.pk) for a in (p.csc, p.police, p.health, p.yjs)],
            },
        )
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("meetings:detail", args=[meeting.reference])
        assert meeting.kind.slug == "strategy-meeting"
        assert StrategyMeeting.objects.filter(concern=concern, meeting=meeting).exists()

    def test_a_strategy_meeting_leaving_out_a_required_agency_is_a_govuk_error(self, p, signed_in):
        concern = record(p)
        day = timezone.localdate() + dt.timedelta(days=10)
        response = signed_in(p.social_worker).post(
            reverse("hsb:strategy", args=[concern.reference]),
            {**_date("date", day), "time": "10:00", "agencies": [str(p.yjs.pk)]},
        )
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert not Meeting.objects.exists()
