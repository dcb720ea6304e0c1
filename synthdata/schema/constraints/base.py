"""What every constraint can do, and the few helpers they share.

A constraint is a rule over the user's columns that every generated row must obey.
Rather than rejecting rows that break it, most constraints change what the model
sees so that it cannot produce a breaking row at all:

- `fit(df, columns=...)` learns what the rule needs from real data (date units,
  the combinations seen, decimals) and returns self;
- `transform(df)` reparametrizes the user's frame before the model learns it
  (e.g. DEATHDATE becomes the gap DEATHDATE - BIRTHDATE); most constraints leave it as is;
- `transformed_columns(columns)` says what that does to the column list;
- `reverse_transform(df, rng=...)` undoes `transform` on sampled rows and repairs
  what is left (clips a gap at zero, recomputes a formula);
- `is_valid(df)` says, per row, whether the rule holds; nulls satisfy every rule
  except `not_null` and `null_if`, as in SQL.

Rules over columns a frame does not hold (generated columns, filled in after the
model has sampled) are skipped by `reverse_transform` and `is_valid` on that frame,
and checked once the full table exists. `to_dict`/`from_dict` carry the options
and, once fitted, the learned state (under `fitted`) into the model file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from synthdata.errors import NotFittedError, SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.values import NumberView
from synthdata.schema.infer import infer_column


class Constraint:
    """Base class: a rule with a definition, a check and an enforcement."""

    type: ClassVar[str]
    # Constraints that reparametrize columns (and so must run in a careful order).
    reshapes: ClassVar[bool] = False
    # The share of real rows a rule holds on, for rules that hold on a share only (see `held_share`).
    share: float | None = None

    @property
    def columns(self) -> list[str]:
        """The user's columns the rule reads."""
        raise NotImplementedError

    @property
    def removes(self) -> list[str]:
        """The user's columns `transform` takes away (restored by `reverse_transform`)."""
        return []

    @property
    def fills(self) -> list[str]:
        """Columns whose every value `repair` provides (so test data need not declare them)."""
        return []

    @property
    def fitted(self) -> bool:
        return hasattr(self, "fitted_")

    def fit(self, df: pd.DataFrame | None, *, columns: Mapping[str, Column] | None = None) -> Constraint:
        """Learn what the rule needs from real data (None: from the declarations alone)."""
        self._check_columns(df, columns)
        self.fitted_ = True
        try:
            self._learn(df, columns or {})
        except BaseException:
            del self.fitted_
            raise
        return self

    def _learn(self, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> None:
        """Subclasses learn their state here; the default needs none."""

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """Reparametrize the user's frame for the model (default: unchanged)."""
        return df

    def transformed_columns(self, columns: list[Column]) -> list[Column]:
        """The column list after `transform` (default: unchanged)."""
        return columns

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """Undo `transform` and repair the rows; frames lacking the columns pass through."""
        if not self.present_in(df):
            return df
        return self.repair(df, rng=rng)

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """Make rows obey the rule where that can be done in place (default: nothing)."""
        return df

    def is_valid(self, df: pd.DataFrame) -> pd.Series:
        """Per row, whether the rule holds (True when the frame lacks the columns)."""
        if not self.present_in(df):
            return pd.Series(True, index=df.index)
        return pd.Series(np.asarray(self._holds(df), dtype=bool), index=df.index)

    def _holds(self, df: pd.DataFrame) -> np.ndarray | pd.Series:
        raise NotImplementedError

    def held_share(self, df: pd.DataFrame) -> float | None:
        """For a rule on a share of rows (`share` set), the share of `df`'s rows, among those
        with its columns present, that hold it (None without such rows). Such a rule passes
        every row of `is_valid`: its exceptions are real, only their share can be wrong."""
        raise NotImplementedError(f"Constraint '{self.describe()}' holds on every row; use is_valid.")

    def present_in(self, df: pd.DataFrame) -> bool:
        return all(name in df.columns for name in self.columns)

    def describe(self) -> str:
        """A short name for messages: `inequality BIRTHDATE <= DEATHDATE`."""
        return f"{self.type} on {', '.join(self.columns)}"

    # -- serialization -------------------------------------------------------------

    def options(self) -> dict[str, Any]:
        """The declared options, as in a schema file."""
        raise NotImplementedError

    def state(self) -> dict[str, Any]:
        """The learned state, JSON-able (default: none)."""
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        """Take back the state `state()` gave (default: none)."""

    def to_dict(self) -> dict[str, Any]:
        out = {"type": self.type, **self.options()}
        if self.fitted:
            out["fitted"] = self.state()
        return out

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Constraint:
        """Build from a schema file's mapping (without `type` and `fitted`)."""
        try:
            return cls(**options)
        except TypeError as error:
            raise SchemaError(f"Constraint '{cls.type}': {error}.") from None

    # -- helpers -------------------------------------------------------------------

    def _check_columns(self, df: pd.DataFrame | None, columns: Mapping[str, Column] | None) -> None:
        if df is None and columns is None:
            return
        known = set(df.columns) if df is not None else set(columns or {})
        missing = [name for name in self.columns if name not in known]
        if missing:
            raise SchemaError(
                f"Constraint '{self.describe()}' names {', '.join(map(repr, missing))}, "
                "which the table does not have; fix the name or drop the constraint."
            )

    def _require_fitted(self) -> None:
        if not self.fitted:
            raise NotFittedError(f"Constraint '{self.describe()}' is used before fit; call fit_constraints.")


class ColumnConstraint(Constraint):
    """A rule on one column, `column`: what the single-column kinds have in common."""

    column: str

    @property
    def columns(self) -> list[str]:
        return [self.column]


def column_of(name: str, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> Column:
    """The declared column, or one inferred from the data when none was declared."""
    if name in columns:
        return columns[name]
    if df is None:
        raise SchemaError(f"Column '{name}' is neither declared nor in the data.")
    return infer_column(name, df[name])


def column_view(name: str, df: pd.DataFrame | None, columns: Mapping[str, Column]) -> NumberView:
    """How column `name` maps to numbers: learned from its values when there is data,
    from its declaration alone when there is none."""
    return NumberView.learn(None if df is None else df[name], column_of(name, df, columns))


def fill_nulls_from_others(
    series: pd.Series, *, rng: np.random.Generator, fallback: Any, where: np.ndarray | None = None
) -> pd.Series:
    """Nulls (only those flagged by `where`, when given) replaced by values drawn from
    the column's own non-null values.

    Keeps the column's distribution, unlike a constant fill; `fallback` serves when
    every value is null.
    """
    missing = series.isna().to_numpy()
    if where is not None:
        missing &= where
    if not missing.any():
        return series
    present = series.dropna()
    if present.empty:
        filler = pd.Series([fallback] * int(missing.sum()))
    else:
        filler = present.iloc[rng.integers(0, len(present), int(missing.sum()))]
    out = series.copy()
    if out.dtype != filler.dtype and not pd.api.types.is_object_dtype(out.dtype):
        out = out.astype(object)
    out.iloc[np.flatnonzero(missing)] = filler.to_numpy()
    return out


def with_cells(df: pd.DataFrame, column: str, rows: np.ndarray, values: pd.Series) -> pd.DataFrame:
    """A copy of `df` with `column` replaced on `rows` (a mask) only, others untouched."""
    out = df.copy()
    target = out[column]
    if target.dtype != values.dtype and not pd.api.types.is_object_dtype(target.dtype):
        target = target.astype(object)
    target = target.copy()
    target[rows] = values[rows].to_numpy()
    out[column] = target
    return out


def first_rows(mask: pd.Series, limit: int = 5) -> list[int]:
    """Positions of the first rows a mask flags, for messages."""
    return np.flatnonzero(mask.to_numpy())[:limit].tolist()
