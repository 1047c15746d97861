"""The extract: the operational tables the data set needs, as Arrow tables, with no names.

Each table holds only the columns a query reads. A child is a number given out in this
extract alone (``child_id``): no name, no date of birth beyond what an age band needs
(the date itself stays in the extract, which never leaves the process), no identifier
from the record. Times are UTC without a time zone (Arrow ``timestamp[us]``); dates are
dates. The same tables can be written to Parquet and read by Spark (docs/insight.md).

Where the one-working-day clock needs the partnership's calendar (bank holidays, office
hours), the due moment is worked out here in Python with ``core.clock`` and extracted as
a column, so the SQL only compares two times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from safeguard.core import clock
from safeguard.core.models import AgencyKind

# Children in Need census referral source codes, by the referring agency's kind
# (docs/insight.md). An early help episode stepping up is "5D: early help".
REFERRAL_SOURCES: dict[str, str] = {
    AgencyKind.CHILDRENS_SOCIAL_CARE: "5A",
    AgencyKind.POLICE: "6",
    AgencyKind.HEALTH_ICB: "3F",
    AgencyKind.HEALTH_HOSPITAL: "3F",
    AgencyKind.HEALTH_GP: "3A",
    AgencyKind.HEALTH_VISITING: "3B",
    AgencyKind.HEALTH_MENTAL: "3F",
    AgencyKind.EDUCATION_SCHOOL: "2A",
    AgencyKind.EDUCATION_COLLEGE: "2B",
    AgencyKind.EDUCATION_EARLY_YEARS: "2B",
    AgencyKind.YOUTH_JUSTICE: "7",
    AgencyKind.VOLUNTARY: "8",
    AgencyKind.HOUSING: "4",
    AgencyKind.PROBATION: "7",
}
EARLY_HELP_SOURCE = "5D"
UNKNOWN_SOURCE = "10"

TS = pa.timestamp("us")

# Every table's columns and Arrow types: the contract between extract, SQL and the bench.
SCHEMAS: dict[str, pa.Schema] = {
    "persons": pa.schema(
        [
            ("child_id", pa.int64()),
            ("date_of_birth", pa.date32()),
            ("sex", pa.string()),
            ("ethnic_group", pa.string()),
        ]
    ),
    "contacts": pa.schema(
        [
            ("contact_id", pa.int64()),
            ("received_at", TS),
            ("source_code", pa.string()),
            ("due_at", TS),
            ("decided_at", TS),
            ("level", pa.int64()),
            ("outcome", pa.string()),
        ]
    ),
    "contact_children": pa.schema([("contact_id", pa.int64()), ("child_id", pa.int64())]),
    "eh_episodes": pa.schema(
        [
            ("episode_id", pa.int64()),
            ("opened_on", pa.date32()),
            ("closed_on", pa.date32()),
            ("closure_reason", pa.string()),
        ]
    ),
    "eh_reviews": pa.schema([("episode_id", pa.int64()), ("held_at", TS)]),
    "sharing_decisions": pa.schema(
        [("decided_at", TS), ("decision", pa.string()), ("consent", pa.string())]
    ),
    "sharing_requests": pa.schema(
        [("due_date", pa.date32()), ("answered_on", pa.date32()), ("status", pa.string())]
    ),
    "break_glass": pa.schema([("opened_at", TS), ("outcome", pa.string())]),
    "invitations": pa.schema(
        [
            ("starts_at", TS),
            ("meeting_kind", pa.string()),
            ("agency_kind", pa.string()),
            ("attendance", pa.string()),
        ]
    ),
    "missing_episodes": pa.schema(
        [
            ("episode_id", pa.int64()),
            ("child_id", pa.int64()),
            ("missing_since", TS),
            ("returned_at", TS),
        ]
    ),
    "return_interviews": pa.schema(
        [("episode_id", pa.int64()), ("due_at", TS), ("status", pa.string()), ("held_at", TS)]
    ),
    "screenings": pa.schema([("child_id", pa.int64()), ("screened_on", pa.date32())]),
    "panel_decisions": pa.schema(
        [
            ("child_id", pa.int64()),
            ("recorded_at", TS),
            ("exploitation", pa.string()),
            ("level", pa.string()),
        ]
    ),
    "nrm_referrals": pa.schema(
        [
            ("referral_id", pa.int64()),
            ("child_id", pa.int64()),
            ("referred_on", pa.date32()),
            ("exploitation", pa.string()),
        ]
    ),
    "nrm_decisions": pa.schema(
        [("referral_id", pa.int64()), ("stage", pa.string()), ("decided_on", pa.date32())]
    ),
    "hsb_concerns": pa.schema(
        [
            ("concern_id", pa.int64()),
            ("recorded_at", TS),
            ("noticed_at", TS),
            ("referred_at", TS),
            ("level", pa.string()),
        ]
    ),
    "hsb_concern_children": pa.schema(
        [("concern_id", pa.int64()), ("child_id", pa.int64()), ("role", pa.string())]
    ),
    "aim_assessments": pa.schema(
        [("started_on", pa.date32()), ("tool", pa.string()), ("case_type", pa.string())]
    ),
    "hsb_investigations": pa.schema(
        [("started_on", pa.date32()), ("status", pa.string()), ("closed_on", pa.date32())]
    ),
    # Contextual safeguarding: only when each thing was recorded, never what it was.
    "context_places": pa.schema([("recorded_at", TS)]),
    "context_persons": pa.schema([("recorded_at", TS)]),
    "context_links": pa.schema([("recorded_at", TS)]),
    "context_concerns": pa.schema([("reported_at", TS)]),
    "disruption_actions": pa.schema(
        [
            ("agreed_at", TS),
            ("completed_on", pa.date32()),
            ("outcome", pa.string()),
            ("children_at_risk_before", pa.int64()),
            ("children_at_risk_after", pa.int64()),
        ]
    ),
}


def ethnic_group(code: str) -> str:
    """The broad 2021 census group of an ethnicity code (white, mixed, asian, black, other)."""
    for group in ("white", "mixed", "asian", "black", "other"):
        if code.startswith(group):
            return group
    return "not_known"


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """An aware time as naive UTC (what the extract holds)."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass
class Extract:
    """The Arrow tables, by name, and the pseudonymous child numbers given out."""

    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """How many rows the extract holds (all tables)."""
        return sum(table.num_rows for table in self.tables.values())


class _Numbers:
    """Give each key (a UUID or a primary key) a number, in the order first seen."""

    def __init__(self) -> None:
        self.numbers: dict[Any, int] = {}

    def __call__(self, key: Any) -> int | None:
        if key is None:
            return None
        return self.numbers.setdefault(key, len(self.numbers) + 1)


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


def extract(*, until: dt.datetime | None = None) -> Extract:  # noqa: PLR0914
    """Read the operational tables (everything before ``until``, UTC) into Arrow.

    A fixed number of queries, whatever the volume: one per table.
    """
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

    persons = Person.objects.filter(merged_into__isnull=True).values_list(
        "pk", "date_of_birth", "sex", "ethnicity"
    )
    out["persons"] = _table(
        "persons",
        (
            (child(pk), born, sex, ethnic_group(ethnicity or ""))
            for pk, born, sex, ethnicity in persons
        ),
    )

    contacts = Contact.objects.filter(received_at__lt=moment).values_list(
        "pk",
        "received_at",
        "submitted_via",
        "referrer_agency_id",
        "decision__decided_at",
        "decision__level",
        "decision__outcome",
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
            for contact, person in ContactChild.objects.filter(
                contact__received_at__lt=moment
            ).values_list("contact_id", "person_id")
        ),
    )

    out["eh_episodes"] = _table(
        "eh_episodes",
        (
            (episode_number(pk), opened, closed, reason or None)
            for pk, opened, closed, reason in Episode.objects.filter(opened_on__lt=day).values_list(
                "pk", "opened_on", "closed_on", "closure_reason"
            )
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
            .values_list("meeting__episode_id", "meeting__starts_at")
        ),
    )

    out["sharing_decisions"] = _table(
        "sharing_decisions",
        (
            (utc(at), decision, consent)
            for at, decision, consent in SharingDecision.objects.filter(
                decided_at__lt=moment
            ).values_list("decided_at", "decision", "consent")
        ),
    )
    out["sharing_requests"] = _table(
        "sharing_requests",
        (
            (due, answered.astimezone(clock.UK).date() if answered else None, status)
            for due, answered, status in SharingRequest.objects.filter(
                created_at__lt=moment
            ).values_list("due_date", "answered_at", "status")
        ),
    )
    out["break_glass"] = _table(
        "break_glass",
        (
            (utc(at), outcome or "not_reviewed")
            for at, outcome in BreakGlassUse.objects.filter(opened_at__lt=moment).values_list(
                "opened_at", "outcome"
            )
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
            .values_list("meeting__starts_at", "meeting__kind__name", "agency_id", "attendance")
        ),
    )

    missing = MissingEpisode.objects.filter(missing_since__lt=moment).values_list(
        "pk", "person_id", "missing_since", "returned_at"
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
            ).values_list("episode_id", "due_at", "status", "held_at")
        ),
    )

    out["screenings"] = _table(
        "screenings",
        (
            (child(person), on)
            for person, on in Screening.objects.filter(screened_on__lt=day).values_list(
                "person_id", "screened_on"
            )
        ),
    )
    out["panel_decisions"] = _table(
        "panel_decisions",
        (
            (child(person), utc(at), exploitation, level)
            for person, at, exploitation, level in PanelDecision.objects.filter(
                recorded_at__lt=moment
            ).values_list("person_id", "recorded_at", "exploitation", "level")
        ),
    )
    out["nrm_referrals"] = _table(
        "nrm_referrals",
        (
            (nrm_number(pk), child(person), on, exploitation)
            for pk, person, on, exploitation in NrmReferral.objects.filter(
                referred_on__lt=day
            ).values_list("pk", "person_id", "referred_on", "exploitation")
        ),
    )
    out["nrm_decisions"] = _table(
        "nrm_decisions",
        (
            (nrm_number(referral), stage, on)
            for referral, stage, on in NrmDecision.objects.filter(decided_on__lt=day).values_list(
                "referral_id", "stage", "decided_on"
            )
        ),
    )

    out["hsb_concerns"] = _table(
        "hsb_concerns",
        (
            (concern_number(pk), utc(recorded), utc(noticed), utc(referred), level)
            for pk, recorded, noticed, referred, level in Concern.objects.filter(
                recorded_at__lt=moment
            ).values_list("pk", "recorded_at", "noticed_at", "referred_at", "level")
        ),
    )
    out["hsb_concern_children"] = _table(
        "hsb_concern_children",
        (
            (concern_number(concern), child(person), role)
            for concern, person, role in ConcernChild.objects.filter(
                concern__recorded_at__lt=moment
            ).values_list("concern_id", "person_id", "role")
        ),
    )
    out["aim_assessments"] = _table(
        "aim_assessments",
        AimAssessment.objects.filter(started_on__lt=day).values_list(
            "started_on", "tool", "case_type"
        ),
    )
    out["hsb_investigations"] = _table(
        "hsb_investigations",
        Investigation.objects.filter(started_on__lt=day).values_list(
            "started_on", "status", "closed_on"
        ),
    )
    out.update(_contextual(moment, day))
    return Extract(tables=out)


def _contextual(moment: dt.datetime, day: dt.date) -> dict[str, pa.Table]:
    """The contextual safeguarding tables: two queries, whatever the volume or periods."""
    from django.db.models import CharField, F, Q, Value  # noqa: PLC0415

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
    # One query for the four: each row says which table it belongs to.
    parts = [
        model.objects.filter(**{f"{column}__lt": moment})
        .order_by()
        .annotate(source=Value(name, output_field=CharField()), at=F(column))
        .values_list("source", "at")
        for name, model, column in sources
    ]
    found: dict[str, list[tuple[Any, ...]]] = {name: [] for name, _model, _column in sources}
    for name, at in parts[0].union(*parts[1:], all=True):
        found[name].append((utc(at),))
    actions = DisruptionAction.objects.filter(
        Q(agreed_at__lt=moment) | Q(completed_on__lt=day)
    ).values_list(
        "agreed_at",
        "completed_on",
        "outcome",
        "children_at_risk_before",
        "children_at_risk_after",
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
