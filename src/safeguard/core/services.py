"""Changes to agencies and accounts: only system administrators, always audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .audit import audit_record, diff
from .errors import Forbidden
from .events import AuditEventType, CoreEvent
from .models import AuditAction, User


class NotAllowed(Forbidden):
    """The user may not manage accounts."""


def is_system_administrator(user: Any) -> bool:
    """Whether the user manages agencies and accounts (the ``core.manage_accounts`` permission)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("core.manage_accounts"))


def _snapshot(instance: models.Model) -> dict[str, Any]:
    data = model_to_dict(instance)
    data.pop("password", None)
    if "roles" in data:
        data["roles"] = sorted(getattr(r, "pk", r) for r in data["roles"])
    return data


def admin_object_save(
    *, by: User, instance: models.Model, before: dict[str, Any] | None, save: Any
) -> None:
    """Save an agency or account from the admin pages, recording what changed."""
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators manage agencies and accounts.")
    with transaction.atomic():
        save()
        after = _snapshot(instance)
        audit_record(
            by=by,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            object_type=CoreEvent(instance._meta.model_name or ""),
            object_id=instance.pk,
            changes=diff(before or {}, after),
        )
        if isinstance(instance, get_user_model()) and not instance.is_active:
            sessions_end_for(user=instance)


def admin_object_delete(*, by: User, instance: models.Model) -> None:
    """Delete an agency or account from the admin pages, recording what it was."""
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators manage agencies and accounts.")
    with transaction.atomic():
        before = _snapshot(instance)
        object_id = instance.pk
        instance.delete()
        audit_record(
            by=by,
            action=AuditAction.DELETE,
            object_type=CoreEvent(instance._meta.model_name or ""),
            object_id=object_id,
            changes=diff(before, {}),
        )


def sessions_end_for(*, user: Any) -> int:
    """Sign a user out everywhere: used when an account is switched off."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def access_refused_record(
    *, by: Any, page: AuditEventType, object_id: Any, person_id: Any = None, reason: str = ""
) -> None:
    """Record a refused attempt to open something (the user is told 'page not found')."""
    import uuid

    try:
        pid = uuid.UUID(str(person_id)) if person_id is not None else None
    except ValueError:
        pid = None
    audit_record(
        by=by,
        action=AuditAction.DENY,
        object_type=page,
        object_id=str(object_id)[:64],
        person_id=pid,
        outcome="refused",
        reason=reason,
    )


def two_factor_confirm(*, by: Any, device: Any) -> None:
    """Confirm the authenticator app a user has just set up, and audit it.

    Every other unconfirmed authenticator of the user (another session's set-up) is
    deleted, so codes from a secret someone else saw never sign in.
    """
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        type(device).objects.filter(user=device.user, confirmed=False).exclude(
            pk=device.pk
        ).delete()
        audit_record(
            by=by,
            action=AuditAction.TWO_FACTOR_SET_UP,
            object_type=CoreEvent.USER,
            object_id=by.pk,
        )
