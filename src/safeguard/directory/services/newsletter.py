"""Newsletter writes: double opt-in sign-up, one-click unsubscribe, monthly issues through the outbox.

Links carry signed tokens (``django.core.signing``) naming the subscriber and their
``token_version``; nothing else about them. A confirmation link lasts 7 days; an
unsubscribe link lasts as long as the subscription it came with. Every public answer
reads the same whether or not an address was already signed up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AuditAction
from safeguard.core.outbox import outbox_enqueue

from ..events import DirectoryEvent
from ..models import (
    AwarenessDay,
    IssueStatus,
    NewsItem,
    NewsletterIssue,
    PublicEvent,
    Subscriber,
    SubscriberStatus,
)
from ._common import require

SALT = "safeguard.directory.newsletter"
CONFIRM_DAYS = 7
RESEND_AFTER = dt.timedelta(minutes=10)
NEWSLETTER_KIND = "newsletter"
CONFIRM_KIND = "newsletter_confirm"
ISSUE_TYPE = "newsletter_issue"


def token_for(subscriber: Subscriber, action: str) -> str:
    """A signed token for one action ('confirm' or 'unsubscribe') on one subscription."""
    return signing.dumps(
        {"s": subscriber.pk, "v": subscriber.token_version, "a": action}, salt=SALT, compress=True
    )


def _subscriber_from(token: str, action: str, *, max_age: dt.timedelta | None) -> Subscriber | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("a") != action:
        return None
    if not isinstance(data.get("s"), int):
        return None
    subscriber = Subscriber.objects.select_for_update().filter(pk=data["s"]).first()
    if subscriber is None or subscriber.token_version != data.get("v"):
        return None
    return subscriber


def _link(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, args=[token])


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The subscriber's one-click unsubscribe address (also the List-Unsubscribe header)."""
    return _link("directory:newsletter-unsubscribe", token_for(subscriber, "unsubscribe"))


def _send_confirmation(subscriber: Subscriber) -> None:
    link = _link("directory:newsletter-confirm", token_for(subscriber, "confirm"))
    outbox_enqueue(
        kind=CONFIRM_KIND,
        recipients=[subscriber.email],
        subject=f"Confirm your newsletter subscription - {settings.PARTNERSHIP_NAME}",
        body=(
            f"Someone asked for the {settings.PARTNERSHIP_NAME} newsletter to be sent to this "
            "email address.\n\n"
            f"To start getting it, confirm your address within {CONFIRM_DAYS} days:\n{link}\n\n"
            "If this was not you, ignore this email: you will not get the newsletter."
        ),
        summary=f"Newsletter confirmation for subscriber {subscriber.pk}",
        related_type="newsletter_subscriber",
        related_id=subscriber.pk,
    )
    subscriber.confirmation_sent_at = timezone.now()
    subscriber.save(update_fields=["confirmation_sent_at"])


@transaction.atomic
def newsletter_sign_up(*, email: str) -> None:
    """Ask for the newsletter: a confirmation email goes out unless the address is subscribed.

    Returns nothing, so the page says the same thing whatever happened. A pending address
    gets another confirmation at most every 10 minutes.
    """
    email = email.strip().lower()
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is None:
        try:
            with transaction.atomic():
                subscriber = Subscriber.objects.create(email=email, signed_up_at=now)
        except IntegrityError:  # the same address signed up at the same moment
            return
        _send_confirmation(subscriber)
        return
    if subscriber.status == SubscriberStatus.CONFIRMED:
        return
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.PENDING
        subscriber.token_version += 1
        subscriber.signed_up_at = now
        subscriber.save(update_fields=["status", "token_version", "signed_up_at"])
        _send_confirmation(subscriber)
        return
    sent = subscriber.confirmation_sent_at
    if sent is None or now - sent >= RESEND_AFTER:
        _send_confirmation(subscriber)


@transaction.atomic
def newsletter_confirm(*, token: str) -> bool:
    """Confirm an address from its link; True when it is (or already was) subscribed."""
    subscriber = _subscriber_from(token, "confirm", max_age=dt.timedelta(days=CONFIRM_DAYS))
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return False
    if subscriber.status == SubscriberStatus.PENDING:
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    return True


@transaction.atomic
def newsletter_unsubscribe(*, token: str) -> bool:
    """Unsubscribe from a link (or a one-click POST); True when the address is now unsubscribed.

    Using the link again changes nothing and answers True again; a forged or altered
    link answers False and changes nothing.
    """
    subscriber = _subscriber_from(token, "unsubscribe", max_age=None)
    if subscriber is None:
        return False
    if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
    return True


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def compose_body(month: dt.date) -> str:
    """The first draft of an issue: news from the month before, events and awareness days ahead."""
    start = _month_start(month)
    end = _next_month(start)
    earlier = _month_start(start - dt.timedelta(days=1))
    site = settings.SITE_URL
    lines = [f"Welcome to the {settings.PARTNERSHIP_NAME} newsletter for {start:%B %Y}.", ""]
    news = NewsItem.objects.filter(published_on__gte=earlier, published_on__lt=end).filter(
        published_on__lte=timezone.localdate()
    )
    if news:
        lines += ["News", "----"]
        for item in news:
            url = site + reverse("directory:news-detail", args=[item.slug])
            lines += [item.title, item.summary, url, ""]
    events = PublicEvent.objects.filter(
        starts_at__date__gte=start, starts_at__date__lt=_next_month(end)
    )
    if events:
        lines += ["Events and briefing sessions", "----------------------------"]
        for event in events:
            when = timezone.localtime(event.starts_at)
            url = site + reverse("directory:event-detail", args=[event.slug])
            lines += [f"{event.title}: {when:%A %-d %B %Y, %H:%M}, {event.location}", url, ""]
    days = AwarenessDay.objects.filter(starts_on__lt=end, ends_on__gte=start)
    if days:
        lines += ["Awareness days this month", "-------------------------"]
        lines += [f"{d.name}: {d.starts_on:%-d %B}" for d in days] + [""]
    lines += ["Worried about a child? " + site + reverse("directory:worried")]
    return "\n".join(lines)


@transaction.atomic
def newsletter_issue_compose(*, by: Any, month: dt.date) -> NewsletterIssue:
    """Start a month's issue from recent news and events; it is edited before it is sent."""
    require(by, "directory.send_newsletter")
    start = _month_start(month)
    issue = NewsletterIssue.objects.create(
        month=start,
        subject=f"{settings.PARTNERSHIP_NAME} newsletter, {start:%B %Y}",
        body=compose_body(start),
        composed_at=timezone.now(),
        composed_by=by,
    )
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=DirectoryEvent.NEWSLETTER_ISSUE,
        object_id=issue.pk,
        changes={"month": start.isoformat()},
    )
    return issue


@transaction.atomic
def newsletter_issue_edit(
    *, by: Any, issue: NewsletterIssue, subject: str, body: str
) -> NewsletterIssue:
    """Change a draft issue's subject and text."""
    require(by, "directory.send_newsletter")
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != IssueStatus.DRAFT:
        raise InvalidRequest("This issue has been sent: it cannot be changed.")
    issue.subject = subject
    issue.body = body
    issue.save(update_fields=["subject", "body"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=DirectoryEvent.NEWSLETTER_ISSUE,
        object_id=issue.pk,
        changes={"subject": subject},
    )
    return issue


@transaction.atomic
def newsletter_issue_send(*, by: Any, issue: NewsletterIssue) -> int:
    """Send a draft issue to every confirmed subscriber through the outbox; returns how many.

    Each subscriber gets their own email with their own unsubscribe link and the
    RFC 8058 one-click headers (``List-Unsubscribe`` and ``List-Unsubscribe-Post``).
    An issue is sent once: a second press of the button sends nothing.
    """
    require(by, "directory.send_newsletter")
    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != IssueStatus.DRAFT:
        raise InvalidRequest("This issue has already been sent.")
    count = 0
    for subscriber in Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).order_by("pk"):
        link = unsubscribe_url(subscriber)
        outbox_enqueue(
            kind=NEWSLETTER_KIND,
            recipients=[subscriber.email],
            subject=issue.subject,
            body=f"{issue.body}\n\n--\nTo stop getting this newsletter, unsubscribe: {link}\n",
            summary=f"Newsletter {issue.month:%B %Y} (issue {issue.pk})",
            related_type=ISSUE_TYPE,
            related_id=issue.pk,
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        count += 1
    issue.status = IssueStatus.SENT
    issue.sent_at = timezone.now()
    issue.sent_by = by
    issue.recipients = count
    issue.save(update_fields=["status", "sent_at", "sent_by", "recipients"])
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=DirectoryEvent.NEWSLETTER_ISSUE,
        object_id=issue.pk,
        changes={"sent_to": count},
    )
    return count
