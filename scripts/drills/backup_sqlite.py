"""Drill: back up SQLite with the online backup API while it is written to, restore, compare.

1. A fresh SQLite database (WAL, ``synchronous=FULL``, as the settings make it); migrate;
   a small demo partnership; writes through the people service.
2. ``safeguard backup`` (the online backup API, ``sqlite3.Connection.backup``)
   **while another process keeps writing**:
   the copy passes ``PRAGMA integrity_check`` and ``safeguard verify_audit`` (a
   consistent snapshot, never half a transaction).
3. With the writers stopped, a second ``safeguard backup``; then ``safeguard restore``
   into a fresh file (the backup API again, as ``docs/runbooks.md`` says); every
   table's row count and checksum equal the original's and ``safeguard verify_audit``
   passes on it.

    python scripts/drills/backup_sqlite.py [--children 5] [--writes 20]   (make drill-backup-sqlite)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from drill_common import (
    backup,
    compare,
    drill_env,
    prepare,
    restore,
    table_fingerprints,
    verify_audit,
    work_dir,
    write,
)


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` (with REGEXP, which Django's CHECK constraints use)."""
    conn = sqlite3.connect(path)
    conn.create_function(
        "REGEXP", 2, lambda p, s: s is not None and re.search(p, str(s)) is not None
    )
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _rows(path: Path, given_name: str) -> int:
    conn = sqlite3.connect(path, timeout=30)
    try:
        query = "SELECT count(*) FROM people_person WHERE given_name = ?"
        return int(conn.execute(query, (given_name,)).fetchone()[0])
    finally:
        conn.close()


def _wait_for_rows(path: Path, given_name: str, writer: subprocess.Popen[str]) -> int:
    """Wait until the writer process has committed its first rows; how many there are."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and writer.poll() is None:
        if (count := _rows(path, given_name)) > 0:
            return count
        time.sleep(0.05)
    raise RuntimeError("the writer committed nothing")


def run(*, children: int = 5, writes: int = 20, keep: bool = False) -> dict[str, Any]:
    """Run the drill; return its figures (``ok`` when both copies are sound and exact)."""
    work = work_dir("safeguard-drill-sqlite-")
    try:
        live = work / "live.sqlite3"
        url = f"sqlite:///{live}"
        env = drill_env(url, work)
        prepare(env, children)
        write(env, writes, "Sqlite")

        # Online: a writer process runs while the backup is taken.
        writer = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(Path(__file__).with_name("drill_common.py")),
                "write",
                "--count",
                str(writes * 100),  # stopped once the copy is taken
                "--tag",
                "During",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        committed_at_start = _wait_for_rows(live, "DrillDuring", writer)
        during = work / "during.sqlite3"
        online_seconds = backup(during, env, pages=8)
        committed_at_end = _rows(live, "DrillDuring")
        still_writing = writer.poll() is None
        writer.terminate()
        _, err = writer.communicate(timeout=600)
        if writer.returncode not in (0, -15):
            raise RuntimeError(f"writer failed: {err}")
        written_during = _rows(live, "DrillDuring")
        during_integrity = integrity(during)
        during_events = verify_audit(
            drill_env(
                f"sqlite:///{during}",
                work,
                SAFEGUARD_AUDIT_CHECKPOINTS=f"{during}.checkpoints.jsonl",
            )
        )
        in_copy = _rows(during, "DrillDuring")

        # Quiet: back up, restore into a fresh file, compare table by table.
        before = table_fingerprints(url)
        backup_file = work / "backup.sqlite3"
        backup_seconds = backup(backup_file, env)
        restored = work / "restored.sqlite3"
        restored_url = f"sqlite:///{restored}"
        restore_seconds, restore_verified = restore(backup_file, drill_env(restored_url, work))
        differences = compare(before, table_fingerprints(restored_url))
        events = verify_audit(drill_env(restored_url, work))
        return {
            "drill": "backup-sqlite",
            "tables": len(before),
            "rows": sum(c for c, _ in before.values()),
            "audit_events": before["core_auditevent"][0],
            "database_bytes": live.stat().st_size,
            "online_backup_seconds_while_writing": round(online_seconds, 2),
            "writes_during_backup": written_during,
            "writer_rows_committed_at_backup_start": committed_at_start,
            "writer_rows_committed_at_backup_end": committed_at_end,
            "writer_rows_in_online_copy": in_copy,
            "writer_still_writing_when_the_copy_finished": still_writing,
            "online_copy_integrity": during_integrity,
            "online_copy_audit_events_verified": during_events,
            "backup_seconds": round(backup_seconds, 2),
            "restore_seconds": round(restore_seconds, 2),
            "tables_differing": differences,
            "restored_audit_events_verified": events,
            "restore_command_audit_events_verified": restore_verified,
            "ok": (
                during_integrity == "ok"
                and committed_at_start <= in_copy <= committed_at_end
                and still_writing
                and not differences
                and events == restore_verified == before["core_auditevent"][0]
            ),
        }
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    """Command line: print the figures as JSON and a one-line verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    f = run(children=args.children, writes=args.writes, keep=args.keep)
    print(json.dumps(f, indent=2))
    print(
        f"Backup and restore (SQLite, online backup API): {f['tables']} tables, {f['rows']} rows, "
        f"{f['audit_events']} audit events; online copy taken during {f['writes_during_backup']} "
        f"writes in {f['online_backup_seconds_while_writing']} s (it holds "
        f"{f['writer_rows_in_online_copy']} of them, committed before it finished): integrity "
        f"{f['online_copy_integrity']}, {f['online_copy_audit_events_verified']} audit events "
        f"verified; restore {f['restore_seconds']} s; tables differing: "
        f"{len(f['tables_differing'])}. " + ("PASS" if f["ok"] else "FAIL")
    )
    return 0 if f["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
