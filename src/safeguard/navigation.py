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

    # Every link is a question to the permission table (each app's rules.py).
    sees_people = user.has_perm("people.see_personal_data")
    items = [("My work", reverse("home"))]
    membership = _membership(user)
    if membership["in_team"]:  # work.see_team_queues
        items.append(("Team queues", reverse("work:queues")))
    if sees_people:
        items.append(("Find a person", reverse("people:search")))
        items.append(("Early help", reverse("earlyhelp:list")))
    # Only for those who chair or are invited: the navigation must stay on one line.
    if membership["in_meetings"]:  # meetings.see_meetings
        items.append(("Meetings", reverse("meetings:list")))
    if user.has_perm("records.work_records"):
        items.append(("Match records", reverse("records:queue")))
    if user.has_perm("frontdoor.see_police_queue"):
        items.append(("Partner forms", reverse("frontdoor:police-queue")))
    if user.has_perm("frontdoor.report_concern"):
        items.append(("Report a concern", reverse("frontdoor:report-start")))
    if user.has_perm("frontdoor.triage"):
        items.append(("MASH queue", reverse("frontdoor:mash-queue")))
    if sees_people or user.has_perm("sharing.view_sharing_log"):
        items.append(("Sharing", reverse("sharing:index")))
    if user.has_perm("rights.see_rights_register"):
        items.append(("Subject access", reverse("rights:subject-access")))
    if user.has_perm("core.manage_accounts"):
        items.append(("Agencies and accounts", reverse("core:accounts")))
    from safeguard.core.models import Role

    if user.has_role(Role.SYSTEM_ADMINISTRATOR, Role.BUSINESS_UNIT):
        items.append(("Emails not yet sent", reverse("core:outbox")))
    path = request.path
    current = _current_href(path, [href for _text, href in items])
    return {
        "nav_items": [
            {"text": text, "href": href, "active": href == current} for text, href in items
        ]
    }


def _membership(user: Any) -> dict[str, bool]:
    """Whether the user is in a team, and has meetings, in one query: every page pays for it.

    These are the answers of ``work.see_team_queues`` and ``meetings.see_meetings``;
    ``tests/core/test_navigation.py`` holds them equal to the permission table's.
    """
    from django.db.models import Exists

    from safeguard.core.models import TeamMembership, User
    from safeguard.meetings.selectors import meetings_for

    if not user.is_active:
        return {"in_team": False, "in_meetings": False}
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            in_team=Exists(TeamMembership.objects.filter(user_id=user.pk)),
            in_meetings=Exists(meetings_for(user)),
        )
        .values("in_team", "in_meetings")
        .first()
    )
    return {
        "in_team": bool(row and row["in_team"]),
        "in_meetings": bool(row and row["in_meetings"]),
    }


def _current_href(path: str, hrefs: list[str]) -> str | None:
    """The one link the page is under: an exact match, else the longest link the path starts with.

    "Match records" lives under "Find a person" (/people/records/ under /people/), so a
    plain prefix test would mark both as current.
    """
    if path in hrefs:
        return path
    under = [href for href in hrefs if href != "/" and path.startswith(href)]
    return max(under, key=len) if under else None
