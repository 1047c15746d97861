"""One outbox: every email a service sends leaves after the service's transaction commits.

A service calls :func:`outbox_enqueue` inside its own ``transaction.atomic()``.
That writes an :class:`~safeguard.core.models.OutboxMessage` row together with
the rest of the change, so a rollback leaves nothing to send, and the service
never talks to a mail server while it holds a lock.

Delivery is one django-tasks task, :func:`outbox_deliver_task`. With the
database backend (production) the task row is written in the same transaction
as the message and a worker (``safeguard db_worker``) picks it up after
commit; with the immediate backend (laptop demo, tests) the task runs right
after commit. Either way the message row is the truth: each try is logged in
:class:`~safeguard.core.models.OutboxDelivery`, a failed try waits
``OUTBOX_RETRY_MINUTES`` before the next, and after the last try the message is
``failed`` and shown on the outbox page and by ``safeguard outbox --failures``.
``safeguard outbox --retry`` sends every message whose next try is due (a cron
safety net for a task lost between commit and queue, and the retry path for
backends that cannot schedule a later run).

A backlog (after a mail outage, or a worker that was down) goes out ``BATCH``
messages at a time: their tries are claimed in one transaction, they are sent
over one connection to the mail server, and each is marked sent in its own
transaction as soon as the server has taken it, so a worker killed mid-batch
sends at most one message twice. A worker's task takes up to ``BATCH - 1``
other due messages with its own. Until 30 November 2026 every message had its
own connection and claim, which sent a few a second on a loaded server
(``bench/outbox.py`` compares the two).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db import DatabaseBackend

from .models import OutboxDelivery, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
# Messages claimed together and sent over one mail connection (``--retry``, a worker's task).
BATCH = 50


class OutboxOutsideTransaction(RuntimeError):
    """``outbox_enqueue`` was called outside a transaction, so nothing ties it to a commit."""


def retry_waits() -> list[dt.timedelta]:
    """How long to wait after each failed try (``OUTBOX_RETRY_MINUTES``)."""
    return [dt.timedelta(minutes=m) for m in settings.OUTBOX_RETRY_MINUTES]


def max_attempts() -> int:
    """How many tries a message gets: one more than there are waits."""
    return len(settings.OUTBOX_RETRY_MINUTES) + 1


def _queues_in_database() -> bool:
    """Whether the task backend stores tasks in our database (so they commit with the row)."""
    return isinstance(outbox_deliver_task.get_backend(), DatabaseBackend)


def _enqueue(message_id: int, run_after: dt.datetime | None = None) -> None:
    """Queue a try outside any transaction; if that fails the row stays queued for ``--retry``."""
    chosen = outbox_deliver_task
    if run_after is not None:
        chosen = chosen.using(run_after=run_after)
    try:
        chosen.enqueue(message_id=message_id)
    except Exception:  # the row stays queued; `safeguard outbox --retry` sends it
        logger.exception("Could not queue outbox message %s", message_id)


def outbox_enqueue(
    *,
    kind: str,
    recipients: Iterable[str],
    subject: str,
    body: str,
    summary: str = "",
    related_type: str = "",
    related_id: Any = "",
    after_sent: str = "",
    headers: dict[str, str] | None = None,
) -> OutboxMessage | None:
    """Write an email to the outbox in the caller's transaction; it is sent after commit.

    ``summary`` is what the outbox page shows to administrators who see no
    personal data: references only, never a name. ``after_sent`` is the
    dotted path of a function called with the message once it has been sent.
    ``headers`` are extra email headers (a newsletter's ``List-Unsubscribe``).
    Returns ``None`` (and writes nothing) when there is nobody to send to.
    """
    if not connection.in_atomic_block:
        raise OutboxOutsideTransaction(
            "outbox_enqueue must be called inside the service's transaction.atomic()"
        )
    addresses = list(dict.fromkeys(a.strip() for a in recipients if a and a.strip()))
    if not addresses:
        return None
    now = timezone.now()
    message = OutboxMessage.objects.create(
        kind=kind,
        recipients=addresses,
        subject=subject[:300],
        body=body,
        summary=(summary or kind)[:300],
        related_type=related_type,
        related_id=str(related_id)[:64],
        after_sent=after_sent,
        headers=dict(headers or {}),
        created_at=now,
        next_attempt_at=now,
    )
    pk = message.pk
    if _queues_in_database():
        # The task row commits, or rolls back, with the message; a failure here fails the change.
        outbox_deliver_task.enqueue(message_id=pk)
    else:
        transaction.on_commit(lambda: _enqueue(pk))
    return message


def _wait_before_next_try(attempt: int) -> dt.timedelta:
    """How long after try ATTEMPT (1, 2, ...) the next one is due."""
    waits = retry_waits()
    return waits[min(attempt, len(waits)) - 1] if waits else dt.timedelta(0)


def _claim(messages: list[OutboxMessage], now: dt.datetime) -> list[OutboxMessage]:
    """Claim one try at each message that is still queued and due, in one transaction.

    Each claim is a conditional update (the attempt count and the next try time
    move on only if nobody moved them first), so two workers never send the same
    try, and a worker that dies mid-send leaves the message for a later try. The
    rows are claimed in id order, so two workers claiming overlapping batches on
    PostgreSQL wait for each other rather than deadlock.
    """
    claimed = []
    with transaction.atomic():
        for message in sorted(messages, key=lambda m: m.pk):
            attempt = message.attempts + 1
            next_attempt_at = now + _wait_before_next_try(attempt)
            if (
                OutboxMessage.objects.filter(
                    pk=message.pk, status=OutboxStatus.QUEUED, attempts=message.attempts
                )
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .update(attempts=attempt, next_attempt_at=next_attempt_at)
            ):
                message.attempts = attempt
                message.next_attempt_at = next_attempt_at
                claimed.append(message)
    return claimed


def _send(message: OutboxMessage, mail: BaseEmailBackend) -> str:
    """Send one message over MAIL (opened here if it is not open); the error, or ``""``."""
    try:
        mail.open()
        EmailMessage(
            message.subject,
            message.body,
            None,
            list(message.recipients),
            headers=dict(message.headers or {}),
            connection=mail,
        ).send()
    except Exception as exc:  # any mail failure is recorded and retried, never raised
        # Start the next message on a fresh connection: this one may be broken.
        with contextlib.suppress(Exception):
            mail.close()
        return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    return ""


def _record(message: OutboxMessage, started: dt.datetime, error: str) -> None:
    """Log the try and mark the message sent (or failed, or to try again): its own transaction."""
    fields: dict[str, Any]
    if not error:
        fields = {
            "status": OutboxStatus.SENT,
            "sent_at": timezone.now(),
            "next_attempt_at": None,
            "last_error": "",
        }
    elif message.attempts >= max_attempts():
        fields = {"status": OutboxStatus.FAILED, "next_attempt_at": None, "last_error": error}
    else:
        fields = {"last_error": error}
    with transaction.atomic():
        OutboxDelivery.objects.create(
            message_id=message.pk,
            attempt=message.attempts,
            attempted_at=started,
            succeeded=not error,
            error=error,
        )
        OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)


def _after_try(message: OutboxMessage) -> None:
    """Run the message's after-sent step, or queue its next try if the backend can wait."""
    if message.status == OutboxStatus.SENT and message.after_sent:
        try:
            import_string(message.after_sent)(message)
        except Exception:  # the email has gone; only the bookkeeping after it failed
            logger.exception("After-sent step %s failed for %s", message.after_sent, message.pk)
    elif message.status == OutboxStatus.QUEUED and outbox_deliver_task.get_backend().supports_defer:
        _enqueue(message.pk, run_after=message.next_attempt_at)


def outbox_deliver_many(
    *, message_ids: Iterable[int], now: dt.datetime | None = None
) -> list[OutboxMessage]:
    """Make one try at each of these messages that is queued and due; returns those tried.

    The tries are claimed together (one transaction), then the messages go out
    one after another over one connection to the mail server (a fresh one after
    a failure), and each is marked sent, in its own transaction, as soon as the
    server has accepted it: a worker killed mid-batch re-sends at most the one
    message it was sending, as :func:`outbox_deliver` would.
    """
    now = now or timezone.now()
    queued = list(
        OutboxMessage.objects.filter(pk__in=list(message_ids), status=OutboxStatus.QUEUED)
    )
    claimed = _claim(queued, now)
    if not claimed:
        return []
    mail = get_connection()
    try:
        for message in claimed:
            started = timezone.now()
            _record(message, started, _send(message, mail))
            _after_try(message)
    finally:
        with contextlib.suppress(Exception):
            mail.close()
    return claimed


def outbox_deliver(*, message_id: int, now: dt.datetime | None = None) -> OutboxMessage | None:
    """Make one try at sending a message that is queued and due; log it; plan the next try.

    Returns the message afterwards (as it was, if it was not queued and due).
    """
    tried = outbox_deliver_many(message_ids=[message_id], now=now)
    if tried:
        return tried[0]
    return OutboxMessage.objects.filter(pk=message_id).first()


@task()
def outbox_deliver_task(message_id: int) -> str:
    """The django-tasks task: a try at its message; returns the message's status afterwards.

    With the database backend (the outbox worker) the task also takes up to
    ``BATCH - 1`` other due messages, oldest first, so a worker that has fallen
    behind catches up over one mail connection; their own tasks then find them
    sent and stop. With the immediate backend it sends only its own message.
    """
    ids = [message_id]
    if _queues_in_database():
        ids += list(outbox_due().exclude(pk=message_id).values_list("pk", flat=True)[: BATCH - 1])
    tried = {m.pk: m for m in outbox_deliver_many(message_ids=ids)}
    message = tried.get(message_id) or OutboxMessage.objects.filter(pk=message_id).first()
    return message.status if message is not None else "missing"


def outbox_due(*, now: dt.datetime | None = None) -> QuerySet[OutboxMessage]:
    """Queued messages whose next try is due."""
    now = now or timezone.now()
    return (
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
    )


def outbox_deliver_due(*, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Make one try at every message that is due, BATCH at a time; returns them after the try."""
    now = now or timezone.now()
    ids = list(outbox_due(now=now).values_list("pk", flat=True))
    done = []
    for start in range(0, len(ids), BATCH):
        done += outbox_deliver_many(message_ids=ids[start : start + BATCH], now=now)
    return done


def outbox_requeue(*, message_id: int) -> OutboxMessage:
    """Give a failed message a fresh set of tries (after the mail problem is fixed)."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message_id)
        if message.status == OutboxStatus.FAILED:
            message.status = OutboxStatus.QUEUED
            message.attempts = 0
            message.next_attempt_at = timezone.now()
            message.save(update_fields=["status", "attempts", "next_attempt_at"])
    return message


def outbox_problems() -> QuerySet[OutboxMessage]:
    """Messages not (yet) sent: failed first, then queued, newest first."""
    return (
        OutboxMessage.objects.exclude(status=OutboxStatus.SENT)
        .prefetch_related("deliveries")
        .order_by("status", "-created_at", "-pk")
    )


def sees_subjects(user: Any) -> bool:
    """Whether the user may read email subjects: only roles that see personal data.

    ``core`` imports no domain app, so the rule is named in settings
    (``OUTBOX_PERSONAL_DATA_CHECK``, the people app's ``sees_personal_data``).
    """
    check = import_string(settings.OUTBOX_PERSONAL_DATA_CHECK)
    return bool(check(user))


def masked_address(address: str) -> str:
    """An address with its local part hidden: ``j…@school.example``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"
