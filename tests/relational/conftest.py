"""Synthea exports loaded into databases with their keys, and models fitted on them once.

A few hundred patients and only their own rows keep the fits quick; the databases
declare every primary and foreign key of the export's schema.json, so fitting reads
the relations from the catalog as it would from any database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from synthdata import DatabaseSynthesizer
from synthdata.io import open_database_sink
from synthdata.io.sql_url import parse_url
from synthdata.relational.layout import DatabaseLayout

# Options that keep every fit in these tests to seconds: the networks barely train,
# so what is checked is what the relational model itself guarantees.
# Without the realness classifiers, whose fit and rejections cost a 2-epoch model more
# than its training: they are tested per table (tests/models), and in a database by
# test_synthesizer.py::test_fitting_from_frames_with_a_schema_matches_the_database.
QUICK = {"epochs": 2, "max_rows": 500, "refine": False, "verbose": False}


def synthea_tables(folder: Path, patients: int, *, seed: int = 0) -> tuple[dict[str, pd.DataFrame], dict]:
    """The export's tables for `patients` random patients (and every row of the tables without patients)."""
    schema = json.loads((folder / "schema.json").read_text())
    frames = {
        name: pd.read_csv(folder / spec["file"], dtype=str, keep_default_na=False, na_values=[""])
        for name, spec in schema["tables"].items()
    }
    people = frames["patients"]
    key = schema["tables"]["patients"]["primary_key"]
    kept = people[key].sample(n=patients, random_state=seed)
    for name, frame in frames.items():
        column = key if name == "patients" else "PATIENT"
        if column in frame.columns:
            frames[name] = frame[frame[column].isin(kept)].reset_index(drop=True)
    return frames, schema


def load_database(url: str, frames: dict[str, pd.DataFrame], schema: dict) -> None:
    """Create the tables with their keys and write the rows, parents first."""
    layout = DatabaseLayout.from_schema(schema, frames)
    with open_database_sink(url, [layout.declaration(name) for name in layout.tables], verbose=False) as sink:
        for name in layout.tables:
            sink.write(name, frames[name])


def read_all(url: str) -> dict[str, pd.DataFrame]:
    engine = sa.create_engine(parse_url(url))
    with engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        tables = {name: pd.read_sql_table(name, connection) for name in names}
    engine.dispose()
    return tables


@pytest.fixture(scope="session")
def ma_tables(synthea: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    return synthea_tables(synthea / "ma_1462", 150)


@pytest.fixture(scope="session")
def ma_url(ma_tables, tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('ma') / 'source.db'}"
    load_database(url, *ma_tables)
    return url


@pytest.fixture(scope="session")
def ma_model(ma_url: str) -> DatabaseSynthesizer:
    """Encounters grouped by their patient's gender and age, as a person who knows the data would ask."""
    return DatabaseSynthesizer(**QUICK, parent_columns={"encounters": ["GENDER", "BIRTHDATE"]}).fit(ma_url)


@pytest.fixture
def new_sqlite(tmp_path: Path) -> Callable[[str], str]:
    """URLs of new SQLite files in the test's folder."""
    return lambda name: f"sqlite:///{tmp_path / name}.db"


def foreign_key_problems(url: str) -> list:
    """Rows whose foreign key finds no parent, as SQLite's own check reports them (with enforcement on)."""
    engine = sa.create_engine(parse_url(url))
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    engine.dispose()
    return problems


def unique_keys(tables: dict[str, pd.DataFrame], column: str) -> set:
    return set(np.concatenate([frame[column].dropna().to_numpy() for frame in tables.values() if column in frame]))


def enforced_foreign_keys(url: str) -> int:
    """The FOREIGN KEY constraints a PostgreSQL or MariaDB database declares in its own schema."""
    engine = sa.create_engine(url)
    here = "current_schema()" if engine.dialect.name == "postgresql" else "DATABASE()"
    with engine.connect() as connection:
        count = connection.exec_driver_sql(
            "SELECT count(*) FROM information_schema.table_constraints "
            f"WHERE constraint_type = 'FOREIGN KEY' AND table_schema = {here}"
        ).scalar()
    engine.dispose()
    return int(count or 0)
