"""Front door permissions: who may report, triage, sign off and work the police queues.

Part of the one permission table (see ``core.rules``).

Children's records themselves are guarded by ``people.access``; these rules
say who may report, triage, sign off and work the police queues.
"""

from __future__ import annotations

from typing import Any

import rules

from safeguard.core.models import AgencyKind, Role
from safeguard.people.access import (
    EDITING_ROLES,
    PERSONAL_DATA_ROLES,
    is_mash,
    sees_personal_data,
)


def _active_agency_user(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.agency_id is not None
        and not user.has_role(Role.SYSTEM_ADMINISTRATOR)
    )


# Roles that work with figures, not children: they never report as themselves (issue 10).
NON_REPORTING_ROLES = frozenset({Role.ANALYST, Role.BUSINESS_UNIT})


def _reports_as_a_professional(user: Any) -> bool:
    """An active agency user who is not only an analyst or business unit member.

    A partner system's account holds no role and reports through the API; a user
    who is also a practitioner reports as the practitioner.
    """
    if not _active_agency_user(user):
        return False
    roles = user.role_codes()
    return not (roles & NON_REPORTING_ROLES) or bool(roles & PERSONAL_DATA_ROLES)


@rules.predicate
def can_report_concern(user: Any) -> bool:
    """Professionals in a partner agency report concerns; analysts and the business unit do not."""
    return _reports_as_a_professional(user)


@rules.predicate
def can_submit_police_form(user: Any) -> bool:
    """Partner agency professionals send the police partner forms (not analysts, as above)."""
    return _reports_as_a_professional(user)


@rules.predicate
def can_triage(user: Any) -> bool:
    """MASH workers and managers in the agency that runs the MASH triage contacts."""
    return is_mash(user) and bool(getattr(user.agency, "is_mash", False))


@rules.predicate
def can_sign_off(user: Any) -> bool:
    """Only a MASH manager may sign off level 4 and 'no further action' decisions."""
    return can_triage(user) and user.has_role(Role.MASH_MANAGER)


@rules.predicate
def can_see_police_queue(user: Any) -> bool:
    """Police users who may see personal data work the police queue."""
    return sees_personal_data(user) and user.agency.kind == AgencyKind.POLICE


@rules.predicate
def can_see_intelligence(user: Any) -> bool:
    """Only police users flagged as intelligence users see community partner intelligence."""
    if not can_see_police_queue(user):
        return False
    cached = getattr(user, "_is_police_intelligence", None)
    if cached is None:
        from .models import PoliceIntelligenceUser

        cached = PoliceIntelligenceUser.objects.filter(user_id=user.pk).exists()
        user._is_police_intelligence = cached
    return bool(cached)


@rules.predicate
def can_answer_request(user: Any, request: Any) -> bool:
    """A practitioner or MASH worker in the agency a request for information was sent to."""
    return (
        request is not None
        and sees_personal_data(user)
        and bool(user.role_codes() & EDITING_ROLES)
        and user.agency_id is not None
        and user.agency_id == request.agency_id
    )


# The permission table: front door.
rules.add_perm("frontdoor.report_concern", can_report_concern)
rules.add_perm("frontdoor.submit_police_form", can_submit_police_form)
rules.add_perm("frontdoor.triage", can_triage)
rules.add_perm("frontdoor.sign_off", can_sign_off)
rules.add_perm("frontdoor.see_police_queue", can_see_police_queue)
rules.add_perm("frontdoor.see_intelligence", can_see_intelligence)
rules.add_perm("frontdoor.answer_request", can_answer_request)
