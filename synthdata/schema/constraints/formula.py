"""`formula`: a column computed from others, e.g. TOTAL = PRICE * QTY.

A derived column carries no information of its own, and a model that learns it
alongside its inputs will get the arithmetic slightly wrong. The column is dropped
before the model learns and computed from the sampled inputs afterwards, rounded to
the column's precision, so the rule holds exactly on every row. The expression is
parsed safely (see `expression`); no user text is ever executed. Real data may
miss a formula by more than its rounding (an instalment computed from a rate the
table shows rounded): `tolerance` is then the share of the value it may miss by.

A formula that holds on a share of rows (`share`: a loan's balance is its amount less
the principal paid on 99.9% of loans, all but the charged-off ones, whose balance is
written off) is neither computed on every row nor left to the model. The model learns
the residual `column - (expression)` in place of `column`: zero on the rows holding the
formula, a point mass the transformer gives back exactly, and the real misses on the
others. A sampled row whose residual is that zero has `column` computed from its inputs
(within the column's rounding), the others keep their learned miss, so sampled rows hold
the formula on about the share the real ones do. Either stays within the column's declared
min and max: where sampled inputs would compute a value out of them, the bound wins. Like `equal_share`, it is a share,
not a rule: every row passes `is_valid`; `held_share` says how many rows hold it.
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
    """`column` equals `expression` of other columns (up to the column's rounding),
    on every row, or on about `share` of them."""

    type = "formula"
    reshapes = True

    def __init__(
        self, *, column: str, expression: str, tolerance: float | None = None, share: float | None = None
    ) -> None:
        if tolerance is not None and not (isinstance(tolerance, (int, float)) and 0.0 <= tolerance < 1.0):
            raise SchemaError(f"Formula for '{column}': tolerance must be a share in [0, 1), not {tolerance!r}.")
        if share is not None and not (isinstance(share, (int, float)) and 0.0 < share < 1.0):
            raise SchemaError(
                f"Formula for '{column}': share must be between 0 and 1 (the share of rows that hold it; "
                f"leave it out for every row), not {share!r}."
            )
        self.column = column
        self.expression = expression
        self.tolerance = tolerance
        self.share = share
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

    @property
    def residual_column(self) -> str:
        return f"{self.column} - ({self.expression})"

    def describe(self) -> str:
        on = f" on {self.share:.2%} of rows" if self.share is not None else ""
        return f"{self.type} {self.column} = {self.expression}{on}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        inputs = [NumberView.learn(None, column_of(name, df, columns)) for name in self._parsed.columns]
        self.view_ = column_view(self.column, df, columns)
        if self.view_.kind != "number":
            raise SchemaError(f"Formula '{self.describe()}' needs '{self.column}' to hold numbers.")
        # Real inputs are rounded too: parts rounded to cents may miss their rounded
        # total by half a cent each. Sampled rows are computed exactly, without it.
        self.rounding_ = sum(
            0.5 * 10.0**-view.decimals for view in inputs if view.decimals is not None and not view.integer
        )
        declared = column_of(self.column, df, columns)
        self.range_ = [
            None if bound is None else self.view_.bound_to_number(bound) for bound in (declared.min, declared.max)
        ]
        self.real_share_: float | None = None
        if df is None:
            return
        if self.share is not None:
            self._learn_share(df)
            return
        broken = ~pd.Series(self._within(df, slack=self.rounding_))
        if broken.any():
            raise SchemaError(
                f"The data breaks '{self.describe()}' on {int(broken.sum())} rows (first rows: "
                f"{first_rows(broken)}); check the formula or the column's decimals."
            )

    def _learn_share(self, df: pd.DataFrame) -> None:
        """The residual must carry every value of `column`: none where an input is missing."""
        actual, expected = self.view_.to_numbers(df[self.column]), self._parsed.evaluate(df).to_numpy()
        lost = pd.Series(np.isnan(expected) & ~np.isnan(actual))
        if lost.any():
            raise SchemaError(
                f"'{self.describe()}': {int(lost.sum())} rows hold '{self.column}' where an input of the formula "
                f"is missing (first rows: {first_rows(lost)}); the residual cannot carry them, so drop the share "
                "or the constraint."
            )
        self.real_share_ = self.held_share(df)

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        if self.share is None:
            return df.drop(columns=[self.column])
        if self.residual_column in df.columns:
            raise SchemaError(f"Column '{self.residual_column}' already exists; rename it to use '{self.describe()}'.")
        residual = self.view_.to_numbers(df[self.column]) - self._parsed.evaluate(df).to_numpy()
        # rows holding the formula within its rounding learn exactly zero: one point mass
        residual[self._within(df, slack=self.rounding_) & ~np.isnan(residual)] = 0.0
        out = df.copy()
        out[self.column] = residual
        return out.rename(columns={self.column: self.residual_column})

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        if self.share is None:
            return [column for column in columns if column.name != self.column]
        return [self._residual_declaration(column) if column.name == self.column else column for column in columns]

    def _residual_declaration(self, column: Column) -> Column:
        return Column(
            name=self.residual_column,
            type="integer" if self.view_.integer else "numerical",
            dtype="float64",
            nullable=column.nullable,
            decimals=None if self.view_.integer else self.view_.decimals,
        )

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        self._require_fitted()
        if self.share is None:
            return self.repair(df, rng=rng)
        residual = pd.to_numeric(df[self.residual_column], errors="coerce").to_numpy(dtype=np.float64)
        value = self._parsed.evaluate(df).to_numpy() + residual
        # within the column's bounds (a written-off balance at 0, not below): where the inputs
        # would take the computed value out of them, the bound wins and the row is a miss
        low, high = self.range_
        value = np.clip(value, -np.inf if low is None else low, np.inf if high is None else high)
        out = df.drop(columns=[self.residual_column])
        out[self.column] = self.view_.from_numbers(value, index=df.index)
        return out[[self.column if name == self.residual_column else name for name in df.columns]]

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """The column computed from its inputs (on every row: without a model there are no
        learned misses, so rows made from declarations alone all hold a formula on a share)."""
        out = df.copy()
        computed = self._parsed.evaluate(df).to_numpy()
        out[self.column] = self.view_.from_numbers(computed, index=df.index)
        return out

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        if self.share is not None:
            return np.ones(len(df), dtype=bool)
        return self._within(df)

    def held_share(self, df: pd.DataFrame) -> float | None:
        """The share of rows holding the formula among those with every column present."""
        self._require_fitted()
        actual, expected = self.view_.to_numbers(df[self.column]), self._parsed.evaluate(df).to_numpy()
        present = ~np.isnan(actual) & ~np.isnan(expected)
        return float(self._within(df, slack=self.rounding_)[present].mean()) if present.any() else None

    def _within(self, df: pd.DataFrame, slack: float = 0.0) -> np.ndarray:
        """Per row, whether `column` is within its rounding (and `tolerance`) of the expression."""
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
        if self.share is not None:
            out["share"] = self.share
        return out

    def state(self) -> dict[str, Any]:
        return {
            "view": self.view_.to_dict(),
            "rounding": self.rounding_,
            "range": self.range_,
            "real_share": self.real_share_,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.view_ = NumberView.from_dict(dict(state["view"]))
        self.rounding_ = float(state["rounding"])
        self.range_ = list(state["range"])
        self.real_share_ = state["real_share"]
