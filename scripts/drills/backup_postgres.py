"""Drill: back up PostgreSQL with ``pg_dump -Fc``, restore into a fresh server, compare.

1. A throw-away PostgreSQL 15 server; migrate; a small demo partnership
   (``seed_demo``); more writes through the people service (each with its audit
   event); ``safeguard verify_audit --checkpoint`` signs the newest event.
2. ``safeguard backup`` (``pg_dump -Fc``, and a copy of the checkpoint store), timed.
3. A second, fresh server (new ``initdb``): ``safeguard restore`` (``pg_restore
   --exit-on-error``, then the audit chain against the backup's checkpoints), timed.
4. Every table's row count and checksum on the copy equal the original's, and
   ``safeguard verify_audit`` passes on the copy (the chain and the checkpoint).

    python scripts/drills/backup_postgres.py [--children 30] [--writes 50]   (make drill-backup-postgres)

Prints the figures; exits 1 if any table differs or the chain does not verify.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any

from drill_common import (
    PgCluster,
    backup,
    compare,
    drill_env,
    prepare,
    restore,
    safeguard,
    table_fingerprints,
    verify_audit,
    work_dir,
    write,
)


def run(*, children: int = 30, writes: int = 50, keep: bool = False) -> dict[str, Any]:
    """Run the drill; return its figures (``ok`` is True when nothing differs)."""
    work = work_dir("safeguard-drill-backup-")
    source = PgCluster(work, "source")
    restored = PgCluster(work, "restored")
    try:
        source.initdb().start()
        url = source.create_database("safeguard")
        env = drill_env(url, work)
        prepare(env, children)
        write(env, writes, "Backup")
        safeguard("verify_audit", "--checkpoint", env=env)
        before = table_fingerprints(url)

        dump = work / "safeguard.dump"
        backup_seconds = backup(dump, env)

        restored.initdb().start()
        restored_url = restored.create_database("safeguard")
        restore_seconds, restore_verified = restore(dump, drill_env(restored_url, work))

        after = table_fingerprints(restored_url)
        differences = compare(before, after)
        events = verify_audit(drill_env(restored_url, work))
        rows = sum(count for count, _ in before.values())
        return {
            "drill": "backup-postgres",
            "tables": len(before),
            "rows": rows,
            "audit_events": before["core_auditevent"][0],
            "dump_bytes": dump.stat().st_size,
            "backup_seconds": round(backup_seconds, 2),
            "restore_seconds": round(restore_seconds, 2),
            "tables_differing": differences,
            "restored_audit_events_verified": events,
            "restore_command_audit_events_verified": restore_verified,
            "ok": not differences and events == restore_verified == before["core_auditevent"][0],
        }
    finally:
        restored.stop()
        source.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    """Command line: print the figures as JSON and a one-line verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=30)
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    figures = run(children=args.children, writes=args.writes, keep=args.keep)
    print(json.dumps(figures, indent=2))
    print(
        f"Backup and restore (PostgreSQL): {figures['tables']} tables, {figures['rows']} rows, "
        f"{figures['audit_events']} audit events; safeguard backup {figures['backup_seconds']} s, "
        f"safeguard restore {figures['restore_seconds']} s; tables differing: "
        f"{len(figures['tables_differing'])}; audit chain on the copy: "
        f"{figures['restored_audit_events_verified']} events verified. "
        + ("PASS" if figures["ok"] else "FAIL")
    )
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
