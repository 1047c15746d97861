"""The business unit's pages: edit services, news, events, campaigns and the newsletter; see visit counts.

All under ``/directory/``, signed in. Campaigns are listed for every member of the
partnership (the subgroups); everything else needs the business unit role.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.audit import audit_record
from safeguard.core.errors import InvalidRequest
from safeguard.core.http import form_add_errors, require_perm
from safeguard.core.models import AuditAction

from . import openreferral, selectors, services
from .events import DirectoryEvent
from .forms import (
    AwarenessDayForm,
    CampaignForm,
    ComposeForm,
    EventForm,
    ImportForm,
    IssueForm,
    NewsItemForm,
    ServiceForm,
)
from .models import AwarenessDay, Campaign, Channel, NewsItem, NewsletterIssue, PublicEvent, Service
from .visits import visits_by_path


def _status(form: Any) -> int:
    return 400 if form.errors else 200


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """The business unit's overview of the public pages, and the campaigns for everyone."""
    require_perm(request, "directory.see_campaigns")
    today = timezone.localdate()
    context: dict[str, Any] = {
        "campaigns": selectors.campaigns_by_subgroup(),
        "channels": dict(Channel.choices),
    }
    if request.user.has_perm("directory.manage_services"):
        context.update(
            manages=True,
            service_count=Service.objects.count(),
            news=selectors.news_published()[:5],
            events=selectors.events_upcoming()[:5],
            subscribers=selectors.subscriber_counts(),
            visits=visits_by_path(since=today - dt.timedelta(days=30), until=today)[:10],
        )
    return render(request, "directory/manage/index.html", context)


@login_required
@require_http_methods(["GET"])
def service_list(request: HttpRequest) -> HttpResponse:
    """Every service in the directory, whatever its status."""
    require_perm(request, "directory.manage_services")
    return render(request, "directory/manage/services.html", {"services": selectors.services_all()})


def _service_initial(service: Service) -> dict[str, Any]:
    phone = service.phones.first()
    return {
        "organisation_name": service.organisation.name,
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "maximum_age_with_disability": service.maximum_age_with_disability,
        "needs": service.needs,
        "areas": "\n".join(a.name for a in service.areas.all()),
        "application_process": service.application_process,
        "eligibility_description": service.eligibility_description,
        "url": service.url,
        "email": service.email,
        "phone": phone.number if phone else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: Any = None) -> HttpResponse:
    """Add a service, or change one."""
    require_perm(request, "directory.manage_services")
    service = get_object_or_404(Service, pk=service_id) if service_id else None
    initial = _service_initial(service) if service else {}
    form = ServiceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = services.service_save(by=request.user, service=service, **form.cleaned_data)
        messages.success(request, f"{saved.name} is saved in the directory.")
        return redirect("directory:manage-services")
    return render(
        request,
        "directory/manage/service_form.html",
        {"form": form, "service": service},
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def directory_import(request: HttpRequest) -> HttpResponse:
    """Import an Open Referral UK file: all of it, or nothing and a list of what is wrong."""
    require_perm(request, "directory.manage_services")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.directory_import(
                by=request.user, content=upload.read(), file_name=upload.name
            )
        except services.ImportRefused as exc:
            problems = exc.problems
            plural = "s" if len(problems) != 1 else ""
            form.add_error(
                "file",
                f"The file was not imported: it has {len(problems)} problem{plural}, listed below",
            )
        else:
            messages.success(
                request, f"Imported: {result['created']} new services, {result['updated']} changed."
            )
            return redirect("directory:manage-services")
    return render(
        request,
        "directory/manage/import.html",
        {"form": form, "problems": problems},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET"])
def directory_export(request: HttpRequest) -> HttpResponse:
    """Download every service as an Open Referral UK file."""
    require_perm(request, "directory.manage_services")
    data = [openreferral.service_full(s) for s in selectors.services_all()]
    audit_record(
        by=request.user,
        action=AuditAction.EXPORT,
        object_type=DirectoryEvent.DIRECTORY_EXPORT,
        changes={"services": len(data)},
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="services-{timezone.localdate():%Y-%m-%d}.json"'
    )
    return response


# News, events, awareness days, campaigns ------------------------------------------------


def _edit(
    request: HttpRequest,
    *,
    form_class: Any,
    instance: Any,
    initial: dict[str, Any],
    save: Any,
    title: str,
    done: str,
) -> HttpResponse:
    require_perm(request, "directory.manage_news")
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except InvalidRequest as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"{saved} is saved.")
            return redirect(done)
    return render(
        request,
        "directory/manage/edit.html",
        {"form": form, "title": title, "instance": instance, "back": done},
        status=_status(form),
    )


@login_required
@require_http_methods(["GET"])
def news_list(request: HttpRequest) -> HttpResponse:
    """News items, events, awareness days and campaigns, to add to or change."""
    require_perm(request, "directory.manage_news")
    return render(
        request,
        "directory/manage/news.html",
        {
            "news": NewsItem.objects.all()[:50],
            "events": PublicEvent.objects.order_by("-starts_at")[:50],
            "days": AwarenessDay.objects.all(),
            "campaigns": Campaign.objects.all(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write or change a news item."""
    item = get_object_or_404(NewsItem, pk=pk) if pk else None
    initial = (
        {f: getattr(item, f) for f in ("title", "summary", "body", "category", "published_on")}
        if item
        else {"published_on": timezone.localdate()}
    )
    return _edit(
        request,
        form_class=NewsItemForm,
        instance=item,
        initial=initial,
        save=lambda data: services.news_item_save(by=request.user, item=item, **data),
        title="Change a news item" if item else "Write a news item",
        done="directory:manage-news",
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change an event or briefing session."""
    event = get_object_or_404(PublicEvent, pk=pk) if pk else None
    initial: dict[str, Any] = {}
    if event:
        start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        initial = {
            "title": event.title,
            "kind": event.kind,
            "description": event.description,
            "date": start.date(),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
            "location": event.location,
            "audience": event.audience,
            "places": event.places,
        }

    def save(data: dict[str, Any]) -> PublicEvent:
        fields = {
            k: data[k]
            for k in (
                "title",
                "kind",
                "description",
                "starts_at",
                "ends_at",
                "location",
                "audience",
                "places",
            )
        }
        return services.event_save(by=request.user, event=event, **fields)

    return _edit(
        request,
        form_class=EventForm,
        instance=event,
        initial=initial,
        save=save,
        title="Change an event" if event else "Add an event or briefing session",
        done="directory:manage-news",
    )


@login_required
@require_http_methods(["GET"])
def event_interests(request: HttpRequest, pk: int) -> HttpResponse:
    """Who registered an interest in an event."""
    require_perm(request, "directory.manage_news")
    event = get_object_or_404(PublicEvent, pk=pk)
    return render(
        request,
        "directory/manage/interests.html",
        {"event": event, "interests": event.interests.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def awareness_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change an awareness day or week."""
    day = get_object_or_404(AwarenessDay, pk=pk) if pk else None
    initial = (
        {f: getattr(day, f) for f in ("name", "starts_on", "ends_on", "description", "url")}
        if day
        else {}
    )
    return _edit(
        request,
        form_class=AwarenessDayForm,
        instance=day,
        initial=initial,
        save=lambda data: services.awareness_day_save(by=request.user, day=day, **data),
        title="Change an awareness day" if day else "Add an awareness day or week",
        done="directory:manage-news",
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a campaign, and write its evaluation report."""
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    fields = ("title", "subgroup", "aims", "starts_on", "ends_on", "channels", "evaluation_report")
    initial = {f: getattr(campaign, f) for f in fields} if campaign else {}
    return _edit(
        request,
        form_class=CampaignForm,
        instance=campaign,
        initial=initial,
        save=lambda data: services.campaign_save(by=request.user, campaign=campaign, **data),
        title="Change a campaign" if campaign else "Add a campaign",
        done="directory:manage-news",
    )


# Newsletter -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def newsletter(request: HttpRequest) -> HttpResponse:
    """Subscriber counts, issues, and starting this month's issue."""
    require_perm(request, "directory.send_newsletter")
    form = ComposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        issue = services.newsletter_issue_compose(by=request.user, month=form.cleaned_data["month"])
        return redirect("directory:manage-issue", pk=issue.pk)
    return render(
        request,
        "directory/manage/newsletter.html",
        {
            "form": form,
            "counts": selectors.subscriber_counts(),
            "issues": selectors.newsletter_issues(),
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft issue; once sent, its delivery log."""
    require_perm(request, "directory.send_newsletter")
    found = get_object_or_404(NewsletterIssue, pk=pk)
    form = IssueForm(
        request.POST if request.method == "POST" else None,
        initial={"subject": found.subject, "body": found.body},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.newsletter_issue_edit(by=request.user, issue=found, **form.cleaned_data)
        except InvalidRequest as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, "The issue is saved. Check it, then send it.")
            return redirect("directory:manage-issue", pk=found.pk)
    return render(
        request,
        "directory/manage/issue.html",
        {
            "issue": found,
            "form": form,
            "deliveries": selectors.issue_deliveries(found),
            "confirmed": selectors.subscriber_counts()["confirmed"],
        },
        status=_status(form),
    )


@login_required
@require_POST
def issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a draft issue to every confirmed subscriber."""
    require_perm(request, "directory.send_newsletter")
    found = get_object_or_404(NewsletterIssue, pk=pk)
    try:
        count = services.newsletter_issue_send(by=request.user, issue=found)
    except InvalidRequest as exc:
        messages.success(request, str(exc))
        return redirect("directory:manage-issue", pk=found.pk)
    messages.success(
        request, f"The newsletter is on its way to {count} subscriber{'s' if count != 1 else ''}."
    )
    return redirect("directory:manage-issue", pk=found.pk)
