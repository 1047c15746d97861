"""The newsletter: double opt-in, one-click unsubscribe, and an issue sent to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import OutboxDelivery, OutboxMessage
from safeguard.directory import selectors, services
from safeguard.directory.models import IssueStatus, NewsletterIssue, Subscriber, SubscriberStatus
from safeguard.directory.services.newsletter import token_for
from tests.smtp_server import MailServer, free_port, point_email_at

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "reader@example.org"


def links(body: str, kind: str) -> list[str]:
    return [
        m.removeprefix("http://127.0.0.1:8000")
        for m in re.findall(rf"http\S+/newsletter/{kind}/\S+/", body)
    ]


def last_body(to: str) -> str:
    return OutboxMessage.objects.filter(recipients=[to]).order_by("-pk").first().body


@pytest.fixture
def mail_server(settings):
    settings.OUTBOX_RETRY_MINUTES = [0]
    server = MailServer(free_port())
    point_email_at(settings, server.port)
    server.start()
    yield server
    server.stop()


def sign_up(client: Client, email: str = ADDRESS):
    return client.post("/newsletter/", {"email": email})


class TestSigningUp:
    def test_an_address_is_subscribed_only_once_it_confirms_from_its_email(self, client):
        response = sign_up(client)
        assert response.status_code == 302
        assert response["Location"] == "/newsletter/check-your-email/"
        subscriber = Subscriber.objects.get(email=ADDRESS)
        assert subscriber.status == SubscriberStatus.PENDING
        [confirm] = links(last_body(ADDRESS), "confirm")
        page = client.get(confirm)
        assert page.status_code == 200
        assert b"You are subscribed" in page.content
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        # The same link again changes nothing and still reads well.
        assert b"You are subscribed" in client.get(confirm).content

    def test_signing_up_again_makes_no_duplicate_and_the_page_reads_the_same(self, client):
        first = sign_up(client, "Reader@Example.org")
        again = sign_up(client, "reader@example.org ")
        assert first["Location"] == again["Location"]
        assert Subscriber.objects.count() == 1
        # Only one confirmation within ten minutes: the form cannot flood someone's inbox.
        assert OutboxMessage.objects.filter(kind="newsletter_confirm").count() == 1
        subscriber = Subscriber.objects.get()
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.save()
        third = sign_up(client)
        assert third["Location"] == first["Location"]
        assert client.get(third["Location"]).content == client.get(first["Location"]).content
        assert OutboxMessage.objects.filter(kind="newsletter_confirm").count() == 1

    @pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 260 + "@example.org"])
    def test_a_bad_address_gets_the_govuk_error_and_nothing_is_kept(self, client, email):
        response = sign_up(client, email)
        assert response.status_code == 400
        assert b"govuk-error-summary" in response.content
        assert Subscriber.objects.count() == 0

    def test_a_forged_altered_or_old_confirmation_link_confirms_nothing(self, client):
        sign_up(client)
        [confirm] = links(last_body(ADDRESS), "confirm")
        subscriber = Subscriber.objects.get()
        forged = signing.dumps({"s": subscriber.pk, "v": 1, "a": "confirm"}, salt="another-salt")
        unsubscribe_as_confirm = token_for(subscriber, "unsubscribe")
        for path in (
            f"/newsletter/confirm/{forged}/",
            confirm[:-3] + "xx/",
            f"/newsletter/confirm/{unsubscribe_as_confirm}/",
        ):
            response = client.get(path)
            assert response.status_code == 400
            assert b"This link does not work" in response.content
        eight_days_ago = time.time() - 8 * 24 * 60 * 60
        with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
            old = token_for(subscriber, "confirm")
        assert client.get(f"/newsletter/confirm/{old}/").status_code == 400
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING
        assert client.get(confirm).status_code == 200


class TestUnsubscribing:
    def _subscribed(self) -> Subscriber:
        return Subscriber.objects.create(
            email=ADDRESS, status=SubscriberStatus.CONFIRMED, signed_up_at=timezone.now()
        )

    def test_one_click_unsubscribes_and_a_reused_link_changes_nothing(self, client):
        subscriber = self._subscribed()
        path = f"/newsletter/unsubscribe/{token_for(subscriber, 'unsubscribe')}/"
        # A GET (a mail scanner following the link) only shows the button.
        assert b"Unsubscribe" in client.get(path).content
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        # RFC 8058: the mail program POSTs List-Unsubscribe=One-Click, no cookie, no CSRF token.
        strict = Client(enforce_csrf_checks=True)
        response = strict.post(path, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        assert b"You have unsubscribed" in response.content
        assert not response.cookies
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
        again = strict.post(path)
        assert again.status_code == 200
        assert b"You have unsubscribed" in again.content

    def test_a_forged_link_unsubscribes_nobody(self, client):
        subscriber = self._subscribed()
        forged = signing.dumps({"s": subscriber.pk, "v": 1, "a": "unsubscribe"}, salt="guess")
        for token in (forged, "x", token_for(subscriber, "confirm")):
            response = client.post(f"/newsletter/unsubscribe/{token}/")
            assert response.status_code == 400
            assert b"This link does not work" in response.content
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED

    def test_signing_up_again_after_unsubscribing_needs_a_new_confirmation(self, client):
        subscriber = self._subscribed()
        old_unsubscribe = token_for(subscriber, "unsubscribe")
        services.newsletter_unsubscribe(token=old_unsubscribe)
        sign_up(client)
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.PENDING
        [confirm] = links(last_body(ADDRESS), "confirm")
        client.get(confirm)
        subscriber.refresh_from_db()
        assert subscriber.status == SubscriberStatus.CONFIRMED
        # The link from the first subscription no longer works on the new one.
        assert services.newsletter_unsubscribe(token=old_unsubscribe) is False


class TestAnIssue:
    def test_composed_from_news_and_events_edited_then_sent_to_a_real_mail_server(
        self, client, business_unit, mail_server
    ):
        today = timezone.localdate()
        services.news_item_save(
            by=business_unit,
            item=None,
            title="Safer Sleep Week",
            summary="Every March.",
            body="Text.",
            category="awareness",
            published_on=today,
        )
        start = timezone.now() + dt.timedelta(days=3)
        services.event_save(
            by=business_unit,
            event=None,
            title="Partner briefing",
            kind="briefing",
            description="About.",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            location="Online",
        )
        for n in range(3):
            Subscriber.objects.create(
                email=f"r{n}@example.org",
                status=SubscriberStatus.CONFIRMED,
                signed_up_at=timezone.now(),
            )
        Subscriber.objects.create(email="waiting@example.org", signed_up_at=timezone.now())
        issue = services.newsletter_issue_compose(by=business_unit, month=today)
        assert "Safer Sleep Week" in issue.body
        assert "Partner briefing" in issue.body
        services.newsletter_issue_edit(
            by=business_unit,
            issue=issue,
            subject="Our March news",
            body=issue.body + "\nA word from the chair.",
        )
        assert services.newsletter_issue_send(by=business_unit, issue=issue) == 3

        received = {
            str(m["To"]): m for m in mail_server.received if str(m["Subject"]) == "Our March news"
        }
        assert set(received) == {"r0@example.org", "r1@example.org", "r2@example.org"}
        message = received["r1@example.org"]
        text = message.get_payload(decode=True).decode()
        assert "A word from the chair." in text
        assert "Safer Sleep Week" in text
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header_link = (
            re.sub(r"\s+", "", str(message["List-Unsubscribe"]))
            .strip("<>")
            .removeprefix("http://127.0.0.1:8000")
        )
        assert header_link in text.replace("http://127.0.0.1:8000", "")
        # The link in the header unsubscribes r1 with one POST, and only r1.
        assert (
            Client(enforce_csrf_checks=True)
            .post(header_link, {"List-Unsubscribe": "One-Click"})
            .status_code
            == 200
        )
        assert selectors.subscriber_counts() == {"pending": 1, "confirmed": 2, "unsubscribed": 1}
        # The delivery log: one try each, all delivered.
        log = selectors.issue_deliveries(issue)
        assert log["counts"] == {"sent": 3}
        assert (
            OutboxDelivery.objects.filter(
                message__related_type="newsletter_issue", succeeded=True
            ).count()
            == 3
        )
        issue.refresh_from_db()
        assert (issue.status, issue.recipients) == (IssueStatus.SENT, 3)
        # A second press sends nothing more, and a sent issue cannot be changed.
        with pytest.raises(InvalidRequest):
            services.newsletter_issue_send(by=business_unit, issue=issue)
        with pytest.raises(InvalidRequest):
            services.newsletter_issue_edit(by=business_unit, issue=issue, subject="x", body="y")
        assert len([m for m in mail_server.received if str(m["Subject"]) == "Our March news"]) == 3

    def test_only_the_business_unit_composes_and_sends(self, make_user, business_unit):
        with pytest.raises(Forbidden):
            services.newsletter_issue_compose(by=make_user("analyst"), month=timezone.localdate())
        issue = services.newsletter_issue_compose(by=business_unit, month=timezone.localdate())
        with pytest.raises(Forbidden):
            services.newsletter_issue_send(by=make_user("practitioner"), issue=issue)
        assert NewsletterIssue.objects.get().status == IssueStatus.DRAFT
