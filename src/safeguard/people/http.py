"""The person-shaped view helper every app's pages use: open a person through the access rule.

Built on ``core.http.permitted_or_404``: a refusal is audited and reads exactly like a
record that does not exist.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest

from safeguard.core.events import AuditEventType
from safeguard.core.http import permitted_or_404

from .access import AccessBasis, access_basis_detail
from .models import Person


def visible_person_or_404(
    request: HttpRequest, person_id: uuid.UUID, page: AuditEventType, *, whole_record: bool = False
) -> tuple[Person, AccessBasis]:
    """Load a person through the access rule, or record the refusal and answer 'not found'.

    ``whole_record`` pages (about the whole record, such as who has looked at it) also refuse
    a user who holds only a share of chosen records.
    """
    person = Person.objects.filter(pk=person_id).select_related("current_school").first()
    basis = access_basis_detail(request.user, person)
    person = permitted_or_404(
        request,
        person,
        allowed=basis is not None and (basis.whole or not whole_record),
        page=page,
        object_id=person_id,
        person_id=person_id,
        audit=request.user.has_perm("people.see_personal_data"),
    )
    if basis is None:  # pragma: no cover - the helper has already answered 404
        raise Http404
    return person, basis
