"""Project-level pages that bring several apps together: 'My work'."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.core.events import CoreEvent
from safeguard.core.models import Role
from safeguard.insight.forms import latest_quarter
from safeguard.insight.selectors import headlines as insight_headlines
from safeguard.people.selectors import my_work
from safeguard.people.services import people_listed_record
from safeguard.work.selectors import my_work_items, people_named


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """'My work': the first page after signing in, shaped by the user's roles."""
    user = request.user
    context = {
        "sees_personal_data": user.has_perm("people.see_personal_data"),
        "is_mash": user.has_perm("records.work_records"),
        "manages_accounts": user.has_perm("core.manage_accounts"),
        "is_analyst": user.has_role(Role.ANALYST),  # type: ignore[union-attr]
        "two_factor_set_up": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }
    if user.has_perm("insight.view_dataset"):
        context["insight_headlines"] = insight_headlines(latest_quarter(timezone.localdate()))
    named: list[Any] = []
    if context["sees_personal_data"]:
        work = my_work(user=user)
        context.update(work)
        named = [i.person_id for i in work["leading"]] + [p.pk for p in work["recent"]]
    items = my_work_items(user=user)
    context.update(items)
    named += people_named(items["work_mine"] + items["work_waiting"] + items["work_overdue"])
    if named:
        # The page names these people: one audit write (a row for each) per page view.
        people_listed_record(
            by=user,  # type: ignore[arg-type]
            person_ids=list(dict.fromkeys(named)),
            context=CoreEvent.MY_WORK,
        )
    return render(request, "home.html", context)
