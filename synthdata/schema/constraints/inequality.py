"""`low <= high` between two columns (numbers or dates), strict or not.

The model never sees `high`: it learns the gap `high - low` in its place, a
non-negative column named "HIGH - LOW", and `high` is rebuilt as `low + gap` with
the gap clipped at zero (one step when strict) and `high` kept within its column's
declared min/max wherever the rule allows. A person's age at death, not a death
date that could precede the birth, is what gets learned, so no sampled row can
break the rule.

When the data holds rows with `high` but no `low`, the gap would lose those values;
the constraint then keeps both columns and repairs sampled rows by swapping the two
values where they are the wrong way round (mode "clip"), as it does for test data
sampled without a model. Nulls on either side always pass.

An ordering that holds on a share of rows (`share`: credit utilised is within the
limit on 98.4% of loans) is neither a rule to force nor two free columns: the model
learns the size of the gap and, as a yes/no column of its own ("HIGH < LOW"), whether
the row is one of the exceptions, so sampled rows keep the real share of them. Such a
constraint is a share, not a rule: every row passes `is_valid`, and nothing is repaired.

The gap carries `low`'s digits into `high`: a loan's amount rebuilt as its balance plus
a gap has cents where real amounts are round thousands. So `high` learns how round its
own values are (see synthdata.schema.round_steps) when they are much rounder than
`low`'s, and rebuilt values are rounded up to drawn steps, which keeps them at or above
`low`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.base import Constraint, column_of, column_view, first_rows, with_cells
from synthdata.schema.constraints.values import NumberView
from synthdata.schema.round_steps import RoundSteps, unit_of

# `high` is rounded afresh only when its round values are this many times as common as
# `low`'s: when both are round (incomes, a household's beside one person's) the gap is
# round too, the model learns it so, and rounding `high` again would overshoot.
_CARRIED = 2.0


class Inequality(Constraint):
    """`low` <= `high` (or < when strict) on every row where both are present."""

    type = "inequality"
    reshapes = True

    def __init__(self, *, low: str, high: str, strict: bool = False, share: float | None = None) -> None:
        if low == high:
            raise SchemaError(f"Constraint 'inequality' compares '{low}' with itself.")
        if share is not None and not (isinstance(share, (int, float)) and 0.0 < share < 1.0):
            raise SchemaError(
                f"Constraint 'inequality {low} <= {high}': share must be between 0 and 1 (the share of rows "
                f"that hold it; leave it out for every row), not {share!r}."
            )
        self.low = low
        self.high = high
        self.strict = strict
        self.share = share

    @property
    def columns(self) -> list[str]:
        return [self.low, self.high]

    @property
    def removes(self) -> list[str]:
        return [self.high] if self.fitted and self.mode_ in ("gap", "share") else []

    @property
    def gap_column(self) -> str:
        return f"{self.high} - {self.low}"

    @property
    def exception_column(self) -> str:
        return f"{self.high} < {self.low}"

    def describe(self) -> str:
        on = f" on {self.share:.1%} of rows" if self.share is not None else ""
        return f"{self.type} {self.low} {'<' if self.strict else '<='} {self.high}{on}"

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        self.low_view_ = column_view(self.low, df, columns)
        self.high_view_ = column_view(self.high, df, columns)
        if self.low_view_.kind != self.high_view_.kind:
            raise SchemaError(
                f"Constraint '{self.describe()}' compares a {self.low_view_.kind} with a "
                f"{self.high_view_.kind}; both sides must be numbers or both dates."
            )
        if self.low_view_.kind == "datetime":
            # Both sides must count in the same unit: seconds when either has times.
            unit: Literal["D", "s"] = "D" if {self.low_view_.unit, self.high_view_.unit} == {"D"} else "s"
            self.low_view_ = dataclasses.replace(self.low_view_, unit=unit)
            self.high_view_ = dataclasses.replace(self.high_view_, unit=unit)
        high_column = column_of(self.high, df, columns)
        self.high_range_ = [
            None if bound is None else self.high_view_.bound_to_number(bound)
            for bound in (high_column.min, high_column.max)
        ]
        self.mode_ = "gap"
        self.max_gap_: float | None = None
        self.high_steps_: RoundSteps | None = None
        if df is None:
            return
        low, high = self.low_view_.to_numbers(df[self.low]), self.high_view_.to_numbers(df[self.high])
        high_unit = unit_of(integer=self.high_view_.integer, decimals=self.high_view_.decimals)
        if self.high_view_.kind != "datetime" and high_unit is not None:
            steps = RoundSteps.fit(high, unit=high_unit)
            carried = steps.round_share(high) <= _CARRIED * steps.round_share(low)
            self.high_steps_ = None if carried or not steps.rounds else steps
        if self.share is not None:
            self._learn_share(low, high)
            return
        broken = ~self._compare(low, high)
        if broken.any():
            raise SchemaError(
                f"The data breaks constraint '{self.describe()}' on {int(broken.sum())} rows "
                f"(first rows: {first_rows(pd.Series(broken))}); fix those rows or drop the constraint."
            )
        if (np.isnan(low) & ~np.isnan(high)).any():
            self.mode_ = "clip"
        gaps = high - low
        self.max_gap_ = float(np.nanmax(gaps)) if np.isfinite(gaps).any() else None

    def _learn_share(self, low: np.ndarray, high: np.ndarray) -> None:
        """The gap's size and the exceptions are learned; rows holding `high` without `low`
        leave both columns to the model as they are (mode "free")."""
        self.mode_ = "free" if (np.isnan(low) & ~np.isnan(high)).any() else "share"
        gaps = np.abs(high - low)
        self.max_gap_ = float(np.nanmax(gaps)) if np.isfinite(gaps).any() else None

    def _compare(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        either_missing = np.isnan(low) | np.isnan(high)
        holds = high > low if self.strict else high >= low
        return either_missing | holds

    @property
    def _least_gap(self) -> float:
        return self.high_view_.step if self.strict else 0.0

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        self._require_fitted()
        if self.mode_ not in ("gap", "share"):
            return df
        for name in (self.gap_column, *((self.exception_column,) if self.mode_ == "share" else ())):
            if name in df.columns:
                raise SchemaError(f"Column '{name}' already exists; rename it to use '{self.describe()}'.")
        gaps = self.high_view_.to_numbers(df[self.high]) - self.low_view_.to_numbers(df[self.low])
        out = df.copy()
        out[self.high] = np.abs(gaps) if self.mode_ == "share" else gaps
        out = out.rename(columns={self.high: self.gap_column})
        if self.mode_ == "share":
            out.insert(out.columns.get_loc(self.gap_column) + 1, self.exception_column, gaps < 0)
        return out

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        if self.mode_ not in ("gap", "share"):
            return columns
        out = []
        for column in columns:
            if column.name != self.high:
                out.append(column)
                continue
            out.append(self._gap_declaration(column))
            if self.mode_ == "share":
                out.append(Column(name=self.exception_column, type="boolean", dtype="bool", nullable=0.0))
        return out

    def _gap_declaration(self, high: Column) -> Column:
        whole = (self.high_view_.kind == "datetime" and self.high_view_.unit == "D") or self.high_view_.integer
        return Column(
            name=self.gap_column,
            type="integer" if whole else "numerical",
            dtype="float64",
            nullable=high.nullable,
            min=self._least_gap,
            max=self.max_gap_,
            decimals=None if whole else self.high_view_.decimals,
        )

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        self._require_fitted()
        if self.mode_ == "free":
            return df
        if self.mode_ not in ("gap", "share"):
            return super().reverse_transform(df, rng=rng)
        low = self.low_view_.to_numbers(df[self.low])
        gaps = np.maximum(
            pd.to_numeric(df[self.gap_column], errors="coerce").to_numpy(dtype=np.float64), self._least_gap
        )
        out = df.copy()
        rebuilt = low + gaps
        if self.high_steps_ is not None:
            rebuilt = self.high_steps_.apply(rebuilt, rng=rng, rounding="up")
        high = self._raised(low, self._in_range(rebuilt))
        if self.mode_ == "share":
            below = df[self.exception_column].fillna(False).astype(bool).to_numpy()
            # an exception lies below `low` by at least one step, so it stays one
            lowered = self.high_view_.round(low - np.maximum(gaps, self.high_view_.step))
            high = np.where(below, self._in_range(lowered), high)
            out = out.drop(columns=[self.exception_column])
        out[self.gap_column] = self.high_view_.from_numbers(high, index=df.index)
        return out.rename(columns={self.gap_column: self.high})

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """Swap the two values where they are the wrong way round (a step apart when
        strict): both stay values the columns can hold, and no bound gets a pile-up.
        An ordering on a share of rows repairs nothing: its exceptions are real."""
        if self.share is not None:
            return df
        low = self.low_view_.to_numbers(df[self.low])
        high = self.high_view_.to_numbers(df[self.high])
        broken = ~self._compare(low, high)
        if not broken.any():
            return df
        smaller, larger = np.fmin(low, high), np.fmax(low, high)
        out = with_cells(df, self.low, broken, self.low_view_.from_numbers(smaller, index=df.index))
        raised = self.high_view_.from_numbers(self._raised(smaller, larger), index=df.index)
        return with_cells(out, self.high, broken, raised)

    def _in_range(self, high: np.ndarray) -> np.ndarray:
        """`high` within its column's declared min/max (the rule then still wins over them)."""
        lowest, highest = (np.nan if bound is None else bound for bound in self.high_range_)
        return np.clip(high, np.nan_to_num(lowest, nan=-np.inf), np.nan_to_num(highest, nan=np.inf))

    def _raised(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """`high` at least `low` (plus a step when strict), after rounding to its precision."""
        high = self.high_view_.round(high)
        floor = self.high_view_.round(low) + self._least_gap
        too_low = high < floor
        if too_low.any():
            high = high.copy()
            high[too_low] = floor[too_low]
            still_low = high < low + self._least_gap
            high[still_low] += self.high_view_.step
        return high

    def _holds(self, df: pd.DataFrame) -> np.ndarray:
        self._require_fitted()
        if self.share is not None:
            return np.ones(len(df), dtype=bool)
        return self._compare(self.low_view_.to_numbers(df[self.low]), self.high_view_.to_numbers(df[self.high]))

    def held_share(self, df: pd.DataFrame) -> float | None:
        self._require_fitted()
        low, high = self.low_view_.to_numbers(df[self.low]), self.high_view_.to_numbers(df[self.high])
        both = ~np.isnan(low) & ~np.isnan(high)
        return float(np.mean(self._compare(low[both], high[both]))) if both.any() else None

    def options(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            **({"strict": True} if self.strict else {}),
            **({"share": self.share} if self.share is not None else {}),
        }

    def state(self) -> dict[str, Any]:
        return {
            "mode": self.mode_,
            "low_view": self.low_view_.to_dict(),
            "high_view": self.high_view_.to_dict(),
            "max_gap": self.max_gap_,
            "high_range": self.high_range_,
            "high_steps": None if self.high_steps_ is None else self.high_steps_.state(),
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.mode_ = state["mode"]
        self.low_view_ = NumberView.from_dict(dict(state["low_view"]))
        self.high_view_ = NumberView.from_dict(dict(state["high_view"]))
        self.max_gap_ = state["max_gap"]
        self.high_range_ = list(state["high_range"])
        steps = state["high_steps"]
        self.high_steps_ = None if steps is None else RoundSteps.from_state(dict(steps))
