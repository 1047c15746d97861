"""Early help pages: the list, an episode, the assessment, Team Around the Family, support, closure.

Views are thin: parse, call a selector or service, render. An episode the user
may not see answers 'Page not found', exactly as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.events import AuditEventType
from safeguard.core.http import form_add_errors, permitted_or_404, require_perm
from safeguard.people import services as people_services
from safeguard.people.http import visible_person_or_404
from safeguard.people.models import HouseholdMember, Person
from safeguard.people.search import QueryError, parse_query
from safeguard.people.selectors import person_search

from . import selectors, services
from .events import EarlyHelpEvent
from .forms import (
    AssessmentForm,
    ChangeForm,
    CloseForm,
    ConsentForm,
    ConsentWithdrawForm,
    EpisodeOpenForm,
    FindChildForm,
    LeadAllocateForm,
    SupportRecordForm,
    TafMeetingForm,
    voice_initial,
)
from .handoffs import allocation_item, can_allocate_lead, episode_lead_allocate, lead_candidates
from .models import Assessment, Episode, EpisodeChild, FamilyConsent
from .taf import TafKind, taf_meetings

CHILD_AGE_LIMIT_DAYS = 18 * 365 + 5


def journey_voice_approach(children: list[Person]) -> str:
    """PRESENT when every child is known to be under two (the worker can change it)."""
    from safeguard.frontdoor.journey import PRE_VERBAL_UNDER_MONTHS, _months_old
    from safeguard.frontdoor.models import VoiceApproach

    today = timezone.localdate()
    births = [c.date_of_birth for c in children]
    if births and all(
        b is not None and _months_old(b, today) < PRE_VERBAL_UNDER_MONTHS for b in births
    ):
        return VoiceApproach.PRESENT
    return VoiceApproach.WORDS


def _require_personal_data_role(request: HttpRequest) -> None:
    require_perm(request, "people.see_personal_data")


def _episode_or_404(
    request: HttpRequest, episode_id: uuid.UUID, page: AuditEventType, *, change: bool = False
) -> Episode:
    """Load an episode the user may see (and, for ``change``, change), or record the refusal."""
    _require_personal_data_role(request)
    episode = selectors.episode_get_visible(user=request.user, episode_id=episode_id)
    # Loaded through episodes_visible_to, so only the change question is left to ask.
    allowed = episode is not None and (
        not change or selectors.can_change_episode(request.user, episode, known_visible=True)
    )
    return permitted_or_404(request, episode, allowed=allowed, page=page, object_id=episode_id)


def _apply_errors(form: Form, exc: ValidationError) -> None:
    form_add_errors(form, exc)


def _family_children(episode: Episode) -> QuerySet[Person]:
    return Person.objects.filter(
        pk__in=EpisodeChild.objects.filter(episode=episode).values("person_id")
    ).order_by("date_of_birth")


@login_required
@require_http_methods(["GET"])
def episode_list(request: HttpRequest) -> HttpResponse:
    """Early help episodes your agency leads or takes part in, reviews due soonest first."""
    _require_personal_data_role(request)
    status = request.GET.get("status", "open")
    if status not in ("open", "overdue", "closed", "all"):
        status = "open"
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page = selectors.my_episodes(user=request.user, status=status, page=page_number)
    person_ids = [m.person_id for e in page.object_list for m in e.memberships.all()]
    people_services.people_listed_record(
        by=request.user,  # type: ignore[arg-type]
        person_ids=person_ids,
        context=EarlyHelpEvent.EARLY_HELP_LIST,
    )
    return render(
        request,
        "earlyhelp/episode_list.html",
        {
            "page": page,
            "status": status,
            "today": timezone.localdate(),
            "can_start": request.user.has_perm("earlyhelp.start_episode"),
            "tabs": [
                ("open", "Open"),
                ("overdue", "Review overdue"),
                ("closed", "Closed"),
                ("all", "All"),
            ],
        },
    )


@login_required
@require_http_methods(["GET"])
def find_child(request: HttpRequest) -> HttpResponse:
    """Find the child to start early help for (among the children you can see)."""
    require_perm(request, "earlyhelp.start_episode")
    form = FindChildForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        try:
            query = parse_query(form.cleaned_data["q"])
        except QueryError as exc:
            form.add_error("q", str(exc))
        else:
            with transaction.atomic():
                results = [r.person for r in person_search(user=request.user, query=query)]
                people_services.people_listed_record(
                    by=request.user,  # type: ignore[arg-type]
                    person_ids=[p.pk for p in results],
                    context=EarlyHelpEvent.EARLY_HELP_FIND_CHILD,
                )
    return render(request, "earlyhelp/find_child.html", {"form": form, "results": results})


@login_required
@require_http_methods(["GET", "POST"])
def episode_open(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Choose the children in the family and say why early help is needed."""
    require_perm(request, "earlyhelp.start_episode")
    person, basis = visible_person_or_404(request, person_id, EarlyHelpEvent.EARLY_HELP_OPEN)
    households = HouseholdMember.objects.filter(person=person, left__isnull=True).values(
        "household_id"
    )
    in_household = HouseholdMember.objects.filter(
        household_id__in=households, left__isnull=True
    ).values("person_id")
    born_after = timezone.localdate() - dt.timedelta(days=CHILD_AGE_LIMIT_DAYS)
    from safeguard.people.access import people_visible_to

    children = (
        people_visible_to(request.user)
        .filter(Q(pk=person.pk) | Q(pk__in=in_household))
        .filter(Q(date_of_birth__isnull=True) | Q(date_of_birth__gte=born_after) | Q(pk=person.pk))
        .order_by("date_of_birth")
    )
    form = EpisodeOpenForm(
        request.POST if request.method == "POST" else None,
        children=children,
        initial={"children": [person.pk]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.early_help_episode_open(
                by=request.user,  # type: ignore[arg-type]
                children=list(form.cleaned_data["children"]),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Early help {episode.reference} has started")
            return redirect("earlyhelp:detail", episode_id=episode.pk)
    else:
        people_services.person_view_record(
            by=request.user,  # type: ignore[arg-type]
            person_id=person.pk,
            page=EarlyHelpEvent.EARLY_HELP_OPEN,
            basis=basis,
        )
    return render(request, "earlyhelp/episode_open.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET"])
def episode_detail(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """One family's early help: children, assessment, Team Around the Family, changes, closure."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_EPISODE)
    data = selectors.episode_page(episode=episode)
    services.episode_view_record(
        by=request.user,  # type: ignore[arg-type]
        episode=episode,
        page=EarlyHelpEvent.EARLY_HELP_EPISODE,
        children=data.children,
    )
    return render(
        request,
        "earlyhelp/episode_detail.html",
        {
            "page": data,
            "episode": episode,
            "can_change": selectors.can_change_episode(request.user, episode, known_visible=True),
            "today": timezone.localdate(),
            "report_concern": request.GET.get("next") == "report_concern",
            "allocation": allocation_item(episode),
            "can_allocate": can_allocate_lead(request.user, episode),
            "signpost_suggestions": selectors.episode_signpost_suggestions(page=data),
        },
    )


@require_POST
@login_required
def assessment_start(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Start (or carry on with) the Early Help Assessment, pre-filled from what is known."""
    episode = _episode_or_404(
        request, episode_id, EarlyHelpEvent.EARLY_HELP_ASSESSMENT, change=True
    )
    if not episode.is_open:
        raise Http404
    try:
        assessment = services.assessment_start(by=request.user, episode=episode)  # type: ignore[arg-type]
    except ValidationError:
        # No consent (or it was refused or withdrawn): the consent page says why.
        return redirect("earlyhelp:consent", episode_id=episode.pk)
    return redirect("earlyhelp:assessment", episode_id=episode.pk, assessment_id=assessment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(
    request: HttpRequest, episode_id: uuid.UUID, assessment_id: uuid.UUID
) -> HttpResponse:
    """The Early Help Assessment: save a draft at any point, or complete it."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_ASSESSMENT)
    assessment = (
        Assessment.objects.filter(pk=assessment_id, episode=episode)
        .select_related("lead_practitioner", "lead_practitioner__agency", "completed_by")
        .first()
    )
    if assessment is None:
        raise Http404
    children = list(selectors.episode_page(episode=episode).children)
    can_change = (
        selectors.can_change_episode(request.user, episode, known_visible=True) and episode.is_open
    )
    if not assessment.is_draft or not can_change:
        if request.method == "POST":
            raise Http404
        services.episode_view_record(
            by=request.user,  # type: ignore[arg-type]
            episode=episode,
            page=EarlyHelpEvent.EARLY_HELP_ASSESSMENT,
            children=children,
        )
        return render(
            request,
            "earlyhelp/assessment_view.html",
            {"episode": episode, "assessment": assessment, "children": children},
        )
    lead_choices = selectors.lead_practitioner_choices(episode=episode, user=request.user)
    initial = {name: getattr(assessment, name) for name in services.ASSESSMENT_TEXT_FIELDS}
    initial["assessment_date"] = assessment.assessment_date
    initial["lead_practitioner"] = assessment.lead_practitioner_id
    initial.update(
        voice_initial(
            assessment.child_voice,
            assessment.child_voice_approach
            if assessment.child_voice
            else journey_voice_approach(children),
        )
    )
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        lead_choices=lead_choices,
    )
    if request.method == "POST" and form.is_valid():
        complete = request.POST.get("action") == "complete"
        try:
            # One service: it keeps the draft even when completing is refused.
            services.assessment_submit(
                by=request.user,  # type: ignore[arg-type]
                assessment=assessment,
                complete=complete,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if complete:
                messages.success(
                    request,
                    "The Early Help Assessment is complete. The Supporting Families team has been told.",
                )
                return redirect("earlyhelp:detail", episode_id=episode.pk)
            messages.success(request, "Your draft has been saved")
            return redirect(
                "earlyhelp:assessment", episode_id=episode.pk, assessment_id=assessment.pk
            )
    elif request.method == "POST":
        # Save what can be saved so nothing typed is lost, but only fields that are valid.
        good = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        if good:
            try:
                services.assessment_save(
                    by=request.user,  # type: ignore[arg-type]
                    assessment=assessment,
                    complete=False,
                    **good,
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
    else:
        services.episode_view_record(
            by=request.user,  # type: ignore[arg-type]
            episode=episode,
            page=EarlyHelpEvent.EARLY_HELP_ASSESSMENT,
            children=children,
        )
    return render(
        request,
        "earlyhelp/assessment_form.html",
        {"episode": episode, "assessment": assessment, "form": form, "children": children},
    )


def _episode_form_page(
    request: HttpRequest,
    episode: Episode,
    *,
    form: Form,
    template: str,
    page: AuditEventType,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "GET":
        services.episode_view_record(
            by=request.user,  # type: ignore[arg-type]
            episode=episode,
            page=page,
            children=list(_family_children(episode)),
        )
    context = {"episode": episode, "form": form}
    context.update(extra or {})
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def taf_meeting_create(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Record a Team Around the Family (TAF) meeting or review and when the next review is due."""
    episode = _episode_or_404(
        request, episode_id, EarlyHelpEvent.EARLY_HELP_TAF_MEETING, change=True
    )
    if not episode.is_open:
        raise Http404
    has_meetings = taf_meetings().exists(episode)
    form = TafMeetingForm(
        request.POST if request.method == "POST" else None,
        initial={
            "kind": TafKind.REVIEW if has_meetings else TafKind.FIRST,
            "agencies": [episode.lead_agency_id],
            "voice_approach": journey_voice_approach(list(episode.children.all())),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.taf_meeting_record(
                by=request.user,  # type: ignore[arg-type]
                episode=episode,
                kind=data["kind"],
                held_on=data["held_on"],
                next_review_due=data["next_review_due"],
                agencies=data["agencies"],
                attendees=data["attendees"],
                family_attended=data["family_attended"],
                progress=data["progress"],
                child_voice=data["child_voice"],
                child_voice_approach=data["child_voice_approach"],
                plan_update=data["plan_update"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                "The Team Around the Family meeting has been recorded. "
                "The Supporting Families team has been told.",
            )
            return redirect("earlyhelp:detail", episode_id=episode.pk)
    return _episode_form_page(
        request,
        episode,
        form=form,
        template="earlyhelp/taf_form.html",
        page=EarlyHelpEvent.EARLY_HELP_TAF_MEETING,
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_create(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Add an agency's support to the central record of support."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_SUPPORT, change=True)
    form = SupportRecordForm(
        request.POST if request.method == "POST" else None,
        children=_family_children(episode),
        initial={"agency": request.user.agency_id},  # type: ignore[union-attr]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.support_record_add(
                by=request.user,  # type: ignore[arg-type]
                episode=episode,
                agency=data["agency"],
                child=data["child"],
                description=data["description"],
                started=data["started"],
                ended=data["ended"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "The support has been added to the central record")
            return redirect("earlyhelp:support", episode_id=episode.pk)
    return _episode_form_page(
        request,
        episode,
        form=form,
        template="earlyhelp/support_form.html",
        page=EarlyHelpEvent.EARLY_HELP_SUPPORT,
    )


@login_required
@require_http_methods(["GET"])
def support_record(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """The central record of support: every agency's support for this family on one page."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_CENTRAL_RECORD)
    record = selectors.central_record(user=request.user, episode=episode)
    services.episode_view_record(
        by=request.user,  # type: ignore[arg-type]
        episode=episode,
        page=EarlyHelpEvent.EARLY_HELP_CENTRAL_RECORD,
        children=record.children,
    )
    return render(
        request,
        "earlyhelp/central_record.html",
        {
            "episode": episode,
            "record": record,
            "can_change": selectors.can_change_episode(request.user, episode, known_visible=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_create(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Record a change for the family or the plan."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_CHANGE, change=True)
    if not episode.is_open:
        raise Http404
    form = ChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_change_record(
                by=request.user,  # type: ignore[arg-type]
                episode=episode,
                summary=form.cleaned_data["summary"],
                happened_on=form.cleaned_data["happened_on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, "The change has been recorded. The Supporting Families team has been told."
            )
            return redirect("earlyhelp:detail", episode_id=episode.pk)
    return _episode_form_page(
        request,
        episode,
        form=form,
        template="earlyhelp/change_form.html",
        page=EarlyHelpEvent.EARLY_HELP_CHANGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def episode_close(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Close early help with a reason."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_CLOSE, change=True)
    if not episode.is_open:
        raise Http404
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_close(
                by=request.user,  # type: ignore[arg-type]
                episode=episode,
                reason=form.cleaned_data["reason"],
                closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
                step_up=form.step_up(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            episode.refresh_from_db()
            told = "Early help has closed. The Supporting Families team has been told."
            if episode.stepped_up_to:
                told = (
                    f"Early help has closed. A concern has been sent to the Multi-Agency "
                    f"Safeguarding Hub (MASH) with what early help knows: reference "
                    f"{episode.stepped_up_to}. The Supporting Families team has been told."
                )
            messages.success(request, told)
            return redirect("earlyhelp:detail", episode_id=episode.pk)
    return _episode_form_page(
        request,
        episode,
        form=form,
        template="earlyhelp/close_form.html",
        page=EarlyHelpEvent.EARLY_HELP_CLOSE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Record a family member's consent to early help, or their refusal and the next step."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_CONSENT, change=True)
    if not episode.is_open:
        raise Http404
    people = selectors.consent_people(user=request.user, episode=episode)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"decided_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agreed = set(data["agreed_to"])
        try:
            consent = services.family_consent_record(
                by=request.user,  # type: ignore[arg-type]
                episode=episode,
                person=data["person"],
                decision=data["decision"],
                decided_on=data["decided_on"],
                method=data["method"],
                to_assessment="assessment" in agreed,
                to_sharing="sharing" in agreed,
                agencies=data["agencies"] if "sharing" in agreed else [],
                next_step=data["next_step"],
                note=data["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if consent.decision == FamilyConsent.Decision.GIVEN:
                messages.success(request, f"{consent.person.full_name}'s consent has been recorded")
                return redirect("earlyhelp:detail", episode_id=episode.pk)
            messages.success(request, f"{consent.person.full_name}'s refusal has been recorded")
            url = reverse("earlyhelp:detail", kwargs={"episode_id": episode.pk})
            if consent.next_step == FamilyConsent.NextStep.REPORT_CONCERN:
                url += "?next=report_concern"
            return redirect(url)
    return _episode_form_page(
        request,
        episode,
        form=form,
        template="earlyhelp/consent_form.html",
        page=EarlyHelpEvent.EARLY_HELP_CONSENT,
        extra={"consent": selectors.family_consent(episode=episode), "people": people},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, episode_id: uuid.UUID, consent_id: int) -> HttpResponse:
    """Record that a family member has withdrawn their consent: no further sharing."""
    episode = _episode_or_404(request, episode_id, EarlyHelpEvent.EARLY_HELP_CONSENT, change=True)
    consent = (
        FamilyConsent.objects.filter(
            pk=consent_id,
            episode=episode,
            decision=FamilyConsent.Decision.GIVEN,
            withdrawn_on__isnull=True,
        )
        .select_related("person")
        .first()
    )
    if consent is None:
        raise Http404
    form = ConsentWithdrawForm(
        request.POST if request.method == "POST" else None,
        initial={"withdrawn_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.family_consent_withdraw(
                by=request.user,  # type: ignore[arg-type]
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{consent.person.full_name} has withdrawn consent. "
                "Nothing more will be shared with other agencies.",
            )
            return redirect("earlyhelp:detail", episode_id=episode.pk)
    return _episode_form_page(
        request,
        episode,
        form=form,
        template="earlyhelp/consent_withdraw.html",
        page=EarlyHelpEvent.EARLY_HELP_CONSENT,
        extra={"withdrawing": consent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_allocate(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """A manager in the early help team chooses the family's lead practitioner."""
    found = Episode.objects.select_related("lead_agency").filter(pk=episode_id).first()
    episode = permitted_or_404(
        request,
        found,
        allowed=found is not None and can_allocate_lead(request.user, found),
        page=EarlyHelpEvent.EARLY_HELP_EPISODE,
        object_id=episode_id,
    )
    item = allocation_item(episode)
    candidates = lead_candidates(episode)
    form = LeadAllocateForm(request.POST if request.method == "POST" else None, people=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            episode_lead_allocate(
                by=request.user,  # type: ignore[arg-type]
                episode=episode,
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"{form.cleaned_data['lead']} is the lead practitioner for early help "
                f"{episode.reference}",
            )
            if selectors.can_view_episode(request.user, episode):
                return redirect("earlyhelp:detail", episode_id=episode.pk)
            return redirect("home")
    sees = selectors.can_view_episode(request.user, episode)
    children = list(episode.children.all()) if sees else []
    if children:
        services.episode_view_record(
            by=request.user,  # type: ignore[arg-type]
            episode=episode,
            page=EarlyHelpEvent.EARLY_HELP_EPISODE,
            children=children,
        )
    return render(
        request,
        "earlyhelp/allocate.html",
        {
            "episode": episode,
            "item": item,
            "form": form,
            "children": children,
            "child_count": episode.children.count(),
        },
        status=400 if form.errors else 200,
    )
