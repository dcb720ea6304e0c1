"""A flights database as real ones are: lookup tables kept, natural keys, undeclared references, tight DDL."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from synthdata import DatabaseSynthesizer
from synthdata.io import read_table
from synthdata.relational.key_shapes import key_column
from synthdata.relational.reference_tables import is_personal
from synthdata.schema import Schema

from .conftest import QUICK, foreign_key_problems, load_database, read_all, synthea_tables

# Without the redraw stage, whose fixed number of steps costs a 2-epoch fit more than its training.
FAST = {**QUICK, "redraw": False}
CARRIERS = ["AA", "B6", "DL", "EV", "UA", "WN", "9E", "MQ"]
ORIGINS = ["EWR", "JFK", "LGA"]
# Destinations real flights go to that the airports table lacks.
MISSING_AIRPORTS = ["BQN", "SJU", "PSE"]
# The DDL of the real database, as tight as real ones are.
DDL = """
CREATE TABLE carriers (carrier CHAR(2) PRIMARY KEY, name VARCHAR(40) NOT NULL);
CREATE TABLE airports (faa CHAR(3) PRIMARY KEY, name VARCHAR(60), lat DOUBLE PRECISION, lon DOUBLE PRECISION);
CREATE TABLE aircraft (tailnum VARCHAR(6) PRIMARY KEY, year INTEGER, seats INTEGER);
CREATE TABLE flights (
    id INTEGER PRIMARY KEY, carrier CHAR(2) NOT NULL REFERENCES carriers (carrier),
    origin CHAR(3) NOT NULL REFERENCES airports (faa), dest CHAR(3), tailnum VARCHAR(6),
    distance INTEGER, dep_delay DOUBLE PRECISION
);
"""


def flights_tables(seed: int = 0) -> dict[str, pd.DataFrame]:
    """Three lookup tables and 1,200 flights; dest and tailnum reference them without being declared."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    codes = list(dict.fromkeys(ORIGINS + ["".join(rng.choice(letters, 3)) for _ in range(60)]))
    codes = [code for code in codes if code not in MISSING_AIRPORTS][:40]
    airports = pd.DataFrame(
        {
            "faa": codes,
            "name": [f"{code.title()} Regional Airport" for code in codes],
            "lat": rng.uniform(25, 48, len(codes)).round(6),
            "lon": rng.uniform(-124, -67, len(codes)).round(6),
        }
    )
    carriers = pd.DataFrame({"carrier": CARRIERS, "name": [f"Carrier {code} Airlines" for code in CARRIERS]})
    tails = list(dict.fromkeys(f"N{rng.integers(100, 1000)}{''.join(rng.choice(letters, 2))}" for _ in range(300)))[
        :250
    ]
    aircraft = pd.DataFrame(
        {
            "tailnum": tails,
            "year": rng.integers(1990, 2014, len(tails)),
            "seats": rng.choice([50, 100, 150, 200], len(tails)),
        }
    )
    n = 1200
    carrier = rng.choice(CARRIERS, n, p=[0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05])
    origin = np.where(np.isin(carrier, ["B6", "AA"]), "JFK", rng.choice(ORIGINS, n))
    dest = np.where(rng.random(n) < 0.94, rng.choice(codes[3:], n), rng.choice(MISSING_AIRPORTS, n))
    tailnum = np.where(rng.random(n) < 0.88, rng.choice(tails, n), [f"N{rng.integers(1000, 10000)}Q" for _ in range(n)])
    tailnum = pd.Series(tailnum, dtype=object).mask(rng.random(n) < 0.04)
    flights = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "carrier": carrier,
            "origin": origin,
            "dest": dest,
            "tailnum": tailnum,
            "distance": rng.integers(100, 2500, n),
            "dep_delay": rng.normal(10, 20, n).round(1),
        }
    )
    return {"carriers": carriers, "airports": airports, "aircraft": aircraft, "flights": flights}


def write_sqlite(path: Path, tables: dict[str, pd.DataFrame]) -> str:
    connection = sqlite3.connect(path)
    connection.executescript(DDL.replace("DOUBLE PRECISION", "REAL"))
    for name in ("carriers", "airports", "aircraft", "flights"):
        tables[name].to_sql(name, connection, if_exists="append", index=False)
    connection.commit()
    connection.close()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return flights_tables()


@pytest.fixture(scope="module")
def source(real, tmp_path_factory) -> str:
    return write_sqlite(tmp_path_factory.mktemp("flights") / "flights.db", real)


@pytest.fixture(scope="module")
def model(source) -> DatabaseSynthesizer:
    return DatabaseSynthesizer(**FAST).fit(source)


@pytest.fixture(scope="module")
def sampled(model) -> dict[str, pd.DataFrame]:
    return model.sample(1.0)


@pytest.fixture(scope="module")
def regenerated(source) -> DatabaseSynthesizer:
    """The same database with carriers and airports synthesized: their natural keys are made afresh."""
    return DatabaseSynthesizer(**FAST, table_modes={"carriers": "synthesize", "airports": "synthesize"}).fit(source)


def test_lookup_tables_are_kept_identical_and_the_rest_synthesized(model, sampled, source, tmp_path):
    assert {name: table["mode"] for name, table in model.info()["tables"].items()} == {
        "carriers": "keep",
        "airports": "keep",
        "aircraft": "keep",
        "flights": "synthesize",
    }
    reloaded = DatabaseSynthesizer.load(model.save(tmp_path / "flights.synth")).sample(0.5)
    for name in ("carriers", "airports", "aircraft"):
        real = read_table(source, table=name, verbose=False)
        pd.testing.assert_frame_equal(sampled[name], real)
        pd.testing.assert_frame_equal(reloaded[name], real)
    flights = sampled["flights"]
    assert flights["carrier"].isin(CARRIERS).all() and set(flights["origin"]) <= set(ORIGINS)
    # Which carrier flies from which airport is learned, not drawn apart.
    assert (flights.loc[flights["carrier"].isin(["AA", "B6"]), "origin"] == "JFK").mean() >= 0.6


def test_undeclared_references_are_found_and_resolve_at_the_real_share(model, sampled, real):
    document = model.database_schema()
    inferred = {entry["column"]: entry for entry in document["foreign_keys"] if entry.get("inferred")}
    assert set(inferred) == {"dest", "tailnum"}
    assert inferred["dest"]["references"] == "airports.faa" and inferred["tailnum"]["references"] == "aircraft.tailnum"
    flights, airports, aircraft = real["flights"], real["airports"], real["aircraft"]
    real_dest = flights["dest"].isin(airports["faa"]).mean()
    assert inferred["dest"]["resolves"] == pytest.approx(real_dest, abs=1e-4)
    synthetic = sampled["flights"]
    assert synthetic["dest"].isin(sampled["airports"]["faa"]).mean() == pytest.approx(real_dest, abs=0.04)
    real_tail = flights["tailnum"].isin(aircraft["tailnum"]).mean()
    assert synthetic["tailnum"].isin(sampled["aircraft"]["tailnum"]).mean() == pytest.approx(real_tail, abs=0.04)
    assert synthetic["tailnum"].isna().mean() == pytest.approx(flights["tailnum"].isna().mean(), abs=0.03)
    outside = synthetic["tailnum"].dropna()[~synthetic["tailnum"].dropna().isin(aircraft["tailnum"])]
    assert len(outside) and outside.str.fullmatch(r"N\d{4}Q").all()


def test_a_dropped_reference_is_no_longer_modelled(source, model):
    document = model.database_schema()
    document["foreign_keys"] = [entry for entry in document["foreign_keys"] if entry["column"] != "tailnum"]
    refitted = DatabaseSynthesizer(**FAST).fit(source, schema=document)
    references = refitted.info()["tables"]["flights"]["references"]
    assert "flights.tailnum -> aircraft.tailnum" not in references and "flights.dest -> airports.faa" in references


def test_natural_code_keys_keep_their_pattern(regenerated, real):
    tables = regenerated.sample(1.0)
    carriers, airports = tables["carriers"]["carrier"], tables["airports"]["faa"]
    assert carriers.str.fullmatch(r"[0-9A-Z]{2}").all() and carriers.is_unique and len(carriers) == len(CARRIERS)
    assert airports.str.fullmatch(r"[A-Z]{3}").all() and airports.is_unique
    assert tables["flights"]["carrier"].isin(carriers).all() and tables["flights"]["origin"].isin(airports).all()
    assert not set(airports) >= set(real["airports"]["faa"])
    # The flights' own integer key stays a sequence.
    assert tables["flights"]["id"].tolist() == list(range(1, len(tables["flights"]) + 1))


def test_key_shapes_follow_the_values():
    tails = pd.Series(["N10156", "N102UW", "N103US", "N104UW", "N10575", "N11107", "N11109", "N11113"])
    assert key_column(tails, "tailnum").pattern == r"[A-Z]\d{3}[0-9A-Z]{2}"
    # Shapes that vary keep the common prefix, the alphabet and the range of lengths.
    varied = pd.Series(["N3", "N102UW", "N103U", "N10575", "N9Q", "N1234"])
    assert key_column(varied, "tailnum").pattern == "N[0-9A-Z]{1,5}"
    assert key_column(pd.Series([101, 102, 105]), "id").start == 101
    assert (
        key_column(
            pd.Series(["9c1d6f2e-0a4b-4c1e-9d4a-2f7e8b6a1c3d", "1e2a3b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"]), "id"
        ).format
        == "uuid"
    )


def test_people_are_never_kept():
    providers = pd.DataFrame(
        {
            "NAME": [f"Dr {i}" for i in range(30)],
            "GENDER": ["F", "M"] * 15,
            "ADDRESS": [f"{i} Main Street" for i in range(30)],
        }
    )
    assert is_personal(Schema.infer(providers, table="providers"))
    assert not is_personal(Schema.infer(providers.drop(columns=["GENDER"]), table="clinics"))
    assert is_personal(Schema.infer(pd.DataFrame({"first_name": ["Ann", "Bob"] * 10}), table="people"))


def test_every_table_of_synthea_comes_out_within_three_percent(synthea, new_sqlite):
    frames, schema = synthea_tables(synthea / "ne_111", 8)
    source = new_sqlite("ne_counts")
    load_database(source, frames, schema)
    model = DatabaseSynthesizer(**{**FAST, "epochs": 1}).fit(source)
    modes = {name: table["mode"] for name, table in model.info()["tables"].items()}
    assert (
        modes["payers"] == modes["organizations"] == "keep" and modes["providers"] == modes["patients"] == "synthesize"
    )
    tables = model.sample(1.0)
    for name, frame in frames.items():
        assert abs(len(tables[name]) - len(frame)) <= max(1, 0.03 * len(frame)), name


def create_tight_tables(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        for statement in filter(str.strip, DDL.split(";")):
            connection.exec_driver_sql(statement.replace("DOUBLE PRECISION", "DOUBLE") if "mysql" in url else statement)
    engine.dispose()


@pytest.mark.db
@pytest.mark.parametrize("server", ["postgresql_url", "mariadb_url"])
def test_seeded_tables_load_into_the_real_tight_ddl(server, regenerated, request):
    url = request.getfixturevalue(server)
    create_tight_tables(url)
    written = regenerated.seed(url, if_exists="append")
    tables = read_all(url)
    assert {name: len(tables[name]) for name in written} == written
    carriers = tables["carriers"]["carrier"].str.strip()
    assert carriers.str.fullmatch(r"[0-9A-Z]{2}").all()
    assert tables["flights"]["tailnum"].dropna().str.len().max() <= 6
    assert tables["flights"]["carrier"].str.strip().isin(carriers).all()


def test_sqlite_seed_keeps_declared_references_only(model, new_sqlite):
    target = new_sqlite("flights_seeded")
    model.seed(target)
    assert foreign_key_problems(target) == []
    engine = sa.create_engine(target)
    with engine.connect() as connection:
        declared = {tuple(key["constrained_columns"]) for key in sa.inspect(connection).get_foreign_keys("flights")}
    engine.dispose()
    assert declared == {("carrier",), ("origin",)}
    assert re.fullmatch(r"[A-Z0-9]{2}", read_all(target)["carriers"]["carrier"].iloc[0])
