"""Seconds to fit a whole database: synthdata's, beside its own single-table fits and MOSTLY AI's engine per table.

A database fit should cost what fitting its tables one by one costs, plus a little
relational work (reading, references, children per parent); kept lookup tables cost
nothing. This runs, in one run and each in a child process of its own so that none
inherits another's memory or threads:

1. `DatabaseSynthesizer().fit(url)` at its defaults;
2. `TabularGAN().fit(table)` at its defaults for each table the database fit
   synthesized (the same rows, read the same way);
3. MOSTLY AI's engine (`TabularARGN`, its defaults) on every table, one fit per
   table, since it has no notion of a kept table.

    python benchmarks/database_fit_time.py --build flights.db
    python benchmarks/database_fit_time.py --url sqlite:///ne_111.db

Results go to benchmarks/results/<date>-<machine>-database-fit-time-<name>.json and .md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from pathlib import Path

from database_fit import build
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results

from synthdata import DatabaseSynthesizer, TabularGAN, read_table


def fit_database(url: str) -> dict:
    model = DatabaseSynthesizer(verbose=False)
    start = time.perf_counter()
    model.fit(url)
    seconds = time.perf_counter() - start
    tables = model.info()["tables"]
    return {"seconds": seconds, "modes": {name: table["mode"] for name, table in tables.items()}}


def fit_table(url: str, table: str) -> dict:
    frame = read_table(url, table=table, verbose=False)
    start = time.perf_counter()
    TabularGAN(verbose=False).fit(frame)
    return {"seconds": time.perf_counter() - start, "rows": len(frame), "columns": frame.shape[1]}


def fit_table_mostlyai(url: str, table: str) -> dict:
    from mostlyai.engine import TabularARGN

    frame = read_table(url, table=table, verbose=False)
    start = time.perf_counter()
    TabularARGN(verbose=0, random_state=0).fit(frame)
    return {"seconds": time.perf_counter() - start, "rows": len(frame), "columns": frame.shape[1]}


def in_child(function, *arguments) -> dict:
    """`function(*arguments)` in a fresh process; an error is recorded, not raised."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        try:
            return pool.apply(function, arguments)
        except Exception as error:  # a reference system failing on a table is a result
            return {"seconds": None, "error": f"{type(error).__name__}: {error}"[:200]}


def table_names(url: str) -> list[str]:
    from sqlalchemy import create_engine, inspect

    return sorted(inspect(create_engine(url)).get_table_names())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database to fit (default: the flights database of --build)")
    parser.add_argument("--build", type=Path, default=Path("flights.db"), help="where to build the flights database")
    parser.add_argument("--name", default=None, help="the database's name in the result file")
    parser.add_argument("--no-mostlyai", action="store_true", help="synthdata's fits only (a quicker rerun)")
    arguments = parser.parse_args()
    url = arguments.url or build(arguments.build)
    name = arguments.name or Path(url.rsplit("/", 1)[-1]).stem

    machine = describe_machine("cpu")
    database = in_child(fit_database, url)
    synthesized = [table for table, mode in database["modes"].items() if mode != "keep"]
    single = {table: in_child(fit_table, url, table) for table in synthesized}
    mostlyai = {
        table: {"seconds": None, "error": "not run"}
        if arguments.no_mostlyai
        else in_child(fit_table_mostlyai, url, table)
        for table in table_names(url)
    }
    machine = finish(machine)

    single_sum = sum(result["seconds"] for result in single.values())
    mostlyai_sum = sum(result["seconds"] or 0.0 for result in mostlyai.values())
    results = {
        "machine": machine,
        "url": url,
        "database": database,
        "synthdata_single_tables": single,
        "mostlyai_per_table": mostlyai,
    }
    rows = []
    for table in table_names(url):
        mode = database["modes"].get(table, "–")
        ours = single.get(table, {}).get("seconds")
        theirs = mostlyai[table]
        rows.append(
            [
                table,
                f"{theirs['rows']:,}" if "rows" in theirs else "–",
                mode,
                number(ours, 1) if ours is not None else "0 (kept)",
                number(theirs["seconds"], 1) if theirs["seconds"] is not None else theirs["error"],
            ]
        )
    rows.append(["**sum**", "", "", number(single_sum, 1), number(mostlyai_sum, 1)])
    rows.append(["**whole database**", "", "", number(database["seconds"], 1), "–"])
    markdown = "\n\n".join(
        [
            f"# Seconds to fit the {name} database: synthdata beside MOSTLY AI's engine per table",
            f"`python benchmarks/database_fit_time.py` on `{url}`, every system at its defaults, "
            "each fit in a child process of its own, one after another in one run.",
            machine_markdown(machine),
            markdown_table(
                ["table", "rows", "synthdata mode", "synthdata, table alone (s)", "MOSTLY AI engine (s)"], rows
            ),
            f"Whole-database fit / sum of its single-table fits: "
            f"{database['seconds'] / max(single_sum, 1e-9):.2f}; "
            f"whole-database fit / MOSTLY AI's per-table sum: {database['seconds'] / max(mostlyai_sum, 1e-9):.2f}.",
        ]
    )
    for path in write_results(f"database-fit-time-{name}", results, markdown):
        print(path)
    print(markdown)


if __name__ == "__main__":
    main()
