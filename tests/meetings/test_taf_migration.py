"""Moving Team Around the Family (TAF) meetings from early help onto meetings loses no row.

The test takes the database back to just before the move (meetings 0003, early help
0004, where ``earlyhelp.TafMeeting`` still exists), adds meetings with the models as
they were then, migrates forward and checks every meeting is there as a meeting of
kind ``team-around-the-family``, as early help sees it too; then goes back again and
checks every meeting is a ``TafMeeting`` once more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from safeguard.earlyhelp.models import Episode
from safeguard.earlyhelp.taf import taf_meetings
from safeguard.meetings.models import Attendance, ItemKind, Meeting, MeetingStatus

BEFORE_THE_MOVE = [("meetings", "0003_family_meetings"), ("earlyhelp", "0004_child_voice_approach")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _newest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_models(transactional_db) -> Iterator[Any]:
    """The models as they were just before the move; the database goes forward again after."""
    try:
        yield _migrate(BEFORE_THE_MOVE)
    finally:
        _migrate(_newest())


def _seed(apps: Any) -> dict[str, Any]:
    """Two episodes: one with a first meeting and a review, one (no children) with one meeting."""
    agency_model = apps.get_model("core", "Agency")
    user_model = apps.get_model("core", "User")
    person_model = apps.get_model("people", "Person")
    episode_model = apps.get_model("earlyhelp", "Episode")
    taf_model = apps.get_model("earlyhelp", "TafMeeting")
    school = agency_model.objects.create(slug="school", name="Northfield School", kind="education")
    health = agency_model.objects.create(slug="health", name="Test Health", kind="health")
    lead = user_model.objects.create(username="lead", password="!", agency=school)
    older = person_model.objects.create(
        given_name="Zebedee", family_name="Quartermaine", date_of_birth=dt.date(2014, 5, 1)
    )
    younger = person_model.objects.create(
        given_name="Florence", family_name="Quartermaine", date_of_birth=dt.date(2018, 9, 3)
    )
    opened = dt.date(2025, 1, 6)
    family = episode_model.objects.create(
        reference="EH-TEST-0001", lead_agency=school, opened_on=opened, opened_by=lead
    )
    apps.get_model("earlyhelp", "EpisodeChild").objects.create(
        episode=family, person=younger, added_on=opened
    )
    apps.get_model("earlyhelp", "EpisodeChild").objects.create(
        episode=family, person=older, added_on=opened
    )
    empty = episode_model.objects.create(
        reference="EH-TEST-0002", lead_agency=school, opened_on=opened, opened_by=lead
    )
    first = taf_model.objects.create(
        episode=family,
        kind="first",
        held_on=dt.date(2025, 3, 30),  # the day the clocks went forward
        attendees="Lead (school), mum",
        family_attended=True,
        progress="Routines agreed.",
        child_voice="Likes the breakfast club.",
        child_voice_approach="words",
        plan_update="Mum to attend the parenting course.",
        next_review_due=dt.date(2025, 5, 11),
        recorded_by=lead,
    )
    first.agencies.set([school, health])
    review = taf_model.objects.create(
        episode=family,
        kind="review",
        held_on=dt.date(2025, 5, 12),
        progress="Attendance up to 95 per cent.",
        child_voice="Smiles at pick-up.",
        child_voice_approach="present",
        next_review_due=dt.date(2025, 6, 23),
        recorded_by=lead,
    )
    review.agencies.set([school])
    taf_model.objects.create(
        episode=empty,
        kind="first",
        held_on=dt.date(2025, 10, 27),  # the day after the clocks went back
        progress="Family engaging.",
        next_review_due=dt.date(2025, 12, 8),
        recorded_by=lead,
    )
    return {"family": family.pk, "empty": empty.pk, "older": older.pk, "lead": lead.pk}


class TestTheTeamAroundTheFamilyMove:
    def test_every_meeting_moves_onto_meetings_and_back_again(self, old_models):
        seeded = _seed(old_models)

        new = _migrate(_newest())
        del new
        family = Episode.objects.get(pk=seeded["family"])
        meetings = Meeting.objects.filter(kind__slug="team-around-the-family").order_by("starts_at")
        assert meetings.count() == 3
        first, review, other = meetings
        assert first.episode_id == family.pk
        assert first.status == MeetingStatus.FINALISED
        assert first.chair_id == seeded["lead"]
        assert timezone.localtime(first.starts_at).date() == dt.date(2025, 3, 30)
        assert timezone.localtime(other.starts_at).date() == dt.date(2025, 10, 27)
        assert first.family.stage == "first"
        assert first.family.family_attended is True
        assert first.family.attendees == "Lead (school), mum"
        item = first.items.get()
        assert item.kind == ItemKind.FAMILY
        assert item.person_id == seeded["older"]  # the eldest child
        assert item.discussion == "Routines agreed."
        assert item.child_voice == "Likes the breakfast club."
        assert item.needs_to_happen == "Mum to attend the parenting course."
        assert sorted(i.agency.name for i in first.invitations.all()) == [
            "Northfield School",
            "Test Health",
        ]
        assert {i.attendance for i in first.invitations.all()} == {Attendance.ATTENDED}
        assert review.items.get().child_voice_approach == "present"
        assert other.items.get().kind == ItemKind.TOPIC  # an episode with no child left

        # Early help sees the same meetings, newest first, and the review sets the next review.
        seen = taf_meetings().for_episodes([family.pk])
        assert [(m.kind, m.held_on) for m in seen] == [
            ("review", dt.date(2025, 5, 12)),
            ("first", dt.date(2025, 3, 30)),
        ]
        assert seen[1].agency_names == ["Northfield School", "Test Health"]
        assert seen[0].next_review_due == dt.date(2025, 6, 23)
        assert seen[1].plan_update == "Mum to attend the parenting course."

        # Going back moves every meeting back to early help, with its agencies.
        old = _migrate(BEFORE_THE_MOVE)
        rows = old.get_model("earlyhelp", "TafMeeting").objects.order_by("held_on")
        assert [(m.kind, m.held_on, m.child_voice_approach) for m in rows] == [
            ("first", dt.date(2025, 3, 30), "words"),
            ("review", dt.date(2025, 5, 12), "present"),
            ("first", dt.date(2025, 10, 27), "words"),
        ]
        assert sorted(a.name for a in rows[0].agencies.all()) == [
            "Northfield School",
            "Test Health",
        ]
        assert rows[0].plan_update == "Mum to attend the parenting course."
        assert not old.get_model("meetings", "Meeting").objects.exists()
