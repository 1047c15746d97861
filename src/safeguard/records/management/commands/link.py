"""``safeguard link``: link two files of person records, or find duplicates in one.

    safeguard link --left A.csv --right B.csv --out pairs.csv [--threshold 0.5]
    safeguard link --dedupe A.csv --out clusters.csv [--threshold 0.9]

Input columns (any may be missing or blank, except record_id):
record_id,given_name,family_name,date_of_birth,sex,postcode,address,nhs_number.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguard.records.linkage.cleaning import INPUT_COLUMNS
from safeguard.records.linkage.model import (
    ENGINES,
    TrainedModel,
    dedupe,
    predict_pairs,
    prepare_records,
    train,
)

DEFAULT_LINK_THRESHOLD = 0.5
DEFAULT_DEDUPE_THRESHOLD = 0.9
_STAGES = ("Cleaning", "Training", "Comparing", "Clustering")


class ProgressBar:
    """A one-line progress bar on standard error, drawn only when it is a terminal."""

    def __init__(self, stream: Any, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.started = time.monotonic()

    def __call__(self, stage: str, fraction: float) -> None:
        """Redraw the bar for a stage and how far through it the work is."""
        if not self.enabled:
            return
        index = _STAGES.index(stage) if stage in _STAGES else 0
        overall = (index + min(max(fraction, 0.0), 1.0)) / len(_STAGES)
        filled = int(overall * 30)
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "-" * (30 - filled)
        self.stream.write(f"\r[{bar}] {stage:<10} {elapsed:6.1f}s")
        self.stream.flush()

    def finish(self) -> None:
        """Clear the bar so the summary line starts clean."""
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def read_records(path_text: str) -> pd.DataFrame:
    """Read an input CSV as text, or raise CommandError saying what is wrong with it."""
    path = Path(path_text)
    if not path.exists():
        raise CommandError(f"There is no file at {path}.")
    if not path.is_file():
        raise CommandError(f"{path} is a folder, not a CSV file.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} is not a UTF-8 text file.") from error
    if not header_line.strip():
        raise CommandError(f"{path} is empty: it needs a header row.")
    header = next(csv.reader([header_line]))
    names = [name.strip().lower() for name in header]
    if len(names) == 1:
        for delimiter in (";", "\t", "|"):
            if delimiter in header_line:
                raise CommandError(
                    f"{path} is separated by {'a tab' if delimiter == chr(9) else repr(delimiter)}"
                    ", not commas. Save it as a comma-separated (CSV) file."
                )
    unknown = [name for name in names if name not in INPUT_COLUMNS]
    if unknown or "record_id" not in names:
        expected = ",".join(INPUT_COLUMNS)
        problem = f"unknown columns {', '.join(unknown)}" if unknown else "no record_id column"
        raise CommandError(
            f"{path} has {problem}. Expected a header with some of: {expected} "
            "(record_id is required)."
        )
    if len(set(names)) != len(names):
        raise CommandError(f"{path} names a column twice.")
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise CommandError(f"{path} could not be read as CSV: {error}") from error
    frame.columns = names
    if frame["record_id"].isna().any():
        raise CommandError(f"{path} has rows without a record_id.")
    if frame["record_id"].duplicated().any():
        duplicate = frame.loc[frame["record_id"].duplicated(), "record_id"].iloc[0]
        raise CommandError(f"{path} uses record_id {duplicate} more than once.")
    return frame


class Command(BaseCommand):
    """Link person records across two files, or cluster duplicates within one."""

    help = (
        "Link two CSV files of person records (--left, --right) or find duplicates in one "
        "(--dedupe). Columns: " + ",".join(INPUT_COLUMNS)
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--left", help="The first CSV file to link.")
        parser.add_argument("--right", help="The second CSV file to link.")
        parser.add_argument("--dedupe", help="A CSV file to find duplicate records in.")
        parser.add_argument("--out", required=True, help="Where to write the result CSV.")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help=(
                f"Lowest match probability to keep (default {DEFAULT_LINK_THRESHOLD} for "
                f"linking, {DEFAULT_DEDUPE_THRESHOLD} for duplicates)."
            ),
        )
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument(
            "--model", help="A trained model JSON file; without one a model is trained."
        )
        parser.add_argument(
            "--save-model", action="store_true", help="Keep the trained model in var/linkage/."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        left, right, dedupe_path = options["left"], options["right"], options["dedupe"]
        if dedupe_path and (left or right):
            raise CommandError("Use either --dedupe or --left with --right, not both.")
        if not dedupe_path and not (left and right):
            raise CommandError("Give --left and --right to link two files, or --dedupe.")
        threshold = options["threshold"]
        if threshold is None:
            threshold = DEFAULT_DEDUPE_THRESHOLD if dedupe_path else DEFAULT_LINK_THRESHOLD
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold is a probability: between 0 and 1.")
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist.")
        model = self._model(options["model"])
        started = time.monotonic()
        progress = ProgressBar(sys.stderr, enabled=sys.stderr.isatty())
        engine = options["engine"]
        try:
            if dedupe_path:
                summary = self._dedupe(
                    path=dedupe_path,
                    out=out,
                    threshold=threshold,
                    engine=engine,
                    model=model,
                    progress=progress,
                    options=options,
                )
            else:
                summary = self._link(
                    left_path=left,
                    right_path=right,
                    out=out,
                    threshold=threshold,
                    engine=engine,
                    model=model,
                    progress=progress,
                    options=options,
                )
        except RuntimeError as error:  # e.g. Spark without Java
            raise CommandError(str(error)) from error
        finally:
            progress.finish()
        elapsed = time.monotonic() - started
        self.stdout.write(f"{summary} in {elapsed:.1f} s; written to {out}.")

    def _model(self, path: str | None) -> TrainedModel | None:
        if not path:
            return None
        try:
            return TrainedModel.load(path)
        except FileNotFoundError as error:
            raise CommandError(f"There is no model file at {path}.") from error
        except (ValueError, KeyError) as error:
            raise CommandError(f"{path} is not a model this version can use: {error}") from error

    def _trained(
        self,
        frame: pd.DataFrame,
        model: TrainedModel | None,
        engine: str,
        progress: ProgressBar,
        options: dict[str, Any],
        *,
        cleaned: bool = False,
    ) -> TrainedModel:
        if model is not None:
            return model
        trained = train(frame, engine=engine, progress=progress, cleaned=cleaned)
        if options["save_model"]:
            path = trained.save()
            self.stderr.write(f"Saved model {trained.version} to {path}.")
        return trained

    def _link(
        self,
        *,
        left_path: str,
        right_path: str,
        out: Path,
        threshold: float,
        engine: str,
        model: TrainedModel | None,
        progress: ProgressBar,
        options: dict[str, Any],
    ) -> str:
        left = read_records(left_path)
        right = read_records(right_path)
        progress("Cleaning", 0.5)
        both = pd.concat(  # one model for both files, trained on their union
            [
                left.assign(record_id="left:" + left["record_id"]),
                right.assign(record_id="right:" + right["record_id"]),
            ],
            ignore_index=True,
        )
        model = self._trained(both, model, engine, progress, options)
        pairs = predict_pairs(
            left, right, model=model, threshold=threshold, engine=engine, progress=progress
        )
        pairs[["left_id", "right_id", "match_probability"]].to_csv(
            out, index=False, float_format="%.6f"
        )
        return (
            f"Linked {len(left):,} and {len(right):,} records: {len(pairs):,} pairs at or "
            f"above {threshold:g}"
        )

    def _dedupe(
        self,
        *,
        path: str,
        out: Path,
        threshold: float,
        engine: str,
        model: TrainedModel | None,
        progress: ProgressBar,
        options: dict[str, Any],
    ) -> str:
        progress("Cleaning", 0.0)
        # The input frame is let go once cleaned: only the cleaned records are linked.
        records = prepare_records(read_records(path))
        if model is None and options["save_model"]:
            model = self._trained(records, None, engine, progress, options, cleaned=True)
        clusters = dedupe(
            records,
            model=model,
            threshold=threshold,
            engine=engine,
            progress=progress,
            cleaned=True,
        )
        clusters.to_csv(out, index=False)
        people = clusters["cluster_id"].nunique()
        return (
            f"Found {people:,} people in {len(clusters):,} records "
            f"({len(clusters) - people:,} duplicates at or above {threshold:g})"
        )
