"""Distance to closest record, 100,000 x 100,000 rows: synthdata's blocked torch DCR, and SDMetrics' as a reference.

The reference rows are Adult rows drawn with replacement, numbers jittered so few are
exact copies: 6 numeric and 9 categorical columns, as in the report. Two query tables:
"jittered" rows drawn the same way (a good generator: nearly every query has a
reference row with the same categories, so the exact search stays among those), and
"shuffled" rows whose every column is drawn independently (a poor generator: most
category combinations never occur in the reference, so most queries are compared with
every reference row, the worst case). The target is 100,000 x 100,000 in under 60 s on
a 2-core CPU. Wall time on a shared machine depends on what else runs (the load average
is recorded), so each case is also run on one thread and its CPU time recorded, which
the load barely moves. SDMetrics' calculate_dcr (a pandas cross join per block) is far too slow
for that size, so both are timed in the same run on a smaller square
(`--reference-rows`, shuffled queries), which gives the speed ratio and checks that the
two agree. Results go to benchmarks/results/dcr_speed.json with the machine described.

    .venv/bin/python benchmarks/dcr_speed.py [--rows 100000] [--reference-rows 2000] [--device auto]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

import synthdata
from synthdata import Schema
from synthdata.device import resolve_device
from synthdata.evaluate.distance import distance_to_closest_record
from synthdata.evaluate.kinds import evaluated_columns, metric_kinds, prepare_table

REPO = Path(__file__).resolve().parents[1]
ADULT = REPO.parent / "shared" / "data" / "adult.csv"
RESULTS = REPO / "benchmarks" / "results" / "dcr_speed.json"
TARGET_SECONDS = 60.0


def jittered_rows(adult: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """`rows` Adult rows drawn with replacement, each number moved by up to 2% of its spread."""
    table = adult.iloc[rng.integers(0, len(adult), rows)].reset_index(drop=True)
    for name in table.select_dtypes("number"):
        table[name] = table[name] + rng.normal(0, 0.02 * table[name].std(), rows)
    return table


def shuffled_rows(adult: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    """Jittered rows whose columns are then shuffled independently of each other."""
    table = jittered_rows(adult, rows, rng)
    return table.apply(lambda column: rng.permutation(column.to_numpy()))


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo")
    cpu = (
        next(
            (line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line),
            platform.processor(),
        )
        if cpuinfo.exists()
        else platform.processor()
    )
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "load_average_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "synthdata": synthdata.__version__,
        "platform": platform.platform(),
    }


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def single_thread_cpu_seconds(function, *args, **kwargs) -> float:
    """CPU seconds of a one-thread run: unlike wall time, it hardly moves when other processes share the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        start = time.process_time()
        function(*args, **kwargs)
        return time.process_time() - start
    finally:
        torch.set_num_threads(threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reference-rows", type=int, default=2_000)
    parser.add_argument("--device", default="auto")
    arguments = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from sdmetrics.single_table.privacy.dcr_utils import calculate_dcr

    adult = pd.read_csv(ADULT)
    columns = evaluated_columns(adult, Schema.infer(adult))
    kinds = metric_kinds(columns)
    rng = np.random.default_rng(0)
    reference = jittered_rows(adult, arguments.rows, rng)
    query_tables = {
        "jittered": jittered_rows(adult, arguments.rows, rng),
        "shuffled": shuffled_rows(adult, arguments.rows, rng),
    }
    device = resolve_device(arguments.device)
    prepared_reference = prepare_table(reference, columns, role="real")
    prepared = {name: prepare_table(table, columns, role="synthetic") for name, table in query_tables.items()}

    full = {}
    for name, queries in prepared.items():
        dcr, seconds = timed(distance_to_closest_record, queries, prepared_reference, kinds, device=device)
        cpu_seconds = single_thread_cpu_seconds(
            distance_to_closest_record, queries, prepared_reference, kinds, device=device
        )
        full[name] = {
            "query_rows": arguments.rows,
            "reference_rows": arguments.rows,
            "seconds": round(seconds, 2),
            "one_thread_cpu_seconds": round(cpu_seconds, 2),
            "meets_target": seconds < TARGET_SECONDS,
            "share_of_queries_compared_with_every_row": float(np.mean(dcr * len(kinds) >= 1 - 1e-4)),
            "median_dcr": float(np.median(dcr)),
        }

    small = arguments.reference_rows
    queries = query_tables["shuffled"].iloc[:small]
    ours_small, ours_small_seconds = timed(
        distance_to_closest_record,
        prepared["shuffled"].iloc[:small],
        prepared_reference.iloc[:small],
        kinds,
        device=device,
    )
    metadata = {"columns": {name: {"sdtype": kind} for name, kind in kinds.items()}}
    theirs_small, theirs_small_seconds = timed(
        calculate_dcr, queries[list(kinds)], reference.iloc[:small][list(kinds)], metadata
    )
    results = {
        "benchmark": "distance to closest record",
        "columns": {kind: sum(value == kind for value in kinds.values()) for kind in sorted(set(kinds.values()))},
        "device": str(device),
        "target_seconds": TARGET_SECONDS,
        "machine": machine(),
        "full": full,
        "against_sdmetrics": {
            "rows_each": small,
            "queries": "shuffled",
            "synthdata_seconds": round(ours_small_seconds, 3),
            "sdmetrics_seconds": round(theirs_small_seconds, 2),
            "speedup": round(theirs_small_seconds / ours_small_seconds, 1),
            "max_abs_difference": float(np.abs(ours_small - theirs_small.to_numpy()).max()),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
