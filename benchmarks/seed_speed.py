"""A whole database fitted and sampled: synthdata's DatabaseSynthesizer against SDV's HMASynthesizer.

Both learn the same five tables of a Synthea export (ma_1462: patients and their
encounters, conditions, medications and procedures; a sample of patients with all
their rows; five tables of depth two because HMASynthesizer takes no more) in the
same run; synthdata seeds a new SQLite database from it, SDV samples DataFrames. Per
system: fit seconds, sample seconds (synthdata: writing the database included), and
what the relational side keeps: the share of foreign key values that resolve, the
encounters per patient (KSComplement against the real ones) and encounter codes by
the patient's gender (mean TVComplement over F and M). Results go to
benchmarks/results/ with the machine and its load described.

    .venv/bin/python benchmarks/seed_speed.py [--patients 300] [--epochs 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from machine import describe_machine, finish
from result_files import machine_markdown, markdown_table, number, write_results
from sdmetrics.single_column import KSComplement, TVComplement

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from relational.conftest import load_database, synthea_tables

from synthdata import DatabaseSynthesizer

EXPORT = Path(__file__).resolve().parents[2] / "shared" / "data" / "synthea" / "ma_1462"
# HMASynthesizer refuses more than five tables, or a depth over two, outside SDV Enterprise: so the
# four child tables hang off patients only (their ENCOUNTER column left out).
TABLES = ("patients", "encounters", "conditions", "medications", "procedures")


def relational_scores(tables: dict[str, pd.DataFrame], real: dict[str, pd.DataFrame], schema: dict) -> dict:
    resolved = []
    for key in schema["foreign_keys"]:
        values = tables[key["child_table"]][key["child_column"]].dropna()
        resolved.append(values.isin(tables[key["parent_table"]][key["parent_column"]]).mean())

    def per_patient(frames: dict[str, pd.DataFrame]) -> pd.Series:
        return frames["encounters"].groupby("PATIENT").size().reindex(frames["patients"]["ID"], fill_value=0)

    def codes_by_gender(frames: dict[str, pd.DataFrame], gender: str) -> pd.Series:
        genders = frames["patients"].set_index("ID")["GENDER"]
        encounters = frames["encounters"]
        return encounters.loc[genders.reindex(encounters["PATIENT"]).to_numpy() == gender, "CODE"].astype(str)

    return {
        "foreign_keys_resolving": float(min(resolved)),
        "encounters_per_patient_ks": KSComplement.compute(per_patient(real), per_patient(tables)),
        "code_by_gender_tv": sum(
            TVComplement.compute(codes_by_gender(real, gender), codes_by_gender(tables, gender)) for gender in "FM"
        )
        / 2,
        "rows": {name: len(frame) for name, frame in tables.items()},
    }


def run_synthdata(source: str, folder: Path, epochs: int) -> tuple[dict, dict[str, pd.DataFrame]]:
    started = time.perf_counter()
    model = DatabaseSynthesizer(epochs=epochs, verbose=False).fit(source)
    fitted = time.perf_counter() - started
    target = f"sqlite:///{folder / 'seeded.db'}"
    started = time.perf_counter()
    model.seed(target)
    seeded = time.perf_counter() - started
    engine = sa.create_engine(target)
    with engine.connect() as connection:
        tables = {name: pd.read_sql_table(name, connection) for name in sa.inspect(connection).get_table_names()}
    engine.dispose()
    return {"fit_s": fitted, "sample_s": seeded}, tables


def run_sdv(frames: dict[str, pd.DataFrame], schema: dict) -> tuple[dict, dict[str, pd.DataFrame]]:
    from sdv.metadata import Metadata
    from sdv.multi_table import HMASynthesizer

    metadata = Metadata.detect_from_dataframes(frames)
    for relationship in list(metadata.relationships):
        metadata.remove_relationship(relationship["parent_table_name"], relationship["child_table_name"])
    for name, table in schema["tables"].items():
        keys = {key["child_column"] for key in schema["foreign_keys"] if key["child_table"] == name}
        for column in keys | ({table["primary_key"]} if table["primary_key"] else set()):
            metadata.update_column(table_name=name, column_name=column, sdtype="id")
        if table["primary_key"]:
            metadata.set_primary_key(table_name=name, column_name=table["primary_key"])
    for key in schema["foreign_keys"]:
        metadata.add_relationship(key["parent_table"], key["child_table"], key["parent_column"], key["child_column"])
    synthesizer = HMASynthesizer(metadata, verbose=False)
    started = time.perf_counter()
    synthesizer.fit(frames)
    fitted = time.perf_counter() - started
    started = time.perf_counter()
    tables = synthesizer.sample_scale(scale=1.0)
    return {"fit_s": fitted, "sample_s": time.perf_counter() - started}, tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=30)
    options = parser.parse_args()
    machine = describe_machine("cpu")
    frames, schema = synthea_tables(EXPORT, options.patients)
    frames = {name: frames[name].drop(columns=["ENCOUNTER"], errors="ignore") for name in TABLES}
    schema = {
        "tables": {name: schema["tables"][name] for name in TABLES},
        "foreign_keys": [
            key for key in schema["foreign_keys"] if key["child_table"] in TABLES and key["parent_table"] == "patients"
        ],
    }
    results: dict = {
        "patients": options.patients,
        "epochs": options.epochs,
        "rows": {n: len(f) for n, f in frames.items()},
    }
    with tempfile.TemporaryDirectory() as scratch:
        source = f"sqlite:///{Path(scratch) / 'source.db'}"
        load_database(source, frames, schema)
        timings, tables = run_synthdata(source, Path(scratch), options.epochs)
        results["synthdata"] = {**timings, **relational_scores(tables, frames, schema)}
    timings, tables = run_sdv(frames, schema)
    results["sdv_hma"] = {**timings, **relational_scores(tables, frames, schema)}
    for measure in ("fit_s", "sample_s"):
        results[f"{measure}_ratio_sdv_over_synthdata"] = results["sdv_hma"][measure] / results["synthdata"][measure]
    results["machine"] = finish(machine)
    header = ["system", "fit s", "sample s", "FK resolving", "encounters/patient KS", "code by gender TV"]
    rows = [
        [
            name,
            number(r["fit_s"], 1),
            number(r["sample_s"], 1),
            number(r["foreign_keys_resolving"]),
            number(r["encounters_per_patient_ks"]),
            number(r["code_by_gender_tv"]),
        ]
        for name, r in (("synthdata", results["synthdata"]), ("SDV HMASynthesizer", results["sdv_hma"]))
    ]
    markdown = (
        f"# Whole database: ma_1462, {options.patients} patients, synthdata at {options.epochs} epochs\n\n"
        + markdown_table(header, rows)
        + "\n\n"
        + machine_markdown(results["machine"])
    )
    for path in write_results("seed_speed", results, markdown):
        print(path)
    print(json.dumps({key: value for key, value in results.items() if key != "machine"}, indent=1, default=str))


if __name__ == "__main__":
    main()
