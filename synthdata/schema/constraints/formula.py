"""`formula`: a column computed from others, e.g. TOTAL = PRICE * QTY.

A derived column carries no information of its own, and a model that learns it
alongside its inputs will get the arithmetic slightly wrong. The column is dropped
before the model learns and computed from the sampled inputs afterwards, rounded to
the column's precision, so the rule holds exactly on every row. The expression is
parsed safely (see `expression`); no user text is ever executed. Real data may
miss a formula by more than its rounding (an instalment computed from a rate the
table shows rounded): `tolerance` is then the share of the value it may miss by.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.base import Constraint, column_of, column_view, first_rows
from synthdata.schema.constraints.expression import Expression
from synthdata.schema.constraints.values import NumberView


class Formula(Constraint):
    """`column` equals `expression` of other columns (up to the column's rounding)."""

    type = "formula"
    reshapes = True

    def __init__(self, *, column: str, expression: str, tolerance: float | None = None) -> None:
        if tolerance is not None and not (isinstance(tolerance, (int, float)) and 0.0 <= tolerance < 1.0):
            raise SchemaError(f"Formula for '{column}': tolerance must be a share in [0, 1), not {tolerance!r}.")
        self.column = column
        self.expression = expression
        self.tolerance = tolerance
        self._parsed = Expression(expression)
        if column in self._parsed.columns:
            raise SchemaError(f"Formula for '{column}' uses '{column}' itself: {expression!r}.")

    @property
    def columns(self) -> list[str]:
        return [self.column, *self._parsed.columns]

    @property
    def removes(self) -> list[str]:
        return [self.column]

    @property
    def fills(self) -> list[str]:
        return [self.column]

    def describe(self) -> str:
        return f"{self.type} {self.column} = {self.expression}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        inputs = [NumberView.learn(None, column_of(name, df, columns)) for name in self._parsed.columns]
        self.view_ = column_view(self.column, df, columns)
        if self.view_.kind != "number":
            raise SchemaError(f"Formula '{self.describe()}' needs '{self.column}' to hold numbers.")
        if df is not None:
            # Real inputs are rounded too: parts rounded to cents may miss their rounded
            # total by half a cent each. Sampled rows are computed exactly, without it.
            rounding = sum(
                0.5 * 10.0**-view.decimals for view in inputs if view.decimals is not None and not view.integer
            )
            broken = ~pd.Series(self._holds(df, slack=rounding))
            if broken.any():
                raise SchemaError(
                    f"The data breaks '{self.describe()}' on {int(broken.sum())} rows (first rows: "
                    f"{first_rows(broken)}); check the formula or the column's decimals."
                )

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        return df.drop(columns=[self.column])

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        return [column for column in columns if column.name != self.column]

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        self._require_fitted()
        return self.repair(df, rng=rng)

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        out = df.copy()
        computed = self._parsed.evaluate(df).to_numpy()
        out[self.column] = self.view_.from_numbers(computed, index=df.index)
        return out

    def _holds(self, df: pd.DataFrame, slack: float = 0.0) -> np.ndarray:
        self._require_fitted()
        actual = self.view_.to_numbers(df[self.column])
        expected = self._parsed.evaluate(df).to_numpy()
        tolerance = max(1e-9, self.tolerance or 0.0) * np.abs(expected) + slack
        if self.view_.integer:
            tolerance = tolerance + 0.5
        elif self.view_.decimals is not None:
            tolerance = tolerance + 0.5 * 10.0**-self.view_.decimals
        either_missing = np.isnan(actual) | np.isnan(expected)
        with np.errstate(invalid="ignore"):
            return either_missing | (np.abs(actual - expected) <= tolerance)

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "expression": self.expression}
        if self.tolerance is not None:
            out["tolerance"] = self.tolerance
        return out

    def state(self) -> dict[str, Any]:
        return {"view": self.view_.to_dict()}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.view_ = NumberView.from_dict(dict(state["view"]))
