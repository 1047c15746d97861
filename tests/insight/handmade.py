"""Data sets built by hand for the output tests (the engine is tested on its own).

Each quarter's figures are written out here, so a test can say what a reader of the
chart or the report must see without asking the engine.
"""

from __future__ import annotations

import datetime as dt

from safeguard.insight.types import Cell, DataSet, Measure, Period, Row, Section, Table, Unit

CONTACTS = Measure(
    key="frontdoor.contacts",
    title="Contacts received",
    definition="Every concern reported to the Multi-Agency Safeguarding Hub in the period.",
)
WITHIN_ONE_DAY = Measure(
    key="frontdoor.decided_within_one_working_day",
    title="Contacts decided within one working day",
    definition="The share of contacts with a threshold decision by the end of the next working day.",
    unit=Unit.PERCENT,
)
RETURN_INTERVIEWS = Measure(
    key="missing.return_interviews_within_72_hours",
    title="Return interviews offered within 72 hours",
    definition="Missing episodes whose return interview was offered within 72 hours of return.",
    unit=Unit.PERCENT,
)


def quarter_dataset(
    period: Period,
    *,
    contacts: Cell,
    by_source: tuple[tuple[str, Cell], ...] = (),
    within_one_day: Cell = None,
    return_interviews: Cell = None,
    published: bool = False,
) -> DataSet:
    """One quarter: contacts (by source), decisions in a day, and return interviews."""
    source_rows = tuple(Row(label, (value,)) for label, value in by_source)
    contacts_table = Table(
        measure=CONTACTS,
        columns=("Contacts",),
        rows=source_rows or (Row("All sources", (contacts,)),),
        total=Row("Total", (contacts,)) if source_rows else None,
    )
    return DataSet(
        period=period,
        population=44_000,
        generated_at=dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC),
        published=published,
        sections=(
            Section(
                key="frontdoor",
                title="Front door",
                tables=(
                    contacts_table,
                    Table(
                        measure=WITHIN_ONE_DAY,
                        columns=("Per cent",),
                        rows=(Row("All contacts", (within_one_day,)),),
                    ),
                ),
            ),
            Section(
                key="missing",
                title="Missing from home",
                tables=(
                    Table(
                        measure=RETURN_INTERVIEWS,
                        columns=("Per cent",),
                        rows=(Row("All episodes", (return_interviews,)),),
                    ),
                ),
            ),
        ),
    )


def eight_quarters(contacts: list[Cell]) -> list[DataSet]:
    """Eight quarters to 2026Q3 with the given contact counts, oldest first."""
    periods = Period.quarter(2026, 3).history(8)
    return [
        quarter_dataset(period, contacts=value, within_one_day=80.0 + index)
        for index, (period, value) in enumerate(zip(periods, contacts, strict=True))
    ]
