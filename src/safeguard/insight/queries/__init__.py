"""The data set's SQL: one file per section, each returning ``measure, row_key, col_key, value``.

The engine runs them as one statement (``combined``): DuckDB plans the sections together
and runs them in one pass over the extract, rather than eight round trips.

Parameters are ``$start`` and ``$end`` (UK dates, end exclusive) and ``$start_at`` and
``$end_at`` (the same moments in UTC, without a time zone). The files use the SQL that
DuckDB and Spark share; docs/insight.md lists the two functions that differ.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

SECTIONS = (
    "frontdoor",
    "earlyhelp",
    "sharing",
    "meetings",
    "missing",
    "exploitation",
    "hsb",
    "contextual",
)


@cache
def sql(section: str) -> str:
    """The SQL text of a section's query."""
    return resources.files(__package__).joinpath(f"{section}.sql").read_text(encoding="utf-8")


@cache
def combined() -> str:
    """Every section's query in one statement, section after section (``UNION ALL``)."""
    return "\nUNION ALL\n".join(f"(\n{sql(section).rstrip()}\n)" for section in SECTIONS)
