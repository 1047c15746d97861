"""The annual report draft, assembled from the record for a financial year (April to March).

One structure (:class:`AnnualReport`: sections of paragraphs and tables) is rendered
three ways: the page, a PDF (WeasyPrint) and a Word document for editing
(python-docx). Every figure comes from the record; nothing in it names a child.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from .models import (
    Audit,
    AuditKind,
    AuditStatus,
    Board,
    Briefing,
    BriefingStatus,
    Cascade,
    CaseReview,
    ChildDeathSummary,
    Contribution,
    PlanItemStatus,
    ReviewKind,
    YouSaidWeDid,
)
from .selectors import year_counts


@dataclass
class Table:
    """A table with a caption, a header row and rows of text."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    """A heading, its paragraphs and its tables."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class AnnualReport:
    """The draft report for one financial year."""

    year: int
    start: dt.date
    end: dt.date
    sections: list[Section]

    @property
    def title(self) -> str:
        """'Annual report 2026 to 2027'."""
        partnership = f"{settings.PARTNERSHIP_NAME} Safeguarding Children Partnership"
        return f"{partnership}: annual report {self.year} to {self.year + 1}"


def financial_year(year: int) -> tuple[dt.date, dt.date]:
    """1 April of ``year`` to 31 March of the next."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _in_time(met: dt.date | None, due: dt.date | None) -> bool:
    return met is not None and due is not None and met <= due


def _reviews(start: dt.date, end: dt.date) -> Section:
    reviews = list(
        CaseReview.objects.filter(aware_on__range=(start, end)).prefetch_related("themes")
    )
    by_kind = Counter(r.get_kind_display() for r in reviews)
    serious = [r for r in reviews if r.kind == ReviewKind.SERIOUS_INCIDENT]
    notified = [r for r in serious if r.notified_on is not None]
    notified_in_time = len([r for r in notified if _in_time(r.notified_on, r.notification_due_on)])
    rapid = [r for r in serious if r.rapid_review_done_on is not None]
    rapid_in_time = len(
        [r for r in rapid if _in_time(r.rapid_review_done_on, r.rapid_review_due_on)]
    )
    themes = Counter(t.name for r in reviews for t in r.themes.all())
    section = Section(
        "Case reviews",
        [
            f"The partnership considered {_plural(len(reviews), 'case', 'cases')} this year, "
            f"{_plural(len(serious), 'serious incident', 'serious incidents')} among them.",
            f"{notified_in_time} of {len(notified)} serious incident notifications reached the "
            "national panel within 5 working days; "
            f"{rapid_in_time} of {len(rapid)} rapid reviews were completed within 15 working days.",
        ],
        [
            Table(
                "Cases by kind",
                ["Kind", "Number"],
                [[k, str(v)] for k, v in sorted(by_kind.items())],
            )
        ],
    )
    if themes:
        section.tables.append(
            Table(
                "Themes",
                ["Theme", "Cases"],
                [[name, str(n)] for name, n in themes.most_common()],
            )
        )
    return section


def _audits(start: dt.date, end: dt.date) -> Section:
    audits = list(
        Audit.objects.filter(created_at__date__range=(start, end)).prefetch_related("findings")
    )
    closed = [a for a in audits if a.status == AuditStatus.CLOSED]
    ratings: Counter[str] = Counter()
    for audit in audits:
        if audit.kind == AuditKind.SCHOOL_SELF_ASSESSMENT:
            for finding in audit.findings.all():
                rating = finding.moderated_rating or finding.rating
                if rating:
                    ratings[rating] += 1
    paragraphs = [
        f"{_plural(len(audits), 'audit was', 'audits were')} requested and "
        f"{len(closed)} completed.",
    ]
    section = Section("Audits", paragraphs)
    if ratings:
        section.tables.append(
            Table(
                "School safeguarding self-assessments after moderation",
                ["Rating", "Schools"],
                [[r.capitalize(), str(ratings[r])] for r in ("green", "amber", "red")],
            )
        )
    return section


def _plans_and_briefings(start: dt.date, end: dt.date) -> Section:
    counts = year_counts(start, end)
    briefings = Briefing.objects.filter(
        status=BriefingStatus.PUBLISHED, published_on__range=(start, end)
    )
    cascades = Cascade.objects.filter(briefing__in=briefings)
    confirmed = cascades.filter(confirmed_on__isnull=False).count()
    total = cascades.count()
    return Section(
        "Learning into practice",
        [
            f"The partnership signed off {_plural(counts['plans_signed_off'], 'action plan', 'action plans')}; "
            f"{counts['plans_continuing']} continue.",
            f"It published {_plural(counts['briefings_published'], '7 point briefing', '7 point briefings')}. "
            f"Agencies confirmed {confirmed} of {total} cascades"
            + (f" ({round(100 * confirmed / total)}%)." if total else "."),
        ],
    )


def _voice(start: dt.date, end: dt.date) -> Section:
    entries = YouSaidWeDid.objects.filter(heard_on__range=(start, end))
    return Section(
        "Voice and involvement: you said, we did",
        [] if entries else ["No entries were recorded this year."],
        [
            Table(
                "You said, we did",
                ["Heard from", "You said", "We did"],
                [[e.from_whom, e.you_said, e.we_did or "In progress"] for e in entries],
            )
        ]
        if entries
        else [],
    )


def _pct(value: int | None) -> str:
    return "no figure" if value is None else f"{value}%"


def _training(year: int) -> Section:
    from safeguard.training.selectors import report

    figures = report(year=year)
    total = figures.total
    registered, completed = figures.elearning_total
    section = Section(
        "Training",
        [
            f"The partnership ran {_plural(total.sessions, 'training session', 'training sessions')} "
            f"with {_plural(total.attendees, 'attendee', 'attendees')}. "
            f"{_pct(total.good_share)} of ratings were good or very good, and "
            f"{_pct(total.likely_share)} of learners said they were likely or very likely to "
            "change their practice.",
            f"Six months on, {_pct(total.changed_share)} of learners who answered said their "
            f"practice had changed. E-learning: {registered} registrations, {completed} completed.",
        ],
    )
    if figures.courses:
        section.tables.append(
            Table(
                "Training by course",
                [
                    "Course",
                    "Sessions",
                    "Attendees",
                    "Good or very good",
                    "Likely to change practice",
                ],
                [
                    [
                        r.label,
                        str(r.sessions),
                        str(r.attendees),
                        _pct(r.good_share),
                        _pct(r.likely_share),
                    ]
                    for r in figures.courses
                ],
            )
        )
    return section


def _governance(year: int) -> Section:
    boards = Board.objects.prefetch_related("members", "priorities", "work_plan")
    rows = []
    for board in boards:
        priorities = [p for p in board.priorities.all() if p.year == year]
        plan = list(board.work_plan.all())
        done = sum(1 for item in plan if item.status == PlanItemStatus.DONE)
        rows.append(
            [
                board.name,
                str(len(board.members.all())),
                "; ".join(p.title for p in priorities) or "None recorded",
                f"{done} of {len(plan)}",
            ]
        )
    return Section(
        "Governance",
        ["The Executive and its subgroups, their members, priorities and work plans."],
        [
            Table(
                "The Executive and subgroups",
                ["Board", "Members", "Priorities", "Work plan done"],
                rows,
            )
        ],
    )


def _money(year: int) -> Section:
    contributions = Contribution.objects.filter(year=year).select_related("agency")
    total = contributions.aggregate(total=Sum("amount_pounds"))["total"] or Decimal(0)
    rows = [[c.agency.name, f"£{c.amount_pounds:,.2f}"] for c in contributions]
    return Section(
        "Partner contributions",
        [f"Partners contributed £{total:,.2f} in total."],
        [Table("Contributions by partner", ["Partner", "Amount"], rows)] if rows else [],
    )


def _child_deaths(year: int) -> Section:
    summary = ChildDeathSummary.objects.filter(year=year).first()
    if summary is None:
        return Section(
            "Child death reviews", ["The Child Death Overview Panel's summary is not recorded yet."]
        )
    paragraphs = [
        f"The Child Death Overview Panel received {_plural(summary.notifications, 'notification', 'notifications')} "
        f"and completed {_plural(summary.reviews_completed, 'review', 'reviews')}; "
        f"{summary.modifiable_factors} found modifiable factors. Case detail stays in the national database."
    ]
    if summary.themes:
        paragraphs.append(f"Themes: {summary.themes}")
    if summary.learning:
        paragraphs.append(f"Learning: {summary.learning}")
    return Section("Child death reviews", paragraphs)


SMALL_NUMBERS = (
    "These figures come from the partnership data set for the financial year, straight from "
    "the record. To protect children who could be recognised, counts of 1 to 5 are shown as "
    "c, and so is any other figure in the same table that would let a reader work a hidden "
    "count out (a total, or a second small count). A colon (:) means the record cannot give "
    "the figure. Rates are per 10,000 children living in the area."
)


def _data_set(year: int) -> Section:
    """The partnership data set for the year, as published: small counts shown as "c"."""
    from safeguard.insight.engine import compute  # noqa: PLC0415
    from safeguard.insight.report import format_cell  # noqa: PLC0415
    from safeguard.insight.suppression import publishable  # noqa: PLC0415
    from safeguard.insight.types import Period  # noqa: PLC0415

    dataset = publishable(compute(Period.financial_year(year)))
    tables = []
    for source in dataset.tables():
        lines = [*source.rows, *([source.total] if source.total is not None else [])]
        rows = [
            [line.label, *(format_cell(v, source.unit_of(i)) for i, v in enumerate(line.values))]
            for line in lines
        ]
        tables.append(Table(caption=source.measure.title, header=["", *source.columns], rows=rows))
    return Section("The partnership data set", [SMALL_NUMBERS], tables)


def annual_report(year: int) -> AnnualReport:
    """Assemble the draft for the financial year starting in April of ``year``."""
    start, end = financial_year(year)
    return AnnualReport(
        year=year,
        start=start,
        end=end,
        sections=[
            _reviews(start, end),
            _audits(start, end),
            _plans_and_briefings(start, end),
            _training(year),
            _voice(start, end),
            _governance(year),
            _money(year),
            _child_deaths(year),
            _data_set(year),
        ],
    )


# Characters XML 1.0 cannot hold (NUL and most control characters): python-docx raises on them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    """Text Word can hold: a name with a NUL or a control character would stop the export."""
    return _NOT_XML.sub("", text)


def annual_report_docx(report: AnnualReport) -> bytes:
    """The draft as a Word document for the business unit to edit."""
    from docx import Document

    document = Document()
    document.core_properties.title = _x(report.title)
    document.add_heading(_x(report.title), level=0)
    document.add_paragraph(
        f"Draft assembled from the partnership's records for 1 April {report.year} to "
        f"31 March {report.year + 1}. Edit before publishing."
    )
    for section in report.sections:
        document.add_heading(_x(section.title), level=1)
        for paragraph in section.paragraphs:
            document.add_paragraph(_x(paragraph))
        for table in section.tables:
            document.add_paragraph(_x(table.caption), style="Caption")
            grid = document.add_table(rows=1, cols=len(table.header))
            grid.style = "Table Grid"
            for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
                cell.text = _x(text)
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.text = _x(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
