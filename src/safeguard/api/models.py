"""Partner system tokens: each partner system authenticates with its own revocable token."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PartnerToken(models.Model):
    """A bearer token for one partner system, tied to one agency.

    Only the SHA-256 hash of the token is stored; the token itself is shown
    once, when it is made. ``system_user`` is the account the partner system
    acts as, so every audit event names it.
    """

    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="partner_tokens"
    )
    name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(
        max_length=12, help_text="The first characters, to tell tokens apart."
    )
    system_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_token"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="token_name_unique_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_id})"

    @property
    def is_active(self) -> bool:
        """Whether the token still opens the API."""
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """A partner system's ``Idempotency-Key`` and the answer its first request got.

    A retried POST with the same key (for the same token) and the same body gets the
    stored answer back and does nothing a second time (no second contact); the same
    key with a different body is refused. The row is written in the same transaction
    as the work the request did, so an answer is stored exactly when that work
    committed. Kept for ``API_IDEMPOTENCY_HOURS``. The stored answer is the receipt
    (reference and times) or the validation problem, as sent.
    """

    token = models.ForeignKey(PartnerToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the method, path and body."
    )
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_per_token")
        ]

    def __str__(self) -> str:
        return f"{self.token_id}:{self.key}"
