"""The partnership data set pages: the dashboard and its downloads (figures, never names)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.core.http import require_perm
from safeguard.insight import selectors
from safeguard.insight.engine import compute, compute_history, trends
from safeguard.insight.exports import csv_text, xlsx_bytes
from safeguard.insight.forms import PeriodForm, latest_quarter
from safeguard.insight.suppression import publishable
from safeguard.insight.types import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every section's figures for a quarter or financial year, with definitions and trends."""
    require_perm(request, "insight.view_dataset")
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, today=today)
    period = latest_quarter(today)
    published = False
    if request.GET and form.is_valid():
        period = Period.parse(form.cleaned_data["period"])
        published = bool(form.cleaned_data["published"])
    elif not request.GET:
        form = PeriodForm(initial={"period": period.label}, today=today)
    context = selectors.dashboard(period, published=published)
    context.update({"form": form, "period": period, "published": published})
    return render(request, "insight/dashboard.html", context)


def _period(label: str) -> Period:
    try:
        return Period.parse(label)
    except ValueError as error:
        raise Http404(str(error)) from error


def _filename(period: Period, published: bool, extension: str) -> str:
    kind = "published" if published else "not-for-publication"
    return f"partnership-data-set-{period.label}-{kind}.{extension}"


@login_required
@require_GET
def download_xlsx(request: HttpRequest, label: str) -> HttpResponse:
    """The workbook: contents, a sheet per section, trends and definitions."""
    require_perm(request, "insight.view_dataset")
    period = _period(label)
    published = request.GET.get("published") == "1"
    history = compute_history(period)
    if published:
        history = tuple(publishable(dataset) for dataset in history)
    body = xlsx_bytes(history[-1], trends(history), [step.period.label for step in history])
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(period, published, "xlsx")}"'
    )
    return response


@login_required
@require_GET
def download_pdf(request: HttpRequest, label: str) -> HttpResponse:
    """The Executive's report: the period's figures with definitions and trend charts."""
    require_perm(request, "insight.view_dataset")
    period = _period(label)
    published = request.GET.get("published") == "1"
    response = HttpResponse(
        selectors.report_pdf(period, published=published), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(period, published, "pdf")}"'
    )
    return response


@login_required
@require_GET
def download_csv(request: HttpRequest, label: str) -> HttpResponse:
    """The figures as CSV, one line per figure."""
    require_perm(request, "insight.view_dataset")
    period = _period(label)
    published = request.GET.get("published") == "1"
    dataset = compute(period)
    if published:
        dataset = publishable(dataset)
    response = HttpResponse(csv_text(dataset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(period, published, "csv")}"'
    )
    return response
