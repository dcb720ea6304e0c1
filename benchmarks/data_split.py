"""The data every system sees: one table, one stratified 80/20 split, one schema.

Every system is fitted on the same 80% and judged against the same 20%, split with
random_state=0 and stratified on the target when there is one, so differences in the
results come from the systems and not from the rows they were given. The schema is
synthdata's inference on the training rows; the references are told the same column
kinds (which columns are categorical, which are dates and in what format), and
columns that are identifiers or personal data (ids, Faker columns) are left out of
what they learn and of what is measured, since neither reference can model them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from synthdata import Schema, read_table
from synthdata.schema import Column

SEED = 0
HOLDOUT_SHARE = 0.2


@dataclass
class Split:
    """The training rows, the real hold-out, the target (or None) and the inferred schema."""

    name: str
    train: pd.DataFrame
    holdout: pd.DataFrame
    target: str | None
    schema: Schema
    max_rows: int | None

    def summary(self) -> dict:
        return {
            "train_rows": len(self.train),
            "holdout_rows": len(self.holdout),
            "target": self.target,
            "stratified": self.target is not None,
            "random_state": SEED,
            "max_rows": self.max_rows,
        }

    def sentence(self) -> str:
        """How the rows were split, in words."""
        stratified = f", stratified on {self.target}" if self.target else ""
        return (
            f"{len(self.train):,} training rows, {len(self.holdout):,} real rows held out "
            f"(80/20, random_state={SEED}{stratified}"
            f"{f', from {self.max_rows:,} random rows' if self.max_rows else ''})"
        )

    @property
    def modelled_columns(self) -> list[str]:
        """Columns learned from data; the others (ids, Faker values) are generated, not learned."""
        return [name for name, column in self.schema.columns.items() if column.is_modelled]


def load_split(
    path: str | Path, *, target: str | None, max_rows: int | None = None, parse_dates: Sequence[str] = ()
) -> Split:
    """Read `path`, optionally keep `max_rows` random rows, and split it 80/20. The
    `parse_dates` columns are parsed as a user would before a DP fit, which reads
    text as categories (dates in text are told only by their values)."""
    table = read_table(path)
    for name in parse_dates:
        table[name] = pd.to_datetime(table[name], errors="raise")
    if target is not None and target not in table.columns:
        raise SystemExit(f"--target {target!r} is not a column of {path}; columns: {list(table.columns)}")
    if max_rows is not None and len(table) > max_rows:
        table = table.sample(n=max_rows, random_state=SEED)
    train, holdout = train_test_split(
        table,
        test_size=HOLDOUT_SHARE,
        random_state=SEED,
        stratify=table[target] if target is not None else None,
    )
    train = train.reset_index(drop=True)
    return Split(
        name=Path(path).stem,
        train=train,
        holdout=holdout.reset_index(drop=True),
        target=target,
        schema=Schema.infer(train),
        max_rows=max_rows,
    )


def sdv_metadata(schema: Schema, columns: list[str]) -> dict:
    """SDV/SDMetrics single-table metadata saying what `schema` says about `columns`."""
    sdtypes = {
        "numerical": "numerical",
        "integer": "numerical",
        "datetime": "datetime",
        "categorical": "categorical",
        "boolean": "boolean",
    }
    described = {}
    for name in columns:
        column = schema.columns[name]
        described[name] = {"sdtype": sdtypes[column.type]}
        if column.type == "datetime" and column.format:
            described[name]["datetime_format"] = column.format
    return {"columns": described}


def as_numbers(series: pd.Series, column: Column) -> pd.Series:
    """A numeric or date column as floats (dates as days since 1970), nulls as NaN."""
    if column.type != "datetime":
        return pd.to_numeric(series, errors="coerce").astype(float)
    dates = pd.to_datetime(series, format=column.format, errors="coerce")
    return (dates - pd.Timestamp("1970-01-01")) / np.timedelta64(1, "D")


def in_dtype(values: pd.Series, dtype: np.dtype) -> pd.Series:
    """Sampled numbers in the training column's dtype: rounded to whole numbers when
    that column holds integers and none is missing (an integer column holds no null)."""
    values = pd.to_numeric(values, errors="coerce")
    whole = pd.api.types.is_integer_dtype(dtype) and values.notna().all()
    return values.round().astype(dtype) if whole else values


def dates_as_text(dates: pd.Series, date_format: str | None) -> pd.Series:
    """Sampled dates written the way the real column writes them (ISO when it has no format), nulls kept."""
    return dates.dt.strftime(date_format or "%Y-%m-%d").where(dates.notna(), None)
