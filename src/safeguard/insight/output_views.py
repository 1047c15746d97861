"""Pages of the insight outputs: the census for the business unit, meaningful measures, comparisons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safeguard.core.errors import InvalidRequest
from safeguard.core.http import errors_on

from . import services
from .comparison import comparison_uploads
from .forms import latest_quarter
from .measures import P_SUMMARIES, by_p, latest_entered_values, value_history
from .output_forms import CensusForm, ComparisonForm, MeasureValueForm
from .selectors import record_figures
from .types import Period


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _require(request: HttpRequest, perm: str) -> None:
    """Answer 403 (forbidden) unless the user holds the permission; core audits the refusal."""
    if not request.user.has_perm(perm):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def census(request: HttpRequest) -> HttpResponse:
    """Produce the Children in Need census for a year: child-level, business unit only."""
    _require(request, "insight.export_census")
    today = timezone.localdate()
    this_year = Period.financial_year(today.year if today.month >= 4 else today.year - 1)  # noqa: PLR2004 - April
    form = CensusForm(_posted(request), initial={"year": this_year.label})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        with errors_on(form, field="year") as failed:
            content = services.cin_census_export(by=request.user, year=year)
        if not failed:
            response = HttpResponse(content, content_type="application/xml")
            response["Content-Disposition"] = f'attachment; filename="cin-census-{year.label}.xml"'
            return response
    return render(request, "insight/census.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def measures(request: HttpRequest) -> HttpResponse:
    """The strategy's meaningful measures by P, with their latest values or data set keys."""
    _require(request, "insight.view_measures")
    latest = latest_entered_values()
    quarter = latest_quarter(timezone.localdate())
    record = record_figures(quarter, {m.data_key for _p, items in by_p() for m in items})
    groups = [
        {
            "p": p,
            "summary": P_SUMMARIES[p],
            "rows": [
                {
                    "measure": m,
                    "latest": latest.get(m.key),
                    "record": record.get(m.data_key),
                    "anchor": m.data_key.replace(".", "-").replace("_", "-"),
                }
                for m in items
            ],
        }
        for p, items in by_p()
    ]
    return render(
        request,
        "insight/measures.html",
        {
            "groups": groups,
            "quarter": quarter,
            "can_enter": request.user.has_perm("insight.enter_measures"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_enter(request: HttpRequest) -> HttpResponse:
    """Enter a quarter's value of a measure the record cannot answer."""
    _require(request, "insight.enter_measures")
    form = MeasureValueForm(_posted(request), initial={"measure_key": request.GET.get("measure")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on(form, field="value") as failed:
            entry = services.measure_value_enter(
                by=request.user,
                measure_key=data["measure_key"],
                period=data["period"],
                value=data["value"],
                note=data["note"],
            )
        if not failed:
            messages.success(request, f"Saved {entry.value} for {entry.period}.")
            return redirect("insight:measure_enter")
    return render(request, "insight/measure_enter.html", {"form": form, "history": value_history()})


@login_required
@require_http_methods(["GET", "POST"])
def comparison(request: HttpRequest) -> HttpResponse:
    """Upload national or statistical-neighbour figures to show beside ours."""
    _require(request, "insight.upload_comparison")
    form = ComparisonForm(_posted(request), request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = services.comparison_upload(
                by=request.user,
                filename=upload.name,
                content=upload.read(),
                description=form.cleaned_data["description"],
            )
        except InvalidRequest as refused:
            # The summary says what to do; every problem row is listed under the field.
            problems = (refused.errors.get("file") or str(refused)).splitlines()
            if len(problems) == 1:
                form.add_error("file", problems[0])
                problems = []
            else:
                form.add_error(
                    "file", f"Fix the {len(problems)} problems listed and upload the file again"
                )
        else:
            messages.success(request, f"Saved {saved.row_count} comparison figures.")
            return redirect("insight:comparison")
    return render(
        request,
        "insight/comparison.html",
        {"form": form, "problems": problems, "uploads": comparison_uploads()},
    )
