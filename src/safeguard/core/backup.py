"""Back up and restore the database: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore.

``safeguard backup PATH`` and ``safeguard restore PATH`` (docs/runbooks.md) call these.
A backup is two files: the database copy at PATH, and beside it a copy of the audit
checkpoint store (``PATH.checkpoints.jsonl``), copied *before* the database so every
event it signs is in the copy. A restore refuses a target that already holds tables
(unless told to replace them), loads the copy, and checks the audit chain against the
checkpoints taken with that backup (the live store has signed later events, which the
copy rightly lacks).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
CHECKPOINTS_SUFFIX = ".checkpoints.jsonl"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why, in words."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore did."""

    path: Path
    engine: str
    bytes: int
    seconds: float
    checkpoints: Path | None


def checkpoints_path(path: Path) -> Path:
    """Where the copy of the audit checkpoint store taken with a backup lives."""
    return path.with_name(path.name + CHECKPOINTS_SUFFIX)


def _settings_dict(database: str) -> Mapping[str, Any]:
    return connections[database].settings_dict


def _engine(settings_dict: Mapping[str, Any]) -> str:
    engine = str(settings_dict["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups are for SQLite and PostgreSQL; this database uses {engine}")


def pg_bin(program: str) -> str:
    """The PostgreSQL client program: ``$PGBIN``, else PostgreSQL 15's, else the PATH's."""
    for folder in (os.environ.get("PGBIN"), "/usr/lib/postgresql/15/bin"):
        if folder and (Path(folder) / program).exists():
            return str(Path(folder) / program)
    found = shutil.which(program)
    if not found:
        raise BackupError(f"{program} is not installed (PostgreSQL client tools)")
    return found


def _pg_env(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    """The libpq environment for this database (the password never goes on a command line)."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = settings_dict.get(key)
        if value:
            env[variable] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _regexp(pattern: str, value: Any) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def sqlite_integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a SQLite file ("ok" when sound)."""
    conn = sqlite3.connect(path)
    conn.create_function("REGEXP", 2, _regexp)  # Django's CHECK constraints use it
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _sqlite_copy(source: Path, target: Path, *, pages: int = 256) -> None:
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        with dst:
            src.backup(dst, pages=pages, sleep=0.01)
    finally:
        dst.close()
        src.close()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _copy_checkpoints(target: Path) -> Path | None:
    store = settings.AUDIT_CHECKPOINT_FILE
    copy = checkpoints_path(target)
    if not store or not Path(store).exists():
        return None
    shutil.copyfile(store, copy)
    _fsync(copy)
    return copy


def backup_database(*, target: Path, database: str = "default", pages: int = 256) -> BackupResult:
    """Copy the live database to TARGET, consistently, while the application keeps running.

    SQLite: the online backup API, PAGES pages a step (writers carry on between steps;
    the copy is one consistent moment), written beside TARGET and renamed into place
    only once it passes ``PRAGMA integrity_check``. PostgreSQL: ``pg_dump -Fc``
    (one snapshot), checked readable with ``pg_restore --list``.
    """
    settings_dict = _settings_dict(database)
    engine = _engine(settings_dict)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.monotonic()
    copied = _copy_checkpoints(target)
    try:
        if engine == "sqlite":
            _sqlite_copy(Path(settings_dict["NAME"]), partial, pages=pages)
            state = sqlite_integrity(partial)
            if state != "ok":
                raise BackupError(f"the copy failed its integrity check: {state}")
        else:
            done = subprocess.run(  # noqa: S603 (fixed program, no shell)
                [pg_bin("pg_dump"), "-Fc", "--no-owner", "--file", str(partial)],
                env=_pg_env(settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            listed = subprocess.run(  # noqa: S603
                [pg_bin("pg_restore"), "--list", str(partial)],
                capture_output=True,
                text=True,
                check=False,
            )
            if listed.returncode != 0:
                raise BackupError(f"the dump cannot be read back: {listed.stderr.strip()}")
        _fsync(partial)
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        if copied:
            copied.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=target,
        engine=engine,
        bytes=target.stat().st_size,
        seconds=time.monotonic() - started,
        checkpoints=copied,
    )


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(path)
    try:
        query = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        return bool(conn.execute(query).fetchone()[0])
    finally:
        conn.close()


def _pg_has_tables(settings_dict: Mapping[str, Any]) -> bool:
    done = subprocess.run(  # noqa: S603
        [
            pg_bin("psql"),
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
        ],
        env=_pg_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"cannot reach the target database: {done.stderr.strip()}")
    return int(done.stdout.strip() or 0) > 0


def restore_database(
    *, source: Path, database: str = "default", replace: bool = False
) -> BackupResult:
    """Load a backup made by :func:`backup_database` into the configured database.

    Refuses a file that is not a backup of this database's kind (checked by its first
    bytes, not its name), and a target that already holds tables unless REPLACE.
    """
    settings_dict = _settings_dict(database)
    engine = _engine(settings_dict)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    with source.open("rb") as handle:
        head = handle.read(16)
    started = time.monotonic()
    connections[database].close()
    if engine == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source} is not a SQLite backup")
        state = sqlite_integrity(source)
        if state != "ok":
            raise BackupError(f"{source} failed its integrity check: {state}")
        target = Path(settings_dict["NAME"])
        if _sqlite_has_tables(target) and not replace:
            raise BackupError(
                f"{target} already holds tables: restore into a new, empty database, "
                "or give --replace to overwrite it"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, target)
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise BackupError(f"{source} is not a pg_dump custom-format backup")
        has_tables = _pg_has_tables(settings_dict)
        if has_tables and not replace:
            raise BackupError(
                f"the database {settings_dict['NAME']} already holds tables: restore into a "
                "new, empty database, or give --replace to overwrite it"
            )
        command = [pg_bin("pg_restore"), "--exit-on-error", "--no-owner"]
        if has_tables:
            command += ["--clean", "--if-exists"]
        command += ["--dbname", str(settings_dict["NAME"]), str(source)]
        done = subprocess.run(  # noqa: S603
            command, env=_pg_env(settings_dict), capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    copy = checkpoints_path(source)
    return BackupResult(
        path=source,
        engine=engine,
        bytes=source.stat().st_size,
        seconds=time.monotonic() - started,
        checkpoints=copy if copy.exists() else None,
    )
