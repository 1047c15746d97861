"""Benchmark meetings: attendance by agency and kind over 5 years, and a meeting page with 40 items.

Builds a fresh database (a temporary SQLite file, or a throw-away database on the
PostgreSQL server in ``DATABASE_URL``) with five years of the partnership's meetings:
the weekly Child Exploitation Risk Assessment Panel and missing meeting, the monthly
disruption meeting, two strategy meetings and one Team Around the Family meeting a
week, each inviting 4 to 8 of 12 agencies with realistic attendance (bulk inserted:
this measures reading, not arranging). Then, in the same run:

- **attendance, ours**: ``selectors.attendance_by_agency_and_kind`` (one ``GROUP BY``
  query, what ``/meetings/attendance/`` shows) over all five years;
- **attendance, the straightforward alternative**: a loop over every meeting, reading
  its invitations and agencies through the ORM and counting in Python;
- **meeting page, ours**: ``GET /meetings/<ref>/`` with 40 items (children and
  topics, a decision each), signed in as an invited practitioner;
- **meeting page, the straightforward alternative**: the same agenda read item by
  item (each item's child, access check, decisions and actions), as a page without
  the selectors' prefetching would.

Each way runs three times; the best time counts. Query counts are exact.

    python bench/meetings.py                 # SQLite, or PostgreSQL if DATABASE_URL says so
    bash scripts/with-postgres.sh python bench/meetings.py
    python bench/meetings.py --years 1       # a shorter run
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import _drop_database, _prepare_database  # noqa: E402

AGENCIES = 12
ITEMS = 40
RUNS = 3
# (kind slug, meetings a week)
CADENCE = [
    ("child-exploitation-risk-assessment-panel", 1.0),
    ("weekly-missing-meeting", 1.0),
    ("child-exploitation-disruption-meeting", 12 / 52),
    ("strategy-meeting", 2.0),
    ("team-around-the-family", 1.0),
]


def _best(work: Callable[[], Any]) -> tuple[float, int, Any]:
    """Best time of RUNS, the number of queries of one run, and its result."""
    from django.db import connection

    counted = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counted[0] += 1
        return execute(sql, params, many, context)

    times = []
    result = None
    queries = 0
    for _ in range(RUNS):
        counted[0] = 0
        with connection.execute_wrapper(count):
            began = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - began)
        queries = counted[0]
    return min(times), queries, result


def _build(years: int, rng: random.Random) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from safeguard.core.models import Agency, AgencyKind, ReferenceNumber, Role, User
    from safeguard.core.services import roles_set_at_set_up
    from safeguard.meetings.kinds import kinds_seed
    from safeguard.meetings.models import Attendance, Invitation, Meeting, MeetingKind, Response

    call_command("migrate", verbosity=0, interactive=False)
    kinds_seed()
    kinds = {k.slug: k for k in MeetingKind.objects.all()}
    cadence = [(kinds[slug], per_week) for slug, per_week in CADENCE if slug in kinds]
    agency_kinds = [AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.POLICE, AgencyKind.HEALTH_ICB]
    agencies = [
        Agency.objects.create(
            slug=f"bench-{n}",
            name=f"Bench agency {n:02d}",
            kind=agency_kinds[n] if n < len(agency_kinds) else AgencyKind.EDUCATION_SCHOOL,
        )
        for n in range(AGENCIES)
    ]
    chair = User.objects.create_user(username="bench.chair", password=None, agency=agencies[0])
    roles_set_at_set_up(user=chair, codes=[Role.PANEL_CHAIR, Role.PRACTITIONER])
    now = timezone.now()
    start = now - dt.timedelta(days=365 * years)
    meetings: list[Meeting] = []
    week = 0
    while start + dt.timedelta(weeks=week) < now:
        monday = start + dt.timedelta(weeks=week)
        for kind, per_week in cadence:
            count = int(per_week) + (1 if rng.random() < per_week % 1 else 0)
            for n in range(count):
                starts_at = monday + dt.timedelta(days=n % 5, hours=9 + 2 * n)
                meetings.append(
                    Meeting(
                        reference=f"MTG-B{len(meetings):07d}",
                        kind=kind,
                        title=kind.name,
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(hours=1),
                        chair=chair,
                        status="finalised",
                    )
                )
        week += 1
    Meeting.objects.bulk_create(meetings, batch_size=1000)
    ReferenceNumber.objects.bulk_create(
        [ReferenceNumber(value=m.reference, kind="meeting") for m in meetings], batch_size=1000
    )
    outcomes = [
        (Attendance.ATTENDED, 0.74),
        (Attendance.APOLOGIES, 0.14),
        (Attendance.SUBSTITUTE, 0.06),
        (Attendance.DID_NOT_ATTEND, 0.04),
        (Attendance.NOT_RECORDED, 0.02),
    ]
    invitations = []
    for meeting in meetings:
        for agency in rng.sample(agencies, k=rng.randint(4, 8)):
            attendance = rng.choices([a for a, _ in outcomes], [w for _, w in outcomes])[0]
            invitations.append(
                Invitation(
                    meeting=meeting,
                    agency=agency,
                    response=Response.APOLOGIES
                    if attendance == Attendance.APOLOGIES
                    else Response.CONFIRMED,
                    attendance=attendance,
                )
            )
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    return {
        "agencies": agencies,
        "chair": chair,
        "meetings": len(meetings),
        "invitations": len(invitations),
    }


def _attendance_plain() -> dict[tuple[str, str], dict[str, int]]:
    """The straightforward way: every meeting, then its invitations, counted in Python."""
    from safeguard.meetings.models import Meeting

    counts: dict[tuple[str, str], dict[str, int]] = {}
    for meeting in Meeting.objects.exclude(status="cancelled"):
        for invitation in meeting.invitations.all():
            key = (meeting.kind.name, invitation.agency.name)
            row = counts.setdefault(key, {})
            row[invitation.attendance] = row.get(invitation.attendance, 0) + 1
    return counts


def _page_setup(built: dict[str, Any]) -> tuple[Any, Any]:
    """A meeting coming up with 40 items (20 children, 20 topics), and an invited practitioner."""
    from django.utils import timezone

    from safeguard.core.models import Role, User
    from safeguard.core.services import roles_set_at_set_up
    from safeguard.meetings import services
    from safeguard.meetings.models import ItemKind
    from safeguard.people.models import Involvement, Person

    chair, agencies = built["chair"], built["agencies"]
    viewer = User.objects.create_user(username="bench.viewer", password=None, agency=agencies[0])
    roles_set_at_set_up(user=viewer, codes=[Role.PRACTITIONER])
    meeting = services.meeting_arrange(
        by=chair,
        kind=built["panel"],
        title="Bench panel",
        starts_at=timezone.now() + dt.timedelta(days=400),
        agencies=agencies[:6],
    )
    for n in range(ITEMS):
        person = None
        if n % 2 == 0:
            person = Person.objects.create(given_name=f"Child{n}", family_name="Bench")
            Involvement.objects.create(
                person=person, agency=agencies[0], started=timezone.localdate()
            )
        item = services.item_add(
            by=chair,
            meeting=meeting,
            kind=ItemKind.CHILD if person else ItemKind.TOPIC,
            title=f"Item {n}",
            person=person,
        )
        services.decision_add(by=chair, item=item, text="Noted")
    return meeting, viewer


def _page_plain(meeting: Any, viewer: Any) -> int:
    """The straightforward way: read the agenda item by item (child, access, decisions, actions)."""
    from safeguard.meetings.models import AgendaItem
    from safeguard.people.access import can_view_person

    shown = 0
    for item in AgendaItem.objects.filter(meeting=meeting).order_by("order"):
        if item.person_id is not None and not can_view_person(viewer, item.person):
            continue
        shown += len(item.decisions.all()) + len(item.actions.all()) + 1
    for invitation in meeting.invitations.all():
        shown += len(invitation.agency.name) > 0
    return shown


def measure(years: int) -> dict[str, Any]:
    """Build five years (or ``years``) of meetings and time both ways of each read."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-meetings-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    label, pg_name = _prepare_database(tmp)
    try:
        import django

        django.setup()
        from django.test import Client
        from django.test.utils import override_settings

        from safeguard.meetings import selectors
        from safeguard.meetings.kinds import kind

        rng = random.Random(11)  # noqa: S311 - made-up bench data
        began = time.perf_counter()
        built = _build(years, rng)
        built["panel"] = kind("child-exploitation-risk-assessment-panel")
        build_seconds = time.perf_counter() - began

        ours_s, ours_q, rows = _best(selectors.attendance_by_agency_and_kind)
        plain_s, plain_q, plain = _best(_attendance_plain)
        if sum(r.invited for r in rows) != sum(sum(c.values()) for c in plain.values()):
            raise SystemExit("The two ways of counting attendance disagree.")

        meeting, viewer = _page_setup(built)
        with override_settings(DEMO_MODE=True, ALLOWED_HOSTS=["*"]):
            client = Client()
            client.force_login(viewer)
            path = f"/meetings/{meeting.reference}/"
            if client.get(path).status_code != 200:  # noqa: PLR2004 - HTTP OK
                raise SystemExit("The meeting page did not open.")
            page_s, page_q, _ = _best(lambda: client.get(path))
        page_plain_s, page_plain_q, _ = _best(lambda: _page_plain(meeting, viewer))
        return {
            "database": label,
            "years": years,
            "meetings": built["meetings"],
            "invitations": built["invitations"],
            "build_s": build_seconds,
            "rows": [
                ("Attendance by agency and kind, ours (one GROUP BY)", ours_s, ours_q),
                ("Attendance, per-meeting ORM loop", plain_s, plain_q),
                (f"Meeting page with {ITEMS} items, ours (whole page)", page_s, page_q),
                (f"{ITEMS} items read one by one (agenda only)", page_plain_s, page_plain_q),
            ],
        }
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)


def main() -> None:
    """Measure and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.years)
    print(  # noqa: T201
        f"{result['database']}: {result['years']} years, {result['meetings']:,} meetings, "
        f"{result['invitations']:,} invitations (built in {result['build_s']:.1f} s)"
    )
    print(f"{'what':58} {'best of 3':>10} {'queries':>8}")  # noqa: T201
    for what, seconds, queries in result["rows"]:
        print(f"{what:58} {seconds * 1000:>8.1f} ms {queries:>8}")  # noqa: T201


if __name__ == "__main__":
    main()
