"""Benchmark the weekly panel's agenda: time and SQL queries for a partnership of 50,000 children.

Builds a fresh database (a temporary SQLite file, or a throw-away database on the
PostgreSQL server ``DATABASE_URL`` points at) with 50,000 children, a year of weekly
Child Exploitation Risk Assessment Panels (52 meetings, 40 children decided at each,
signed off, from a cohort of 600 children the panel follows, so reviews fall due
every week and some are overdue), 10,000 screenings over the year (about
200 in the week before the next panel), and then asks for the next panel's agenda:

* the agenda builder (``safeguard.meetings.agenda.agenda_suggestions``: every
  registered source through ``exploitation.agenda.panel_candidates``, merged by
  child), and
* the panel's agenda page ``/exploitation/panel/meetings/<ref>/`` as its chair.

Missing episodes: 20,000 over the year (``_episodes``), some children repeat missing
and some priority missing, so the missing part's agenda sources answer from real rows.

    python bench/panel.py            # SQLite, or PostgreSQL if DATABASE_URL says so
    python bench/panel.py --json     # one JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import _drop_database, _prepare_database, _signed_in_client  # noqa: E402

CHILDREN = 50_000
EPISODES = 20_000
REPEAT_CHILDREN = 300  # each missing 4 times within 60 days
PRIORITY_CHILDREN = 40  # adopted as priority missing in the week before the panel
WEEKS = 52
DECIDED_PER_PANEL = 40
SCREENINGS = 10_000
RECENT_SCREENINGS = 200
RUNS = 5
# The children the panel follows over the year: each is decided three or four times.
COHORT = 600


def _episodes(children: list[Any], count: int, *, recorder: Any, agency: Any, before: Any) -> int:
    """``count`` missing episodes over the year before ``before``, bulk-created.

    Most children go missing once; ``REPEAT_CHILDREN`` go missing four times within
    60 days (each reaching the repeat-missing flag), and ``PRIORITY_CHILDREN`` are
    adopted by the police as priority missing in the week before the panel, so the
    missing part's agenda sources ("repeat_missing", "priority_missing") answer from
    real rows.
    """
    import datetime as dt

    from safeguard.exploitation.models.missing import MissingEpisode, RepeatMissingFlag

    episodes: list[Any] = []
    repeat = REPEAT_CHILDREN * 4
    for n in range(count):
        if n < repeat:
            child = children[(n // 4) * 11 % len(children)]
            start = before - dt.timedelta(days=5 + (n // 4) % 300 + (n % 4) * 12)
        else:
            child = children[(n * 13) % len(children)]
            start = before - dt.timedelta(days=1 + n % 360, hours=n % 24)
        priority = repeat <= n < repeat + PRIORITY_CHILDREN
        episodes.append(
            MissingEpisode(
                reference=f"MIS-BENCH-{n:06d}",
                person=child,
                kind="missing_from_home",
                missing_since=start,
                reported_at=start + dt.timedelta(hours=2),
                reported_by_name="Bench parent",
                reported_by_kind="parent",
                last_seen_where="Bench park",
                risk_level="medium",
                priority_missing=priority,
                priority_adopted_at=before - dt.timedelta(days=1 + n % 6) if priority else None,
                recording_agency=agency,
                recorded_by=recorder,
                created_at=start + dt.timedelta(hours=2),
                returned_at=start + dt.timedelta(hours=20),
            )
        )
    MissingEpisode.objects.bulk_create(episodes, batch_size=5000)
    flags = [
        RepeatMissingFlag(
            person=episodes[n].person,
            reached_at=episodes[n].missing_since,
            episode=episodes[n],
            episodes=3,
            window_days=90,
        )
        for n in range(2, repeat, 4)
    ]
    RepeatMissingFlag.objects.bulk_create(flags, batch_size=5000)
    return len(episodes)


def _build() -> dict[str, Any]:
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from safeguard.core.clock import UK
    from safeguard.core.models import Agency, AgencyKind, Role, User
    from safeguard.core.services import roles_set_at_set_up
    from safeguard.exploitation.models.panel import PanelDecision, Screening
    from safeguard.meetings.kinds import kind
    from safeguard.meetings.models import AgendaItem, Meeting, MeetingStatus
    from safeguard.people.models import Involvement, Person

    call_command("migrate", verbosity=0, interactive=False)
    csc = Agency.objects.create(
        slug="bench-csc", name="Bench social care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    chair = User.objects.create_user(username="bench.chair", agency=csc)
    chair.set_unusable_password()
    chair.save()
    roles_set_at_set_up(user=chair, codes=[Role.PANEL_CHAIR])
    device = TOTPDevice.objects.create(user=chair, name="Authenticator app", confirmed=True)
    today = timezone.localdate()
    Person.objects.bulk_create(
        (
            Person(
                given_name=f"Child{n}",
                family_name="Benchmark",
                date_of_birth=dt.date(2010 + n % 8, 1 + n % 12, 1 + n % 28),
            )
            for n in range(CHILDREN)
        ),
        batch_size=5000,
    )
    children = list(Person.objects.order_by("pk"))
    Involvement.objects.bulk_create(
        (Involvement(person=child, agency=csc, started=today) for child in children),
        batch_size=5000,
    )
    panel_kind = kind("child-exploitation-risk-assessment-panel")
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            reference=f"MTG-BENCH-{week:03d}",
            kind=panel_kind,
            title="Child Exploitation Risk Assessment Panel",
            starts_at=now - dt.timedelta(weeks=WEEKS - week) + dt.timedelta(days=2),
            ends_at=now - dt.timedelta(weeks=WEEKS - week) + dt.timedelta(days=2, hours=2),
            chair=chair,
            status=MeetingStatus.FINALISED if week < WEEKS else MeetingStatus.SCHEDULED,
        )
        for week in range(1, WEEKS + 1)
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            order=n,
            kind="child",
            person=children[(w * DECIDED_PER_PANEL + n) % COHORT],
            title="Review due",
        )
        for w, meeting in enumerate(meetings[:-1])
        for n in range(DECIDED_PER_PANEL)
    )
    PanelDecision.objects.bulk_create(
        (
            PanelDecision(
                item=item,
                person_id=item.person_id,
                exploitation="cce",
                level=["emerging", "moderate", "significant"][n % 3],
                plan="Weekly visits",
                lead_professional=chair,
                review_on=timezone.localtime(item.meeting.starts_at, UK).date()
                + dt.timedelta(weeks=4 + n % 8),
                signed_off_at=item.meeting.ends_at,
                signed_off_by=chair,
            )
            for n, item in enumerate(items)
        ),
        batch_size=5000,
    )
    upcoming = meetings[-1]
    screenings = []
    for n in range(SCREENINGS):
        recent = n < RECENT_SCREENINGS
        moment = (
            upcoming.starts_at - dt.timedelta(hours=1 + n % 150)
            if recent
            else now - dt.timedelta(days=8 + n % 350)
        )
        screenings.append(
            Screening(
                reference=f"EXS-BENCH-{n:06d}",
                person=children[(n * 7) % CHILDREN],
                screened_on=timezone.localtime(moment, UK).date(),
                screened_by=chair,
                agency=csc,
                indicators={"missing": {"when": "current", "evidence": "bench"}},
                score=2,
                proposed_level="emerging",
                judgement="bench",
                judgement_level=["emerging", "moderate", "significant"][n % 3],
                created_at=moment,
            )
        )
    Screening.objects.bulk_create(screenings, batch_size=5000)
    episodes = _episodes(children, EPISODES, recorder=chair, agency=csc, before=upcoming.starts_at)
    return {"chair": chair, "device": device, "meeting": upcoming, "episodes": episodes}


def measure() -> dict[str, Any]:
    """Build the partnership and time the agenda builder and the agenda page."""
    original_url = os.environ.get("DATABASE_URL", "")
    tmp = Path(tempfile.mkdtemp(prefix="safeguard-bench-"))
    os.environ["SAFEGUARD_AUDIT_CHECKPOINTS"] = str(tmp / "audit-checkpoints.jsonl")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    label, pg_name = _prepare_database(tmp)
    try:
        import django

        django.setup()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from safeguard.exploitation.agenda import panel_sources
        from safeguard.meetings.agenda import agenda_suggestions

        started = time.perf_counter()
        built = _build()
        build_seconds = time.perf_counter() - started
        meeting = built["meeting"]
        times, counts, suggested = [], [], 0
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                suggested = len(agenda_suggestions(meeting))
                times.append(time.perf_counter() - started)
            counts.append(len(queries.captured_queries))
        client = _signed_in_client(built["chair"], built["device"])
        page_times, page_counts = [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(f"/exploitation/panel/meetings/{meeting.reference}/")
                page_times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code  # noqa: S101 - a bench
            page_counts.append(len(queries.captured_queries))
        return {
            "database": label,
            "children": CHILDREN,
            "episodes": built["episodes"],
            "sources": sorted(panel_sources()),
            "build_seconds": round(build_seconds, 1),
            "suggested": suggested,
            "agenda_median_ms": round(statistics.median(times) * 1000, 1),
            "agenda_queries": max(counts),
            "page_median_ms": round(statistics.median(page_times) * 1000, 1),
            "page_queries": max(page_counts),
        }
    finally:
        if pg_name:
            _drop_database(original_url, pg_name)


def main() -> None:
    """Run once and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line")
    args = parser.parse_args()
    result = measure()
    if args.json:
        print(json.dumps(result))  # noqa: T201 - a command-line tool
        return
    for key, value in result.items():
        print(f"{key:>18}: {value}")  # noqa: T201 - a command-line tool


if __name__ == "__main__":
    main()
