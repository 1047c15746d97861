"""Pages for harmful sexual behaviour, under /harmful-sexual-behaviour/.

Thin: each view loads through a selector (which asks the access rule), calls one
service and renders. The harmful sexual behaviour record opens to readers of the child's
whole record (``rules.child_access``): a concern, child, pathway, assessment or
investigation of a child the user cannot see at all reads exactly like one that does not
exist (404); one of a child the user sees only through a share of chosen entries is
refused with the "You do not have permission" page (403). Both refusals are audited.
Children named on a page are audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguard.core.clock import UK, describe_interval
from safeguard.core.events import AuditEventType
from safeguard.core.http import form_post, permitted_or_404, posted, require_perm
from safeguard.core.models import AgencyKind
from safeguard.core.services import access_refused_record
from safeguard.people.access import people_visible_to
from safeguard.people.models import Person
from safeguard.people.services import people_listed_record
from safeguard.work.selectors import items_about

from . import assessments, exploitation, guidance, investigations, selectors, services
from .events import HsbEvent
from .forms import (
    AnswerForm,
    AssessmentForm,
    CloseForm,
    ConcernEditForm,
    ConcernForm,
    ConfirmLessonsForm,
    ConsentForm,
    FiguresForm,
    FormulationForm,
    InternetAdviceForm,
    InvestigationForm,
    KeyworkerForm,
    LessonsForm,
    RequestForm,
    ReviewForm,
    StatusForm,
    StrategyForm,
    TrainedForm,
)
from .models import (
    AimAssessment,
    Investigation,
    Level,
    Light,
    OnlineSafetyLessons,
    Pathway,
    PoliceRequest,
    Role,
)
from .rules import CHOSEN_ENTRIES_ONLY, NO_ACCESS, WHOLE_RECORD, child_access, in_hsb_team

T = TypeVar("T")

CHOSEN_ENTRIES_REFUSAL = (
    "A share of chosen entries does not open the child's harmful sexual behaviour record"
)


def _refuse_chosen_entries(
    request: HttpRequest, *, page: AuditEventType, object_id: Any, person_id: Any
) -> NoReturn:
    """Refuse a reader given chosen entries of the child: audited, then the 403 page."""
    access_refused_record(
        by=request.user,
        page=page,
        object_id=object_id,
        person_id=person_id,
        reason=CHOSEN_ENTRIES_REFUSAL,
    )
    raise PermissionDenied(CHOSEN_ENTRIES_REFUSAL)


def _opened(
    request: HttpRequest,
    subject: T | None,
    person: Person | None,
    *,
    page: AuditEventType,
    object_id: Any,
    person_id: Any = None,
) -> T:
    """The subject when the user sees its child's whole record; else refuse (403 or 404), audited."""
    access = child_access(request.user, person) if subject is not None else NO_ACCESS
    if access == CHOSEN_ENTRIES_ONLY and person is not None:
        _refuse_chosen_entries(request, page=page, object_id=object_id, person_id=person.pk)
    return permitted_or_404(
        request,
        subject,
        allowed=access == WHOLE_RECORD,
        page=page,
        object_id=object_id,
        person_id=person_id,
    )


def _form_page(request: HttpRequest, form: Form, **context: Any) -> HttpResponse:
    return render(request, "hsb/form.html", {"form": form, **context})


def _child(request: HttpRequest, person_id: uuid.UUID) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    return _opened(
        request,
        person,
        person,
        page=HsbEvent.HSB_CHILD,
        object_id=person_id,
        person_id=person_id if person else None,
    )


def _pathway(request: HttpRequest, pathway_id: int) -> Pathway:
    pathway = (
        Pathway.objects.select_related("person", "team__agency", "involvement")
        .filter(pk=pathway_id)
        .first()
    )
    return _opened(
        request,
        pathway,
        pathway.person if pathway is not None else None,
        page=HsbEvent.HSB_PATHWAY,
        object_id=pathway_id,
    )


def _concern(request: HttpRequest, reference: str) -> Any:
    concern = selectors.concern_get_visible(user=request.user, reference=reference)
    if concern is None:
        shared = selectors.concern_seen_through_chosen_entries(
            user=request.user, reference=reference
        )
        if shared is not None:
            _refuse_chosen_entries(
                request, page=HsbEvent.HSB_CONCERN, object_id=reference, person_id=shared.person_id
            )
    return permitted_or_404(
        request,
        concern,
        allowed=concern is not None,
        page=HsbEvent.HSB_CONCERN,
        object_id=reference,
    )


def _investigation(request: HttpRequest, investigation_id: int) -> Investigation:
    investigation = (
        Investigation.objects.select_related("concern", "person", "officer__agency")
        .filter(pk=investigation_id)
        .first()
    )
    return _opened(
        request,
        investigation,
        investigation.person if investigation is not None else None,
        page=HsbEvent.HSB_INVESTIGATION,
        object_id=investigation_id,
    )


def _interval(delta: dt.timedelta | None) -> str:
    if delta is None:
        return ""
    return describe_interval(delta) if delta >= dt.timedelta(minutes=1) else "less than a minute"


def _is_police(user: Any) -> bool:
    return user.agency is not None and user.agency.kind == AgencyKind.POLICE


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Concerns about children the user may see, and the pathways in the user's teams."""
    require_perm(request, "hsb.see_hsb")
    page = Paginator(selectors.concerns_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    pathways = selectors.team_pathways(user=request.user)
    named = [p.person_id for p in pathways]
    if named:
        people_listed_record(by=request.user, person_ids=named, context=HsbEvent.HSB_PATHWAY)  # type: ignore[arg-type]
    return render(
        request,
        "hsb/index.html",
        {
            "page": page,
            "pathways": pathways,
            "can_record": request.user.has_perm("hsb.record_concern"),
            "can_figures": request.user.has_perm("hsb.see_figures"),
            "can_trained": request.user.has_perm("hsb.manage_trained"),
        },
    )


@login_required
@require_http_methods(["GET"])
def continuum(request: HttpRequest) -> HttpResponse:
    """The continuum and the age-banded examples (a guide for practitioners)."""
    require_perm(request, "hsb.see_hsb")
    return render(
        request,
        "hsb/continuum.html",
        {
            "levels": guidance.LEVELS,
            "lights": guidance.LIGHTS,
            "bands": [
                (
                    label,
                    [
                        (guidance.LIGHTS[Light(light)].split(":")[0], ex)
                        for light, ex in guidance.EXAMPLES[code].items()
                    ],
                )
                for code, label, _low, _high in guidance.AGE_BANDS
            ],
        },
    )


@login_required
@require_http_methods(["GET"])
def figures(request: HttpRequest) -> HttpResponse:
    """The figures the partnership asks for (counts, never names)."""
    require_perm(request, "hsb.see_figures")
    form = FiguresForm(request.GET or None)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=365), today
    if request.GET and form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
        if end < start:
            form.add_error("end", "The end date must be the same as or after the start date")
    return render(
        request, "hsb/figures.html", {"form": form, "figures": selectors.figures(start, end)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def trained(request: HttpRequest) -> HttpResponse:
    """The practitioners recorded as trained to use each AIM tool, kept by the service's managers."""
    require_perm(request, "hsb.manage_trained")
    agency = None if request.user.has_role("business_unit") else request.user.agency  # type: ignore[attr-defined]
    form = TrainedForm(posted(request), agency=agency)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: assessments.trained_record(
            by=user,
            user=data["user"],
            tool=data["tool"],
            trained_on=data["trained_on"],
            valid_until=data.get("valid_until"),
        ),
        done="Training recorded",
        then="hsb:trained",
        refusals=True,
    )
    if done:
        return done
    return render(
        request, "hsb/trained.html", {"form": form, "rows": selectors.trained_practitioners()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest) -> HttpResponse:
    """Record a concern and place it on the continuum."""
    require_perm(request, "hsb.record_concern")
    people = people_visible_to(request.user, whole_record=True)
    form = ConcernForm(posted(request), people=people)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.concern_record(
            by=user,
            noticed_at=_noticed(data),
            what_happened=data["what_happened"],
            level=data["level"],
            light=data["light"],
            evidence=data["evidence"],
            immediate_response=data["immediate_response"],
            children=_named_children(data),
        ),
        done=lambda concern: (
            "Concern recorded and referred" if concern.is_referred else "Concern recorded"
        ),
        then=lambda concern: reverse("hsb:concern", kwargs={"reference": concern.reference}),
        refusals=True,
    )
    if done:
        return done
    return render(
        request,
        "hsb/concern_new.html",
        {"form": form, "levels": guidance.LEVELS, "lights": guidance.LIGHTS},
    )


@login_required
@require_http_methods(["GET"])
def concern(request: HttpRequest, reference: str) -> HttpResponse:
    """A concern: its level and evidence, each child as this reader may see them, what happened next."""
    found = _concern(request, reference)
    children = selectors.concern_children(user=request.user, concern=found)
    named = [c.person.pk for c in children if c.person is not None]
    people_listed_record(by=request.user, person_ids=named, context=HsbEvent.HSB_CONCERN)  # type: ignore[arg-type]
    items = [
        item
        for item in items_about(
            user=request.user, subject_type=HsbEvent.HSB_CONCERN, subject_id=found.reference
        )
        if item.person_id in named
    ]
    return render(
        request,
        "hsb/concern.html",
        {
            "concern": found,
            "children": children,
            "level_words": dict((c, words) for c, _l, words in guidance.LEVELS)[found.level],
            "band": guidance.band_label(found.age_band),
            "examples": guidance.EXAMPLES.get(found.age_band, {}).get(found.light, []),
            "time_to_referral": _interval(selectors.time_to_referral(found)),
            "items": items,
            "meetings": selectors.concern_meetings(found),
            "investigations": [
                i for i in found.investigations.select_related("officer") if i.person_id in named
            ],
            "can_arrange": request.user.has_perm("meetings.arrange_meetings"),
            "is_police": _is_police(request.user),
            "can_change": services.can_change_concern(request.user, found),
            "changes": [
                (change, _changed_fields(change))
                for change in found.changes.select_related("changed_by")
            ],
            "screenings": _screenings(request, [c for c in children if c.visible]),
        },
    )


CHANGE_LABELS = {
    "noticed_at": "When noticed",
    "what_happened": "What happened",
    "level": "Level",
    "light": "Colour of the examples",
    "evidence": "Evidence for the level",
    "immediate_response": "Done straight away",
}


def _changed_fields(change: Any) -> list[tuple[str, str, str]]:
    """Each changed field of a concern: its label, what it was and what it became, in words."""

    def words(name: str, value: Any) -> str:
        if name == "level" and value in Level.values:
            return str(Level(value).label)
        if name == "light" and value in Light.values:
            return str(Light(value).label)
        if name == "noticed_at" and value:
            return f"{dt.datetime.fromisoformat(value).astimezone(UK):%-d %B %Y %H:%M}"
        return str(value)

    return [
        (CHANGE_LABELS.get(name, name), words(name, before), words(name, change.after.get(name)))
        for name, before in change.before.items()
    ]


def _screenings(request: HttpRequest, rows: list[Any]) -> list[dict[str, Any]]:
    """Each visible child's latest exploitation screening, and whether the reader may screen them."""
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        person = row.person
        if person.pk in seen:
            seen[person.pk]["signs"] = seen[person.pk]["signs"] or row.signs
            continue
        seen[person.pk] = {
            "person": person,
            "signs": row.signs,
            "may_see": exploitation.can_see_screening(request.user, person),
            "latest": exploitation.latest_screening(user=request.user, person=person),
            "screen_url": (
                services.screening_url_for(person)
                if exploitation.can_screen(request.user, person)
                else ""
            ),
        }
    return list(seen.values())


def _named_children(data: dict[str, Any]) -> list[services.NamedChild]:
    """The child (and the other child, when given) named on the concern form."""
    named = [
        services.NamedChild(
            data["child"],
            data["child_role"],
            data["child_voice"],
            bool(data.get("child_exploited")),
        )
    ]
    if data.get("other_child"):
        named.append(
            services.NamedChild(
                data["other_child"],
                data["other_role"],
                data["other_voice"],
                bool(data.get("other_exploited")),
            )
        )
    return named


def _noticed(data: dict[str, Any]) -> dt.datetime:
    noticed_at = dt.datetime.combine(
        data["noticed_on"], data.get("noticed_time") or dt.time(9, 0), tzinfo=UK
    )
    if data["noticed_on"] == timezone.localdate() and noticed_at > timezone.now():
        noticed_at = timezone.now()
    return noticed_at


@login_required
@require_http_methods(["GET", "POST"])
def concern_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """Correct a concern; the reason is required and every change is kept on the concern."""
    found = _concern(request, reference)
    if not services.can_change_concern(request.user, found):
        raise Http404
    noticed = found.noticed_at.astimezone(UK)
    initial = {
        "noticed_on": noticed.date(),
        "noticed_time": noticed.strftime("%H:%M"),
        "what_happened": found.what_happened,
        "level": found.level,
        "light": found.light,
        "evidence": found.evidence,
        "immediate_response": found.immediate_response,
    }
    form = ConcernEditForm(posted(request), initial=initial)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.concern_update(
            by=user,
            concern=found,
            noticed_at=_noticed(data),
            what_happened=data["what_happened"],
            level=data["level"],
            light=data["light"],
            evidence=data["evidence"],
            immediate_response=data["immediate_response"],
            reason=data["reason"],
        ),
        done=lambda saved: (
            "Concern changed and referred"
            if saved.is_referred and not found.is_referred
            else "Concern changed"
        ),
        then=reverse("hsb:concern", kwargs={"reference": found.reference}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Change the concern",
        caption=found.reference,
        intro=[
            "The children named and their voices stay as recorded. What the concern said "
            "before is kept, with your reason."
        ],
        button="Save the change",
        back=reverse("hsb:concern", kwargs={"reference": found.reference}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy(request: HttpRequest, reference: str) -> HttpResponse:
    """Arrange a strategy meeting about the concern (in the meetings app)."""
    found = _concern(request, reference)
    require_perm(request, "meetings.arrange_meetings")
    form = StrategyForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: investigations.strategy_meeting_arrange(
            by=user,
            concern=found,
            starts_at=dt.datetime.combine(data["date"], data["time"], tzinfo=UK),
            agencies=list(data["agencies"]),
            location=data.get("location") or "",
        ),
        done="Strategy meeting arranged and invitations sent",
        then=lambda meeting: reverse("meetings:detail", kwargs={"reference": meeting.reference}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Arrange a strategy meeting",
        caption=found.reference,
        intro=[
            "The meeting has an agenda item for each child in the concern you can see. "
            "You chair it. Every agency invited gets the outcome, whether it comes or not."
        ],
        button="Arrange the meeting",
        back=reverse("hsb:concern", kwargs={"reference": found.reference}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def investigation_new(request: HttpRequest, reference: str) -> HttpResponse:
    """The police record an investigation arising from the concern."""
    found = _concern(request, reference)
    if not _is_police(request.user):
        raise Http404
    people = people_visible_to(request.user, whole_record=True).filter(
        pk__in=found.children.values("person_id")
    )
    user: Any = request.user
    form = InvestigationForm(posted(request), people=people, agency=user.agency)
    done = form_post(
        request,
        form,
        lambda data: investigations.investigation_record(
            by=user,
            concern=found,
            person=data["person"],
            crime_reference=data["crime_reference"],
            started_on=data["started_on"],
            officer=data["officer"],
        ),
        done="Investigation recorded",
        then=lambda made: reverse("hsb:investigation", kwargs={"investigation_id": made.pk}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Record a police investigation",
        caption=found.reference,
        intro=[
            "The team supporting the child is prompted to review the family's support every 4 weeks while it is open."
        ],
        button="Record the investigation",
        back=reverse("hsb:concern", kwargs={"reference": found.reference}),
    )


@login_required
@require_http_methods(["GET"])
def child(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A child's harmful sexual behaviour page: the safeguarding response, then each role."""
    person = _child(request, person_id)
    people_listed_record(by=request.user, person_ids=[person.pk], context=HsbEvent.HSB_CHILD)  # type: ignore[arg-type]
    page = selectors.child_page(person=person)
    hsb_member = in_hsb_team(request.user)
    return render(
        request,
        "hsb/child.html",
        {
            "page": page,
            "person": person,
            "harmed": page.pathways[Role.HARMED],
            "harming": page.pathways[Role.HARMING],
            "harmed_concerns": page.roles[Role.HARMED],
            "harming_concerns": page.roles[Role.HARMING],
            "hsb_member": hsb_member,
            "can_close": {
                view.pathway.pk
                for view in page.pathways.values()
                if view is not None and services.can_close_pathway(request.user, view.pathway)
            },
            "screening": exploitation.latest_screening(user=request.user, person=person),
            "may_see_screening": exploitation.can_see_screening(request.user, person),
            "screen_url": (
                services.screening_url_for(person)
                if exploitation.can_screen(request.user, person)
                else ""
            ),
            "review_due": {
                i.pk: selectors.investigation_review_due(i) for i in page.investigations
            },
            "age_rules": [
                (label, *assessments.age_rule(code))
                for code, label in AimAssessment._meta.get_field("tool").choices  # type: ignore[misc]
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def keyworker(request: HttpRequest, pathway_id: int) -> HttpResponse:
    """Allocate or change the child's keyworker (the team's managers)."""
    pathway = _pathway(request, pathway_id)
    form = KeyworkerForm(posted(request), agency=pathway.team.agency)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.pathway_keyworker_set(
            by=user, pathway=pathway, keyworker=data["keyworker"]
        ),
        done="Keyworker allocated",
        then=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Allocate a keyworker",
        caption=f"{pathway.get_role_display()}: {pathway.team.name}",
        intro=[
            "If the keyworker is away or leaves, the child comes back to the team's managers to re-allocate at once."
        ],
        button="Allocate",
        back=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pathway_id: int) -> HttpResponse:
    """Record whether the work is statutory and the child's and parents' consent."""
    pathway = _pathway(request, pathway_id)
    initial = {
        "case_type": pathway.case_type,
        "child_consent": pathway.child_consent,
        "parents_consent": pathway.parents_consent,
        "engagement": pathway.engagement,
    }
    form = ConsentForm(posted(request), initial=initial)
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.pathway_consent_record(
            by=user,
            pathway=pathway,
            case_type=data["case_type"],
            child_consent=data["child_consent"],
            parents_consent=data["parents_consent"],
            engagement=data.get("engagement") or "",
        ),
        done="Consent and engagement recorded",
        then=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Consent and engagement",
        caption=pathway.get_role_display(),
        intro=["Work that is not statutory relies on the child and parents agreeing to it."],
        button="Save",
        back=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pathway_close(request: HttpRequest, pathway_id: int) -> HttpResponse:
    """Close a child's pathway in one role (the team's managers or the keyworker), with a reason."""
    pathway = _pathway(request, pathway_id)
    form = CloseForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.pathway_close(by=user, pathway=pathway, reason=data["reason"]),
        done="Pathway closed",
        then=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Close the pathway",
        caption=f"{pathway.get_role_display()}: {pathway.team.name}",
        intro=[
            "Work still waiting on this pathway is cancelled. If the team has no other open "
            "pathway for the child, its involvement with the child ends today."
        ],
        button="Close the pathway",
        back=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
        done=pathway.closed_at,
    )


def _fields(data: dict[str, Any]) -> dict[str, str]:
    return {name: data.get(name) or "" for name, _label in assessments.FORMULATION_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, pathway_id: int) -> HttpResponse:
    """Start an AIM assessment (trained practitioners in the HSB service only)."""
    pathway = _pathway(request, pathway_id)
    if pathway.role != Role.HARMING or not in_hsb_team(request.user):
        raise Http404
    form = AssessmentForm(posted(request), initial={"case_type": pathway.case_type})
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: assessments.assessment_start(
            by=user,
            pathway=pathway,
            tool=data["tool"],
            case_type=data["case_type"],
            started_on=data["started_on"],
            fields=_fields(data),
        ),
        done="Assessment recorded",
        then=lambda made: reverse("hsb:assessment", kwargs={"assessment_id": made.pk}),
        refusals=True,
    )
    if done:
        return done
    rules = [
        f"{label}: ages {low} to {high}"
        for code, label in AimAssessment._meta.get_field("tool").choices  # type: ignore[misc]
        for low, high in [assessments.age_rule(code)]
    ]
    return _form_page(
        request,
        form,
        title="Start an AIM assessment",
        caption="Assessment, Intervention and Moving on (AIM)",
        intro=[
            "AIM assessments are a case formulation over five areas, updated as things change. "
            "They never give a low, medium or high score.",
            "Ages the partnership has set: " + "; ".join(rules) + ".",
            "Only practitioners recorded as trained to use the assessment may complete it.",
        ],
        button="Save the assessment",
        back=reverse("hsb:child", kwargs={"person_id": pathway.person_id}),
    )


def _assessment(request: HttpRequest, assessment_id: int) -> AimAssessment:
    assessment = (
        AimAssessment.objects.select_related("pathway__team", "person", "assessor")
        .filter(pk=assessment_id)
        .first()
    )
    return _opened(
        request,
        assessment,
        assessment.person if assessment is not None else None,
        page=HsbEvent.HSB_ASSESSMENT,
        object_id=assessment_id,
    )


@login_required
@require_http_methods(["GET"])
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """An AIM assessment: the current case formulation and every earlier version."""
    found = _assessment(request, assessment_id)
    people_listed_record(
        by=request.user, person_ids=[found.person_id], context=HsbEvent.HSB_ASSESSMENT
    )  # type: ignore[arg-type]
    versions = list(found.formulations.select_related("recorded_by"))
    return render(
        request,
        "hsb/assessment.html",
        {
            "assessment": found,
            "versions": versions,
            "fields": assessments.FORMULATION_FIELDS,
            "can_update": in_hsb_team(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def formulation_new(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Update the case formulation: a new version."""
    found = _assessment(request, assessment_id)
    if not in_hsb_team(request.user):
        raise Http404
    latest = found.formulations.order_by("-version").first()
    form = FormulationForm(posted(request), initial=assessments.formulation_fields(latest))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: assessments.formulation_update(
            by=user, assessment=found, what_changed=data["what_changed"], fields=_fields(data)
        ),
        done="Case formulation updated",
        then=reverse("hsb:assessment", kwargs={"assessment_id": found.pk}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Update the case formulation",
        caption=found.get_tool_display(),
        intro=["The earlier versions are kept."],
        button="Save the new version",
        back=reverse("hsb:assessment", kwargs={"assessment_id": found.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def internet_advice(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Record internet safety advice given to the child's parents."""
    person = _child(request, person_id)
    form = InternetAdviceForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.internet_advice_record(
            by=user,
            person=person,
            given_on=data["given_on"],
            given_to=data["given_to"],
            parental_controls=data["parental_controls"],
            monitoring=data["monitoring"],
            devices=data["devices"],
            notes=data.get("notes") or "",
        ),
        done="Internet safety advice recorded",
        then=reverse("hsb:child", kwargs={"person_id": person.pk}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Internet safety advice at home",
        intro=[
            "Unsupervised internet use at home can be a serious risk. Record the advice given to the parents."
        ],
        button="Record the advice",
        back=reverse("hsb:child", kwargs={"person_id": person.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lessons(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Flag a child who missed the online-safety lessons: the school confirms them."""
    person = _child(request, person_id)
    form = LessonsForm(posted(request), schools=services.schools_of(person))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.lessons_flag(
            by=user,
            person=person,
            school=data["school"],
            reason=data["reason"],
            detail=data.get("detail") or "",
        ),
        done="The school has been asked to confirm the lessons",
        then=reverse("hsb:child", kwargs={"person_id": person.pk}),
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Missed online-safety lessons",
        intro=[
            "Online safety is taught in Relationships, Sex and Health Education (RSHE). "
            "Children with low attendance or gaps in their education may have missed it. "
            "The school is asked to confirm when the child has had the lessons."
        ],
        button="Ask the school",
        back=reverse("hsb:child", kwargs={"person_id": person.pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def lessons_confirm(request: HttpRequest, flag_id: int) -> HttpResponse:
    """The school confirms the child had the online-safety lessons."""
    flag = get_object_or_404(OnlineSafetyLessons, pk=flag_id)
    if request.user.agency_id != flag.school_id:  # type: ignore[attr-defined]
        raise Http404
    form = ConfirmLessonsForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: services.lessons_confirm(
            by=user, flag=flag, confirmation=data["confirmation"]
        ),
        done="Lessons confirmed",
        then="home",
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Confirm online-safety lessons",
        intro=[
            f"Reason: {flag.get_reason_display()}. {flag.detail}",
            "Relationships, Sex and Health Education (RSHE) online-safety lessons.",
        ],
        button="Confirm the lessons",
        back=reverse("home"),
        done=flag.confirmed_at,
    )


@login_required
@require_http_methods(["GET"])
def investigation(request: HttpRequest, investigation_id: int) -> HttpResponse:
    """An investigation: status, officer, support reviews, requests to partners."""
    found = _investigation(request, investigation_id)
    people_listed_record(
        by=request.user, person_ids=[found.person_id], context=HsbEvent.HSB_INVESTIGATION
    )  # type: ignore[arg-type]
    police = request.user.agency_id == found.officer.agency_id  # type: ignore[attr-defined]
    return render(
        request,
        "hsb/investigation.html",
        {
            "investigation": found,
            "reviews": list(found.reviews.select_related("reviewed_by")),
            "requests": list(found.requests.select_related("agency", "answered_by")),
            "review_due": selectors.investigation_review_due(found),
            "police": police,
            "status_form": StatusForm(initial={"status": found.status}),
            "review_form": ReviewForm(),
            "request_form": RequestForm(),
            "now": timezone.now(),
        },
    )


def _investigation_post(
    request: HttpRequest,
    investigation_id: int,
    form_class: Any,
    call: Callable[..., Any],
    done: str,
) -> HttpResponse:
    found = _investigation(request, investigation_id)
    form = form_class(request.POST)
    answered = form_post(
        request,
        form,
        lambda data: call(found, data),
        done=done,
        then=reverse("hsb:investigation", kwargs={"investigation_id": found.pk}),
        refusals=True,
    )
    if answered:
        return answered
    return _form_page(
        request,
        form,
        title="Police investigation",
        caption=found.crime_reference,
        button="Save",
        back=reverse("hsb:investigation", kwargs={"investigation_id": found.pk}),
    )


@login_required
@require_http_methods(["POST"])
def investigation_status(request: HttpRequest, investigation_id: int) -> HttpResponse:
    """The police change the investigation's status."""
    return _investigation_post(
        request,
        investigation_id,
        StatusForm,
        lambda found, data: investigations.investigation_status_set(
            by=request.user,
            investigation=found,
            status=data["status"],  # type: ignore[arg-type]
        ),
        "Status changed",
    )


@login_required
@require_http_methods(["POST"])
def investigation_review(request: HttpRequest, investigation_id: int) -> HttpResponse:
    """Record a review of the family's support."""
    return _investigation_post(
        request,
        investigation_id,
        ReviewForm,
        lambda found, data: investigations.support_review_record(
            by=request.user,
            investigation=found,
            support=data["support"],  # type: ignore[arg-type]
        ),
        "Support review recorded",
    )


@login_required
@require_http_methods(["POST"])
def investigation_request(request: HttpRequest, investigation_id: int) -> HttpResponse:
    """The police ask a partner for information."""
    return _investigation_post(
        request,
        investigation_id,
        RequestForm,
        lambda found, data: investigations.police_request_create(
            by=request.user,  # type: ignore[arg-type]
            investigation=found,
            agency=data["agency"],
            question=data["question"],
            due_on=data["due_on"],
        ),
        "Request sent",
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    """A partner answers the police's request."""
    found = get_object_or_404(PoliceRequest.objects.select_related("investigation"), pk=request_id)
    if request.user.agency_id != found.agency_id:  # type: ignore[attr-defined]
        raise Http404
    form = AnswerForm(posted(request))
    user: Any = request.user
    done = form_post(
        request,
        form,
        lambda data: investigations.police_request_answer(
            by=user, request=found, answer=data["answer"]
        ),
        done="Answer sent to the police",
        then="home",
        refusals=True,
    )
    if done:
        return done
    return _form_page(
        request,
        form,
        title="Answer a police request",
        caption=found.investigation.concern.reference,
        intro=[found.question, f"Needed by {timezone.localtime(found.due_at):%-d %B %Y %H:%M}."],
        button="Send the answer",
        back=reverse("home"),
        done=found.answered_at,
    )
