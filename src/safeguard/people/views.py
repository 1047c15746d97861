"""Find a person, open their record, see who has looked at it, add a person.

Views are thin: parse, call a selector or service, render. A record the user
may not see answers 'Page not found', exactly as a record that does not exist.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguard.core.http import errors_on, form_add_errors, require_perm
from safeguard.core.ratelimit import rate_limited

from . import selectors, services
from .access import can_edit_person_given, mash_lookup_record
from .events import PeopleEvent
from .forms import LookUpReasonForm, NewPersonForm, PersonForm, SearchForm
from .http import visible_person_or_404
from .models import Person


def _require_personal_data_role(request: HttpRequest) -> None:
    require_perm(request, "people.see_personal_data")


@login_required
@require_http_methods(["GET"])
@rate_limited("search")
def search(request: HttpRequest) -> HttpResponse:
    """Find a person by name (fuzzy), date of birth, postcode or NHS number."""
    _require_personal_data_role(request)
    allow_reason = request.user.has_perm("people.look_up_with_reason")
    form = SearchForm(request.GET if "q" in request.GET else None, allow_reason=allow_reason)
    results = None
    searched_all = False
    if form.is_bound and form.is_valid() and form.cleaned_data["q"] is not None:
        query = form.cleaned_data["q"]
        reason = form.cleaned_data.get("reason", "")
        with transaction.atomic():
            if reason:
                searched_all = True
                results = selectors.person_search_all(user=request.user, query=query)
                services.person_search_all_record(
                    by=request.user,  # type: ignore[arg-type]
                    reason=reason,
                    results=len(results),
                )
            else:
                results = selectors.person_search(user=request.user, query=query)
            services.people_listed_record(
                by=request.user,
                person_ids=[r.person.pk for r in results],
                context=PeopleEvent.SEARCH_RESULT,
            )
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "results": results,
            "searched_all": searched_all,
            "can_create": request.user.has_perm("people.add_person"),
        },
    )


@login_required
@require_http_methods(["GET"])
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """The person page: details, relationships, involvements and one chronology."""
    _require_personal_data_role(request)
    person, basis = visible_person_or_404(request, person_id, PeopleEvent.PERSON)
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    data = selectors.person_page(
        user=request.user, person=person, basis=basis, chronology_page=page_number
    )
    services.person_view_record(
        by=request.user,
        person_id=person.pk,
        basis=basis,
        relatives=[r.person.pk for r in data.relatives],
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "page": data,
            "person": person,
            # The rule was asked to open the page: its answer is reused, not asked again.
            "can_edit": can_edit_person_given(request.user, person, basis),
        },
    )


@login_required
@require_http_methods(["GET"])
def person_viewers(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Who has looked at this record: every view, listing, change and refusal."""
    _require_personal_data_role(request)
    person, basis = visible_person_or_404(
        request, person_id, PeopleEvent.PERSON_VIEWERS, whole_record=True
    )
    events = selectors.person_viewers(person_id=person.pk, user=request.user)
    services.person_view_record(
        by=request.user, person_id=person.pk, page=PeopleEvent.PERSON_VIEWERS, basis=basis
    )
    return render(request, "people/person_viewers.html", {"person": person, "events": events})


@login_required
@require_http_methods(["GET", "POST"])
def person_look_up(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """MASH staff open a record outside their contacts by recording why."""
    require_perm(request, "people.look_up_with_reason")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    form = LookUpReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form, field="reason") as failed:
            mash_lookup_record(by=request.user, person=person, reason=form.cleaned_data["reason"])
        if not failed:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/look_up.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Add a person the user's agency is working with."""
    require_perm(request, "people.add_person")
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        postcode = data.pop("postcode", "")
        line_1 = data.pop("address_line_1", "")
        try:
            person = services.person_create(
                by=request.user, postcode=postcode, address_line_1=line_1, **data
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} has been added")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Change a person's details."""
    _require_personal_data_role(request)
    person, basis = visible_person_or_404(request, person_id, PeopleEvent.PERSON_EDIT)
    require_perm(request, "people.change_person", person)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.person_update(by=request.user, person=person, **changed)
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, "The record has been updated")
            return redirect("people:detail", person_id=person.pk)
    else:
        services.person_view_record(
            by=request.user, person_id=person.pk, page=PeopleEvent.PERSON_EDIT, basis=basis
        )
    return render(
        request, "people/person_form.html", {"form": form, "person": person, "creating": False}
    )


@require_POST
@login_required
def search_all_open(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Open a record found by a reasoned search: the reason given there is recorded again."""
    require_perm(request, "people.look_up_with_reason")
    person = Person.objects.filter(pk=person_id).first()
    form = LookUpReasonForm(request.POST)
    if person is None:
        raise Http404
    if not form.is_valid():
        return redirect("people:look-up", person_id=person.pk)
    mash_lookup_record(by=request.user, person=person, reason=form.cleaned_data["reason"])
    return redirect("people:detail", person_id=person.pk)
