"""Drill: point-in-time recovery of PostgreSQL from a base backup and archived WAL.

1. A throw-away PostgreSQL 15 server with WAL archiving on (``wal_level=replica``,
   ``archive_mode=on``, ``archive_command`` copying each segment to an archive
   directory); migrate and a small demo partnership.
2. ``pg_basebackup -X stream`` (timed).
3. Writes through the people service ("before" rows, each with its audit event);
   note the server's time T; more writes ("after" rows); switch WAL so the last
   segment is archived; stop the server.
4. Recover a copy of the base backup to T: ``restore_command`` from the archive,
   ``recovery_target_time = T``, ``recovery_target_action = promote`` (timed until
   the copy accepts writes).
5. Every "before" row is there, no "after" row is; every table's count and
   checksum equal those at T; ``safeguard verify_audit`` passes on the copy.

    python scripts/drills/pitr.py [--children 30] [--writes 25]   (make drill-pitr)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from typing import Any

from drill_common import (
    PGBIN,
    PgCluster,
    _as_postgres,
    compare,
    drill_env,
    prepare,
    table_fingerprints,
    verify_audit,
    work_dir,
    write,
)


def _people(url: str, ids: list[str]) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM people_person WHERE id::text = ANY(%s)", (ids,)
        ).fetchone()
    return int(row[0]) if row else 0


def _wait_archived(primary: PgCluster, segment: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        last = primary.sql("SELECT last_archived_wal FROM pg_stat_archiver")[0][0]
        if last is not None and last >= segment:
            return
        time.sleep(0.2)
    raise RuntimeError(f"WAL segment {segment} not archived after {seconds} s")


def run(*, children: int = 30, writes: int = 25, keep: bool = False) -> dict[str, Any]:
    """Run the drill; return its figures (``ok`` when the recovery is exact)."""
    work = work_dir("safeguard-drill-pitr-")
    archive = work / "wal-archive"
    archive.mkdir()
    if _as_postgres():
        shutil.chown(archive, "postgres", "postgres")
    primary = PgCluster(
        work,
        "primary",
        {
            "wal_level": "replica",
            "archive_mode": "on",
            "archive_command": f"'test ! -f {archive}/%f && cp %p {archive}/%f'",
        },
    )
    recovered = PgCluster(work, "recovered")
    try:
        primary.initdb().start()
        url = primary.create_database("safeguard")
        env = drill_env(url, work)
        prepare(env, children)

        base = work / "base"
        started = time.monotonic()
        subprocess.run(
            [
                *_as_postgres(),
                str(PGBIN / "pg_basebackup"),
                "--dbname",
                primary.url,
                "--pgdata",
                str(base),
                "--wal-method",
                "stream",
                "--checkpoint",
                "fast",
            ],
            check=True,
            capture_output=True,
        )
        base_backup_seconds = time.monotonic() - started

        before_ids = write(env, writes, "Before")
        time.sleep(1.0)
        target = primary.sql("SELECT clock_timestamp()::text")[0][0]
        at_target = table_fingerprints(url)
        time.sleep(1.0)
        after_ids = write(env, writes, "After")
        segment = primary.sql("SELECT pg_walfile_name(pg_switch_wal())")[0][0]
        _wait_archived(primary, segment)
        primary.stop()

        shutil.copytree(base, recovered.data, symlinks=True)
        if _as_postgres():
            subprocess.run(["chown", "-R", "postgres:postgres", str(recovered.data)], check=True)
        recovered.configure(
            restore_command=f"'cp {archive}/%f %p'",
            recovery_target_time=f"'{target}'",
            recovery_target_action="'promote'",
            archive_mode="off",
        )
        (recovered.data / "recovery.signal").touch()
        started = time.monotonic()
        recovered.start()
        recovered.wait_until_promoted()
        recovery_seconds = time.monotonic() - started

        recovered_url = recovered.database_url("safeguard")
        before_found = _people(recovered_url, before_ids)
        after_found = _people(recovered_url, after_ids)
        differences = compare(at_target, table_fingerprints(recovered_url))
        events = verify_audit(drill_env(recovered_url, work))
        return {
            "drill": "point-in-time-recovery",
            "target_time": target,
            "wal_segments_archived": len([p for p in archive.iterdir() if len(p.name) == 24]),
            "base_backup_seconds": round(base_backup_seconds, 2),
            "recovery_seconds": round(recovery_seconds, 2),
            "before_rows_written": len(before_ids),
            "before_rows_found": before_found,
            "after_rows_written": len(after_ids),
            "after_rows_found": after_found,
            "tables_differing_from_target": differences,
            "audit_events_at_target": at_target["core_auditevent"][0],
            "recovered_audit_events_verified": events,
            "ok": (
                before_found == len(before_ids)
                and after_found == 0
                and not differences
                and events == at_target["core_auditevent"][0]
            ),
        }
    finally:
        recovered.stop()
        primary.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    """Command line: print the figures as JSON and a one-line verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=30)
    parser.add_argument("--writes", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    f = run(children=args.children, writes=args.writes, keep=args.keep)
    print(json.dumps(f, indent=2))
    print(
        f"Point-in-time recovery (PostgreSQL) to {f['target_time']}: "
        f"before-rows {f['before_rows_found']}/{f['before_rows_written']} present, "
        f"after-rows {f['after_rows_found']}/{f['after_rows_written']} present (must be 0); "
        f"tables differing from the target: {len(f['tables_differing_from_target'])}; "
        f"audit chain {f['recovered_audit_events_verified']} events verified; "
        f"base backup {f['base_backup_seconds']} s, recovery {f['recovery_seconds']} s. "
        + ("PASS" if f["ok"] else "FAIL")
    )
    return 0 if f["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
