"""Seed a test database with a synthetic copy of a whole clinical database.

The Synthea export in ../shared/data/synthea/ma_1462 (patients, their encounters,
and six tables of what happened at each encounter) stands in for a production
database: it is loaded into SQLite with its primary and foreign keys, learned as a
whole, and a synthetic copy, with new keys, is written into PostgreSQL (or into a
second SQLite file when no server answers). The script then prints the rows of each
table and checks every foreign key.

    python examples/seed_test_database.py                       # 300 patients, 30 epochs
    python examples/seed_test_database.py --patients 1462 --epochs 300 --scale 0.5
    python examples/seed_test_database.py --target postgresql://me@db.example/test_seed
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from synthdata import DatabaseSynthesizer

EXPORT = Path(__file__).resolve().parents[2] / "shared" / "data" / "synthea" / "ma_1462"
POSTGRESQL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def load_export(folder: Path, url: str, patients: int) -> dict[str, list[tuple[str, str, str]]]:
    """Create the export's tables with their keys at `url`, for a sample of patients; returns the foreign keys."""
    schema = json.loads((folder / "schema.json").read_text())
    references: dict[str, list[tuple[str, str, str]]] = {name: [] for name in schema["tables"]}
    for key in schema["foreign_keys"]:
        references[key["child_table"]].append((key["child_column"], key["parent_table"], key["parent_column"]))
    metadata = sa.MetaData()
    for name, table in schema["tables"].items():
        columns = [
            sa.Column(column, sa.Text, primary_key=column == table["primary_key"]) for column in table["columns"]
        ]
        keys = [sa.ForeignKeyConstraint([column], [f"{parent}.{key}"]) for column, parent, key in references[name]]
        sa.Table(name, metadata, *columns, *keys)
    frames = {name: pd.read_csv(folder / table["file"], dtype=str) for name, table in schema["tables"].items()}
    kept = frames["patients"]["ID"].sample(n=min(patients, len(frames["patients"])), random_state=0)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        metadata.create_all(connection)
        for table in metadata.sorted_tables:
            frame = frames[table.name]
            frame = frame[frame["ID" if table.name == "patients" else "PATIENT"].isin(kept)]
            connection.execute(table.insert(), frame.astype(object).where(frame.notna(), None).to_dict("records"))
    engine.dispose()
    return references


def reachable(url: str) -> bool:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def integrity(url: str, references: dict[str, list[tuple[str, str, str]]]) -> list[tuple[str, int]]:
    """For every foreign key, the number of rows whose reference finds no parent."""
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    report = []
    with engine.connect() as connection:
        for name, keys in references.items():
            child = metadata.tables[name]
            for column, parent_name, key in keys:
                parent = metadata.tables[parent_name]
                dangling = (
                    sa.select(sa.func.count())
                    .select_from(child.outerjoin(parent, child.c[column] == parent.c[key]))
                    .where(child.c[column].is_not(None), parent.c[key].is_(None))
                )
                report.append((f"{name}.{column} -> {parent_name}.{key}", connection.scalar(dangling)))
    engine.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=EXPORT, help="Synthea export folder with schema.json")
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--target", help=f"database URL to seed [default: {POSTGRESQL}, else a SQLite file]")
    parser.add_argument("--output", type=Path, default=Path("seed-example"))
    options = parser.parse_args()

    options.output.mkdir(exist_ok=True)
    source = f"sqlite:///{options.output / 'synthea.db'}"
    (options.output / "synthea.db").unlink(missing_ok=True)
    references = load_export(options.export, source, options.patients)

    started = time.perf_counter()
    model = DatabaseSynthesizer(epochs=options.epochs).fit(source)
    model.save(options.output / "synthea.synth")
    fitted = time.perf_counter() - started

    target = options.target or (POSTGRESQL if reachable(POSTGRESQL) else f"sqlite:///{options.output / 'seeded.db'}")
    started = time.perf_counter()
    written = model.seed(target, scale=options.scale, if_exists="replace")
    seeded = time.perf_counter() - started

    print(
        f"fitted {len(written)} tables in {fitted:.1f} s; seeded {sa.make_url(target).render_as_string()} in {seeded:.1f} s"
    )
    for name, rows in written.items():
        print(f"  {name:<15} {rows:>8,} rows")
    report = integrity(target, references)
    for key, dangling in report:
        print(f"  {key:<45} {'ok' if dangling == 0 else f'{dangling} rows without a parent'}")
    print("integrity: every foreign key resolves" if all(d == 0 for _, d in report) else "integrity: BROKEN")


if __name__ == "__main__":
    main()
