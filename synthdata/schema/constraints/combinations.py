"""`fixed_combinations`: only the combinations of some columns seen in real data.

CITY, COUNTY, STATE and ZIP go together; a model learning each column on its own
invents Omaha in Lancaster County. The member columns are replaced by one
categorical column whose categories are the combinations seen (numbered by
frequency, most common first), so every sampled row carries a real combination,
split back into the members afterwards. The combinations are categories the model
learns anyway; members must therefore be modelled kinds, never personal data.
Without data (test data from a schema alone) the schema lists them under
`combinations:`; with data, a listed set is checked against the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column, json_scalar
from synthdata.schema.constraints.base import Constraint, column_of

_NULL = "\x00null"


class FixedCombinations(Constraint):
    """The values of `columns` on a row form one of the combinations seen in the data."""

    type = "fixed_combinations"
    reshapes = True

    def __init__(self, *, columns: list[str], combinations: list[list[Any]] | None = None) -> None:
        if not isinstance(columns, (list, tuple)) or len(columns) < 2 or len(set(columns)) != len(columns):
            raise SchemaError("Constraint 'fixed_combinations' needs a list of two or more distinct columns.")
        if combinations is not None and (
            not isinstance(combinations, (list, tuple))
            or not combinations
            or any(not isinstance(row, (list, tuple)) or len(row) != len(columns) for row in combinations)
        ):
            raise SchemaError(
                f"Constraint 'fixed_combinations' on {', '.join(columns)}: `combinations:` must be a list of "
                f"lists of {len(columns)} values each."
            )
        self._members = list(columns)
        self.combinations = [list(row) for row in combinations] if combinations is not None else None

    @property
    def columns(self) -> list[str]:
        return list(self._members)

    @property
    def removes(self) -> list[str]:
        return self.columns

    @property
    def fills(self) -> list[str]:
        return self.columns

    @property
    def combined_column(self) -> str:
        return "+".join(self._members)

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        if df is None:
            self._learn_declared(columns)
            return
        for name in self._members:
            column = column_of(name, df, columns)
            if not column.is_modelled:
                raise SchemaError(
                    f"Column '{name}' in '{self.describe()}' is {column.type}; combinations are learned "
                    "from real values, so declare it categorical (or drop it from the list)."
                )
        keys = _keys(df[self._members])
        counts = keys.value_counts(sort=True)
        seen = df.loc[keys.drop_duplicates().index, self._members]
        seen.index = _keys(seen)
        ordered = seen.loc[counts.index]
        self.combinations_ = [[json_scalar(value) for value in row] for row in ordered.itertuples(index=False)]
        self.dtypes_ = [str(df[name].dtype) for name in self._members]
        if self.combinations is not None:
            declared = pd.DataFrame(self.combinations, columns=self._members, dtype=object)
            for name in self._members:
                declared[name] = _as_dtype(declared[name], str(df[name].dtype))
            outside = ~keys.isin(set(_keys(declared)))
            if outside.any():
                raise SchemaError(
                    f"{int(outside.sum())} rows hold combinations of {', '.join(self._members)} that "
                    f"'{self.describe()}' does not list (first: row {int(np.flatnonzero(outside)[0])})."
                )

    def _learn_declared(self, columns: Mapping[str, Column]) -> None:
        """Without data, the combinations listed in the schema are the allowed ones."""
        if self.combinations is None:
            raise SchemaError(
                f"Constraint '{self.describe()}' learns its combinations from data; without data, "
                "list them under `combinations:`."
            )
        self.combinations_ = [[json_scalar(value) for value in row] for row in self.combinations]
        self.dtypes_ = [columns[name].dtype or "object" if name in columns else "object" for name in self._members]

    def _codes(self, df: pd.DataFrame) -> np.ndarray:
        """Each row's combination number, -1 for a combination never seen."""
        self._require_fitted()
        known = pd.Index(_keys(self._frame()))
        return known.get_indexer(_keys(df[self._members]))

    def _frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.combinations_, columns=self._members, dtype=object)
        for name, dtype in zip(self._members, self.dtypes_, strict=True):
            frame[name] = _as_dtype(frame[name], dtype)
        return frame

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        codes = self._codes(df)
        if (codes < 0).any():
            row = int(np.flatnonzero(codes < 0)[0])
            raise SchemaError(
                f"Row {row} holds a combination of {', '.join(self._members)} that was not seen when "
                f"'{self.describe()}' was fitted; fit on this data."
            )
        position = list(df.columns).index(self._members[0])
        out = df.drop(columns=self._members)
        out.insert(min(position, len(out.columns)), self.combined_column, codes.astype(np.int64))
        return out

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        combined = Column(name=self.combined_column, type="categorical", dtype="int64", nullable=0.0)
        out = []
        for column in columns:
            if column.name == self._members[0]:
                out.append(combined)
            elif column.name not in self._members:
                out.append(column)
        return out

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        self._require_fitted()
        codes = pd.to_numeric(df[self.combined_column], errors="coerce").to_numpy(dtype=np.float64)
        unknown = ~np.isfinite(codes) | (codes < 0) | (codes >= len(self.combinations_))
        # A code the model cannot produce; the most common combination is the safe stand-in.
        codes = np.where(unknown, 0, codes).astype(np.int64)
        members = self._frame().iloc[codes].reset_index(drop=True)
        members.index = df.index
        position = list(df.columns).index(self.combined_column)
        out = df.drop(columns=[self.combined_column])
        for offset, name in enumerate(self._members):
            out.insert(position + offset, name, members[name])
        return out

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """Rows with an unseen combination get one drawn from those seen."""
        codes = self._codes(df)
        unseen = np.flatnonzero(codes < 0)
        if unseen.size == 0:
            return df
        drawn = self._frame().iloc[rng.integers(0, len(self.combinations_), unseen.size)]
        out = df.copy()
        for name in self._members:
            if out[name].dtype != drawn[name].dtype:
                out[name] = out[name].astype(object)
            out.iloc[unseen, out.columns.get_loc(name)] = drawn[name].to_numpy()
        return out

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        return self._codes(df) >= 0

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"columns": list(self._members)}
        if self.combinations is not None:
            out["combinations"] = [list(row) for row in self.combinations]
        return out

    def state(self) -> dict[str, Any]:
        return {"combinations": self.combinations_, "dtypes": self.dtypes_}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.combinations_ = [list(row) for row in state["combinations"]]
        self.dtypes_ = list(state["dtypes"])


def _keys(frame: pd.DataFrame) -> pd.Series:
    """One text key per row, nulls marked, so rows compare whatever the dtypes."""
    parts = [_key_part(frame[name]) for name in frame.columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + "\x1f" + part
    return key


def _key_part(values: pd.Series) -> pd.Series:
    """Values as key text; a whole float is written as the integer it is (31109.0 as 31109),
    so float64, Int64 and object columns of the same numbers give the same keys."""
    text = values.astype(object).where(values.notna(), _NULL).astype(str)
    floats = values.map(type).isin([float, np.float64]).to_numpy() if values.dtype == object else None
    if pd.api.types.is_float_dtype(values.dtype) or (floats is not None and floats.any()):
        numbers = pd.to_numeric(values.where(floats) if floats is not None else values, errors="coerce")
        whole = (numbers.notna() & (numbers == np.round(numbers)) & (numbers.abs() < 2**53)).to_numpy()
        text[whole] = numbers[whole].astype(np.int64).astype(str)
    return text


def _as_dtype(values: pd.Series, dtype: str) -> pd.Series:
    try:
        return values.astype(dtype)
    except (TypeError, ValueError):
        return values
