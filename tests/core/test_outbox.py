"""The outbox: emails leave after commit through a real SMTP server, with retries and a log."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import OutboxDelivery, OutboxMessage, OutboxStatus, Role
from safeguard.core.outbox import (
    OutboxOutsideTransaction,
    outbox_deliver_due,
    outbox_enqueue,
    outbox_requeue,
)
from tests.smtp_server import MailServer, free_port, point_email_at

pytestmark = pytest.mark.django_db(transaction=True)

SUBJECT = "Outcome for Kai Testchild"  # a synthetic name the administrators' views must hide
SUMMARY = "Outcome of concern MASH-TEST-1"


@pytest.fixture(autouse=True)
def _quick_retries(settings):
    """Three tries, each due at once, so a test can walk a message to "failed"."""
    settings.OUTBOX_RETRY_MINUTES = [0, 0]


@pytest.fixture
def mail_server(settings):
    server = MailServer(free_port())
    point_email_at(settings, server.port)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def closed_port(settings):
    """The mail server refuses the connection: nothing listens on this port."""
    port = free_port()
    point_email_at(settings, port)
    return port


def enqueue(**overrides) -> OutboxMessage:
    values = {
        "kind": "test.note",
        "recipients": ["dsl@example.invalid"],
        "subject": SUBJECT,
        "body": "The Multi-Agency Safeguarding Hub (MASH) has decided.",
        "summary": SUMMARY,
    }
    values.update(overrides)
    with transaction.atomic():
        message = outbox_enqueue(**values)
    assert message is not None
    message.refresh_from_db()
    return message


def enqueue_then_fail() -> None:
    """A change that writes an outbox message and then fails, so its transaction rolls back."""
    with transaction.atomic():
        outbox_enqueue(
            kind="test.note", recipients=["dsl@example.invalid"], subject=SUBJECT, body="Hi"
        )
        raise RuntimeError("the change failed")


def run(*args: str) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


class TestOutboxEnqueue:
    def test_the_email_leaves_only_after_the_transaction_commits(self, mail_server):
        with transaction.atomic():
            outbox_enqueue(
                kind="test.note", recipients=["dsl@example.invalid"], subject=SUBJECT, body="Hi"
            )
            assert mail_server.received == []
        assert mail_server.subjects == [SUBJECT]
        assert mail_server.received[0]["To"] == "dsl@example.invalid"
        message = OutboxMessage.objects.get()
        assert message.status == OutboxStatus.SENT
        assert message.sent_at is not None
        assert list(message.deliveries.values_list("succeeded", flat=True)) == [True]

    def test_a_rollback_sends_nothing_and_keeps_nothing(self, mail_server):
        with pytest.raises(RuntimeError):
            enqueue_then_fail()
        assert mail_server.received == []
        assert not OutboxMessage.objects.exists()

    def test_refuses_to_work_outside_a_transaction(self, mail_server):
        with pytest.raises(OutboxOutsideTransaction):
            outbox_enqueue(kind="test.note", recipients=["a@example.invalid"], subject="x", body="")
        assert mail_server.received == []

    def test_nobody_to_send_to_writes_nothing(self, mail_server):
        with transaction.atomic():
            assert (
                outbox_enqueue(kind="test.note", recipients=["", " "], subject="x", body="") is None
            )
        assert not OutboxMessage.objects.exists()


class TestRetries:
    def test_a_refused_connection_is_logged_and_retried_until_it_fails(self, closed_port):
        message = enqueue()
        assert message.status == OutboxStatus.QUEUED
        assert message.attempts == 1
        assert "refused" in message.last_error.lower()

        assert "Tried 1 due message(s): 0 sent, 1 to try again later, 0 failed." in run("--retry")
        assert "Tried 1 due message(s): 0 sent, 0 to try again later, 1 failed." in run("--retry")
        message.refresh_from_db()
        assert message.status == OutboxStatus.FAILED
        assert message.next_attempt_at is None
        log = list(
            OutboxDelivery.objects.filter(message=message).values_list("attempt", "succeeded")
        )
        assert log == [(1, False), (2, False), (3, False)]
        assert "Tried 0 due message(s)" in run("--retry")  # a failed message is left alone

        listing = run("--failures")
        assert f"#{message.pk} Failed: no more tries | {SUMMARY}" in listing
        assert "tries 3 of 3" in listing
        assert "Kai" not in listing

    def test_a_retry_succeeds_when_the_server_comes_back(self, closed_port):
        message = enqueue()
        assert message.status == OutboxStatus.QUEUED
        server = MailServer(closed_port).start()
        try:
            assert "1 sent" in run("--retry")
        finally:
            server.stop()
        assert server.subjects == [SUBJECT]
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT
        assert list(message.deliveries.values_list("succeeded", flat=True)) == [False, True]
        assert "No failed or waiting messages." in run("--failures")

    def test_a_retry_waits_for_its_time(self, closed_port, settings):
        settings.OUTBOX_RETRY_MINUTES = [5]
        message = enqueue()
        assert outbox_deliver_due() == []
        later = timezone.now() + dt.timedelta(minutes=6)
        tried = outbox_deliver_due(now=later)
        assert [m.pk for m in tried] == [message.pk]
        assert tried[0].status == OutboxStatus.FAILED

    def test_a_failed_message_can_be_given_new_tries(self, closed_port, settings):
        settings.OUTBOX_RETRY_MINUTES = []
        message = enqueue()
        assert message.status == OutboxStatus.FAILED
        server = MailServer(closed_port).start()
        try:
            assert "Waiting to be sent" in run("--requeue", str(message.pk))
            run("--retry")
        finally:
            server.stop()
        assert server.subjects == [SUBJECT]
        assert run() == "Waiting to be sent: 0, Sent: 1, Failed: no more tries: 0\n"

    def test_requeue_of_an_unknown_message_is_a_clear_error(self, mail_server):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="No outbox message 999"):
            run("--requeue", "999")
        with pytest.raises(OutboxMessage.DoesNotExist):
            outbox_requeue(message_id=999)


class TestDatabaseBackend:
    """Production: the task row commits with the message, and the worker sends it."""

    @pytest.fixture(autouse=True)
    def _database_tasks(self, settings):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        }

    def test_the_worker_sends_what_the_transaction_committed(self, mail_server):
        from django_tasks_db.models import DBTaskResult

        with transaction.atomic():
            message = outbox_enqueue(
                kind="test.note", recipients=["dsl@example.invalid"], subject=SUBJECT, body="Hi"
            )
            # The task is queued in the same transaction as the message, not after it.
            assert DBTaskResult.objects.count() == 1
        assert message is not None
        message.refresh_from_db()
        assert message.status == OutboxStatus.QUEUED
        assert mail_server.received == []
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert mail_server.subjects == [SUBJECT]
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT

    def test_a_rollback_queues_no_task(self, mail_server):
        from django_tasks_db.models import DBTaskResult

        with pytest.raises(RuntimeError):
            enqueue_then_fail()
        assert not DBTaskResult.objects.exists()
        assert not OutboxMessage.objects.exists()

    def test_a_worker_behind_catches_up_fifty_emails_to_a_task(self, settings):
        from django_tasks_db.models import DBTaskResult

        server = CountingServer(free_port())
        point_email_at(settings, server.port)
        server.start()
        try:
            with transaction.atomic():
                for n in range(60):
                    outbox_enqueue(
                        kind="test.note",
                        recipients=["dsl@example.invalid"],
                        subject=f"Concern received: MASH-{n:04d}",
                        body="Hi",
                    )
            call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        finally:
            server.stop()
        assert sorted(server.subjects) == [f"Concern received: MASH-{n:04d}" for n in range(60)]
        # The first task sends its email and 49 more; the second the last ten; the rest find
        # their email sent.
        assert server.connections == 2
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
        assert OutboxDelivery.objects.count() == 60

    def test_a_failed_try_queues_a_later_one(self, closed_port, settings):
        from django_tasks_db.models import DBTaskResult

        settings.OUTBOX_RETRY_MINUTES = [5]
        enqueue()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        message = OutboxMessage.objects.get()
        assert message.attempts == 1
        assert message.status == OutboxStatus.QUEUED
        retry = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert retry is not None
        assert retry.run_after == message.next_attempt_at


class CountingServer(MailServer):
    """A mail server that also notes which connection each message came over."""

    def __init__(self, port: int, refuse: str = "") -> None:
        super().__init__(port)
        self.peers: list[tuple[str, int]] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse and self.refuse.encode() in envelope.content:
            return "554 Message rejected by policy"
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)

    @property
    def connections(self) -> int:
        return len(set(self.peers))


def backlog(count: int) -> list[OutboxMessage]:
    """COUNT emails queued while the mail server was down: each waits for its next try."""
    messages = [enqueue(subject=f"Concern received: MASH-{n:04d}") for n in range(count)]
    assert {m.status for m in messages} == {OutboxStatus.QUEUED}
    return messages


class TestABacklog:
    """After an outage the retry sends the queue in batches over few connections, each once."""

    def test_goes_out_fifty_to_a_connection_each_email_once(self, closed_port):
        backlog(60)
        server = CountingServer(closed_port).start()
        try:
            assert "Tried 60 due message(s): 60 sent" in run("--retry")
        finally:
            server.stop()
        subjects = server.subjects
        assert sorted(subjects) == [f"Concern received: MASH-{n:04d}" for n in range(60)]
        assert server.connections == 2  # 50, then 10: not one connection per email
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
        assert OutboxDelivery.objects.filter(succeeded=True).count() == 60

    def test_marks_each_email_sent_as_soon_as_the_server_took_it(self, closed_port):
        messages = backlog(3)
        seen: list[list[str]] = []

        def look() -> None:
            try:
                statuses = OutboxMessage.objects.order_by("pk").values_list("status", flat=True)
                seen.append(list(statuses))
            finally:
                connection.close()

        server = CountingServer(closed_port)
        server.during_data = look
        server.start()
        try:
            run("--retry")
        finally:
            server.stop()
        sent, queued = OutboxStatus.SENT, OutboxStatus.QUEUED
        # While each email is on the wire the ones before it are already marked sent.
        assert seen == [[queued, queued, queued], [sent, queued, queued], [sent, sent, queued]]
        assert [m.pk for m in messages] == list(
            OutboxMessage.objects.filter(status=sent).order_by("pk").values_list("pk", flat=True)
        )

    def test_an_email_the_server_refuses_is_retried_and_the_rest_still_go(self, closed_port):
        messages = backlog(4)
        server = CountingServer(closed_port, refuse="MASH-0001").start()
        try:
            assert "Tried 4 due message(s): 3 sent, 1 to try again later" in run("--retry")
        finally:
            server.stop()
        assert sorted(server.subjects) == [
            "Concern received: MASH-0000",
            "Concern received: MASH-0002",
            "Concern received: MASH-0003",
        ]
        refused = OutboxMessage.objects.get(pk=messages[1].pk)
        assert refused.status == OutboxStatus.QUEUED
        assert refused.attempts == 2
        assert "554" in refused.last_error
        # The email after the refused one went over a fresh connection.
        assert server.connections == 2


class TestOutboxPage:
    def test_administrators_see_what_failed_without_names(self, closed_port, make_user, signed_in):
        failed = enqueue()
        run("--retry")
        run("--retry")
        admin = make_user(Role.SYSTEM_ADMINISTRATOR)
        page = signed_in(admin).get(reverse("core:outbox"))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Emails not yet sent" in html
        assert SUMMARY in html
        assert "Failed" in html
        assert f"Number {failed.pk}" in html
        assert "3 of 3" in html
        assert "Kai" not in html
        assert "dsl@example.invalid" not in html
        assert "d…@example.invalid" in html

    def test_the_business_unit_may_look_too(self, make_user, signed_in, closed_port):
        enqueue()
        user = make_user(Role.BUSINESS_UNIT)
        page = signed_in(user).get(reverse("core:outbox"))
        assert page.status_code == 200
        assert "Waiting" in page.content.decode()

    def test_the_subject_only_for_a_role_that_sees_personal_data(
        self, make_user, agency, signed_in, closed_port
    ):
        enqueue()
        both = make_user(Role.BUSINESS_UNIT, Role.PRACTITIONER, agency=agency)
        html = signed_in(both).get(reverse("core:outbox")).content.decode()
        assert f"Subject: {SUBJECT}" in html

    def test_practitioners_may_not(self, practitioner, signed_in):
        assert signed_in(practitioner).get(reverse("core:outbox")).status_code == 403

    def test_says_so_when_everything_has_gone(self, make_user, signed_in, mail_server):
        enqueue()
        page = signed_in(make_user(Role.SYSTEM_ADMINISTRATOR)).get(reverse("core:outbox"))
        assert "Every email has been sent." in page.content.decode()
