"""The hash-chained audit log: append, verify, checkpoint.

Every service that changes personal data, and every page that names a child,
calls :func:`audit_record` inside its own transaction, so the audit row and the
change it describes commit together or not at all.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .events import audit_event_type_check
from .models import AuditAction, AuditEvent, AuditSubject
from .text import has_control_characters

GENESIS_HASH = "0" * 64
logger = logging.getLogger(__name__)

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)
# Set when a refusal (an event with the DENY action) is recorded during the current
# request, so the refusal middleware records each refused request exactly once.
refusal_recorded: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "refusal_recorded", default=False
)

# Fields that make up the hashed content of an event, in a fixed order.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "agency_id",
    "agency_name",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "changes",
    "reason",
    "request_id",
    "outcome",
)


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


# The people a list event names (its AuditSubject rows), as sorted hex ids, cached on
# the instance: set when the event is written, loaded in batches when it is verified.
PEOPLE_ATTRIBUTE = "_audit_people"


def event_people(event: AuditEvent) -> list[str]:
    """The people the event names (its index rows), sorted hex ids, as the hash sees them."""
    people = getattr(event, PEOPLE_ATTRIBUTE, None)
    if people is None:
        people = (
            sorted(
                pid.hex
                for pid in AuditSubject.objects.filter(event_id=event.pk).values_list(
                    "person_id", flat=True
                )
            )
            if event.pk
            else []
        )
        setattr(event, PEOPLE_ATTRIBUTE, people)
    return list(people)


def _load_people(events: list[AuditEvent]) -> list[AuditEvent]:
    """Fill in the people each event names, in one query for the whole batch."""
    named: dict[int, list[str]] = {event.pk: [] for event in events}
    if events:
        ids = [event.pk for event in events]
        rows = AuditSubject.objects.filter(
            event_id__gte=min(ids), event_id__lte=max(ids)
        ).values_list("event_id", "person_id")
        for event_id, person_id in rows:
            if event_id in named:
                named[event_id].append(person_id.hex)
    for event in events:
        setattr(event, PEOPLE_ATTRIBUTE, sorted(named[event.pk]))
    return events


def event_content(event: AuditEvent) -> str:
    """The canonical JSON text that the event's hash covers.

    A list event also covers the people it names (``people``, sorted ids), so adding or
    removing a name breaks the chain there. Events naming nobody beyond ``person_id``
    leave the key out, so every event written before names existed keeps its hash.
    """
    payload = {name: _canonical(getattr(event, name)) for name in HASHED_FIELDS}
    people = event_people(event)
    if people:
        payload["people"] = people
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(previous_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous hash and this event's canonical content."""
    digest = hashlib.sha256()
    digest.update(previous_hash.encode("ascii"))
    digest.update(event_content(event).encode("utf-8"))
    return digest.hexdigest()


def _storable(text: str) -> str:
    """Text the database can hold: NUL and lone surrogates become U+FFFD, visibly."""
    if not has_control_characters(text):
        return text
    return "".join(
        "\ufffd" if char == "\x00" or "\ud800" <= char <= "\udfff" else char for char in text
    )


def json_safe(value: Any) -> Any:
    """Turn model field values into JSON that round-trips through the database unchanged."""
    if isinstance(value, dict):
        return {_storable(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        return _storable(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return repr(value)
    return _storable(str(value))


@dataclass(frozen=True)
class AuditEntry:
    """What a caller wants recorded; the chain fields are filled in on append."""

    action: str
    object_type: str = ""  # a member of an app's AuditEventType enumeration (core/events.py)
    object_id: str = ""
    person_id: uuid.UUID | None = None
    changes: dict[str, Any] | None = None
    reason: str = ""
    outcome: str = "ok"
    # Everyone a list showed: ONE event names them all (issue 19: an audit that scales).
    people: tuple[uuid.UUID, ...] = ()

    def named(self) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
        """The event's ``person_id`` and everyone it names (one index row each).

        A list of one also sets ``person_id`` to that person, so questions asked of the
        event table alone (a break-glass review, "recently viewed") still find it, and
        a list page costs the same queries whether it shows one child or fifty.
        """
        people = list(dict.fromkeys(uuid.UUID(str(pid)) for pid in self.people))
        if self.person_id is None and len(people) == 1:
            return people[0], people
        return self.person_id, people


def _lock_chain() -> None:
    """Serialise appends so two writers never chain onto the same previous row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(4242001)")
    # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serial.


def audit_record_many(*, by: Any, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """Append several events for one actor in one go, under one chain lock.

    A list page writes ONE entry naming everyone it showed (``AuditEntry.people``),
    not one entry per child.
    """
    entries = list(entries)
    if not entries:
        return []
    for entry in entries:
        audit_event_type_check(entry.object_type)
    actor_id = getattr(by, "pk", None)
    username = getattr(by, "username", "") or ""
    agency = getattr(by, "agency", None) if actor_id else None
    now = timezone.now()
    request_id = current_request_id.get()
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
        sequence = last.sequence if last else 0
        previous = last.hash if last else GENESIS_HASH
        events = []
        subjects: list[tuple[AuditEvent, list[uuid.UUID]]] = []  # each event's people
        for entry in entries:
            sequence += 1
            person_id, named = entry.named()
            event = AuditEvent(
                sequence=sequence,
                occurred_at=now,
                actor_id=actor_id,
                actor_username=username[:150],
                agency_id=getattr(agency, "pk", None),
                agency_name=getattr(agency, "name", "") or "",
                action=entry.action,
                object_type=str(entry.object_type),
                object_id=_storable(str(entry.object_id))[:64],
                person_id=person_id,
                changes=json_safe(entry.changes or {}),
                reason=_storable(entry.reason),
                request_id=request_id,
                outcome=entry.outcome,
                previous_hash=previous,
            )
            setattr(event, PEOPLE_ATTRIBUTE, sorted(pid.hex for pid in named))
            event.hash = event_hash(previous, event)
            previous = event.hash
            events.append(event)
            if named:
                subjects.append((event, named))
        AuditEvent.objects.bulk_create(events)
        if subjects:
            AuditSubject.objects.bulk_create(
                AuditSubject(event_id=event.pk, person_id=pid)
                for event, people in subjects
                for pid in people
            )
    if any(entry.action == AuditAction.DENY for entry in entries):
        refusal_recorded.set(True)
    return events


def audit_record(
    *,
    by: Any,
    action: str | AuditAction,
    object_type: str = "",
    object_id: Any = "",
    person_id: uuid.UUID | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    outcome: str = "ok",
    people: Iterable[uuid.UUID] = (),
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    ``people``: everyone else the event names (a list page's rows), in the same event.
    """
    entry = AuditEntry(
        action=str(action),
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        person_id=person_id,
        changes=changes,
        reason=reason,
        outcome=outcome,
        people=tuple(people),
    )
    return audit_record_many(by=by, entries=[entry])[0]


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, each as ``{"before": ..., "after": ...}``."""
    changed = {}
    for key in sorted(set(before) | set(after)):
        old, new = json_safe(before.get(key)), json_safe(after.get(key))
        if old != new:
            changed[key] = {"before": old, "after": new}
    return changed


@dataclass(frozen=True)
class ChainProblem:
    """The first place where the chain does not hold."""

    sequence: int | None
    event_id: int | None
    message: str


def _iter_events(batch: int = 2000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        yield from _load_people(rows)
        last_id = rows[-1].id


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the chain in insertion order; return the count and the first problem, if any."""
    previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for event in _iter_events():
        if event.sequence != expected_sequence:
            return count, ChainProblem(
                event.sequence,
                event.id,
                f"event #{event.sequence} (row id {event.id}) is out of order: "
                f"expected #{expected_sequence}; a row was removed, inserted or reordered",
            )
        if event.previous_hash != previous:
            return count, ChainProblem(
                event.sequence,
                event.id,
                f"event #{event.sequence} (row id {event.id}) does not follow the event before it; "
                "a row was removed, inserted or reordered",
            )
        if event_hash(previous, event) != event.hash:
            return count, ChainProblem(
                event.sequence,
                event.id,
                f"event #{event.sequence} (row id {event.id}) was altered: its content no longer "
                "matches its hash",
            )
        previous = event.hash
        expected_sequence += 1
        count += 1
    problem = _check_checkpoints(count)
    return count, problem


def _checkpoint_signature(sequence: int, hash_value: str) -> str:
    key = settings.AUDIT_CHECKPOINT_KEY.encode("utf-8")
    return hmac.new(key, f"{sequence}:{hash_value}".encode("ascii"), hashlib.sha256).hexdigest()


class CheckpointStoreMissing(RuntimeError):
    """No checkpoint store is configured, and this deployment requires one."""


NO_STORE_MESSAGE = (
    "no audit checkpoint store is configured: set SAFEGUARD_AUDIT_CHECKPOINTS to a file on "
    "storage the database's users cannot change (see docs/security.md). Without it, "
    "removing the newest events or rewriting the whole chain cannot be detected"
)


def _checkpoint_path() -> Path | None:
    path = settings.AUDIT_CHECKPOINT_FILE
    return Path(path) if path else None


def _checkpoint_records() -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Each line of the checkpoint file, numbered; ``None`` for a line that cannot be read."""
    path = _checkpoint_path()
    if path is None or not path.exists():
        return
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record = {
                "sequence": int(record["sequence"]),
                "hash": str(record["hash"]),
                "signature": str(record["signature"]),
            }
        except (ValueError, KeyError, TypeError):
            yield line_number, None
            continue
        yield line_number, record


def _events_after(sequence: int, batch: int = 2000) -> Iterator[AuditEvent]:
    while True:
        rows = list(AuditEvent.objects.filter(sequence__gt=sequence).order_by("sequence")[:batch])
        if not rows:
            return
        yield from _load_people(rows)
        sequence = rows[-1].sequence


def _verify_since(sequence: int, hash_value: str) -> ChainProblem | None:
    """Check the events after a signed position: each follows the one before it."""
    previous = hash_value
    expected = sequence + 1
    for event in _events_after(sequence):
        if event.sequence != expected or event.previous_hash != previous:
            return ChainProblem(event.sequence, event.id, f"event #{event.sequence} is out of line")
        if event_hash(previous, event) != event.hash:
            return ChainProblem(event.sequence, event.id, f"event #{event.sequence} was altered")
        previous = event.hash
        expected += 1
    return None


def checkpoint_write() -> dict[str, Any] | None:
    """Sign the newest event's position and hash and append it to the checkpoint file.

    The file lives outside the database, so someone who can change the database
    cannot also quietly remove the newest events or rewrite the chain. Before signing,
    the events since the last good checkpoint are checked (only those, so it is cheap
    to run every few minutes): a broken chain is never signed. Raises
    :class:`CheckpointStoreMissing` when no store is configured, and ``ValueError``
    when the chain since the last checkpoint does not hold.
    """
    path = _checkpoint_path()
    if path is None:
        raise CheckpointStoreMissing(NO_STORE_MESSAGE)
    last = AuditEvent.objects.order_by("-sequence").first()
    if last is None:
        return None
    start_sequence, start_hash = 0, GENESIS_HASH
    for line_number, record in _checkpoint_records():
        if record is None or not hmac.compare_digest(
            record["signature"], _checkpoint_signature(record["sequence"], record["hash"])
        ):
            raise ValueError(f"checkpoint line {line_number} cannot be trusted")
        start_sequence, start_hash = record["sequence"], record["hash"]
    if start_sequence:
        stored = (
            AuditEvent.objects.filter(sequence=start_sequence)
            .values_list("hash", flat=True)
            .first()
        )
        if stored != start_hash:
            raise ValueError(f"event #{start_sequence} differs from the last checkpoint")
    if start_sequence == last.sequence:
        return None
    problem = _verify_since(start_sequence, start_hash)
    if problem is not None:
        raise ValueError(f"not signing a broken chain: {problem.message}")
    record = {
        "sequence": last.sequence,
        "hash": last.hash,
        "at": timezone.now().isoformat(),
        "signature": _checkpoint_signature(last.sequence, last.hash),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return record


def _check_checkpoints(count: int) -> ChainProblem | None:
    path = _checkpoint_path()
    required = settings.AUDIT_CHECKPOINT_REQUIRED
    if path is None:
        return ChainProblem(None, None, NO_STORE_MESSAGE) if required else None
    seen = 0
    for line_number, record in _checkpoint_records():
        if record is None:
            return ChainProblem(None, None, f"checkpoint line {line_number} cannot be read")
        sequence, hash_value = record["sequence"], record["hash"]
        if not hmac.compare_digest(
            record["signature"], _checkpoint_signature(sequence, hash_value)
        ):
            return ChainProblem(None, None, f"checkpoint line {line_number} has a bad signature")
        seen += 1
        if sequence > count:
            return ChainProblem(
                sequence,
                None,
                f"event #{sequence} was signed in checkpoint line {line_number} "
                f"but the log now ends at #{count}: events were removed",
            )
        stored = AuditEvent.objects.filter(sequence=sequence).values_list("hash", flat=True).first()
        if stored != hash_value:
            return ChainProblem(
                sequence,
                None,
                f"event #{sequence} differs from checkpoint line {line_number}: "
                "events were changed, removed or the chain was recomputed",
            )
    if required and count and not seen:
        return ChainProblem(
            None,
            None,
            f"the checkpoint store {path} holds no checkpoint (missing or emptied): run "
            "'safeguard verify_audit --checkpoint' or the outbox worker to write one",
        )
    return None


def verify_since_checkpoint() -> tuple[int, ChainProblem | None, int | None]:
    """Check the newest signed checkpoint and only the events after it (the nightly check).

    Returns the events verified, the first problem (or ``None``) and the sequence of the
    checkpoint it started from (``None`` when there is none: then the whole chain was
    walked, as :func:`verify_chain` does). Checked, cheaply:

    - every checkpoint line reads and carries a good signature (a forged or edited
      checkpoint is refused), and every signed event still has the hash it was signed
      with (one query per 1,000 lines: a recomputed chain or removed events show here);
    - the newest signed event's own hash still matches its content and its predecessor's
      hash;
    - every event after it follows the one before, in sequence, unaltered, and the log
      does not end before the signed position.

    Events between older checkpoints are not rehashed: they were checked before they
    were signed, and the full walk (``verify_audit --full``, weekly) rehashes them all.
    """
    records: list[tuple[int, dict[str, Any]]] = []
    for line_number, record in _checkpoint_records():
        if record is None:
            return (
                0,
                ChainProblem(None, None, f"checkpoint line {line_number} cannot be read"),
                None,
            )
        if not hmac.compare_digest(
            record["signature"], _checkpoint_signature(record["sequence"], record["hash"])
        ):
            return (
                0,
                ChainProblem(None, None, f"checkpoint line {line_number} has a bad signature"),
                None,
            )
        records.append((line_number, record))
    if not records:
        count, problem = verify_chain()
        return count, problem, None
    for start in range(0, len(records), 1000):
        chunk = records[start : start + 1000]
        stored = dict(
            AuditEvent.objects.filter(
                sequence__in={record["sequence"] for _, record in chunk}
            ).values_list("sequence", "hash")
        )
        for line_number, record in chunk:
            sequence = record["sequence"]
            if sequence not in stored:
                return (
                    0,
                    ChainProblem(
                        sequence,
                        None,
                        f"event #{sequence} was signed in checkpoint line {line_number} "
                        "but is no longer in the log: events were removed",
                    ),
                    None,
                )
            if stored[sequence] != record["hash"]:
                return (
                    0,
                    ChainProblem(
                        sequence,
                        None,
                        f"event #{sequence} differs from checkpoint line {line_number}: "
                        "events were changed, removed or the chain was recomputed",
                    ),
                    None,
                )
    _, newest = records[-1]
    signed = _load_people(list(AuditEvent.objects.filter(sequence=newest["sequence"])))[0]
    if event_hash(signed.previous_hash, signed) != signed.hash:
        return (
            0,
            ChainProblem(
                signed.sequence,
                signed.id,
                f"event #{signed.sequence} (row id {signed.id}) was altered: its content no "
                "longer matches its hash",
            ),
            newest["sequence"],
        )
    count = 1
    previous, expected = signed.hash, signed.sequence + 1
    for event in _events_after(signed.sequence):
        if event.sequence != expected or event.previous_hash != previous:
            return (
                count,
                ChainProblem(
                    event.sequence,
                    event.id,
                    f"event #{event.sequence} (row id {event.id}) does not follow the event "
                    f"before it (expected #{expected}); a row was removed, inserted or reordered",
                ),
                newest["sequence"],
            )
        if event_hash(previous, event) != event.hash:
            return (
                count,
                ChainProblem(
                    event.sequence,
                    event.id,
                    f"event #{event.sequence} (row id {event.id}) was altered: its content no "
                    "longer matches its hash",
                ),
                newest["sequence"],
            )
        previous = event.hash
        expected += 1
        count += 1
    return count, None, newest["sequence"]


def checkpoint_loop(*, interval: float, stop: threading.Event) -> None:
    """Sign a checkpoint every ``interval`` seconds until ``stop`` is set (the outbox worker)."""
    from django.db import connections

    while not stop.wait(interval):
        try:
            record = checkpoint_write()
        except CheckpointStoreMissing:
            logger.error("Audit checkpoint not written: %s", NO_STORE_MESSAGE)
        except ValueError as exc:
            logger.error("Audit checkpoint not written: %s", exc)
        except Exception:
            logger.exception("Audit checkpoint not written")
        else:
            if record:
                logger.info("Audit checkpoint written at event #%s", record["sequence"])
        finally:
            connections.close_all()  # this thread's connections only
