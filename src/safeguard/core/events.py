"""Audit event types: one enumeration per app, never free strings.

Every audit row names the kind of thing it is about in ``object_type``. Each app
declares those names once, in its own ``events.py``, as a subclass of
:class:`AuditEventType`; defining the subclass registers it. :func:`audit_record`
refuses an ``object_type`` that no registered enumeration holds, so a misspelt or
undeclared name fails in tests instead of landing in the hash-chained log.

The values are exactly the strings the log has always held (hashes and reports
depend on them). A value belongs to one enumeration only: when several apps
write about the same kind of thing (a person, a chronology entry), they use the
member of the app that owns it rather than declaring their own.

This module also holds core's own enumeration, :class:`CoreEvent`.
"""

from __future__ import annotations

import enum

_registered: dict[str, type[AuditEventType]] = {}


class AuditEventType(enum.StrEnum):
    """Base for each app's enumeration of audit event types; subclasses register themselves."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _registered[f"{cls.__module__}.{cls.__qualname__}"] = cls


def audit_event_types() -> list[type[AuditEventType]]:
    """Every registered enumeration, in the order they were defined."""
    return [cls for cls in _registered.values() if len(cls)]


def audit_event_type_check(object_type: str) -> None:
    """Refuse an object type that no registered enumeration declares.

    The empty string stays allowed: some events (a sign-in refusal with no account)
    are about nothing in particular.
    """
    if not object_type:
        return
    if isinstance(object_type, AuditEventType):
        return
    for cls in _registered.values():
        if object_type in cls._value2member_map_:
            return
    raise ValueError(
        f"Unknown audit object type {object_type!r}: declare it in an app's events.py "
        "(a subclass of safeguard.core.events.AuditEventType)."
    )


class CoreEvent(AuditEventType):
    """Accounts, agencies and the pages core serves itself."""

    USER = "user"
    USER_ROLES = "user_roles"
    AGENCY = "agency"
    ROLEAPPROVAL = "roleapproval"
    RATE_LIMIT = "rate_limit"
    PAGE = "page"
    MY_WORK = "my_work"
