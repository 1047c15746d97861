"""People's rights permissions: subject access requests and retention.

Part of the one permission table (see ``core.rules``). Subject access handlers
(MASH managers acting for data protection) may open a person's record only
through an open subject access request for that person: the request is a basis
of the access rule (registered below with ``people.access``), shown in words and
audited with the request's reference when the record is opened.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from safeguard.core.models import Role
from safeguard.people.access import (
    AccessBasis,
    AccessBasisSource,
    access_basis_source_register,
    can_view_person,
    sees_personal_data,
)

from .models import SubjectAccessRequest


def can_handle_subject_access(user: Any) -> bool:
    """MASH managers handle subject access requests and retention for the partnership.

    They open a person's record only through an open request for that person (the
    request is the basis, see :class:`SubjectAccessBasis`). Everyone else gets 'page
    not found'.
    """
    return sees_personal_data(user) and user.has_role(Role.MASH_MANAGER)


def can_see_rights_register(user: Any) -> bool:
    """The business unit tracks the one-month clock and retention figures, without names."""
    return can_handle_subject_access(user) or bool(
        getattr(user, "is_authenticated", False) and user.has_role(Role.BUSINESS_UNIT)
    )


def can_open_subject_access_request(user: Any, request: SubjectAccessRequest) -> bool:
    """A handler makes the copy for a request only while the access rule lets them see the person.

    An open request is itself such a basis; a finished one is not.
    """
    return (
        request is not None
        and can_handle_subject_access(user)
        and can_view_person(user, request.person_id)
    )


def open_subject_access_requests() -> QuerySet[SubjectAccessRequest]:
    """Requests still being worked on: not yet replied to or closed without a copy."""
    return SubjectAccessRequest.objects.exclude(
        status__in=[SubjectAccessRequest.Status.COMPLETED, SubjectAccessRequest.Status.REFUSED]
    )


def subject_access_checkers(request: SubjectAccessRequest) -> set[int]:
    """Everyone who recorded a check or decided a record: none of them may sign off."""
    people = {request.identity_checked_by_id, request.standing_checked_by_id}
    people.update(request.items.exclude(decided_by=None).values_list("decided_by_id", flat=True))
    return {p for p in people if p is not None}


def can_sign_off_subject_access(user: Any, request: SubjectAccessRequest) -> bool:
    """A second manager signs off: one who may open the request and did none of its checking."""
    return (
        request is not None
        and can_open_subject_access_request(user, request)
        and user.pk not in subject_access_checkers(request)
    )


class SubjectAccessBasis(AccessBasisSource):
    """The subject-access exception, as part of the access rule."""

    def person_ids(self, user: Any) -> QuerySet[Any] | None:
        """People with an open request, for a subject access handler."""
        if not can_handle_subject_access(user):
            return None
        return open_subject_access_requests().values("person_id")

    def basis(self, user: Any, person_id: Any) -> AccessBasis | None:
        """The open request that lets a handler open this person's record, in words."""
        if not can_handle_subject_access(user):
            return None
        sar = open_subject_access_requests().filter(person_id=person_id).order_by("due_on").first()
        if sar is None:
            return None
        return AccessBasis(
            f"Subject access request {sar.reference} is open (reply due by {sar.due_on:%-d %B %Y})",
            "subject_access",
            reason=(
                f"Subject access request {sar.reference} from {sar.requester_name} "
                f"({sar.get_requester_kind_display()}), UK GDPR Article 15"
            ),
            reference=sar.reference,
        )


access_basis_source_register("subject_access", SubjectAccessBasis())


# The permission table: rights.
rules.add_perm("rights.handle_subject_access", rules.predicate(can_handle_subject_access))
rules.add_perm("rights.see_rights_register", rules.predicate(can_see_rights_register))
rules.add_perm(
    "rights.open_subject_access_request", rules.predicate(can_open_subject_access_request)
)
rules.add_perm("rights.sign_off_subject_access", rules.predicate(can_sign_off_subject_access))
