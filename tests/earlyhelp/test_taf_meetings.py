"""Team Around the Family meetings recorded in early help are meetings: one place for every meeting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.earlyhelp import services
from safeguard.earlyhelp.taf import TafKind, taf_meetings
from safeguard.meetings.models import Attendance, ItemKind, Meeting, MeetingStatus

pytestmark = pytest.mark.django_db


def _record(episode, lead, *, held_on, due, **extra):
    return services.taf_meeting_record(
        by=lead,
        episode=episode,
        held_on=held_on,
        next_review_due=due,
        progress="Attendance up to 91%.",
        agencies=[lead.agency],
        child_voice="Isla likes breakfast club.",
        plan_update="Nan to do Tuesday pick-ups.",
        **extra,
    )


class TestATeamAroundTheFamilyMeetingIsAMeeting:
    def test_the_lead_opens_it_among_their_meetings_with_the_family_item(
        self, family, episode, signed_in
    ):
        today = timezone.localdate()
        recorded = _record(episode, family.lead, held_on=today, due=today + dt.timedelta(weeks=6))
        meeting = Meeting.objects.get(reference=recorded.reference)
        assert meeting.kind.slug == "team-around-the-family"
        assert meeting.episode_id == episode.pk
        assert meeting.status == MeetingStatus.FINALISED
        assert meeting.family.stage == TafKind.FIRST
        item = meeting.items.get()
        assert item.kind == ItemKind.FAMILY
        assert item.person == family.older  # the eldest child
        assert item.needs_to_happen == "Nan to do Tuesday pick-ups."
        assert [(i.agency, i.attendance) for i in meeting.invitations.all()] == [
            (family.school, Attendance.ATTENDED)
        ]
        client = signed_in(family.lead)
        page = client.get(reverse("earlyhelp:detail", args=[episode.pk])).text
        assert recorded.reference in page
        minutes = client.get(f"/meetings/{meeting.reference}/minutes/").text
        assert "Attendance up to 91%." in minutes
        assert "Isla likes breakfast club." in minutes

    def test_an_older_meeting_recorded_late_does_not_move_the_review(self, family, episode):
        today = timezone.localdate()
        episode.opened_on = today - dt.timedelta(days=10)
        episode.save(update_fields=["opened_on"])
        _record(episode, family.lead, held_on=today, due=today + dt.timedelta(weeks=6))
        _record(
            episode,
            family.lead,
            held_on=today - dt.timedelta(days=1),
            due=today + dt.timedelta(weeks=2),
        )
        episode.refresh_from_db()
        assert episode.review_due == today + dt.timedelta(weeks=6)
        kinds = [m.kind for m in taf_meetings().for_episodes([episode.pk])]
        assert kinds == [TafKind.FIRST, TafKind.REVIEW]

    def test_a_cancelled_meeting_is_not_one_early_help_counts(self, family, episode):
        today = timezone.localdate()
        recorded = _record(episode, family.lead, held_on=today, due=today + dt.timedelta(weeks=6))
        Meeting.objects.filter(reference=recorded.reference).update(status=MeetingStatus.CANCELLED)
        assert not taf_meetings().exists(episode)
        assert taf_meetings().for_episodes([episode.pk]) == []

    def test_deleting_the_episode_deletes_its_meetings(self, family, episode):
        today = timezone.localdate()
        _record(episode, family.lead, held_on=today, due=today + dt.timedelta(weeks=6))
        episode.delete()
        assert not Meeting.objects.filter(kind__slug="team-around-the-family").exists()
