"""The outbox page in a real browser: a failed email is shown by reference, axe-clean."""

from __future__ import annotations

import pytest
from django.db import transaction
from playwright.sync_api import expect

from safeguard.core.models import OutboxStatus, Role
from safeguard.core.outbox import outbox_enqueue
from tests.smtp_server import free_port, point_email_at

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def test_a_system_administrator_finds_a_failed_email(page, sign_in, make_user, agency, settings):
    point_email_at(settings, free_port())  # nothing listens there: the server refuses
    settings.OUTBOX_RETRY_MINUTES = []  # one try, then failed
    with transaction.atomic():
        message = outbox_enqueue(
            kind="frontdoor.decision_outcome",
            recipients=["dsl@school.example"],
            subject="Outcome of your concern MASH-E2E1-TEST-A",
            body="Decided.",
            summary="Outcome of concern MASH-E2E1-TEST-A",
        )
    assert message is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED

    admin = make_user(Role.SYSTEM_ADMINISTRATOR, agency=agency)
    sign_in(page, admin)
    page.get_by_role("link", name="Emails not yet sent").click()
    expect(page.locator("h1")).to_have_text("Emails not yet sent")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Outcome of concern MASH-E2E1-TEST-A")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("d…@school.example")
    expect(page.locator(".govuk-warning-text")).to_contain_text("1 email could not be sent")
    assert_accessible(page)
