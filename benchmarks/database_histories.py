"""Do the seeded histories make sense? Synthea ma_1462, all 8 tables, real against synthetic.

Two steps, so that two versions of synthdata are compared in one run: `sample` fits
the whole database with the synthdata the interpreter imports (run it with each
version's Python) and writes the tables at scale 1 as CSV; `measure` reads the real
tables and each sample and prints one table:

- encounters dated within their patient's life (on or after BIRTHDATE, on or before
  DEATHDATE when set), and among patients whose own dates are in order;
- conditions starting on their encounter's date;
- every date rule found across the foreign keys of the real data, the share of
  synthetic rows it holds on;
- SDMetrics-style quality per table (`synthdata.evaluate`);
- entity-level detection AUC of each parent table with its history (patients with
  their encounters, encounters with their immunizations: `synthdata.evaluate_database`),
  with the real hold-out as the ceiling;
- the share of each child table's dates within the range the real table's dates cover.

    /work/main/.venv/bin/python benchmarks/database_histories.py --patients 400 sample --out before --epochs 10
    .venv/bin/python benchmarks/database_histories.py --patients 400 sample --out after --epochs 10
    .venv/bin/python benchmarks/database_histories.py --patients 400 measure before after

`sample --no-date-rules` fits with `DatabaseSynthesizer(date_rules=False)`, to see what
the cross-table date rules cost or gain.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "synthea" / "ma_1462"


def real_tables(folder: Path, patients: int | None = None) -> tuple[dict[str, pd.DataFrame], dict]:
    """The export's tables; with `patients`, those of that many random patients (seed 0)."""
    schema = json.loads((folder / "schema.json").read_text())
    frames = {
        name: pd.read_csv(folder / spec["file"], dtype=str, keep_default_na=False, na_values=[""])
        for name, spec in schema["tables"].items()
    }
    if patients is not None:
        kept = frames["patients"]["ID"].sample(n=patients, random_state=0)
        for name, frame in frames.items():
            column = "ID" if name == "patients" else "PATIENT"
            frames[name] = frame[frame[column].isin(kept)].reset_index(drop=True)
    return frames, schema


def sample(args: argparse.Namespace) -> None:
    from synthdata import DatabaseSynthesizer

    frames, schema = real_tables(args.data, args.patients)
    model = DatabaseSynthesizer(
        epochs=args.epochs, verbose=False, random_seed=args.seed, date_rules=not args.no_date_rules
    )
    start = time.perf_counter()
    model.fit(frames, schema=schema)
    fitted = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in model.sample(1.0).items():
        frame.to_csv(args.out / f"{name}.csv", index=False)
    document = model.database_schema()
    (args.out / "fit.json").write_text(json.dumps({"fit_s": fitted, "date_rules": document.get("date_rules")}))


def read_sample(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        path.stem: pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        for path in sorted(folder.glob("*.csv"))
    }


def dates(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values, errors="coerce").to_numpy(dtype="datetime64[ns]")


def referenced(child: pd.DataFrame, via: str, parent: pd.DataFrame, key: str, column: str) -> np.ndarray:
    positions = pd.Index(parent[key]).get_indexer(child[via])
    values = dates(parent[column])
    return np.where(positions >= 0, values[np.maximum(positions, 0)], np.datetime64("NaT"))


def within_life(tables: dict[str, pd.DataFrame]) -> tuple[float, float]:
    """Share of encounters within their patient's life; and among patients born before they died."""
    encounters, patients = tables["encounters"], tables["patients"]
    at = dates(encounters["DATE"])
    birth = referenced(encounters, "PATIENT", patients, "ID", "BIRTHDATE")
    death = referenced(encounters, "PATIENT", patients, "ID", "DEATHDATE")
    inside = (at >= birth) & (np.isnat(death) | (at <= death))
    ordered = np.isnat(death) | (birth <= death)
    return float(inside.mean()), float(inside[ordered].mean())


def same_day(tables: dict[str, pd.DataFrame]) -> float:
    conditions = tables["conditions"]
    at = referenced(conditions, "ENCOUNTER", tables["encounters"], "ID", "DATE")
    return float((dates(conditions["START"]) == at).mean())


def within_real_range(real: dict[str, pd.DataFrame], tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Per child table's first date column, the share of rows within [earliest, latest] of the real
    ones, and the share on the earliest day (a pile-up there would be a tell of its own)."""
    shares = {}
    for name in ("encounters", "conditions", "medications", "careplans", "procedures", "immunizations", "allergies"):
        column = "DATE" if "DATE" in real[name] else "START"
        truth, here = dates(real[name][column]), dates(tables[name][column])
        low, high = truth[~np.isnat(truth)].min(), truth[~np.isnat(truth)].max()
        known = here[~np.isnat(here)]
        shares[f"{name}.{column} within the real dates' range"] = float(((known >= low) & (known <= high)).mean())
        shares[f"{name}.{column} on the real earliest day"] = float((known == low).mean())
    return shares


def early_dead_share(tables: dict[str, pd.DataFrame], real: dict[str, pd.DataFrame]) -> float:
    """Share of encounters whose patient died before the real procedures begin."""
    begin = dates(real["procedures"]["DATE"])
    death = referenced(tables["encounters"], "PATIENT", tables["patients"], "ID", "DEATHDATE")
    return float((death < begin[~np.isnat(begin)].min()).mean())


def rule_share(tables: dict[str, pd.DataFrame], rule: dict, keys: dict[str, str]) -> float:
    parent, column = rule["references"].split(".")
    child = tables[rule["table"]]
    there = referenced(child, rule["via"], tables[parent], keys[parent], column)
    here = dates(child[rule["column"]])
    both = ~np.isnat(here) & ~np.isnat(there)
    compare = {"on_or_after": np.greater_equal, "on_or_before": np.less_equal, "equal_share": np.equal}
    return float(compare[rule["rule"]](here[both], there[both]).mean())


def measure(args: argparse.Namespace) -> None:
    from synthdata import evaluate, evaluate_database

    real, schema = real_tables(args.data, args.patients)
    keys = {name: spec["primary_key"] for name, spec in schema["tables"].items()}
    samples = {str(folder): read_sample(folder) for folder in args.samples}
    fits = {str(folder): json.loads((folder / "fit.json").read_text()) for folder in args.samples}
    rules = next((fit["date_rules"] for fit in fits.values() if fit.get("date_rules")), [])
    systems = {"real": real, **samples}
    rows: dict[str, dict[str, str]] = {}

    def put(metric: str, system: str, value: float | str) -> None:
        rows.setdefault(metric, {})[system] = value if isinstance(value, str) else f"{value:.4f}"

    for system, tables in systems.items():
        inside, inside_ordered = within_life(tables)
        put("encounters within the patient's life", system, inside)
        put("... among patients born before they died", system, inside_ordered)
        put("conditions starting on their encounter's date", system, same_day(tables))
        for rule in rules:
            sign = {"on_or_after": ">=", "on_or_before": "<=", "equal_share": "=="}[rule["rule"]]
            name = f"rule {rule['table']}.{rule['column']} {sign} {rule['references']}"
            put(name, system, rule_share(tables, rule, keys))
        for name, share in within_real_range(real, tables).items():
            put(name, system, share)
        put("encounters of patients who died before the procedures' range", system, early_dead_share(tables, real))
        if system == "real":
            continue
        for entity in evaluate_database(real, tables, schema=schema).entities:
            put(f"entity-level detection AUC ({entity.parent} + {entity.child})", system, entity.auc)
            put(f"... real hold-out (ceiling, {entity.parent})", system, entity.ceiling)
        for name in real:
            quality = evaluate(real[name], tables[name], verbose=False).scores["quality"]
            put(f"quality: {name}", system, quality)
        put("fit (s, shared machine)", system, fits[system]["fit_s"])
    names = list(systems)
    print("| metric | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for metric, values in rows.items():
        print(f"| {metric} | " + " | ".join(values.get(name, "") for name in names) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--patients", type=int, default=None, help="only this many random patients' rows")
    steps = parser.add_subparsers(dest="step", required=True)
    fit = steps.add_parser("sample", help="fit the database and write a sample at scale 1")
    fit.add_argument("--out", type=Path, required=True)
    fit.add_argument("--epochs", type=int, default=None)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--no-date-rules", action="store_true", help="fit with DatabaseSynthesizer(date_rules=False)")
    compare = steps.add_parser("measure", help="compare samples with the real tables")
    compare.add_argument("samples", type=Path, nargs="+")
    args = parser.parse_args()
    sample(args) if args.step == "sample" else measure(args)


if __name__ == "__main__":
    main()
