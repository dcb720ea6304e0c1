"""`null_if`: a column is null exactly when a condition on the row holds.

A DEATHDATE is empty exactly for the living; a STOP is empty exactly for conditions
still active. The model learns nulls as a share, so it can produce a death date for
someone alive; sampled rows are repaired: the column is emptied where the
condition holds, and filled (with values drawn from the column's other rows) where
it does not. The condition is a safe expression, e.g. `ALIVE == 'Y'` or
`STATUS != 'closed' and END is None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column, json_scalar
from synthdata.schema.constraints.base import Constraint, fill_nulls_from_others, first_rows
from synthdata.schema.constraints.expression import Expression


class NullIf(Constraint):
    """`column` is null if and only if `condition` holds."""

    type = "null_if"

    def __init__(self, *, column: str, condition: str) -> None:
        self.column = column
        self.condition = condition
        self._parsed = Expression(condition, condition=True)

    @property
    def columns(self) -> list[str]:
        return [self.column, *[name for name in self._parsed.columns if name != self.column]]

    def describe(self) -> str:
        return f"{self.type} {self.column} when {self.condition}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        self.fallback_ = None
        if df is None:
            return
        present = df[self.column].dropna()
        self.fallback_ = json_scalar(present.mode().iloc[0]) if not present.empty else None
        broken = ~pd.Series(self._holds(df))
        if broken.any():
            raise SchemaError(
                f"The data breaks '{self.describe()}' on {int(broken.sum())} rows "
                f"(first rows: {first_rows(broken)}); fix those rows or the condition."
            )

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        if self._holds(df).all():
            return df
        when = self._parsed.evaluate(df).to_numpy()
        emptied = df[self.column].mask(when)
        out = df.copy()
        out[self.column] = fill_nulls_from_others(emptied, rng=rng, fallback=self.fallback_, where=~when)
        return out

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        when = self._parsed.evaluate(df).to_numpy()
        return df[self.column].isna().to_numpy() == when

    def options(self) -> dict[str, Any]:
        return {"column": self.column, "condition": self.condition}

    def state(self) -> dict[str, Any]:
        return {"fallback": self.fallback_}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.fallback_ = state["fallback"]
