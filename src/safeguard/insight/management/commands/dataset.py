"""``safeguard dataset``: the partnership data set for a quarter or year, as XLSX, CSV or PDF."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.insight.comparison import comparisons_for
from safeguard.insight.engine import compute, compute_history, trends
from safeguard.insight.exports import atomic_write, write_csv, write_xlsx
from safeguard.insight.report import executive_pdf
from safeguard.insight.suppression import publishable
from safeguard.insight.types import DataSet, Period


class Command(BaseCommand):
    """Write the data set: ``safeguard dataset --quarter 2026Q3 --out FILE.xlsx``."""

    help = (
        "Write the partnership data set for a quarter (2026Q3) or financial year (2026-27) "
        "as an XLSX workbook, CSV or the Executive's PDF report. --publish hides small counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """The period, the files and whether to suppress small counts."""
        parser.add_argument(
            "--quarter",
            "--period",
            dest="period",
            required=True,
            help="A quarter like 2026Q3 or a financial year like 2026-27.",
        )
        parser.add_argument("--out", help="Where to write the XLSX workbook.")
        parser.add_argument("--csv", help="Where to write the CSV (one line per figure).")
        parser.add_argument("--pdf", help="Where to write the Executive's report (PDF).")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Suppress counts of 1 to 5 (and any that would reveal them) as 'c'.",
        )
        parser.add_argument(
            "--population",
            type=int,
            default=None,
            help="The child population for rates per 10,000 (default INSIGHT_CHILD_POPULATION).",
        )
        parser.add_argument(
            "--no-trends",
            action="store_true",
            help="Leave out the eight-quarter trends sheet (faster).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Compute, suppress if asked, and write each file whole or not at all."""
        try:
            period = Period.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not options["out"] and not options["csv"] and not options["pdf"]:
            raise CommandError("Give --out FILE.xlsx, --csv FILE.csv, --pdf FILE.pdf or more.")
        history: tuple[DataSet, ...]
        try:
            if options["no_trends"]:
                history = (compute(period, population=options["population"]),)
            else:
                history = compute_history(period, population=options["population"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["publish"]:
            history = tuple(publishable(dataset) for dataset in history)
        dataset = history[-1]
        shown = trends(history) if len(history) > 1 else ()
        labels = [step.period.label for step in history]
        if dataset.empty:
            self.stdout.write(f"No records in this period ({period.title}).")
        if options["out"]:
            path = write_xlsx(dataset, options["out"], shown, labels)
            self.stdout.write(f"Wrote {path}")
        if options["csv"]:
            path = write_csv(dataset, options["csv"])
            self.stdout.write(f"Wrote {path}")
        if options["pdf"]:
            content = executive_pdf(
                list(history),
                commentary={},
                comparison=comparisons_for(
                    [table.measure.key for table in dataset.tables()],
                    [step.period for step in history],
                ),
            )
            path = atomic_write(options["pdf"], lambda stream: stream.write(content))
            self.stdout.write(f"Wrote {path}")
