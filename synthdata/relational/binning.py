"""A column's values as a handful of named cells, and how strongly two such columns go together.

Relating a child table to its parent means comparing distributions group by group:
how many children a young patient has, which kinds of encounter a woman has. Both
need every column, whatever its kind, cut into a few cells: the frequent categories
of a categorical column (the rare ones pooled), quartiles of a number or a date, and
nulls as a cell of their own. The cells are learned from the real table and stored
in the model file as plain JSON, so generated rows fall into the same cells.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from synthdata.schema import Column, Schema
from synthdata.schema.column import json_scalar
from synthdata.schema.dates import parse

NULL = "(null)"
OTHER = "(other)"
QUARTILES = (0.25, 0.5, 0.75)
# Columns with more categories than this are only ever cut into their most frequent ones.
MAX_CELLS = 24


@dataclass(frozen=True)
class Cells:
    """How one column's values map to cells: kept categories, or the edges between quantiles."""

    column: str
    kind: Literal["values", "bins"]
    values: tuple[Any, ...] = ()
    edges: tuple[float, ...] = ()
    date_format: str | None = None
    is_date: bool = False

    @classmethod
    def learn(cls, values: pd.Series, column: Column, *, min_rows: int = 1) -> Cells | None:
        """The cells for a modelled column, or None when it cannot split the rows in two."""
        coded = cls.learn_coded(values, column, min_rows=min_rows)
        return coded[0] if coded is not None else None

    @classmethod
    def learn_coded(cls, values: pd.Series, column: Column, *, min_rows: int = 1) -> tuple[Cells, np.ndarray] | None:
        """The cells and each value's cell, reading the values once (dates are parsed once)."""
        if column.type in ("numerical", "integer", "datetime"):
            numbers = _as_numbers(values, column.type == "datetime", column.format)
            present = numbers[~np.isnan(numbers)]
            if present.size == 0:
                return None
            edges = tuple(float(edge) for edge in np.unique(np.quantile(present, QUARTILES)))
            cells = cls(column.name, "bins", edges=edges, date_format=column.format, is_date=column.type == "datetime")
            codes = cells._bin_codes(numbers)
        elif column.type in ("categorical", "boolean"):
            counts = values.dropna().astype(str).value_counts()
            kept = counts[counts >= min_rows].index[:MAX_CELLS]
            cells = cls(column.name, "values", values=tuple(json_scalar(value) for value in kept))
            codes = cells.codes(values)
        else:
            return None
        return (cells, codes) if len(np.unique(codes)) > 1 else None

    def codes(self, values: pd.Series) -> np.ndarray:
        """Each value's cell, as text."""
        if self.kind == "bins":
            return self._bin_codes(_as_numbers(values, self.is_date, self.date_format))
        text = values.astype(str).to_numpy(dtype=object)
        known = pd.Index([str(value) for value in self.values])
        cells = np.where(known.get_indexer(text) >= 0, self.column + "=" + text, self.column + "=" + OTHER).astype(
            object
        )
        cells[values.isna().to_numpy()] = NULL
        return cells

    def _bin_codes(self, numbers: np.ndarray) -> np.ndarray:
        position = np.searchsorted(np.asarray(self.edges, dtype=float), numbers, side="left")
        labels = np.array([f"{self.column}:{index + 1}/{len(self.edges) + 1}" for index in range(len(self.edges) + 1)])
        cells = labels[np.minimum(position, len(self.edges))].astype(object)
        cells[np.isnan(numbers)] = NULL
        return cells

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cells:
        return cls(**{**data, "values": tuple(data["values"]), "edges": tuple(data["edges"])})


def _as_numbers(values: pd.Series, is_date: bool, date_format: str | None) -> np.ndarray:
    """Numbers as floats and dates as nanoseconds since 1970, NaN for nulls and unreadable values."""
    if not is_date:
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    moments = values if pd.api.types.is_datetime64_any_dtype(values) else parse(values, date_format)
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        moments = moments.dt.tz_convert("UTC").dt.tz_localize(None)
    nanoseconds = moments.astype("datetime64[ns]").astype("int64").to_numpy(dtype=float)
    nanoseconds[moments.isna().to_numpy()] = np.nan
    return nanoseconds


def association(first: np.ndarray, second: np.ndarray) -> float:
    """Cramér's V between two columns of cells: 0 when independent, 1 when one fixes the other."""
    first_codes, first_index = np.unique(first.astype(str), return_inverse=True)
    second_codes, second_index = np.unique(second.astype(str), return_inverse=True)
    smaller = min(len(first_codes), len(second_codes))
    if smaller < 2:
        return 0.0
    observed = np.zeros((len(first_codes), len(second_codes)))
    np.add.at(observed, (first_index, second_index), 1.0)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / len(first)
    chi_square = float(np.sum((observed - expected) ** 2 / expected))
    return float(np.sqrt(chi_square / (len(first) * (smaller - 1))))


def correlation_ratio(cells: np.ndarray, values: np.ndarray) -> float:
    """How much of a number's variance the cells explain (eta), between 0 and 1."""
    values = values.astype(float)
    spread = values.var()
    if spread == 0 or len(values) == 0:
        return 0.0
    _, index = np.unique(cells.astype(str), return_inverse=True)
    sizes = np.bincount(index)
    means = np.bincount(index, weights=values) / sizes
    between = float(np.sum(sizes * (means - values.mean()) ** 2) / len(values))
    return float(np.sqrt(between / spread))


def coded_columns(frame: pd.DataFrame, schema: Schema, *, min_rows: int = 1) -> list[tuple[Cells, np.ndarray]]:
    """The cells and codes of every modelled column of `frame` that splits its rows (categories
    held by at least `min_rows` rows)."""
    return [
        coded
        for column in schema.modelled_columns
        if column.name in frame.columns
        and (coded := Cells.learn_coded(frame[column.name], column, min_rows=min_rows)) is not None
    ]
