"""Service navigation: the project-level links each role sees (core knows no domain app)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The service navigation links the signed-in user's roles allow."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    from django.urls import reverse

    from safeguard.people.access import can_manage_accounts, is_mash, sees_personal_data

    items = [("My work", reverse("home"))]
    if sees_personal_data(user):
        items.append(("Find a person", reverse("people:search")))
        items.append(("Early help", reverse("earlyhelp:list")))
    if is_mash(user):
        items.append(("Match records", reverse("records:queue")))
    from safeguard.frontdoor.access import can_report_concern, can_triage

    if can_report_concern(user):
        items.append(("Report a concern", reverse("frontdoor:report-start")))
    if can_triage(user):
        items.append(("MASH queue", reverse("frontdoor:mash-queue")))
    from safeguard.sharing.permissions import can_view_sharing_log

    if sees_personal_data(user) or can_view_sharing_log(user):
        items.append(("Information sharing", reverse("sharing:index")))
    from safeguard.rights.subject_access import can_see_rights_register

    if can_see_rights_register(user):
        items.append(("Subject access and retention", reverse("rights:subject-access")))
    if can_manage_accounts(user):
        items.append(("Agencies and accounts", reverse("admin:index")))
    items.append(("Two-factor sign-in", reverse("core:two-factor-settings")))
    path = request.path
    return {
        "nav_items": [
            {
                "text": text,
                "href": href,
                "active": path == href or (href != "/" and path.startswith(href)),
            }
            for text, href in items
        ]
    }
