"""Move every Team Around the Family (TAF) meeting from early help onto the meetings app.

Each ``earlyhelp.TafMeeting`` becomes the rows ``meetings/taf.py`` makes for a new
one: a finalised ``Meeting`` of kind ``team-around-the-family`` linked to its
episode, chaired by who recorded it, at noon UK time on the day it was held; a
``FamilyMeeting`` (first or review, family came, who came, next review due); one
family ``AgendaItem`` about the episode's eldest child (progress, the child's voice
and its approach, the plan update as "what needs to happen"); one attended
``Invitation`` per agency that took part. The old row is deleted once moved, and
going back moves every such meeting back to a ``TafMeeting``, so nothing is lost
either way. No audit event is written: a migration is not a user's act, and the
audit table is append-only.
"""

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.db import migrations

from safeguard.core.references import ALPHABET, BODY_LENGTH, format_reference

UK = ZoneInfo("Europe/London")
KIND = "team-around-the-family"
TITLES = {
    "first": "First Team Around the Family meeting",
    "review": "Team Around the Family review",
}
PRESENT = ("attended", "substitute")


def _reference(taken):
    while True:
        value = format_reference(
            "MTG", "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
        )
        if value not in taken:
            taken.add(value)
            return value


def _eldest(apps, episode_ids):
    eldest = {}
    for membership in (
        apps.get_model("earlyhelp", "EpisodeChild")
        .objects.filter(episode_id__in=episode_ids)
        .order_by("person__date_of_birth", "pk")
    ):
        eldest.setdefault(membership.episode_id, membership.person_id)
    return eldest


def forward(apps, schema_editor):
    taf_model = apps.get_model("earlyhelp", "TafMeeting")
    old = list(taf_model.objects.select_related("episode").prefetch_related("agencies"))
    if not old:
        return
    kind_model = apps.get_model("meetings", "MeetingKind")
    meeting_model = apps.get_model("meetings", "Meeting")
    family_model = apps.get_model("meetings", "FamilyMeeting")
    item_model = apps.get_model("meetings", "AgendaItem")
    invitation_model = apps.get_model("meetings", "Invitation")
    reference_model = apps.get_model("core", "ReferenceNumber")
    kind = kind_model.objects.filter(slug=KIND).first()
    if kind is None:  # the partnership removed the seeded kind: put it back
        kind = kind_model.objects.create(
            slug=KIND,
            name="Team Around the Family meeting",
            short_name="TAF",
            frequency="one_off",
            signs_of_safety=True,
            quorum=2,
        )
    taken = set(reference_model.objects.values_list("value", flat=True))
    eldest = _eldest(apps, {m.episode_id for m in old})
    for taf in old:
        starts_at = dt.datetime.combine(taf.held_on, dt.time(12, 0), tzinfo=UK).astimezone(dt.UTC)
        reference = _reference(taken)
        reference_model.objects.create(value=reference, kind="meeting")
        meeting = meeting_model.objects.create(
            reference=reference,
            kind=kind,
            title=f"{TITLES.get(taf.kind, kind.name)} ({taf.episode.reference})",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=kind.duration_minutes),
            chair_id=taf.recorded_by_id,
            status="finalised",
            finalised_at=taf.created_at,
            finalised_by_id=taf.recorded_by_id,
            created_by_id=taf.recorded_by_id,
            created_at=taf.created_at,
            episode_id=taf.episode_id,
        )
        family_model.objects.create(
            meeting=meeting,
            stage=taf.kind,
            family_attended=taf.family_attended,
            attendees=taf.attendees,
            next_review_due=taf.next_review_due,
        )
        child_id = eldest.get(taf.episode_id)
        item_model.objects.create(
            meeting=meeting,
            order=1,
            kind="family" if child_id else "topic",
            person_id=child_id,
            title=f"The family ({taf.episode.reference})",
            discussion=taf.progress,
            child_voice=taf.child_voice,
            child_voice_approach=taf.child_voice_approach,
            needs_to_happen=taf.plan_update,
            notes_saved_at=taf.created_at,
            notes_saved_by_id=taf.recorded_by_id,
        )
        for agency in taf.agencies.all():
            invitation_model.objects.create(
                meeting=meeting,
                agency=agency,
                response="confirmed",
                responded_at=taf.created_at,
                attendance="attended",
            )
    taf_model.objects.filter(pk__in=[m.pk for m in old]).delete()


def backward(apps, schema_editor):
    taf_model = apps.get_model("earlyhelp", "TafMeeting")
    meeting_model = apps.get_model("meetings", "Meeting")
    moved = list(
        meeting_model.objects.filter(kind__slug=KIND, episode__isnull=False, family__isnull=False)
        .select_related("family")
        .prefetch_related("items", "invitations")
    )
    for meeting in moved:
        items = sorted(meeting.items.all(), key=lambda i: (i.order, i.pk))
        item = items[0] if items else None
        taf = taf_model.objects.create(
            episode_id=meeting.episode_id,
            kind=meeting.family.stage,
            held_on=meeting.starts_at.astimezone(UK).date(),
            attendees=meeting.family.attendees,
            family_attended=meeting.family.family_attended,
            progress=item.discussion if item else "",
            child_voice=item.child_voice if item else "",
            child_voice_approach=item.child_voice_approach if item else "words",
            plan_update=item.needs_to_happen if item else "",
            next_review_due=meeting.family.next_review_due,
            recorded_by_id=meeting.created_by_id or meeting.chair_id,
        )
        taf_model.objects.filter(pk=taf.pk).update(created_at=meeting.created_at)
        taf.agencies.set(
            [i.agency_id for i in meeting.invitations.all() if i.attendance in PRESENT]
        )
    meeting_model.objects.filter(pk__in=[m.pk for m in moved]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_family_meetings"),
        ("earlyhelp", "0004_child_voice_approach"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
