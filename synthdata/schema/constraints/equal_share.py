"""`equal_share`: a column equal to another on most rows, e.g. two counts of one credit file.

When two columns agree on 98% of rows, learning both lets the model match them on
almost none: two independent draws are rarely the same number. The model learns the
difference `column - equals` in place of `column`; on 98% of real rows it is exactly
zero, a point mass the transformer keeps as a mode of its own, so sampled rows are
equal on the share the model learned, and the other rows keep their real spread of
differences. No row is dropped or forced: this is a share, not a rule every row
obeys, so every row passes `is_valid` and `share` (the real one) is for reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.base import Constraint, column_view, first_rows
from synthdata.schema.constraints.values import NumberView


class EqualShare(Constraint):
    """`column` equals `equals` on about `share` of rows; the model learns their difference."""

    type = "equal_share"
    reshapes = True

    def __init__(self, *, column: str, equals: str, share: float | None = None) -> None:
        if column == equals:
            raise SchemaError(f"Constraint 'equal_share' compares '{column}' with itself.")
        if share is not None and not (isinstance(share, (int, float)) and 0.0 < share <= 1.0):
            raise SchemaError(f"Constraint 'equal_share' on '{column}': share must be in (0, 1], not {share!r}.")
        self.column = column
        self.equals = equals
        self.share = share

    @property
    def columns(self) -> list[str]:
        return [self.column, self.equals]

    @property
    def removes(self) -> list[str]:
        return [self.column]

    @property
    def difference_column(self) -> str:
        return f"{self.column} - {self.equals}"

    def describe(self) -> str:
        return f"{self.type} {self.column} == {self.equals}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        self.view_ = column_view(self.column, df, columns)
        self.equals_view_ = column_view(self.equals, df, columns)
        if self.view_.kind != "number" or self.equals_view_.kind != "number":
            raise SchemaError(f"Constraint '{self.describe()}' needs numbers in both columns.")
        self.real_share_ = None
        if df is None:
            return
        value, other = self.view_.to_numbers(df[self.column]), self.equals_view_.to_numbers(df[self.equals])
        lost = pd.Series(np.isnan(other) & ~np.isnan(value))
        if lost.any():
            raise SchemaError(
                f"'{self.describe()}': {int(lost.sum())} rows hold '{self.column}' without '{self.equals}' "
                f"(first rows: {first_rows(lost)}); the difference cannot carry them, so drop the constraint."
            )
        self.real_share_ = self.held_share(df)

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        if self.difference_column in df.columns:
            raise SchemaError(
                f"Column '{self.difference_column}' already exists; rename it to use '{self.describe()}'."
            )
        out = df.copy()
        out[self.column] = self.view_.to_numbers(df[self.column]) - self.equals_view_.to_numbers(df[self.equals])
        return out.rename(columns={self.column: self.difference_column})

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        return [self._difference_declaration(column) if column.name == self.column else column for column in columns]

    def _difference_declaration(self, column: Column) -> Column:
        whole = self.view_.integer and self.equals_view_.integer
        return Column(
            name=self.difference_column,
            type="integer" if whole else "numerical",
            dtype="float64",
            nullable=column.nullable,
            decimals=None if whole else self.view_.decimals,
        )

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        self._require_fitted()
        difference = pd.to_numeric(df[self.difference_column], errors="coerce").to_numpy(dtype=np.float64)
        value = self.equals_view_.to_numbers(df[self.equals]) + difference
        out = df.copy()
        out[self.difference_column] = self.view_.from_numbers(value, index=df.index)
        return out.rename(columns={self.difference_column: self.column})

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        return np.ones(len(df), dtype=bool)

    def held_share(self, df: pd.DataFrame) -> float | None:
        self._require_fitted()
        value, other = self.view_.to_numbers(df[self.column]), self.equals_view_.to_numbers(df[self.equals])
        both = ~np.isnan(value) & ~np.isnan(other)
        return float(np.mean(value[both] == other[both])) if both.any() else None

    def options(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "equals": self.equals,
            **({"share": self.share} if self.share is not None else {}),
        }

    def state(self) -> dict[str, Any]:
        return {
            "view": self.view_.to_dict(),
            "equals_view": self.equals_view_.to_dict(),
            "real_share": self.real_share_,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.view_ = NumberView.from_dict(dict(state["view"]))
        self.equals_view_ = NumberView.from_dict(dict(state["equals_view"]))
        self.real_share_ = state["real_share"]
