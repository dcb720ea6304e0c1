"""Loading 1,000,000 rows into PostgreSQL: synthdata's write_table (COPY) against DataFrame.to_sql.

Both write the same DataFrame into the same local server in the same run, each into a
new table; pandas runs with its default settings. The rows look like synthetic output:
ids, categories, free text, amounts with NULLs, dates and flags. Results go to
benchmarks/results/sql_write.json with the machine described.

    .venv/bin/python benchmarks/sql_write.py [--rows 1000000] [--url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

import synthdata
from synthdata import write_table

RESULTS = Path(__file__).resolve().parent / "results" / "sql_write.json"


def synthetic_rows(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    amounts = rng.lognormal(4, 1, rows).round(2)
    amounts[rng.random(rows) < 0.1] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(rows, dtype=np.int64),
            "customer": rng.integers(0, 50_000, rows),
            "status": rng.choice(["active", "churned", "paused", "trial"], rows, p=[0.6, 0.2, 0.1, 0.1]),
            "city": rng.choice([f"City {i}" for i in range(500)], rows),
            "note": pd.Series(rng.integers(0, 1 << 62, rows)).map("note {:x}, with a comma".format),
            "amount": amounts,
            "visits": pd.Series(rng.poisson(3, rows), dtype="Int64").mask(rng.random(rows) < 0.2),
            "created": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365 * 86400, rows), unit="s"),
            "flag": rng.random(rows) < 0.3,
        }
    )


def machine(engine: sa.Engine) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    with engine.connect() as connection:
        server = connection.exec_driver_sql("SELECT version()").scalar()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "server": server,
        "pandas": pd.__version__,
        "sqlalchemy": sa.__version__,
        "synthdata": synthdata.__version__,
    }


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    frame = synthetic_rows(args.rows)
    engine = sa.create_engine(args.url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = ("bench_synthdata", "bench_to_sql")
    with engine.begin() as connection:
        for table in tables:
            sa.Table(table, sa.MetaData()).drop(connection, checkfirst=True)
    synthdata_seconds = timed(lambda: write_table(frame, args.url, table=tables[0], verbose=False))
    to_sql_seconds = timed(lambda: frame.to_sql(tables[1], engine, index=False))
    with engine.connect() as connection:
        counts = [connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table))) for table in tables]
    assert counts == [args.rows, args.rows], counts
    result = {
        "benchmark": "write 1,000,000 rows into a new PostgreSQL table",
        "rows": args.rows,
        "columns": list(frame.columns),
        "synthdata_write_table_seconds": round(synthdata_seconds, 2),
        "pandas_to_sql_default_seconds": round(to_sql_seconds, 2),
        "speedup": round(to_sql_seconds / synthdata_seconds, 2),
        "machine": machine(engine),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    with engine.begin() as connection:
        for table in tables:
            sa.Table(table, sa.MetaData()).drop(connection)
    engine.dispose()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
