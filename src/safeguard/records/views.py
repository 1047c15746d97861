"""Pages for importing agency records, the review queue, and undoing links and merges.

Only Multi-Agency Safeguarding Hub (MASH) staff use these pages; everyone else
gets 'Page not found'. Every page that names a person records who saw it.
"""

from __future__ import annotations

import csv
import uuid
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safeguard.core.http import errors_on, permitted_or_404, require_perm
from safeguard.core.models import User
from safeguard.people import services as person_services
from safeguard.people.access import AccessDenied, mash_lookup_record, people_visible_to
from safeguard.people.forms import LookUpReasonForm
from safeguard.people.models import Person

from . import selectors, services
from .events import RecordsEvent
from .forms import DecisionForm, MappingForm, UndoForm, UploadForm
from .models import AgencyRecord, LinkReview, RecordImport
from .parsing import UploadError, clean_rows, formula_safe, parse_file

PREVIEW_ROWS = 10


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here requires sign-in)."""
    return cast("User", request.user)


def _require_mash(request: HttpRequest) -> None:
    require_perm(request, "records.work_records")


@login_required
@require_http_methods(["GET"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Possible matches waiting for a person to decide, most likely first."""
    _require_mash(request)
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    page = selectors.review_queue(user=request.user, page=page_number)
    decisions = selectors.recent_decisions(user=request.user)
    named: set[uuid.UUID] = set()
    for review in list(page.object_list) + decisions:
        named.update(pid for pid in (review.person_id, review.candidate_id) if pid)
    # Only people the user may see are named; the others wait for a recorded reason.
    visible = set(people_visible_to(request.user).filter(pk__in=named).values_list("pk", flat=True))
    with transaction.atomic():
        person_services.people_listed_record(
            by=_user(request), person_ids=sorted(visible), context=RecordsEvent.LINK_REVIEW_QUEUE
        )
    return render(
        request,
        "records/queue.html",
        {
            "page": page,
            "queue_size": selectors.review_queue_size(waiting=page.paginator.count),
            "decisions": decisions,
            "visible": visible,
            "imports": selectors.imports_for(user=request.user),
        },
    )


def _outside_access(request: HttpRequest, people: list[Person | None]) -> list[Person]:
    """The people on a page whom the user may not see (yet): each needs a recorded reason."""
    named = [p for p in dict.fromkeys(people) if p is not None]
    visible = set(
        people_visible_to(request.user)
        .filter(pk__in=[p.pk for p in named])
        .values_list("pk", flat=True)
    )
    return [p for p in named if p.pk not in visible]


def _reason_first(request: HttpRequest, hidden: list[Person]) -> HttpResponse:
    """Ask why before naming anyone outside the user's access; the reason opens each for 24 hours.

    The reason is recorded as a MASH look-up (``people.access.mash_lookup_record``): an
    access grant and an audit event with the reason, for each person. The page names no one.
    """
    bound = request.method == "POST" and "give_access_reason" in request.POST
    form = LookUpReasonForm(request.POST if bound else None)
    if bound and form.is_valid():
        with errors_on(form, field="reason") as failed, transaction.atomic():
            for person in hidden:
                mash_lookup_record(
                    by=_user(request), person=person, reason=form.cleaned_data["reason"]
                )
        if not failed:
            return redirect(request.get_full_path())
    return render(request, "records/reason.html", {"form": form, "count": len(hidden)})


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    """Both records side by side, the differences marked, and the match weights; then decide."""
    review = selectors.review_get(user=request.user, review_id=review_id)
    if review is None:
        raise Http404
    hidden = _outside_access(request, [review.person, review.candidate])
    if hidden:
        return _reason_first(request, hidden)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and review.status == LinkReview.Status.OPEN and form.is_valid():
        decision = request.POST.get("decision")
        if decision in ("same", "different"):
            try:
                services.review_decide(
                    by=_user(request),
                    review=review,
                    same_person=decision == "same",
                    reason=form.cleaned_data["reason"],
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    "Linked as the same person"
                    if decision == "same"
                    else "Recorded as not the same person",
                )
                return redirect("records:queue")
        else:
            form.add_error(None, "Choose whether these are the same person")
    left, right, rows = selectors.review_comparison(review)
    for pid in {review.person_id, review.candidate_id} - {None}:
        person_services.person_view_record(
            by=_user(request), person_id=pid, page=RecordsEvent.LINK_REVIEW
        )  # type: ignore[arg-type]
    weights = [dict(w) for w in services.review_explanation(review=review)]
    top = max((abs(w.get("weight", 0)) for w in weights), default=1) or 1
    for w in weights:
        w["width"] = int(min(100, abs(w.get("weight", 0)) / top * 100))
    return render(
        request,
        "records/review.html",
        {
            "review": review,
            "left": left,
            "right": right,
            "rows": rows,
            "weights": weights,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Import step 1: choose the agency and upload the extract."""
    _require_mash(request)
    form = UploadForm(
        request.POST or None, request.FILES or None, agencies=selectors.importing_agencies()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record_import = services.record_import_create(
                by=_user(request),
                agency=form.cleaned_data["agency"],
                file_name=upload.name,
                content=form.content,
            )
        except UploadError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("records:import-map", import_id=record_import.pk)
    return render(request, "records/upload.html", {"form": form})


def _import_or_404(request: HttpRequest, import_id: uuid.UUID) -> RecordImport:
    record_import = selectors.import_get(user=request.user, import_id=import_id)
    if record_import is None:
        raise Http404
    return record_import


@login_required
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """Import step 2: say which field each column holds (our guess is chosen already)."""
    _require_mash(request)
    record_import = _import_or_404(request, import_id)
    if record_import.status == RecordImport.Status.IMPORTED:
        return redirect("records:import", import_id=record_import.pk)
    parsed = parse_file(record_import.file_name, bytes(record_import.content))
    form = MappingForm(request.POST or None, headers=parsed.headers, guess=record_import.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_import_map(
                by=_user(request), record_import=record_import, mapping=form.mapping()
            )
        except ValueError as exc:
            for problem in str(exc).split("; "):
                form.add_error(None, problem)
        else:
            return redirect("records:import-preview", import_id=record_import.pk)
    samples = {
        h: next((r[i] for r in parsed.rows if r[i]), "") for i, h in enumerate(parsed.headers)
    }
    fields = [(f, samples.get(h, "")) for f, h in zip(form, parsed.headers, strict=True)]
    return render(
        request,
        "records/map.html",
        {
            "form": form,
            "record_import": record_import,
            "fields": fields,
            "row_count": len(parsed.rows),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """Import step 3: the first rows as they will be imported, and every row's problems; then confirm."""
    _require_mash(request)
    record_import = _import_or_404(request, import_id)
    if record_import.status == RecordImport.Status.IMPORTED:
        return redirect("records:import", import_id=record_import.pk)
    if record_import.status != RecordImport.Status.MAPPED:
        return redirect("records:import-map", import_id=record_import.pk)
    if request.method == "POST":
        try:
            services.record_import_confirm(by=_user(request), record_import=record_import)
        except (ValueError, AccessDenied) as exc:
            messages.error(request, str(exc))
        else:
            return redirect("records:import", import_id=record_import.pk)
    parsed = parse_file(record_import.file_name, bytes(record_import.content))
    rows = clean_rows(parsed, record_import.mapping)
    problems = [p for r in rows for p in r.problems]
    skipped = sum(1 for r in rows if any(p.skipped for p in r.problems))
    return render(
        request,
        "records/preview.html",
        {
            "record_import": record_import,
            "preview": rows[:PREVIEW_ROWS],
            "problems": problems,
            "skipped": skipped,
            "good": len(rows) - skipped,
            "total": len(rows),
        },
    )


@login_required
@require_http_methods(["GET"])
def import_detail(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """What an import did: created, unchanged, linked, queued, and the rows it could not import."""
    _require_mash(request)
    record_import = _import_or_404(request, import_id)
    return render(request, "records/import_done.html", {"record_import": record_import})


@login_required
@require_http_methods(["GET"])
def import_problems_csv(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    """The rows an import could not use, as a CSV safe to open in a spreadsheet."""
    _require_mash(request)
    record_import = _import_or_404(request, import_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="import-{record_import.pk}-problems.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Row", "Column", "Problem", "Row skipped"])
    for problem in record_import.errors:
        writer.writerow(
            [
                problem.get("row"),
                formula_safe(problem.get("column")),
                formula_safe(problem.get("message")),
                "Yes" if problem.get("skipped") else "No",
            ]
        )
    return response


@login_required
@require_http_methods(["GET"])
def person_records(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """A person's agency records and merges, with a way to undo each."""
    _require_mash(request)
    person = permitted_or_404(
        request,
        Person.objects.filter(pk=person_id, merged_into__isnull=True).first(),
        perm="people.view_whole_record",
        page=RecordsEvent.PERSON_RECORDS,
        object_id=person_id,
        person_id=person_id,
    )
    records, merges = selectors.person_records(person=person)
    person_services.person_view_record(
        by=_user(request), person_id=person.pk, page=RecordsEvent.PERSON_RECORDS
    )
    return render(
        request,
        "records/person_records.html",
        {"person": person, "records": records, "merges": merges},
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge: both people get back their own records and chronology."""
    merge = selectors.merge_get(user=request.user, merge_id=merge_id)
    if merge is None:
        raise Http404
    hidden = _outside_access(request, [merge.survivor])
    if hidden:
        return _reason_first(request, hidden)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_unmerge(
                by=_user(request), merge=merge, reason=form.cleaned_data["reason"]
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{merge.merged.full_name} and {merge.survivor.full_name} are separate people again",
            )
            return redirect("records:queue")
    for pid in (merge.survivor_id, merge.merged_id):
        person_services.person_view_record(
            by=_user(request), person_id=pid, page=RecordsEvent.MERGE_UNDO
        )
    return render(request, "records/undo.html", {"form": form, "merge": merge, "record": None})


@login_required
@require_http_methods(["GET", "POST"])
def record_unlink(request: HttpRequest, record_id: uuid.UUID) -> HttpResponse:
    """Undo a link between an agency record and a person."""
    _require_mash(request)
    record = AgencyRecord.objects.select_related("agency", "person").filter(pk=record_id).first()
    if record is None or record.person is None:
        raise Http404
    hidden = _outside_access(request, [record.person])
    if hidden:
        return _reason_first(request, hidden)
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_unlink(
                by=_user(request), record=record, reason=form.cleaned_data["reason"]
            )
        except (ValueError, ValidationError) as exc:
            form.add_error(None, str(exc))
        except AccessDenied:
            raise Http404 from None
        else:
            messages.success(
                request, "The link has been undone: the record is now a person of its own"
            )
            return redirect("records:queue")
    person_services.person_view_record(
        by=_user(request), person_id=record.person.pk, page=RecordsEvent.RECORD_UNLINK
    )
    return render(request, "records/undo.html", {"form": form, "merge": None, "record": record})
