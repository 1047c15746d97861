"""Record sign-ins, sign-outs, failures and lock-outs in the audit log; end a disabled account's sessions."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import audit_record
from .events import CoreEvent
from .models import AuditAction


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        import time

        request.session["signed_in_at"] = time.time()
    audit_record(by=user, action=AuditAction.SIGN_IN, object_type=CoreEvent.USER, object_id=user.pk)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(
            by=user, action=AuditAction.SIGN_OUT, object_type=CoreEvent.USER, object_id=user.pk
        )


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        by=user,
        action=AuditAction.SIGN_IN_FAILED,
        object_type=CoreEvent.USER,
        object_id=getattr(user, "pk", ""),
        outcome="failed",
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        by=user,
        action=AuditAction.LOCKED_OUT,
        object_type=CoreEvent.USER,
        object_id=getattr(user, "pk", ""),
        changes={"ip_address": ip_address},
        outcome="refused",
    )


@receiver(post_save, sender=get_user_model())
def _account_switched_off(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """However an account is switched off (admin pages, a script), its sessions end at once.

    Without this a disabled account's sessions are merely refused while it is disabled,
    and would open again if it were switched back on.
    """
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    from .services import sessions_end_for

    sessions_end_for(user=instance)
