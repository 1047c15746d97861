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
