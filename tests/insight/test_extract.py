"""The extract read straight from the database equals the one read through Django, row for row.

``django_extract`` below is the extract as it was read before (Django querysets, Python
objects, row by row), kept only as the reference: the fast extract (one SQL query per
table, COPY on PostgreSQL) must give identical Arrow tables on the same hand-built record,
on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pytest

from safeguard.core import clock
from safeguard.core.models import AgencyKind
from safeguard.frontdoor.models import Submission
from safeguard.insight.engine import compute, uk_midnight, window_start
from safeguard.insight.extract import (
    EARLY_HELP_SOURCE,
    REFERRAL_SOURCES,
    SCHEMAS,
    UNKNOWN_SOURCE,
    Extract,
    ethnic_group,
    extract,
    utc,
)
from safeguard.insight.types import Period
from safeguard.meetings.models import FamilyMeeting
from safeguard.people.models import Ethnicity
from tests.person_rows import BUILDERS, World

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")


@pytest.fixture
def record(partnership, contextual_record):
    """Rows in every table the extract reads, with the awkward cases it must keep apart.

    Every person-linked row builder in the project (a merged person among them), contacts
    around the quarter's edges and across a daylight-saving change, one stepped up from
    early help and one from an agency kind with no census code, cancelled and held
    meetings, missing episodes with and without returns, panel and NRM decisions, harmful
    sexual behaviour concerns, and people of every ethnic group and none.
    """
    p = partnership
    world = World.make()
    for build in BUILDERS.values():
        build(world, p.person())
    people = [p.person(ethnicity=value) for value in (*Ethnicity.values[:6], "")]
    alex, billie, casey = people[:3]
    school, police = AgencyKind.EDUCATION_SCHOOL, AgencyKind.POLICE
    p.contact(kind=school, received="2025-03-30 00:30", children=[alex],
              decided="2025-03-31 08:00", level=4)  # fmt: skip
    p.contact(kind=police, received="2026-06-30 23:30", children=[alex, billie],
              decided="2026-07-02 12:00", level=4)  # fmt: skip
    p.contact(kind=school, received="2026-10-24 16:59", children=[casey],
              decided="2026-10-26 09:00", level=2)  # fmt: skip
    stepped = p.contact(kind=AgencyKind.HOUSING, received="2026-08-01 09:00", children=[casey])
    stepped.submitted_via = Submission.EARLY_HELP
    stepped.save(update_fields=["submitted_via"])
    p.contact(kind="unknown_kind", received="2026-09-30 23:30", children=[people[3]])
    episode = p.early_help(opened="2026-07-01", closed="2026-09-01", reason="stepped_up")
    review = p.meeting(starts="2026-08-03 23:30")
    review.episode = episode
    review.save(update_fields=["episode"])
    FamilyMeeting.objects.create(meeting=review, stage="review", next_review_due=Q3.end)
    p.early_help(opened="2025-01-01")
    p.contact(kind=school, received="2023-05-01 10:00", children=[billie],
              decided="2023-05-02 10:00", level=4)  # fmt: skip
    p.missing(child=casey, since="2023-06-01 10:00", returned="2023-06-02 10:00")
    held = p.meeting(starts="2026-07-10 09:00")
    p.invite(held, kind=police, attendance="attended")
    cancelled = p.meeting(starts="2026-07-11 09:00")
    cancelled.status = "cancelled"
    cancelled.save(update_fields=["status"])
    p.invite(cancelled, kind=school, attendance="apologies")
    p.missing(child=alex, since="2026-07-01 10:00", returned="2026-07-02 10:00",
              interview="completed", held="2026-07-03 10:00")  # fmt: skip
    p.missing(child=billie, since="2026-09-30 22:00")
    p.screening(child=casey, on="2026-08-01")
    p.panel(child=alex, recorded="2026-07-20 10:00", exploitation="cce", level="moderate")
    p.nrm(child=billie, referred="2026-05-01", exploitation="criminal", decided="2026-07-15")
    p.hsb(recorded="2026-07-05 10:00", level="harmful", noticed="2026-07-04 10:00",
          referred="2026-07-05 12:00", children=((alex, "harmed"), (people[4], "harming")))  # fmt: skip
    return p


def _same(ours: Extract, reference: Extract) -> None:
    assert list(ours.tables) == list(reference.tables) == list(SCHEMAS)
    for name, table in reference.tables.items():
        assert ours.tables[name].schema == SCHEMAS[name], name
        assert ours.tables[name].to_pylist() == table.to_pylist(), name
        assert ours.tables[name].equals(table), name


class TestTheExtractEqualsTheDjangoPath:
    def test_every_table_is_identical_with_nothing_left_out(self, record):
        reference = django_extract()
        assert all(table.num_rows for table in reference.tables.values())
        _same(extract(), reference)

    def test_every_table_is_identical_up_to_the_end_of_a_quarter(self, record):
        until = uk_midnight(Q3.end).replace(tzinfo=dt.UTC)
        _same(extract(until=until), django_extract(until=until))

    def test_a_window_keeps_every_figure_of_the_quarters_it_was_read_for(self, record):
        history = Q3.history(2)
        until = uk_midnight(Q3.end).replace(tzinfo=dt.UTC)
        whole = extract(until=until)
        window = extract(until=until, since=window_start(history[0]))
        assert window.rows < whole.rows
        for period in history:
            assert _figures(compute(period, source=window)) == _figures(
                compute(period, source=whole)
            )


def _figures(dataset: Any) -> list[Any]:
    return [(table.measure.key, table.rows, table.total) for table in dataset.tables()]


# --- The reference: the extract as it was read through Django ------------------------------


def _table(name: str, rows: Iterable[tuple[Any, ...]]) -> pa.Table:
    schema = SCHEMAS[name]
    columns: list[list[Any]] = [[] for _ in schema.names]
    for row in rows:
        for index, value in enumerate(row):
            columns[index].append(value)
    return pa.Table.from_arrays(
        [pa.array(values, type=schema.field(i).type) for i, values in enumerate(columns)],
        schema=schema,
    )


class _Numbers:
    """Give each key (a UUID or a primary key) a number, in the order first seen."""

    def __init__(self) -> None:
        self.numbers: dict[Any, int] = {}

    def __call__(self, key: Any) -> int | None:
        if key is None:
            return None
        return self.numbers.setdefault(key, len(self.numbers) + 1)


def django_extract(*, until: dt.datetime | None = None) -> Extract:  # noqa: PLR0914
    """The extract as it was read before: Django querysets, row by row (rows in key order)."""
    from safeguard.core.models import Agency  # noqa: PLC0415
    from safeguard.earlyhelp.models import Episode  # noqa: PLC0415
    from safeguard.exploitation.models import (  # noqa: PLC0415
        MissingEpisode,
        NrmDecision,
        NrmReferral,
        PanelDecision,
        ReturnInterview,
        Screening,
    )
    from safeguard.frontdoor.models import Contact, ContactChild, Submission  # noqa: PLC0415
    from safeguard.hsb.models import (  # noqa: PLC0415
        AimAssessment,
        Concern,
        ConcernChild,
        Investigation,
    )
    from safeguard.meetings.models import (  # noqa: PLC0415
        FamilyMeeting,  # noqa: PLC0415
        FamilyStage,
        Invitation,
        MeetingStatus,
    )
    from safeguard.people.models import Person  # noqa: PLC0415
    from safeguard.sharing.models import (  # noqa: PLC0415
        BreakGlassUse,
        SharingDecision,
        SharingRequest,
    )

    moment = until or dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    day = moment.astimezone(clock.UK).date()  # date fields: before the UK day ``until`` starts
    child = _Numbers()
    contact_number = _Numbers()
    episode_number = _Numbers()
    missing_number = _Numbers()
    nrm_number = _Numbers()
    concern_number = _Numbers()
    kinds = dict(Agency.objects.values_list("pk", "kind"))
    out: dict[str, pa.Table] = {}

    persons = (
        Person.objects.filter(merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", "date_of_birth", "sex", "ethnicity")
    )
    out["persons"] = _table(
        "persons",
        (
            (child(pk), born, sex, ethnic_group(ethnicity or ""))
            for pk, born, sex, ethnicity in persons
        ),
    )

    contacts = (
        Contact.objects.filter(received_at__lt=moment)
        .order_by("pk")
        .values_list(
            "pk",
            "received_at",
            "submitted_via",
            "referrer_agency_id",
            "decision__decided_at",
            "decision__level",
            "decision__outcome",
        )
    )
    out["contacts"] = _table(
        "contacts",
        (
            (
                contact_number(pk),
                utc(received),
                EARLY_HELP_SOURCE
                if via == Submission.EARLY_HELP
                else REFERRAL_SOURCES.get(kinds.get(agency, ""), UNKNOWN_SOURCE),
                utc(clock.add_working_days(received, 1)),
                utc(decided),
                level,
                outcome,
            )
            for pk, received, via, agency, decided, level, outcome in contacts
        ),
    )
    out["contact_children"] = _table(
        "contact_children",
        (
            (contact_number(contact), child(person))
            for contact, person in ContactChild.objects.filter(contact__received_at__lt=moment)
            .order_by("pk")
            .values_list("contact_id", "person_id")
        ),
    )

    out["eh_episodes"] = _table(
        "eh_episodes",
        (
            (episode_number(pk), opened, closed, reason or None)
            for pk, opened, closed, reason in Episode.objects.filter(opened_on__lt=day)
            .order_by("pk")
            .values_list("pk", "opened_on", "closed_on", "closure_reason")
        ),
    )
    out["eh_reviews"] = _table(
        "eh_reviews",
        (
            (episode_number(episode), utc(held))
            for episode, held in FamilyMeeting.objects.filter(
                stage=FamilyStage.REVIEW,
                meeting__starts_at__lt=moment,
                meeting__episode__isnull=False,
            )
            .exclude(meeting__status=MeetingStatus.CANCELLED)
            .order_by("pk")
            .values_list("meeting__episode_id", "meeting__starts_at")
        ),
    )

    out["sharing_decisions"] = _table(
        "sharing_decisions",
        (
            (utc(at), decision, consent)
            for at, decision, consent in SharingDecision.objects.filter(decided_at__lt=moment)
            .order_by("pk")
            .values_list("decided_at", "decision", "consent")
        ),
    )
    out["sharing_requests"] = _table(
        "sharing_requests",
        (
            (due, answered.astimezone(clock.UK).date() if answered else None, status)
            for due, answered, status in SharingRequest.objects.filter(created_at__lt=moment)
            .order_by("pk")
            .values_list("due_date", "answered_at", "status")
        ),
    )
    out["break_glass"] = _table(
        "break_glass",
        (
            (utc(at), outcome or "not_reviewed")
            for at, outcome in BreakGlassUse.objects.filter(opened_at__lt=moment)
            .order_by("pk")
            .values_list("opened_at", "outcome")
        ),
    )

    out["invitations"] = _table(
        "invitations",
        (
            (utc(starts), kind, kinds.get(agency, ""), attendance)
            for starts, kind, agency, attendance in Invitation.objects.filter(
                meeting__starts_at__lt=moment
            )
            .exclude(meeting__status=MeetingStatus.CANCELLED)
            .order_by("pk")
            .values_list("meeting__starts_at", "meeting__kind__name", "agency_id", "attendance")
        ),
    )

    missing = (
        MissingEpisode.objects.filter(missing_since__lt=moment)
        .order_by("pk")
        .values_list("pk", "person_id", "missing_since", "returned_at")
    )
    out["missing_episodes"] = _table(
        "missing_episodes",
        (
            (missing_number(pk), child(person), utc(since), utc(returned))
            for pk, person, since, returned in missing
        ),
    )
    out["return_interviews"] = _table(
        "return_interviews",
        (
            (missing_number(episode), utc(due), status, utc(held))
            for episode, due, status, held in ReturnInterview.objects.filter(
                episode__missing_since__lt=moment
            )
            .order_by("pk")
            .values_list("episode_id", "due_at", "status", "held_at")
        ),
    )

    out["screenings"] = _table(
        "screenings",
        (
            (child(person), on)
            for person, on in Screening.objects.filter(screened_on__lt=day)
            .order_by("pk")
            .values_list("person_id", "screened_on")
        ),
    )
    out["panel_decisions"] = _table(
        "panel_decisions",
        (
            (child(person), utc(at), exploitation, level)
            for person, at, exploitation, level in PanelDecision.objects.filter(
                recorded_at__lt=moment
            )
            .order_by("pk")
            .values_list("person_id", "recorded_at", "exploitation", "level")
        ),
    )
    out["nrm_referrals"] = _table(
        "nrm_referrals",
        (
            (nrm_number(pk), child(person), on, exploitation)
            for pk, person, on, exploitation in NrmReferral.objects.filter(referred_on__lt=day)
            .order_by("pk")
            .values_list("pk", "person_id", "referred_on", "exploitation")
        ),
    )
    out["nrm_decisions"] = _table(
        "nrm_decisions",
        (
            (nrm_number(referral), stage, on)
            for referral, stage, on in NrmDecision.objects.filter(decided_on__lt=day)
            .order_by("pk")
            .values_list("referral_id", "stage", "decided_on")
        ),
    )

    out["hsb_concerns"] = _table(
        "hsb_concerns",
        (
            (concern_number(pk), utc(recorded), utc(noticed), utc(referred), level)
            for pk, recorded, noticed, referred, level in Concern.objects.filter(
                recorded_at__lt=moment
            )
            .order_by("pk")
            .values_list("pk", "recorded_at", "noticed_at", "referred_at", "level")
        ),
    )
    out["hsb_concern_children"] = _table(
        "hsb_concern_children",
        (
            (concern_number(concern), child(person), role)
            for concern, person, role in ConcernChild.objects.filter(
                concern__recorded_at__lt=moment
            )
            .order_by("pk")
            .values_list("concern_id", "person_id", "role")
        ),
    )
    out["aim_assessments"] = _table(
        "aim_assessments",
        AimAssessment.objects.filter(started_on__lt=day)
        .order_by("pk")
        .values_list("started_on", "tool", "case_type"),
    )
    out["hsb_investigations"] = _table(
        "hsb_investigations",
        Investigation.objects.filter(started_on__lt=day)
        .order_by("pk")
        .values_list("started_on", "status", "closed_on"),
    )
    out.update(_contextual(moment, day))
    return Extract(tables=out)


def _contextual(moment: dt.datetime, day: dt.date) -> dict[str, pa.Table]:
    """The contextual safeguarding tables: two queries, whatever the volume or periods."""
    from django.db.models import Q  # noqa: PLC0415

    from safeguard.contextual.models import (  # noqa: PLC0415
        ContextConcern,
        DisruptionAction,
        Link,
        PersonOfConcern,
        Place,
    )

    sources = (
        ("context_places", Place, "recorded_at"),
        ("context_persons", PersonOfConcern, "recorded_at"),
        ("context_links", Link, "recorded_at"),
        ("context_concerns", ContextConcern, "reported_at"),
    )
    found = {
        name: [
            (utc(at),)
            for at in model.objects.filter(**{f"{column}__lt": moment})
            .order_by("pk")
            .values_list(column, flat=True)
        ]
        for name, model, column in sources
    }
    actions = (
        DisruptionAction.objects.filter(Q(agreed_at__lt=moment) | Q(completed_on__lt=day))
        .order_by("pk")
        .values_list(
            "agreed_at",
            "completed_on",
            "outcome",
            "children_at_risk_before",
            "children_at_risk_after",
        )
    )
    return {
        **{name: _table(name, rows) for name, rows in found.items()},
        "disruption_actions": _table(
            "disruption_actions",
            (
                (utc(agreed), completed, outcome or None, before, after)
                for agreed, completed, outcome, before, after in actions
            ),
        ),
    }
