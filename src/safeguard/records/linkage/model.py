"""The probabilistic record-linkage model (Splink, Fellegi-Sunter) and the family rule.

Records are compared field by field (names, date of birth, postcode, address, sex, NHS
number); each level of agreement carries a match weight learnt from the data by
expectation-maximisation, with the chance that two random records agree estimated by
random sampling. On top of the weights sits one rule that no weight can overcome,
because families are not people:

    Two records can be linked only when their given names agree (the same, a known
    nickname, a close spelling or the same sound) and their dates of birth do not
    disagree, or when their NHS numbers are the same.

Siblings share a surname, an address and a postcode, and twins a date of birth too, so
everything they share says "same person" while only the given name says otherwise. A pair
the rule stops keeps its weight for explanation, but its probability is capped at
:data:`FAMILY_RULE_CAP`, far below any threshold.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import jellyfish
import numpy as np
import pandas as pd

from safeguard.records.linkage.cleaning import ARRAY_COLUMNS, clean_records

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")

#: The probability given to a pair the family rule stops, whatever its weights say.
FAMILY_RULE_CAP = 0.001
#: Bumped whenever the comparisons change, so an old model is never applied to new levels.
SETTINGS_VERSION = 5
#: Above this many records the looser blocking rules are left out (they grow quadratically).
LARGE_INPUT_ROWS = 100_000
#: Larger inputs are trained on a random sample of this many records.
TRAINING_SAMPLE_ROWS = 300_000
_TRAINING_SEED = 42
#: Smallest m and u probabilities a trained model keeps (see ``_sane_probability``).
M_FLOOR = 0.01
U_FLOOR = 1e-5
#: Comparison vector values of the top levels ("the same") of two comparisons.
_GIVEN_SAME = 7
_GIVEN_NICKNAME = 6
#: The given-name level "given and family names swapped" (one above "different").
_GIVEN_SWAPPED = 1
_NHS_SLIP = 1  # the same NHS number is 2; one slip apart (unvalidated identifiers only) 1
#: The date-of-birth level "two digits different": siblings born a year or so apart
#: (2006-09-27 and 2007-09-17), so it counts as a disagreement unless the given names are
#: exactly the same.
_DOB_TWO_DIGITS = 1
#: The postcode level "a previous postcode of one is the other's postcode" (the same is 5).
_POSTCODE_PREVIOUS = 4
#: The comparisons, besides the given name, on which a rival must agree at least as well
#: for a link to be ambiguous (see ``_stop_ambiguous_links``).
_CONTEXT_COMPARISONS: tuple[str, ...] = (
    "family_name",
    "date_of_birth",
    "postcode",
    "address",
    "sex",
    "nhs_number",
)
#: A record that links to two records the family rule keeps apart keeps only its best link,
#: and only when that link is at least this much stronger (bits of match weight).
CONFLICT_MARGIN = 5.0
#: At most this many of a record's best links are checked against each other.
CONFLICT_PARTNERS = 5
#: Columns whose exact agreement is weighed by how common the value is (term frequency).
TERM_FREQUENCY_COLUMNS: tuple[str, ...] = ("given_name", "family_name", "postcode")
#: A model keeps at most this many of each column's most common values (the rest count
#: as average: no adjustment).
TERM_FREQUENCY_KEPT = 3000
#: Inputs of at least this many records weigh values by their frequency in the input
#: itself; smaller inputs (one import, one pair) use the frequencies the model learnt.
TERM_FREQUENCY_FROM_INPUT_ROWS = 20_000

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]


def _no_progress(stage: str, fraction: float) -> None:
    """Report nothing (the default when nobody watches)."""


# --------------------------------------------------------------------------------------
# Settings: comparisons and blocking rules
# --------------------------------------------------------------------------------------


def _names_swapped_sql(dialect: str) -> str:
    """Given and family names written the wrong way round, allowing a slip in either."""
    jaro_winkler = "jaro_winkler" if dialect == "spark" else "jaro_winkler_similarity"

    forward = " OR ".join(
        f"{jaro_winkler}(given_name_l, family_name{part}_r) >= 0.9"
        for part in ("", "_first", "_last")
    )
    backward = " OR ".join(
        f"{jaro_winkler}(family_name{part}_l, given_name_r) >= 0.9"
        for part in ("", "_first", "_last")
    )
    return f"({forward}) AND ({backward})"


def _comparisons(dialect: str = "duckdb") -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    given = cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True).configure(
                label_for_charts="The same given name"
            ),
            cll.ArrayIntersectLevel("given_name_nicknames").configure(
                label_for_charts="Nicknames of the same name (Bill and William), or a known other name"
            ),
            cll.JaroWinklerLevel("given_name", 0.92).configure(
                label_for_charts="Given names spelt nearly the same"
            ),
            cll.And(
                cll.LevenshteinLevel("given_name", 1),
                cll.CustomLevel("length(given_name_l) >= 5"),
            ).configure(label_for_charts="Given names one letter different"),
            cll.And(
                cll.DamerauLevenshteinLevel("given_name", 1),
                cll.Not(cll.LevenshteinLevel("given_name", 1)),
                cll.CustomLevel("length(given_name_l) >= 4"),
            ).configure(label_for_charts="Two neighbouring letters swapped (Noah and Onah)"),
            cll.And(
                cll.ExactMatchLevel("given_name_metaphone"),
                cll.JaroWinklerLevel("given_name", 0.8),
            ).configure(label_for_charts="Given names that sound the same"),
            cll.CustomLevel(
                _names_swapped_sql(dialect), label_for_charts="Given and family names swapped"
            ),
            cll.ElseLevel().configure(label_for_charts="Different given names"),
        ],
    )
    family = cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True).configure(
                label_for_charts="The same family name"
            ),
            cll.JaroWinklerLevel("family_name", 0.92).configure(
                label_for_charts="Family names spelt nearly the same"
            ),
            cll.CustomLevel(
                "family_name_first_l = family_name_first_r"
                " OR family_name_last_l = family_name_last_r"
                " OR family_name_first_l = family_name_last_r"
                " OR family_name_last_l = family_name_first_r",
                label_for_charts="One part of a double-barrelled family name the same",
            ),
            cll.ExactMatchLevel("family_name_metaphone").configure(
                label_for_charts="Family names that sound the same"
            ),
            cll.JaroWinklerLevel("family_name", 0.8).configure(
                label_for_charts="Family names alike"
            ),
            cll.ElseLevel().configure(label_for_charts="Different family names"),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description="Date of birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth").configure(
                label_for_charts="The same date of birth"
            ),
            cll.CustomLevel(
                "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4)"
                " AND substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2)"
                " AND substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)",
                label_for_charts="Day and month swapped",
            ),
            cll.LevenshteinLevel("date_of_birth", 1).configure(
                label_for_charts="One digit different"
            ),
            cll.And(
                cll.DamerauLevenshteinLevel("date_of_birth", 1),
                cll.Not(cll.LevenshteinLevel("date_of_birth", 1)),
            ).configure(label_for_charts="Two neighbouring digits swapped (2012 and 2021)"),
            cll.CustomLevel(
                "substr(date_of_birth_l, 6, 5) = substr(date_of_birth_r, 6, 5)"
                " AND abs(cast(substr(date_of_birth_l, 1, 4) AS INTEGER)"
                " - cast(substr(date_of_birth_r, 1, 4) AS INTEGER)) = 1",
                label_for_charts="One year out",
            ),
            cll.LevenshteinLevel("date_of_birth", 2).configure(
                label_for_charts="Two digits different"
            ),
            cll.ElseLevel().configure(label_for_charts="Different dates of birth"),
        ],
    )
    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True).configure(
                label_for_charts="The same postcode"
            ),
            cll.ArrayIntersectLevel("postcodes", 1).configure(
                label_for_charts="A previous postcode of one is the other's postcode"
            ),
            cll.ExactMatchLevel("postcode_sector").configure(
                label_for_charts="The same postcode sector"
            ),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="The same postcode district"
            ),
            # Most moves are short: 68% stay within the postcode area (docs/linkage.md).
            cll.ExactMatchLevel("postcode_area").configure(
                label_for_charts="The same postcode area"
            ),
            cll.ElseLevel().configure(label_for_charts="Different postcodes"),
        ],
    )
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="Address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(label_for_charts="The same address"),
            cll.JaroWinklerLevel("address", 0.9).configure(
                label_for_charts="Addresses nearly the same"
            ),
            cll.ElseLevel().configure(label_for_charts="Different addresses"),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_description="Sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="The same sex"),
            cll.ElseLevel().configure(label_for_charts="Different sex"),
        ],
    )
    nhs = cl.CustomComparison(
        output_column_name="nhs_number",
        comparison_description="NHS number",
        comparison_levels=[
            cll.NullLevel("nhs_number"),
            cll.ExactMatchLevel("nhs_number").configure(label_for_charts="The same NHS number"),
            cll.DamerauLevenshteinLevel("nhs_number", 1).configure(
                label_for_charts="Identifiers one slip apart (possible only when not validated)"
            ),
            cll.ElseLevel().configure(label_for_charts="Different NHS numbers"),
        ],
    )
    return [given, family, dob, postcode, address, sex, nhs]


def _blocking_rules(rows: int) -> list[Any]:
    from splink import block_on

    rules = [
        block_on("nhs_number"),
        block_on("date_of_birth", "family_name_metaphone"),
        block_on("given_name_nickname_key", "date_of_birth"),
        block_on("given_name_metaphone", "family_name_metaphone", "birth_year"),
        block_on("postcode", "given_name_metaphone"),
    ]
    # A child who moved, with a slip in the given name and the year of birth out by one,
    # shares only the sound of the family name, the birthday and the first letter.
    rules.append(block_on("family_name_metaphone", "birth_month_day", "given_name_initial"))
    # One household, slips in both names: the postcode and the date of birth or surname.
    rules.append(block_on("postcode", "date_of_birth"))
    rules.append(block_on("postcode", "family_name_metaphone"))
    # A child who moved, with no NHS number, and slips in the names: the date of birth
    # and the new postcode district (most moves are short), the given name's sound, or
    # one part of a double-barrelled family name.
    rules.append(block_on("date_of_birth", "postcode_district"))
    rules.append(block_on("given_name_metaphone", "date_of_birth"))
    rules.append(block_on("date_of_birth", "family_name_first"))
    if rows <= LARGE_INPUT_ROWS:
        rules += [
            block_on("date_of_birth"),
            block_on("given_name_metaphone", "family_name_metaphone"),
            block_on("address"),
        ]
    return rules


def _settings_creator(link_type: Any, rows: int, dialect: str = "duckdb") -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        comparisons=_comparisons(dialect),
        blocking_rules_to_generate_predictions=_blocking_rules(rows),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        probability_two_random_records_match=0.0001,
        em_convergence=0.001,
        max_iterations=25,
    )


def _settings_dict(link_type: str, rows: int, dialect: str) -> dict[str, Any]:
    return _settings_creator(link_type, rows, dialect).get_settings(dialect).as_dict()


def _with_starting_m(settings: dict[str, Any]) -> dict[str, Any]:
    """Start expectation-maximisation from 'records of one person mostly agree'.

    Without a starting point the two classes are interchangeable and EM can settle on
    the wrong one (the "matches" become pairs that merely share a postcode).
    """
    for comparison in settings["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        middle = len(levels) - 2
        for position, level in enumerate(levels):
            if position == 0:
                level["m_probability"] = 0.75
            elif position == len(levels) - 1:
                level["m_probability"] = 0.05
            else:
                level["m_probability"] = 0.2 / middle
    return settings


# --------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------


def _duckdb_api() -> Any:
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    threads = max(1, os.cpu_count() or 1)
    memory = os.environ.get("SAFEGUARD_LINKAGE_MEMORY_LIMIT", "5GB")
    connection.execute(f"SET threads = {int(threads)}")
    connection.execute(f"SET memory_limit = '{memory.replace(chr(39), '')}'")
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=connection)


def _release(db_api: Any) -> None:
    """Close a DuckDB connection once its results are in pandas, freeing its memory.

    Splink's objects refer to each other in cycles, so a connection left to the garbage
    collector can outlive its work and hold its tables (the input, every candidate pair)
    while the next stage builds its own. The Spark session is shared: it stays open.
    """
    connection = getattr(db_api, "_con", None)
    if connection is not None:
        connection.close()


_SPARK_SESSION: Any = None


def spark_session() -> Any:
    """A local Spark session set up for Splink (loopback address, similarity functions).

    Started once per process: starting Spark takes seconds. Raises RuntimeError with a
    plain message when Java is not installed.
    """
    global _SPARK_SESSION  # noqa: PLW0603 - one session per process, as Spark requires
    if _SPARK_SESSION is not None:
        return _SPARK_SESSION
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RuntimeError("The Spark engine needs Java, and Java is not installed here.")
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    checkpoints = _linkage_dir() / "spark-checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("safeguard-linkage")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(checkpoints))
    _SPARK_SESSION = session
    return session


def _spark_api() -> Any:
    from splink import SparkAPI

    return SparkAPI(spark_session=spark_session(), num_partitions_on_repartition=2)


def _db_api(engine: str) -> Any:
    if engine == "duckdb":
        return _duckdb_api()
    if engine == "spark":
        return _spark_api()
    raise ValueError(f"Unknown linkage engine {engine!r}: use one of {', '.join(ENGINES)}.")


def _dialect(engine: str) -> str:
    return "spark" if engine == "spark" else "duckdb"


def _register(db_api: Any, frame: pd.DataFrame, name: str, engine: str) -> Any:
    if engine == "spark":
        from pyspark.sql import types as T  # noqa: N812 - Spark's own convention

        schema = T.StructType(
            [
                T.StructField(
                    column,
                    T.ArrayType(T.StringType()) if column in ARRAY_COLUMNS else T.StringType(),
                )
                for column in frame.columns
            ]
        )
        rows = frame.astype(object).where(frame.notna(), None)
        records = [
            tuple(list(value) if isinstance(value, list | np.ndarray) else value for value in row)
            for row in rows.itertuples(index=False, name=None)
        ]
        spark_frame = db_api.spark.createDataFrame(records, schema=schema)
        return db_api.register(spark_frame, dataset_display_name=name)
    return db_api.register(frame, dataset_display_name=name)


_PREPARED_COLUMNS = frozenset({"birth_year", "birth_month_day", "given_name_initial"})


def prepare_records(frame: pd.DataFrame, **clean_options: bool) -> pd.DataFrame:
    """Input records cleaned, with the columns the blocking rules use (for ``cleaned=True``).

    Lets a caller let go of its input frame before linkage starts.
    """
    return _prepare(frame, **clean_options)


def _prepare(frame: pd.DataFrame, *, cleaned: bool = False, **clean_options: bool) -> pd.DataFrame:
    """Cleaned records with the derived columns the blocking rules use.

    Records prepared already (``cleaned`` and with the derived columns) are returned as
    they are, not copied: a million records take hundreds of megabytes.
    """
    if cleaned and _PREPARED_COLUMNS.issubset(frame.columns):
        return frame
    records = frame if cleaned else clean_records(frame, **clean_options)
    records = records.copy()
    records["birth_year"] = records["date_of_birth"].str[:4]
    records["birth_month_day"] = records["date_of_birth"].str[5:10]
    records["given_name_initial"] = records["given_name"].str[:1]
    return records


def term_frequencies(records: pd.DataFrame, kept: int = TERM_FREQUENCY_KEPT) -> dict[str, Any]:
    """How common each value is, per column weighed by term frequency (cleaned records).

    For each of :data:`TERM_FREQUENCY_COLUMNS`, the share of the records with a value
    that have this value, for the ``kept`` most common values (Splink's "tf" tables).
    """
    tables: dict[str, Any] = {}
    for column in TERM_FREQUENCY_COLUMNS:
        values = records[column].dropna() if column in records.columns else pd.Series([])
        counts = values.value_counts()
        total = int(counts.sum())
        if not total:
            tables[column] = {}
            continue
        top = counts.head(kept)
        tables[column] = {str(value): int(count) / total for value, count in top.items()}
    return tables


def _register_term_frequencies(
    linker: Any, db_api: Any, tables: dict[str, Any], engine: str
) -> None:
    """Use the model's frequencies, not the (too small) input's, for exact agreements."""
    for column in TERM_FREQUENCY_COLUMNS:
        table = tables.get(column) or {}
        frame = pd.DataFrame(
            {column: list(table.keys()), f"tf_{column}": [float(v) for v in table.values()]},
        )
        if frame.empty:
            frame = pd.DataFrame({column: ["\x00"], f"tf_{column}": [1.0]})
        if engine == "spark":
            from pyspark.sql import types as T  # noqa: N812 - Spark's own convention

            schema = T.StructType(
                [
                    T.StructField(column, T.StringType()),
                    T.StructField(f"tf_{column}", T.DoubleType()),
                ]
            )
            spark_frame = db_api.spark.createDataFrame(
                list(frame.itertuples(index=False, name=None)), schema=schema
            )
            registered = db_api.register(spark_frame, dataset_display_name=f"tf_{column}")
        else:
            registered = db_api.register(frame, dataset_display_name=f"tf_{column}")
        linker.table_management.register_term_frequency_lookup(registered, column)


# --------------------------------------------------------------------------------------
# The trained model
# --------------------------------------------------------------------------------------


def _linkage_dir() -> Path:
    base = os.environ.get("SAFEGUARD_LINKAGE_DIR")
    if base:
        return Path(base)
    try:
        from django.conf import settings

        return Path(settings.BASE_DIR) / "var" / "linkage"
    except Exception:  # noqa: BLE001 - outside Django (the benchmark), use the working dir
        return Path("var") / "linkage"


@dataclass
class TrainedModel:
    """A trained linkage model: Splink's settings with their m and u probabilities.

    ``version`` names this model wherever a link it made is recorded, so a reviewer can
    always tell which model proposed a link. ``parameters`` holds, for each comparison
    (by output column) and each level in order, its label and m and u probabilities, so
    the model can be rebuilt for either engine.
    """

    version: str
    trained_at: str
    training_rows: int
    probability_two_random_records_match: float
    parameters: dict[str, list[dict[str, Any]]]
    settings_version: int = SETTINGS_VERSION
    notes: dict[str, Any] = field(default_factory=dict)
    #: Per column of :data:`TERM_FREQUENCY_COLUMNS`: value -> share of the training records.
    term_frequencies: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data (for a JSON field in the database)."""
        return {
            "version": self.version,
            "trained_at": self.trained_at,
            "training_rows": self.training_rows,
            "probability_two_random_records_match": self.probability_two_random_records_match,
            "parameters": self.parameters,
            "settings_version": self.settings_version,
            "notes": self.notes,
            "term_frequencies": self.term_frequencies,
        }

    def to_json(self) -> str:
        """The model as JSON text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainedModel:
        """Rebuild a model from :meth:`to_dict` output; refuses a model for other comparisons."""
        if data.get("settings_version") != SETTINGS_VERSION:
            raise ValueError(
                f"Model {data.get('version')} was trained for comparisons version "
                f"{data.get('settings_version')}, not {SETTINGS_VERSION}: train it again."
            )
        return cls(
            version=data["version"],
            trained_at=data["trained_at"],
            training_rows=int(data["training_rows"]),
            probability_two_random_records_match=float(
                data["probability_two_random_records_match"]
            ),
            parameters=data["parameters"],
            settings_version=int(data["settings_version"]),
            notes=dict(data.get("notes") or {}),
            term_frequencies=dict(data.get("term_frequencies") or {}),
        )

    @classmethod
    def from_json(cls, text: str) -> TrainedModel:
        """Rebuild a model from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    def save(self, directory: Path | None = None) -> Path:
        """Write the model to ``var/linkage/model-<version>.json`` and return the path."""
        target = directory or _linkage_dir()
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"model-{self.version}.json"
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path | str) -> TrainedModel:
        """Read a model written by :meth:`save`."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def splink_settings(self, *, link_type: str, rows: int, engine: str) -> dict[str, Any]:
        """Splink's settings for the engine, with this model's probabilities filled in."""
        settings = _settings_dict(link_type, rows, _dialect(engine))
        settings["probability_two_random_records_match"] = self.probability_two_random_records_match
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            trained = self.parameters.get(name)
            levels = [
                level for level in comparison["comparison_levels"] if not level.get("is_null_level")
            ]
            if trained is None or len(trained) != len(levels):
                raise ValueError(f"Model {self.version} does not fit the {name} comparison.")
            for level, values in zip(levels, trained, strict=True):
                level["m_probability"] = values["m_probability"]
                level["u_probability"] = values["u_probability"]
        return settings

    def match_weights(self) -> list[dict[str, Any]]:
        """Each comparison level's match weight (log2 of m/u), for a page or a report."""
        rows = []
        for name, levels in self.parameters.items():
            for level in levels:
                m, u = level["m_probability"], level["u_probability"]
                weight = math.log2(m / u) if m and u else None
                rows.append({"comparison": name, "level": level["label"], "match_weight": weight})
        return rows


def _model_from_linker(
    linker: Any, rows: int, notes: dict[str, Any], fallback: dict[str, Any]
) -> TrainedModel:
    settings = linker.misc.save_model_to_json(out_path=None)
    parameters: dict[str, list[dict[str, Any]]] = {}
    trained = {c["output_column_name"]: c for c in settings["comparisons"]}
    # A training round that fails part way (too few pairs) can leave Splink's settings
    # without the comparisons it was holding fixed: use their values from before EM.
    for before in fallback["comparisons"]:
        comparison = trained.get(before["output_column_name"], before)
        levels = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m = level.get("m_probability")
            u = level.get("u_probability")
            levels.append(
                {
                    "label": level.get("label_for_charts", ""),
                    "m_probability": _sane_probability(m, M_FLOOR),
                    "u_probability": _sane_probability(u, U_FLOOR),
                }
            )
        parameters[comparison["output_column_name"]] = levels
    prior = float(settings.get("probability_two_random_records_match") or 0.0001)
    digest = hashlib.sha256(json.dumps([prior, parameters], sort_keys=True).encode()).hexdigest()[
        :8
    ]
    now = datetime.now(tz=UTC)
    return TrainedModel(
        version=f"{now:%Y%m%d-%H%M%S}-{digest}",
        trained_at=now.isoformat(timespec="seconds"),
        training_rows=rows,
        probability_two_random_records_match=prior,
        parameters=parameters,
        notes=notes,
    )


def _sane_probability(value: Any, floor: float) -> float:
    """Keep a probability off zero: a level never seen in training is rare, not impossible.

    Without a floor one unseen level (say a changed family name among the training
    matches) would carry an infinite weight against a link that a person would make.
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return floor
    if math.isnan(number):
        return floor
    return min(max(number, floor), 1.0)


def train(
    df: pd.DataFrame,
    *,
    engine: str = "duckdb",
    cleaned: bool = False,
    progress: Progress = _no_progress,
    **clean_options: bool,
) -> TrainedModel:
    """Learn the model's match weights from a frame of (uncleaned) input records.

    u probabilities (how often two different people agree by chance) come from random
    sampling; m probabilities (how often records of the same person agree) from two
    rounds of expectation-maximisation, blocked first on date of birth and then on the
    sound of both names, so that every comparison is trained in at least one round.
    On large inputs each round samples about 1.5 million pairs.
    """
    from splink import Linker, block_on

    progress("Cleaning", 0.0)
    records = _prepare(df, cleaned=cleaned, **clean_options)
    rows = len(records)
    frequencies = term_frequencies(records)
    if rows > TRAINING_SAMPLE_ROWS:
        # Pairs of one person survive a sample of a fraction f of the records with chance
        # f squared, and so do all pairs: the prior and the m and u estimates stand.
        records = records.sample(n=TRAINING_SAMPLE_ROWS, random_state=_TRAINING_SEED)
    progress("Training", 0.1)
    db_api = _db_api(engine)
    source = _register(db_api, records, "records", engine)
    settings = _with_starting_m(_settings_dict("dedupe_only", len(records), _dialect(engine)))
    linker = Linker(source, settings, log_level=logging.ERROR)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [
                block_on("nhs_number", "date_of_birth"),
                block_on("given_name", "family_name", "date_of_birth", "postcode"),
            ],
            recall=0.7,
        )
    except Exception:  # noqa: BLE001 - too few exact pairs to estimate: keep the default
        logger.info("Kept the default prior: too few certain pairs to estimate it.")
    progress("Training", 0.3)
    max_pairs = min(2_000_000, max(100_000, len(records) * 10))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=_TRAINING_SEED)
    before_em = linker.misc.save_model_to_json(out_path=None)
    progress("Training", 0.5)
    sessions = [
        block_on("date_of_birth"),
        block_on("given_name_metaphone", "family_name_metaphone"),
    ]
    max_em_pairs = 1_500_000 if len(records) > LARGE_INPUT_ROWS else None
    for number, rule in enumerate(sessions):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=max_em_pairs
            )
        except Exception as error:  # noqa: BLE001 - an empty block trains nothing
            logger.info("Skipped a training round (%s): %s", rule, error)
        progress("Training", 0.5 + 0.5 * (number + 1) / len(sessions))
    model = _model_from_linker(linker, rows, {"engine": engine}, before_em)
    model.term_frequencies = frequencies
    _release(db_api)
    return model


# --------------------------------------------------------------------------------------
# Prediction, the family rule, clustering
# --------------------------------------------------------------------------------------


def _apply_family_rule(pairs: pd.DataFrame) -> pd.DataFrame:
    """Cap the probability of pairs whose given names or dates of birth disagree.

    Comparison vector values (gamma): -1 is a missing value, 0 the 'else' level (no
    agreement at all), higher numbers closer agreement; the top NHS level is an exact
    match. Dates of birth two digits apart disagree unless the given names are the same.
    """
    nhs_same = pairs["gamma_nhs_number"] >= _NHS_SLIP
    given_agrees = pairs["gamma_given_name"] > 0
    given_exact = pairs["gamma_given_name"] == _GIVEN_SAME
    dob_disagrees = (pairs["gamma_date_of_birth"] == 0) | (
        (pairs["gamma_date_of_birth"] == _DOB_TWO_DIGITS) & ~given_exact
    )
    sex_differs = pairs["gamma_sex"] == 0
    stopped = ~nhs_same & (~given_agrees | dob_disagrees | (sex_differs & ~given_exact))
    return _cap(pairs.assign(family_rule=False), stopped)


def _cap(pairs: pd.DataFrame, stopped: pd.Series) -> pd.DataFrame:
    """Cap the stopped pairs' probability at FAMILY_RULE_CAP and mark them."""
    stopped = stopped.astype(bool)
    capped = pairs["match_probability"].where(
        ~stopped, np.minimum(pairs["match_probability"], FAMILY_RULE_CAP)
    )
    pairs = pairs.assign(match_probability=capped, family_rule=pairs["family_rule"] | stopped)
    probability = pairs["match_probability"].clip(1e-15, 1 - 1e-15)
    pairs["match_weight"] = pairs["match_weight"].where(
        ~stopped, np.log2(probability / (1 - probability))
    )
    return pairs


def _agreement(gamma: pd.Series) -> np.ndarray:
    """A comparison level as a rank: missing above 'different', below any agreement."""
    values = gamma.to_numpy(dtype=float)
    return np.where(values > 0, values, np.where(values < 0, 0.5, 0.0))


def _both_ways(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each pair twice, once from each record: record, other, and the pair's position."""
    forward = pd.DataFrame(
        {"record": pairs["record_id_l"], "other": pairs["record_id_r"], "pair": pairs.index}
    )
    backward = pd.DataFrame(
        {"record": pairs["record_id_r"], "other": pairs["record_id_l"], "pair": pairs.index}
    )
    return pd.concat([forward, backward], ignore_index=True)


def _names_within_a_slip(pairs: pd.DataFrame) -> np.ndarray:
    """Whether each pair's given names are alike, missing, or one slip apart.

    One slip is one letter wrong, missing, added, or two neighbouring letters swapped
    (Damerau-Levenshtein distance 1): Luly is a slip of Lucy even though the levels call
    the two names different. Disy is a slip of Daisy but not of her twin Dasisha.
    """
    within = (pairs["gamma_given_name"] != 0).to_numpy()
    unlike = np.flatnonzero(~within)
    left = pairs["given_name_l"].to_numpy()[unlike]
    right = pairs["given_name_r"].to_numpy()[unlike]
    within[unlike] = [
        isinstance(a, str)
        and isinstance(b, str)
        and jellyfish.damerau_levenshtein_distance(a, b) <= 1
        for a, b in zip(left, right, strict=True)
    ]
    return within


def _stop_rivalled_links(pairs: pd.DataFrame) -> pd.DataFrame:
    """A close but not exact given name is no evidence when another child fits as well.

    A record X links to B through a given name that is only alike (a slip, the same
    sound), while the family rule keeps X apart from A, and A agrees with X at
    least as well as B on everything else (family name, date of birth, postcode,
    address, sex, NHS number): A and B look like two children of one household (twins,
    say), and X's given name may be a slip of either. Luly could be Lucy or Lily. The
    link X-B is stopped; a person decides. A is a rival only when X's given name could be
    a slip of A's (alike, missing, or one slip apart): Disy links to Daisy although her
    twin Dasisha lives at the same address.
    """
    # A nickname is no slip: a short form of one twin's name that also stands for the
    # other's agrees with both, and ``_stop_conflicting_links`` sees to that. Nor are
    # given and family names written the wrong way round: both names agree, crosswise.
    given = pairs["gamma_given_name"]
    links = ~pairs["family_rule"] & (given < _GIVEN_NICKNAME) & (given > _GIVEN_SWAPPED)
    links &= pairs["gamma_nhs_number"] < _NHS_SLIP
    # A rival lives where X lives (the same or a previous postcode, or the same address):
    # a stranger elsewhere who happens to share a family name and a birthday is none.
    at_home = (pairs["gamma_postcode"] >= _POSTCODE_PREVIOUS) | (pairs["gamma_address"] > 0)
    rivals = pairs["family_rule"] & (pairs["gamma_nhs_number"] < _NHS_SLIP) & at_home
    rivals &= _names_within_a_slip(pairs)
    if not links.any() or not rivals.any():
        return pairs
    ranks = pd.DataFrame(
        {name: _agreement(pairs[f"gamma_{name}"]) for name in _CONTEXT_COMPARISONS},
        index=pairs.index,
    )
    linked = _both_ways(pairs[links])
    rivalled = _both_ways(pairs[rivals])
    rivalled = rivalled[rivalled["record"].isin(linked["record"])]
    if rivalled.empty:
        return pairs
    joined = linked.merge(rivalled, on="record", suffixes=("", "_rival"))
    joined = joined[joined["other"] != joined["other_rival"]]
    as_good = np.ones(len(joined), dtype=bool)
    for name in _CONTEXT_COMPARISONS:
        column = ranks[name]
        as_good &= (
            column.loc[joined["pair_rival"]].to_numpy() >= column.loc[joined["pair"]].to_numpy()
        )
    stopped = pairs.index.isin(joined.loc[as_good, "pair"].unique())
    return _cap(pairs, pd.Series(stopped, index=pairs.index))


def _two_people(pairs: pd.DataFrame) -> pd.Series:
    """The pairs the family rule stops on evidence of two people, not for want of a name.

    The conflict rule keeps two partners of one record apart only for these. A given
    name missing from one says nothing either way: the pair is two people only when
    its dates of birth or its sexes say so. Given and family names written the wrong
    way round are the same given name: then a date of birth two digits out is a slip,
    as it is for the same given name. Twins (Eric and Richard), a brother and sister,
    or two children born a year apart with alike names (Lucy and Lily) stay apart.
    """
    given = pairs["gamma_given_name"]
    dates = pairs["gamma_date_of_birth"]
    no_name = (given < 0) & (dates != 0) & (dates != _DOB_TWO_DIGITS) & (pairs["gamma_sex"] != 0)
    swapped = (given == _GIVEN_SWAPPED) & (dates != 0)
    return pairs["family_rule"] & ~no_name & ~swapped


def _conflicting_partners(pairs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The groups of records that one record links to: record, other, pair, weight, nhs."""
    linked = _both_ways(pairs[~pairs["family_rule"] & (pairs["match_probability"] >= threshold)])
    if linked.empty:
        return linked.assign(weight=[])
    linked["weight"] = pairs["match_weight"].loc[linked["pair"]].to_numpy()
    linked["nhs"] = (pairs["gamma_nhs_number"].loc[linked["pair"]] >= _NHS_SLIP).to_numpy()
    linked = linked.sort_values(["record", "weight", "other"], ascending=[True, False, True])
    linked = linked[linked.groupby("record").cumcount() < CONFLICT_PARTNERS]
    several = linked.groupby("record")["other"].transform("size") > 1
    return linked[several]


def _stop_conflicting_links(
    pairs: pd.DataFrame,
    threshold: float,
    stopped_between: Callable[[pd.DataFrame], set[tuple[str, str]]],
) -> pd.DataFrame:
    """One record may not join two records the family rule keeps apart.

    Rick links to Richard and to his twin Eric (Rick is short for both), and the two
    twins are kept apart by the family rule: Rick would merge them. The links of such a
    record are stopped, except its best one when that is at least CONFLICT_MARGIN bits
    stronger than the next (the record plainly belongs there), or else the one that
    shares the record's NHS number when the other does not (the same NHS number
    overrides, as in the family rule): one link at most is kept, so the two stay apart.
    ``stopped_between(groups)`` scores the partners of each record against each other
    and returns the pairs of record ids (either order) the family rule stops as two
    people (``_two_people``).
    """
    groups = _conflicting_partners(pairs, threshold)
    if groups.empty:
        return pairs
    apart = stopped_between(groups[["record", "other"]])
    if not apart:
        return pairs
    stop: set[int] = set()
    for _, group in groups.groupby("record", sort=False):
        others = group["other"].tolist()
        weights = group["weight"].tolist()
        positions = group["pair"].tolist()
        nhs = group["nhs"].tolist()
        for first in range(len(others)):
            for second in range(first + 1, len(others)):
                if (others[first], others[second]) not in apart:
                    continue
                # Sorted by weight: ``first`` is the stronger link.
                if first == 0 and weights[0] - weights[second] >= CONFLICT_MARGIN:
                    stop.add(positions[second])
                elif nhs[first] != nhs[second]:
                    stop.add(positions[second] if nhs[first] else positions[first])
                else:
                    stop.update((positions[first], positions[second]))
    stopped = pd.Series(pairs.index.isin(sorted(stop)), index=pairs.index)
    return _cap(pairs, stopped)


_SIDE_LEFT = "l\x1e"
_SIDE_RIGHT = "r\x1e"

_PREDICTED_COLUMNS = (
    "record_id_l, record_id_r, match_probability, match_weight, given_name_l, given_name_r,"
    " gamma_given_name,"
    " gamma_family_name, gamma_date_of_birth, gamma_postcode, gamma_address, gamma_sex,"
    " gamma_nhs_number"
)


def _predict(
    linker: Any, threshold: float, progress: Progress, stage: str = "Comparing"
) -> pd.DataFrame:
    """Splink's pairs at or above ``threshold`` (before the family rule), with the levels."""
    progress(stage, 0.0)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    table = predictions.physical_name
    columns = _PREDICTED_COLUMNS
    if "source_dataset_l" in [c.unquote().name for c in predictions.columns]:
        columns = "source_dataset_l, source_dataset_r, " + columns
    db_api = linker._db_api  # noqa: SLF001 - Splink exposes no public accessor
    # The column list is fixed above and the table name is Splink's own generated
    # name for its predictions: nothing from input reaches this SQL.
    query = f"SELECT {columns} FROM {table}"  # noqa: S608  # nosec B608
    if hasattr(db_api, "_con"):
        pairs = db_api._con.sql(query).df()  # noqa: SLF001
    else:
        pairs = db_api.spark.sql(query).toPandas()
    predictions.drop_table_from_database_and_remove_from_cache()
    progress(stage, 1.0)
    pairs["record_id_l"] = pairs["record_id_l"].astype(str)
    pairs["record_id_r"] = pairs["record_id_r"].astype(str)
    return pairs.reset_index(drop=True)


def _stopped_between(
    records: pd.DataFrame, model: TrainedModel, engine: str
) -> Callable[[pd.DataFrame], set[tuple[str, str]]]:
    """Scores, for each record, its partners against each other (the family rule only).

    The answer is the pairs of partners the family rule stops as two people
    (``_two_people``).
    """

    def score(groups: pd.DataFrame) -> set[tuple[str, str]]:
        from splink import Linker

        by_id = records.set_index(records["record_id"].astype(str))
        members = by_id.loc[groups["other"].to_numpy()].reset_index(drop=True)
        members["conflict_group"] = groups["record"].to_numpy()
        members["record_id"] = [
            f"{group}\x1f{other}"
            for group, other in zip(groups["record"], groups["other"], strict=True)
        ]
        settings = model.splink_settings(link_type="dedupe_only", rows=len(members), engine=engine)
        settings["blocking_rules_to_generate_predictions"] = [
            {
                "blocking_rule": "l.conflict_group = r.conflict_group",
                "sql_dialect": _dialect(engine),
            }
        ]
        db_api = _db_api(engine)
        linker = Linker(
            _register(db_api, members, "records_partners", engine),
            settings,
            log_level=logging.ERROR,
        )
        if model.term_frequencies:
            _register_term_frequencies(linker, db_api, model.term_frequencies, engine)
        scored = _apply_family_rule(_predict(linker, 0.0, _no_progress, "Checking"))
        _release(db_api)
        scored = scored[_two_people(scored)]
        apart: set[tuple[str, str]] = set()
        for left, right in zip(scored["record_id_l"], scored["record_id_r"], strict=True):
            first, second = left.split("\x1f", 1)[1], right.split("\x1f", 1)[1]
            apart.update({(first, second), (second, first)})
        return apart

    return score


def predict_pairs(
    left_df: pd.DataFrame,
    right_df: pd.DataFrame | None = None,
    *,
    model: TrainedModel,
    threshold: float = 0.5,
    engine: str = "duckdb",
    progress: Progress = _no_progress,
    cleaned: bool = False,
    **clean_options: bool,
) -> pd.DataFrame:
    """Scored pairs at or above ``threshold``: left_id, right_id, match_probability, match_weight.

    With ``right_df``, pairs link a left record to a right record (left_id from
    ``left_df``); without it, pairs are duplicates within ``left_df``. The family rule
    has already been applied. Sorted by probability, highest first.
    """
    from splink import Linker

    progress("Cleaning", 0.0)
    left = _prepare(left_df, cleaned=cleaned, **clean_options)
    right = _prepare(right_df, cleaned=cleaned, **clean_options) if right_df is not None else None
    rows = len(left) + (len(right) if right is not None else 0)
    progress("Cleaning", 1.0)
    db_api = _db_api(engine)
    if right is None:
        settings = model.splink_settings(link_type="dedupe_only", rows=rows, engine=engine)
        linker = Linker(
            _register(db_api, left, "records_left", engine), settings, log_level=logging.ERROR
        )
    else:
        settings = model.splink_settings(link_type="link_only", rows=rows, engine=engine)
        linker = Linker(
            [
                _register(db_api, left, "records_left", engine),
                _register(db_api, right, "records_right", engine),
            ],
            settings,
            log_level=logging.ERROR,
        )
    if rows < TERM_FREQUENCY_FROM_INPUT_ROWS and model.term_frequencies:
        _register_term_frequencies(linker, db_api, model.term_frequencies, engine)
    pairs = _predict(linker, threshold, progress)
    _release(db_api)
    del linker
    if right is not None and "source_dataset_l" in pairs.columns:
        flipped = pairs["source_dataset_l"] != "records_left"
        left_ids = pairs["record_id_l"].where(~flipped, pairs["record_id_r"])
        right_ids = pairs["record_id_r"].where(~flipped, pairs["record_id_l"])
        pairs = pairs.assign(record_id_l=left_ids, record_id_r=right_ids)
    if right is None:
        everyone = left
    else:
        # Left and right may use the same record ids: tell them apart while checking.
        everyone = pd.concat(
            [
                left.assign(record_id=_SIDE_LEFT + left["record_id"].astype(str)),
                right.assign(record_id=_SIDE_RIGHT + right["record_id"].astype(str)),
            ],
            ignore_index=True,
        )
        pairs = pairs.assign(
            record_id_l=_SIDE_LEFT + pairs["record_id_l"],
            record_id_r=_SIDE_RIGHT + pairs["record_id_r"],
        )
    pairs = _apply_family_rule(pairs)
    pairs = _stop_rivalled_links(pairs)
    pairs = _stop_conflicting_links(pairs, threshold, _stopped_between(everyone, model, engine))
    pairs = pairs[pairs["match_probability"] >= threshold]
    if right is not None:
        pairs = pairs.assign(
            record_id_l=pairs["record_id_l"].str.slice(len(_SIDE_LEFT)),
            record_id_r=pairs["record_id_r"].str.slice(len(_SIDE_RIGHT)),
        )
    result = pd.DataFrame(
        {
            "left_id": pairs["record_id_l"].astype(str),
            "right_id": pairs["record_id_r"].astype(str),
            "match_probability": pairs["match_probability"].astype(float),
            "match_weight": pairs["match_weight"].astype(float),
        }
    )
    return result.sort_values(
        ["match_probability", "left_id", "right_id"], ascending=[False, True, True]
    ).reset_index(drop=True)


def clusters_from_pairs(record_ids: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """record_id and cluster_id for every record: connected components of the pairs.

    A cluster is named after its smallest record id, so the answer does not depend on
    the order of the input.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ids = pd.Index(record_ids.astype(str).unique())
    left = ids.get_indexer(pairs["left_id"].astype(str))
    right = ids.get_indexer(pairs["right_id"].astype(str))
    keep = (left >= 0) & (right >= 0)
    size = len(ids)
    graph = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (left[keep], right[keep])), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    values = ids.to_numpy(dtype=object)
    order = np.argsort(values.astype(str), kind="stable")
    rank = np.empty(size, dtype=np.int64)
    rank[order] = np.arange(size)
    smallest = pd.Series(rank).groupby(labels).transform("min").to_numpy()
    return pd.DataFrame({"record_id": values, "cluster_id": values[order][smallest]})


def dedupe(
    df: pd.DataFrame,
    *,
    model: TrainedModel | None = None,
    threshold: float = 0.9,
    engine: str = "duckdb",
    progress: Progress = _no_progress,
    cleaned: bool = False,
    **clean_options: bool,
) -> pd.DataFrame:
    """record_id and cluster_id for every input record; records of one person share a cluster.

    Without a model, one is trained on ``df`` first (:func:`train`). Pairs at or above
    ``threshold`` (after the family rule) join their records' clusters. ``cleaned``
    records come from :func:`prepare_records`.
    """
    progress("Cleaning", 0.0)
    records = _prepare(df, cleaned=cleaned, **clean_options)
    progress("Cleaning", 1.0)
    if model is None:
        model = train(records, engine=engine, cleaned=True, progress=progress)
    pairs = predict_pairs(
        records, model=model, threshold=threshold, engine=engine, cleaned=True, progress=progress
    )
    progress("Clustering", 0.0)
    clusters = clusters_from_pairs(records["record_id"], pairs)
    progress("Clustering", 1.0)
    return clusters


# --------------------------------------------------------------------------------------
# Explaining one pair
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonWeight:
    """One comparison's part in a decision: its level and the weight that level carries."""

    name: str
    label: str
    match_weight: float
    value_left: str | None
    value_right: str | None


@dataclass
class PairExplanation:
    """Why two records were (or were not) linked: the per-comparison weights and the total.

    Iterating gives the :class:`ComparisonWeight` rows. ``chart`` is Splink's waterfall
    chart as a Vega-Lite specification (data included); ``family_rule`` says whether the
    rule that families are not people stopped the pair.
    """

    rows: list[ComparisonWeight]
    prior_match_weight: float
    match_weight: float
    match_probability: float
    family_rule: bool
    chart: dict[str, Any]

    def __iter__(self) -> Iterator[ComparisonWeight]:
        """The per-comparison rows, in the model's order."""
        return iter(self.rows)

    def __len__(self) -> int:
        """How many comparisons there are."""
        return len(self.rows)


def explain_pair(
    model: TrainedModel, record_a: dict[str, Any], record_b: dict[str, Any]
) -> PairExplanation:
    """Score two input records with the model and show each comparison's weight.

    The records are dicts with the input columns (as in the CLI's CSV); both are cleaned
    first, as in linkage. Runs on DuckDB in memory, in well under a second.
    """
    from splink import Linker

    frame = pd.DataFrame([{"record_id": "a", **record_a}, {"record_id": "b", **record_b}])
    frame["record_id"] = ["a", "b"]
    records = _prepare(frame)
    settings = model.splink_settings(link_type="dedupe_only", rows=2, engine="duckdb")
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = True
    db_api = _duckdb_api()
    linker = Linker(
        _register(db_api, records, "records_pair", "duckdb"), settings, log_level=logging.ERROR
    )
    if model.term_frequencies:
        _register_term_frequencies(linker, db_api, model.term_frequencies, "duckdb")
    rows = records.astype(object).where(records.notna(), None).to_dict("records")
    for row in rows:
        for column in ARRAY_COLUMNS:
            if isinstance(row.get(column), np.ndarray):
                row[column] = list(row[column])
    scored = linker.inference.score_pair(rows[0], rows[1]).as_record_list()[0]
    chart = linker.visualisations.waterfall_chart([scored], filter_nulls=False).chart_dict

    levels_by_comparison = {}
    for comparison in settings["comparisons"]:
        levels_by_comparison[comparison["output_column_name"]] = comparison["comparison_levels"]
    weights = []
    for name, levels in levels_by_comparison.items():
        gamma = int(scored[f"gamma_{name}"])
        non_null = [level for level in levels if not level.get("is_null_level")]
        if gamma == -1:
            label = "Missing on one or both records"
        else:
            label = non_null[len(non_null) - 1 - gamma].get("label_for_charts", "")
        weight = _match_weight_of(scored, name)
        weights.append(
            ComparisonWeight(
                name=name,
                label=label,
                match_weight=weight,
                value_left=_display(scored.get(f"{name}_l")),
                value_right=_display(scored.get(f"{name}_r")),
            )
        )
    guarded = _apply_family_rule(
        pd.DataFrame(
            [
                {
                    "match_probability": float(scored["match_probability"]),
                    "match_weight": float(scored["match_weight"]),
                    **{f"gamma_{n}": int(scored[f"gamma_{n}"]) for n in levels_by_comparison},
                }
            ]
        )
    ).iloc[0]
    prior = model.probability_two_random_records_match
    return PairExplanation(
        rows=weights,
        prior_match_weight=math.log2(prior / (1 - prior)),
        match_weight=float(guarded["match_weight"]),
        match_probability=float(guarded["match_probability"]),
        family_rule=bool(guarded["family_rule"]),
        chart=chart,
    )


def _match_weight_of(scored: dict[str, Any], name: str) -> float:
    """A comparison's match weight from a scored pair (Splink 5 'mw_', older 'bf_')."""
    if scored.get(f"mw_{name}") is not None:
        adjustment = scored.get(f"mw_tf_adj_{name}")
        return float(scored[f"mw_{name}"]) + (float(adjustment) if adjustment is not None else 0.0)
    bayes_factor = scored.get(f"bf_{name}")
    if bayes_factor is None:
        return 0.0
    return math.log2(float(bayes_factor)) if float(bayes_factor) > 0 else float("-inf")


def _display(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)
