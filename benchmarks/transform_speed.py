"""Preprocessing speed: synthdata's DataTransformer against ctgan's, fit + transform, at a million rows.

    .venv/bin/python benchmarks/transform_speed.py [--rows 1000000] [--ctgan-rows 100000]

Two tables, each timed for both transformers in the same run:
- "numeric": `--rows` rows x 10 numeric columns drawn from mixtures, some with point
  masses (a column that is 90% zeros, one with a -1 sentinel, one with two spikes),
  long tails and heavy tails; the target is synthdata under 20 s at 1,000,000 rows;
- "adult": adult.csv resampled with replacement to `--rows` rows (6 numeric and 9
  categorical columns); the target is synthdata >= 50x faster than ctgan.
synthdata transforms all `--rows` rows. ctgan fits a Bayesian mixture to every value of
each numeric column and picks each value's mode in a per-row loop, minutes per column
at a million rows, so it is timed on the first `--ctgan-rows` rows and on half as many,
and its time at `--rows` is read off the line through those two points (a fixed cost
plus a cost per row; marked "extrapolated"); give `--ctgan-rows` equal to `--rows` to
time it on all of them. Both are timed as the speed comparison's children
time them (systems.py): synthdata's on the modelled columns of Schema.infer, ctgan's on
the same columns with the categorical ones named discrete. ctgan's transform runs its
columns in parallel worker processes (joblib), synthdata's in this one. Results go to
benchmarks/results/<date>-<machine>-transform-speed.json and .md.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from systems import CtganSystem, SynthdataSystem

from synthdata import Schema, read_table

ADULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "adult.csv"
NUMERIC_TARGET_SECONDS = 20.0
ADULT_TARGET_RATIO = 50.0
_WARM_UP_ROWS = 1_000


def numeric_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """Ten numeric columns of the shapes real tables have: several modes, spikes, long and heavy tails."""
    rng = np.random.default_rng(seed)

    def mixture(means: list[float], scales: list[float], weights: list[float]) -> np.ndarray:
        component = rng.choice(len(means), size=rows, p=weights)
        return rng.normal(np.asarray(means)[component], np.asarray(scales)[component])

    zeros_then_tail = np.where(rng.random(rows) < 0.9, 0.0, rng.lognormal(8, 1.2, rows))
    sentinel = np.where(rng.random(rows) < 0.05, -1.0, rng.normal(50, 12, rows))
    spikes = rng.choice([0.0, 100.0, np.nan], size=rows, p=[0.3, 0.1, 0.6])
    spikes = np.where(np.isnan(spikes), rng.normal(40, 15, rows), spikes)
    return pd.DataFrame(
        {
            "bimodal": mixture([-3, 4], [1, 1.5], [0.4, 0.6]),
            "three_modes": mixture([0, 10, 30], [2, 1, 5], [0.5, 0.3, 0.2]),
            "lognormal": rng.lognormal(3, 1, rows),
            "zeros_then_tail": zeros_then_tail,
            "uniform": rng.uniform(-100, 100, rows),
            "sentinel": sentinel,
            "counts": rng.poisson(300, rows).astype(float) + rng.random(rows),
            "exponential": rng.exponential(2_000, rows),
            "two_spikes": spikes,
            "heavy_tail": rng.standard_t(2, rows) * 10,
        }
    )


def adult_table(rows: int, seed: int = 0) -> pd.DataFrame:
    adult = read_table(ADULT)
    positions = np.random.default_rng(seed).integers(0, len(adult), rows)
    return adult.iloc[positions].reset_index(drop=True)


def measure(name: str, table: pd.DataFrame, ctgan_rows: int) -> dict:
    """Both transformers on one table: synthdata on all rows, ctgan on `ctgan_rows` (and half as many)."""
    schema = Schema.infer(table)
    settings = {"schema": schema, "device": "cpu", "seed": 0}
    synthdata, ctgan = SynthdataSystem({}, **settings), CtganSystem({}, **settings)
    # First calls pay for imports and ctgan's worker processes; warm both up on a few rows.
    synthdata.time_transformer(table.iloc[:_WARM_UP_ROWS])
    ctgan.time_transformer(table.iloc[:_WARM_UP_ROWS])
    print(f"{name}: synthdata on {len(table):,} rows", flush=True)
    synthdata_seconds = synthdata.time_transformer(table)
    ctgan_rows = min(ctgan_rows, len(table))
    timed = {}
    for rows in (ctgan_rows // 2, ctgan_rows):
        print(f"{name}: ctgan on {rows:,} rows", flush=True)
        timed[rows] = ctgan.time_transformer(table.iloc[:rows])
    ctgan_seconds = extrapolate(timed, len(table))
    return {
        "rows": len(table),
        "columns": {column.name: column.type for column in schema.columns.values()},
        "synthdata_seconds": synthdata_seconds,
        "ctgan_seconds_measured": {str(rows): seconds for rows, seconds in timed.items()},
        "ctgan_seconds": ctgan_seconds,
        "ctgan_extrapolated": ctgan_rows < len(table),
        "ratio_ctgan_over_synthdata": ctgan_seconds / synthdata_seconds,
    }


def extrapolate(timed: dict[int, float], rows: int) -> float:
    """ctgan's seconds at `rows`: the line through its two timings (a fixed cost plus a cost per row).

    Never below the longer of the two timings, in case noise tilts the line down.
    """
    (small, small_seconds), (large, large_seconds) = sorted(timed.items())
    if rows <= large:
        return large_seconds
    per_row = (large_seconds - small_seconds) / (large - small)
    return max(large_seconds + per_row * (rows - large), large_seconds)


def markdown(results: dict) -> str:
    header = ["table", "rows", "synthdata s", "ctgan s", "ctgan / synthdata", "target", "met"]
    rows = []
    for name, result in results["tables"].items():
        if name == "numeric":
            target, met = (
                f"synthdata < {NUMERIC_TARGET_SECONDS:g} s",
                result["synthdata_seconds"] < NUMERIC_TARGET_SECONDS,
            )
        else:
            target, met = f">= {ADULT_TARGET_RATIO:g}x", result["ratio_ctgan_over_synthdata"] >= ADULT_TARGET_RATIO
        ctgan = number(result["ctgan_seconds"], 1)
        if result["ctgan_extrapolated"]:
            measured = ", ".join(f"{number(s, 1)} s on {int(r):,}" for r, s in result["ctgan_seconds_measured"].items())
            ctgan += f" (extrapolated from {measured} rows)"
        rows.append(
            [
                name,
                f"{result['rows']:,}",
                number(result["synthdata_seconds"], 2),
                ctgan,
                number(result["ratio_ctgan_over_synthdata"], 1),
                target,
                "yes" if met else "NO",
            ]
        )
    return "\n\n".join(
        [
            "# DataTransformer fit + transform: synthdata and ctgan",
            machine_markdown(results["machine"]),
            markdown_table(header, rows),
            "ctgan's time grows linearly with rows (a mixture fitted to every value, a per-row loop "
            "to pick modes); an extrapolated figure follows the line through its two timings (a "
            "fixed cost plus a cost per row). Both transformers were warmed up on 1,000 rows first.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ctgan-rows", type=int, default=100_000, help="rows ctgan is timed on (then extrapolated)")
    arguments = parser.parse_args()
    warnings.simplefilter("ignore", FutureWarning)
    machine = describe_machine("cpu")
    tables = {
        "numeric": measure("numeric", numeric_table(arguments.rows), arguments.ctgan_rows),
        "adult": measure("adult", adult_table(arguments.rows), arguments.ctgan_rows),
    }
    results = {"benchmark": "transform speed", "machine": finish(machine), "tables": tables}
    text = markdown(results)
    for path in write_results("transform-speed", results, text):
        print(path)
    print(text)


if __name__ == "__main__":
    main()
