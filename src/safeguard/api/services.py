"""Partner tokens: make, check and revoke. Only a SHA-256 hash of each token is stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.models import Agency, AuditAction

from .events import ApiEvent
from .models import PartnerToken

if TYPE_CHECKING:
    from safeguard.core.models import User

TOKEN_PREFIX = "sgp_"  # noqa: S105 - a public prefix, not a secret
# Update last_used at most this often, so a busy partner system does not write on every call.
LAST_USED_GRANULARITY_SECONDS = 60


def token_hash(token: str) -> str:
    """The SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def partner_token_create(*, by: User | None, agency: Agency, name: str) -> tuple[PartnerToken, str]:
    """Make a token for a partner system; the token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidRequest("A token needs a name, for example the partner system's name.")
    if PartnerToken.objects.filter(agency=agency, name=name).exists():
        raise InvalidRequest(
            f"{agency.name} already has a token called {name!r}: choose another name."
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user_model = get_user_model()
    with transaction.atomic():
        base = f"partner-{agency.slug}-{slugify(name)}"[:130]
        username = base
        suffix = 1
        while user_model.objects.filter(username=username).exists():
            suffix += 1
            username = f"{base}-{suffix}"
        system_user = user_model(
            username=username,
            first_name=name[:150],
            last_name="(partner system)",
            agency=agency,
            job_title="Partner system",
        )
        system_user.set_unusable_password()
        system_user.save()
        record = PartnerToken.objects.create(
            agency=agency,
            name=name,
            token_hash=token_hash(token),
            token_prefix=token[:12],
            system_user=system_user,
            created_by=by,
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=ApiEvent.PARTNER_TOKEN,
            object_id=record.pk,
            changes={"agency": agency.slug, "name": name, "prefix": record.token_prefix},
        )
    return record, token


def partner_token_revoke(*, by: User | None, token: PartnerToken, reason: str = "") -> PartnerToken:
    """Stop a token working; the next call with it is refused."""
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        user = token.system_user
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=ApiEvent.PARTNER_TOKEN,
            object_id=token.pk,
            changes={"revoked": True},
            reason=reason,
        )
    return token


def partner_token_check(token: str) -> PartnerToken | None:
    """The active token matching ``token``, or None. Records when it was last used."""
    if not token or len(token) > 200:
        return None
    record = (
        PartnerToken.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("agency", "system_user", "system_user__agency")
        .first()
    )
    if record is None or not record.agency.active or not record.system_user.is_active:
        return None
    now = timezone.now()
    if (
        record.last_used is None
        or (now - record.last_used).total_seconds() > LAST_USED_GRANULARITY_SECONDS
    ):
        PartnerToken.objects.filter(pk=record.pk).update(last_used=now)
        record.last_used = now
    return record
