"""Threshold decision emails go through the outbox, after commit, to a real SMTP server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from safeguard.core.audit import audit_record
from safeguard.core.models import AuditAction, AuditEvent, OutboxMessage, OutboxStatus, Role
from safeguard.earlyhelp.models import Episode
from safeguard.frontdoor.events import FrontdoorEvent
from safeguard.frontdoor.models import Contact, ContactStatus, Outcome, ThresholdDecision
from safeguard.frontdoor.services import threshold_decide
from tests.factories import AgencyFactory
from tests.smtp_server import MailServer, free_port, point_email_at

pytestmark = pytest.mark.django_db(transaction=True)

OUTCOME_SUBJECT = "Outcome of your concern"


@pytest.fixture(autouse=True)
def _quick_retries(settings):
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
    port = free_port()
    point_email_at(settings, port)
    return port


def decide(by, contact, outcome=Outcome.SIGNPOST, level=2):
    return threshold_decide(
        by=by,
        contact=contact,
        level=level,
        outcome=outcome,
        rationale="Needs met by school with support.",
        message_to_referrer="Thank you: school will support the family.",
    )


def decide_then_fail(by, contact) -> None:
    with transaction.atomic():
        decide(by, contact)
        raise RuntimeError("something later in the same change failed")


def outcome_emails(server: MailServer) -> list[str]:
    return [s for s in server.subjects if s.startswith(OUTCOME_SUBJECT)]


def run(*args: str) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


class TestDecisionEmails:
    def test_the_referrer_hears_only_after_the_decision_commits(
        self, submit, mash_worker, mail_server
    ):
        contact = submit()
        with transaction.atomic():
            decide(mash_worker, contact)
            assert outcome_emails(mail_server) == []
        assert outcome_emails(mail_server) == [f"{OUTCOME_SUBJECT} {contact.reference}"]
        email = next(m for m in mail_server.received if m["Subject"].startswith(OUTCOME_SUBJECT))
        assert "Thank you: school will support the family." in email.get_payload()
        assert "Kai" not in email.get_payload()

    def test_a_decision_that_rolls_back_sends_nothing(self, submit, mash_worker, mail_server):
        contact = submit()
        with pytest.raises(RuntimeError):
            decide_then_fail(mash_worker, contact)
        assert outcome_emails(mail_server) == []
        assert not ThresholdDecision.objects.exists()
        assert not OutboxMessage.objects.filter(kind="frontdoor.decision_outcome").exists()

    def test_a_slow_mail_server_holds_up_no_other_write(self, submit, mash_worker, mail_server):
        """While the email is on the wire, another user's write (to the audit chain) goes through."""
        contact = submit()
        written: list[int] = []

        def another_write() -> None:
            try:
                event = audit_record(
                    by=None,
                    action=AuditAction.VIEW,
                    object_type=FrontdoorEvent.CONTACT,
                    object_id="during-email",
                )
                written.append(event.sequence)
            finally:
                connection.close()

        mail_server.during_data = another_write
        decide(mash_worker, contact)
        assert written, "the other write did not finish while the email was being sent"
        assert AuditEvent.objects.filter(object_id="during-email").count() == 1
        message = OutboxMessage.objects.get(kind="frontdoor.decision_outcome")
        assert message.status == OutboxStatus.SENT


class TestWhenTheMailServerIsDown:
    def test_the_decision_commits_and_the_email_is_retried_then_shown_as_failed(
        self, submit, mash_worker, closed_port, make_user, signed_in
    ):
        contact = submit()
        other = submit()
        decision = decide(mash_worker, contact)  # returns although the mail server refused
        assert Contact.objects.get(pk=contact.pk).status == ContactStatus.DECIDED
        assert ThresholdDecision.objects.filter(pk=decision.pk).exists()
        decide(mash_worker, other)  # the next decision is not held up either
        assert Contact.objects.get(pk=other.pk).status == ContactStatus.DECIDED

        message = OutboxMessage.objects.get(
            kind="frontdoor.decision_outcome", related_id=contact.reference
        )
        assert message.status == OutboxStatus.QUEUED
        assert message.attempts == 1
        assert "refused" in message.last_error.lower()

        run("--retry")
        run("--retry")
        message.refresh_from_db()
        assert message.status == OutboxStatus.FAILED
        assert message.deliveries.count() == 3
        assert f"Outcome of concern {contact.reference}" in run("--failures")

        page = signed_in(make_user(Role.SYSTEM_ADMINISTRATOR)).get(reverse("core:outbox"))
        html = page.content.decode()
        assert f"Outcome of concern {contact.reference}" in html
        assert "Failed" in html

    def test_the_email_goes_when_the_server_comes_back(self, submit, mash_worker, closed_port):
        contact = submit()
        decide(mash_worker, contact)
        server = MailServer(closed_port).start()
        try:
            run("--retry")
        finally:
            server.stop()
        assert outcome_emails(server) == [f"{OUTCOME_SUBJECT} {contact.reference}"]
        message = OutboxMessage.objects.get(kind="frontdoor.decision_outcome")
        assert message.status == OutboxStatus.SENT
        assert list(message.deliveries.values_list("succeeded", flat=True)) == [False, True]


class TestEarlyHelpWithTheDecision:
    def test_early_help_opens_in_the_same_change_as_the_decision(
        self, submit, mash_worker, mail_server
    ):
        contact = submit()
        decide(mash_worker, contact, outcome=Outcome.EARLY_HELP_ASSESSMENT, level=2)
        episode = Episode.objects.get()
        assert episode.source_reference == contact.reference
        assert outcome_emails(mail_server) == [f"{OUTCOME_SUBJECT} {contact.reference}"]

    def test_if_early_help_cannot_open_the_decision_fails_with_the_reason(
        self, submit, make_user, mail_server
    ):
        contact = submit()
        # A second hub that joined after the concern arrived holds no access to the child.
        late_hub = AgencyFactory(name="Late MASH", slug="late-mash", is_mash=True)
        worker = make_user(Role.MASH_WORKER, agency=late_hub)
        with pytest.raises(ValidationError) as exc:
            decide(worker, contact, outcome=Outcome.EARLY_HELP_ASSESSMENT, level=2)
        assert "Early help could not be started" in exc.value.message_dict["outcome"][0]
        assert "decision has not been saved" in exc.value.message_dict["outcome"][0]
        assert not ThresholdDecision.objects.exists()
        assert not Episode.objects.exists()
        assert Contact.objects.get(pk=contact.pk).status != ContactStatus.DECIDED
        assert outcome_emails(mail_server) == []
