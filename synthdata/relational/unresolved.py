"""References that point at no parent row: nulls, and values the parent table does not hold.

A declared foreign key only ever dangles as a null. A reference found in the data
(`inferred_references`) also holds values outside its parent: 2.3% of the flights
go to airports missing from the airports table, 15% of the tail numbers are not in
the aircraft table. A copy keeps both: of the rows a generated reference leaves
without a parent, the real share gets a value instead of a null, made afresh with
the shape of the real outside values (`key_shapes`), repeating as often as they did,
and never one the generated parent table holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthdata.relational.key_shapes import key_column
from synthdata.schema import Column, Schema

_VALUE = "value"


class OutsideValues:
    """Of the references that resolve nowhere, the share holding a value, and how such values look."""

    def __init__(self, share: float = 0.0, shape: Column | None = None, rows_per_value: float = 1.0) -> None:
        self.share = share
        self.shape = shape
        self.rows_per_value = rows_per_value

    @classmethod
    def learn(cls, values: pd.Series, positions: np.ndarray) -> OutsideValues:
        """From a child's real reference `values` and the parent row each resolves to (-1: none)."""
        unresolved = positions < 0
        outside = values[unresolved & values.notna().to_numpy()]
        if outside.empty:
            return cls()
        shape = key_column(outside.reset_index(drop=True), _VALUE)
        return cls(round(len(outside) / int(unresolved.sum()), 6), shape, round(len(outside) / outside.nunique(), 3))

    def fill(
        self, references: pd.Series, unresolved: np.ndarray, parent_keys: pd.Series, rng: np.random.Generator
    ) -> pd.Series:
        """`references` with the real share of its `unresolved` rows holding outside values."""
        if self.shape is None or not unresolved.any():
            return references
        rows = np.flatnonzero(unresolved & (rng.random(len(references)) < self.share))
        if not len(rows):
            return references
        integers = pd.api.types.is_integer_dtype(parent_keys.dtype) or isinstance(parent_keys.dtype, pd.Int64Dtype)
        shape = self.shape
        if shape.format == "sequential" and len(parent_keys):
            # Numbers beyond the parent's keys cannot be taken for one of them.
            shape = Column(name=_VALUE, type="id", format="sequential", start=int(parent_keys.max()) + 1)
        pool_size = max(1, round(len(rows) / max(self.rows_per_value, 1.0)))
        seed = int(rng.integers(2**31))
        pool = Schema({_VALUE: shape}, primary_key=_VALUE).generate(pool_size, seed=seed)[_VALUE]
        pool = pool[~pool.astype(str).isin(parent_keys.astype(str))].to_numpy(dtype=object)
        if not len(pool):
            return references
        drawn = pool[rng.integers(0, len(pool), size=len(rows))]
        filled = references.astype("Int64" if integers else object).copy()
        filled.iloc[rows] = pd.array(drawn.astype(np.int64), dtype="Int64") if integers else drawn
        return filled

    def to_dict(self) -> dict[str, Any]:
        shape = {"name": self.shape.name, **self.shape.to_dict()} if self.shape is not None else None
        return {"share": self.share, "shape": shape, "rows_per_value": self.rows_per_value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutsideValues:
        if data["shape"] is None:
            return cls()
        shape = Column.from_dict(data["shape"]["name"], {k: v for k, v in data["shape"].items() if k != "name"})
        return cls(float(data["share"]), shape, float(data["rows_per_value"]))
