"""Changes to agencies and accounts: only system administrators, always audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .audit import audit_record, diff
from .errors import Forbidden, InvalidRequest
from .events import AuditEventType, CoreEvent
from .models import AuditAction, Role, RoleApproval, User


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


def roles_set_at_set_up(*, user: Any, codes: Any) -> None:
    """Give an account its roles, approved at set-up: the demo loaders and test factories.

    Not reachable from any page: accounts made by administrators go through
    :func:`account_roles_changed` and wait for a second administrator.
    """
    codes = set(codes)
    with transaction.atomic():
        user.roles.set(Role.objects.filter(code__in=codes))
        now = timezone.now()
        RoleApproval.objects.filter(user=user).exclude(role_id__in=codes).delete()
        for code in codes & Role.NEEDS_SECOND_APPROVAL:
            RoleApproval.objects.update_or_create(
                user=user,
                role_id=code,
                defaults={
                    "granted_at": now,
                    "approved_at": now,
                    "basis": RoleApproval.SET_UP,
                    "granted_by": None,
                    "approved_by": None,
                },
            )
    user._role_codes = None


def account_roles_changed(*, by: User, user: Any, before: set[str]) -> list[RoleApproval]:
    """An administrator changed an account's roles: record each grant that needs approval.

    A newly given role that opens children's records (or manages accounts) waits for a
    second administrator; a removed role loses its approval, so giving it back later
    needs approval again. Returns the grants now waiting.
    """
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators manage agencies and accounts.")
    with transaction.atomic():
        after = set(user.roles.values_list("code", flat=True))
        added, removed = after - before, before - after
        RoleApproval.objects.filter(user=user, role_id__in=removed).delete()
        waiting = []
        now = timezone.now()
        for code in sorted(added & Role.NEEDS_SECOND_APPROVAL):
            approval, _ = RoleApproval.objects.update_or_create(
                user=user,
                role_id=code,
                defaults={
                    "granted_by": by,
                    "granted_at": now,
                    "approved_by": None,
                    "approved_at": None,
                    "basis": "",
                },
            )
            waiting.append(approval)
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=CoreEvent.USER_ROLES,
            object_id=user.pk,
            changes={
                "roles": sorted(after),
                "added": sorted(added),
                "removed": sorted(removed),
                "waiting_for_approval": [a.role_id for a in waiting],
            },
        )
    user._role_codes = None
    return waiting


def role_approve(*, by: User, approval: RoleApproval) -> RoleApproval:
    """A second system administrator approves a role grant: only then does it take effect."""
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators approve roles.")
    with transaction.atomic():
        approval = RoleApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.approved_at is not None:
            raise InvalidRequest("This role has already been approved.")
        if approval.granted_by_id == by.pk:
            raise NotAllowed("A second administrator must approve a role you gave.")
        if approval.user_id == by.pk:
            raise NotAllowed("Another administrator must approve your own roles.")
        approval.approved_by = by
        approval.approved_at = timezone.now()
        approval.basis = RoleApproval.SECOND_ADMINISTRATOR
        approval.save(update_fields=["approved_by", "approved_at", "basis"])
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=CoreEvent.ROLEAPPROVAL,
            object_id=approval.pk,
            changes={
                "user": approval.user_id,
                "role": approval.role_id,
                "granted_by": approval.granted_by_id,
                "approved": True,
            },
        )
    return approval


def role_refuse(*, by: User, approval: RoleApproval) -> None:
    """A system administrator refuses a waiting grant: the account loses the role."""
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators approve roles.")
    with transaction.atomic():
        approval = RoleApproval.objects.select_for_update().get(pk=approval.pk)
        if approval.approved_at is not None:
            raise InvalidRequest("This role was approved: remove it from the account instead.")
        approval.user.roles.remove(approval.role)
        audit_record(
            by=by,
            action=AuditAction.DELETE,
            object_type=CoreEvent.ROLEAPPROVAL,
            object_id=approval.pk,
            changes={
                "user": approval.user_id,
                "role": approval.role_id,
                "granted_by": approval.granted_by_id,
                "approved": False,
            },
        )
        approval.delete()


def account_unlock(*, by: User, user: Any) -> int:
    """An administrator lifts a sign-in lock-out now (rather than after the cool-off); audited.

    Returns how many failed attempts were cleared. The administrator then sets a new
    password on the account's password page if the user has forgotten theirs
    (see docs/security.md): the account still needs its own two-factor device to sign in.
    """
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators unlock accounts.")
    from axes.utils import reset

    with transaction.atomic():
        cleared = reset(username=user.username)
        audit_record(
            by=by,
            action=AuditAction.UPDATE,
            object_type=CoreEvent.USER,
            object_id=user.pk,
            changes={"operation": "unlock", "failed_attempts_cleared": cleared},
        )
    return cleared


def account_password_set_record(*, by: User, user: Any) -> None:
    """Record that an administrator set a new password for an account (never the password)."""
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators set passwords for others.")
    audit_record(
        by=by,
        action=AuditAction.UPDATE,
        object_type=CoreEvent.USER,
        object_id=user.pk,
        changes={"operation": "password_set_by_administrator"},
    )


def account_create(
    *,
    by: User,
    agency: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    password: str,
    roles: Any,
) -> User:
    """A system administrator opens an account; roles that see children wait for a second one.

    The password is checked against the partnership's password rules; the new user sets
    up two-factor sign-in the first time they sign in.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators manage agencies and accounts.")
    username = username.strip().lower()
    if get_user_model().objects.filter(username__iexact=username).exists():
        message = f"There is already an account called {username}"
        raise InvalidRequest(message, errors={"username": message})
    user = get_user_model()(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        job_title=job_title.strip(),
        agency=agency,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise InvalidRequest(message, errors={"password": message}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=CoreEvent.USER,
            object_id=user.pk,
            changes={"username": username, "agency": getattr(agency, "name", None)},
        )
        user.roles.set(Role.objects.filter(code__in=list(roles)))
        account_roles_changed(by=by, user=user, before=set())
    return user


def account_roles_set(*, by: User, user: Any, roles: Any) -> list[RoleApproval]:
    """A system administrator changes an account's roles (new ones that see children wait)."""
    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators manage agencies and accounts.")
    if user == by:
        raise InvalidRequest(
            "Another administrator must change your own roles",
            errors={"roles": "Another administrator must change your own roles"},
        )
    with transaction.atomic():
        before = set(user.roles.values_list("code", flat=True))
        user.roles.set(Role.objects.filter(code__in=list(roles)))
        return account_roles_changed(by=by, user=user, before=before)


def agency_create(*, by: User, name: str, kind: str, statutory_partner: bool) -> Any:
    """A system administrator adds an agency (never one that runs the MASH: that is set-up)."""
    from django.utils.text import slugify

    from .models import Agency

    if not is_system_administrator(by):
        raise NotAllowed("Only system administrators manage agencies and accounts.")
    name = name.strip()
    if Agency.objects.filter(name__iexact=name).exists():
        message = f"There is already an agency called {name}"
        raise InvalidRequest(message, errors={"name": message})
    base = slugify(name)[:50] or "agency"
    slug, n = base, 2
    while Agency.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    with transaction.atomic():
        agency = Agency.objects.create(
            slug=slug, name=name, kind=kind, statutory_partner=statutory_partner
        )
        audit_record(
            by=by,
            action=AuditAction.CREATE,
            object_type=CoreEvent.AGENCY,
            object_id=agency.pk,
            changes={"name": name, "kind": kind, "statutory_partner": statutory_partner},
        )
    return agency
