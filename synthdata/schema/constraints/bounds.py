"""Bounds on one column: `range`, `positive` and `negative`.

The model already keeps values near where the data lies; a bound turns "near" into
"always". Sampled values are clipped to the bound (one step inside it when the bound
is strict), which keeps point masses such as a coverage of exactly 0 intact, where a
logit rescaling would smear them. Bounds on dates are given as dates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.base import ColumnConstraint, column_view, with_cells
from synthdata.schema.constraints.values import NumberView


class Range(ColumnConstraint):
    """`column` lies between `min` and `max` (either may be left out)."""

    type = "range"

    def __init__(self, *, column: str, min: Any = None, max: Any = None, strict: bool = False) -> None:
        if min is None and max is None:
            raise SchemaError(f"Constraint 'range' on '{column}' needs `min:`, `max:` or both.")
        self.column = column
        self.min = min
        self.max = max
        self.strict = strict

    def describe(self) -> str:
        low = "" if self.min is None else f"{self.min} {'<' if self.strict else '<='} "
        high = "" if self.max is None else f" {'<' if self.strict else '<='} {self.max}"
        return f"{self.type} {low}{self.column}{high}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        self.view_ = column_view(self.column, df, columns)
        self.bounds_ = tuple(self._bound_number(bound) for bound in (self.min, self.max))
        low, high = self.bounds_
        if low is not None and high is not None and (low > high or (self.strict and low == high)):
            raise SchemaError(f"Constraint '{self.describe()}' leaves no value: its min is not below its max.")

    def _bound_number(self, bound: Any) -> float | None:
        if bound is None:
            return None
        number = self.view_.bound_to_number(bound)
        if np.isnan(number):
            raise SchemaError(f"Constraint '{self.describe()}': bound {bound!r} is not a date; write it as YYYY-MM-DD.")
        return number

    def _limits(self) -> tuple[float, float]:
        self._require_fitted()
        low, high = self.bounds_
        step = self.view_.step if self.strict else 0.0
        return (-np.inf if low is None else low + step, np.inf if high is None else high - step)

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        """Tighten the column's own min/max, which the model's decoder clips to."""
        low, high = self.bounds_
        out = []
        for column in columns:
            if column.name == self.column and self.view_.kind == "number":
                column = dataclasses.replace(
                    column,
                    min=low if column.min is None or low is None else max(column.min, low),
                    max=high if column.max is None or high is None else min(column.max, high),
                )
            out.append(column)
        return out

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        low, high = self._limits()
        numbers = self.view_.to_numbers(df[self.column])
        outside = (numbers < low) | (numbers > high)
        if not outside.any():
            return df
        clipped = self.view_.from_numbers(np.clip(numbers, low, high), index=df.index)
        return with_cells(df, self.column, outside, clipped)

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        low, high = self._limits()
        numbers = self.view_.to_numbers(df[self.column])
        return np.isnan(numbers) | ((numbers >= low) & (numbers <= high))

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        if self.strict:
            out["strict"] = True
        return out

    def state(self) -> dict[str, Any]:
        return {"view": self.view_.to_dict(), "bounds": list(self.bounds_)}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.view_ = NumberView.from_dict(dict(state["view"]))
        self.bounds_ = tuple(state["bounds"])


class _ZeroBound(Range):
    """A bound at zero on one side of `column`; subclasses say which side."""

    side: ClassVar[str]
    symbols: ClassVar[tuple[str, str]]  # (strict, not strict)

    def __init__(self, *, column: str, strict: bool = False) -> None:
        super().__init__(column=column, strict=strict, **{self.side: 0})

    def describe(self) -> str:
        return f"{self.type} {self.column} {self.symbols[0] if self.strict else self.symbols[1]} 0"

    def options(self) -> dict[str, Any]:
        return {"column": self.column, **({"strict": True} if self.strict else {})}


class Positive(_ZeroBound):
    """`column` >= 0 (> 0 when strict)."""

    type = "positive"
    side = "min"
    symbols = (">", ">=")


class Negative(_ZeroBound):
    """`column` <= 0 (< 0 when strict)."""

    type = "negative"
    side = "max"
    symbols = ("<", "<=")
