"""Rules checked per row rather than built into the model: `unique`, `not_null`, `regex`.

None of them changes what the model learns. `not_null` is repaired in place (nulls
take values drawn from the column's other values); `unique` and `regex` hold by
construction on generated columns (ids, Faker values) and are otherwise enforced by
rejecting the rows that break them, the bounded fallback of sampling.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column, json_scalar
from synthdata.schema.constraints.base import ColumnConstraint, Constraint, fill_nulls_from_others, first_rows
from synthdata.schema.patterns import bounded_pattern, fullmatches


class Unique(Constraint):
    """No two rows share the values of `columns` (rows with a null in them never clash)."""

    type = "unique"

    def __init__(self, *, columns: list[str] | str) -> None:
        self._members = [columns] if isinstance(columns, str) else list(columns)
        if not self._members:
            raise SchemaError("Constraint 'unique' needs at least one column.")

    @property
    def columns(self) -> list[str]:
        return list(self._members)

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        values = df[self._members]
        any_null = values.isna().any(axis=1).to_numpy()
        return any_null | ~values.duplicated(keep="first").to_numpy()

    def options(self) -> dict[str, Any]:
        return {"columns": list(self._members)}


class NotNull(ColumnConstraint):
    """`column` has a value on every row."""

    type = "not_null"

    def __init__(self, *, column: str) -> None:
        self.column = column

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        """Tell the model the column has no nulls to learn."""
        return [dataclasses.replace(c, nullable=0.0) if c.name == self.column else c for c in columns]

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        present = df[self.column].dropna() if df is not None else pd.Series(dtype=object)
        mode = present.mode() if not present.empty else present
        self.fallback_ = json_scalar(mode.iloc[0]) if not mode.empty else None

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        if df[self.column].notna().all():
            return df
        out = df.copy()
        out[self.column] = fill_nulls_from_others(df[self.column], rng=rng, fallback=self.fallback_)
        return out

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        return df[self.column].notna().to_numpy()

    def options(self) -> dict[str, Any]:
        return {"column": self.column}

    def state(self) -> dict[str, Any]:
        return {"fallback": self.fallback_}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.fallback_ = state["fallback"]


class Regex(ColumnConstraint):
    """Every present value of `column` matches `pattern` whole."""

    type = "regex"

    def __init__(self, *, column: str, pattern: str) -> None:
        self._compiled = bounded_pattern(pattern, what=f"Constraint 'regex' on '{column}'")
        self.column = column
        self.pattern = pattern

    def describe(self) -> str:
        return f"{self.type} {self.column} ~ {self.pattern}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        """Real values that break the pattern would make every sample fail: refuse them now."""
        if df is None:
            return
        broken = ~self._holds(df)
        if broken.any():
            example = str(df[self.column].iloc[int(np.flatnonzero(broken)[0])])
            shown = example if len(example) <= 40 else example[:40] + "..."
            raise SchemaError(
                f"The data breaks constraint '{self.describe()}' on {int(broken.sum())} of {len(df)} rows "
                f"(first rows: {first_rows(pd.Series(broken))}, such as {shown!r}); fix the pattern or those rows."
            )

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        values = df[self.column]
        return values.isna().to_numpy() | fullmatches(values, self._compiled)

    def options(self) -> dict[str, Any]:
        return {"column": self.column, "pattern": self.pattern}
