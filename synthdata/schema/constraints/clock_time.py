"""`clock_time`: a column of times of day written as HHMM numbers (1530 for 15:30).

A model that learns such a column as a plain number puts values between the clock
times: 1465 or 1290 are numbers but no time of day, and the gap from 1259 to 1300
is one minute, not 41. The model learns minutes since midnight instead, and the
column is written back as HHMM, so every value is a time of day, and midnight comes
back as the data writes it (2400 when it does, else 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.base import Constraint, column_of, first_rows
from synthdata.schema.constraints.values import NumberView

MINUTES_PER_DAY = 1440


class ClockTime(Constraint):
    """`column` holds times of day as HHMM numbers; the model learns minutes since midnight."""

    type = "clock_time"
    reshapes = True

    def __init__(self, *, column: str) -> None:
        self.column = column

    @property
    def columns(self) -> list[str]:
        return [self.column]

    @property
    def removes(self) -> list[str]:
        return [self.column]

    def describe(self) -> str:
        return f"{self.type} {self.column} (HHMM)"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        self.view_ = NumberView.learn(None if df is None else df[self.column], column_of(self.column, df, columns))
        if self.view_.kind != "number":
            raise SchemaError(f"Constraint '{self.describe()}' needs '{self.column}' to hold numbers.")
        self.range_ = [0.0, float(MINUTES_PER_DAY - 1)]
        if df is None:
            return
        broken = ~pd.Series(self._holds(df))
        if broken.any():
            raise SchemaError(
                f"The data breaks '{self.describe()}' on {int(broken.sum())} rows (first rows: {first_rows(broken)}): "
                "a time of day is a whole number from 0 to 2400 whose last two digits are below 60."
            )
        minutes = minutes_since_midnight(self.view_.to_numbers(df[self.column]))
        if np.isfinite(minutes).any():
            self.range_ = [float(np.nanmin(minutes)), float(np.nanmax(minutes))]

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        out = df.copy()
        out[self.column] = minutes_since_midnight(self.view_.to_numbers(df[self.column]))
        return out

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        return [self._minutes_declaration(column) if column.name == self.column else column for column in columns]

    def _minutes_declaration(self, column: Column) -> Column:
        low, high = self.range_
        return Column(name=self.column, type="integer", dtype="float64", nullable=column.nullable, min=low, max=high)

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        self._require_fitted()
        if self.column not in df.columns:
            return df
        minutes = pd.to_numeric(df[self.column], errors="coerce").to_numpy(dtype=np.float64)
        low, high = self.range_
        minutes = np.clip(np.round(minutes), low, high)
        out = df.copy()
        out[self.column] = self.view_.from_numbers(minutes // 60 * 100 + minutes % 60, index=df.index)
        return out

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """Rows sampled without a model: a minute part of 60 or more becomes 59, and values
        stay between 0 and 2400."""
        values = self.view_.to_numbers(df[self.column])
        values = np.clip(np.round(values), 0, 2400)
        values = values // 100 * 100 + np.minimum(values % 100, 59)
        out = df.copy()
        out[self.column] = self.view_.from_numbers(values, index=df.index)
        return out

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        values = self.view_.to_numbers(df[self.column])
        with np.errstate(invalid="ignore"):
            clock = (values == np.round(values)) & (values >= 0) & (values <= 2400) & (values % 100 < 60)
        return np.isnan(values) | clock

    def options(self) -> dict[str, Any]:
        return {"column": self.column}

    def state(self) -> dict[str, Any]:
        return {"view": self.view_.to_dict(), "range": self.range_}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.view_ = NumberView.from_dict(dict(state["view"]))
        self.range_ = [float(bound) for bound in state["range"]]


def minutes_since_midnight(values: np.ndarray) -> np.ndarray:
    """Minutes since midnight of HHMM numbers (NaN stays NaN)."""
    return values // 100 * 60 + values % 100
