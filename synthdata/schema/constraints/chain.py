"""The constraints of one table, applied together and in a safe order.

Several constraints may touch the same columns: `BIRTHDATE <= DEATHDATE` replaces
DEATHDATE by a gap, while a range on DEATHDATE wants to clip it. The chain runs
`transform` through an order in which no constraint needs a column that an earlier
one took away, and `reverse_transform` through the reverse of that order, so each
constraint sees, in both directions, the columns it knows:

1. constraints that only check or repair (range, not_null, regex, ...) first, in
   declared order: their `transform` changes nothing, and their repair runs last,
   on the user's restored columns;
2. reparametrizing constraints (inequality, fixed_combinations, formula) after,
   ordered so that a constraint which removes a column comes after every
   constraint that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.schema.column import Column
from synthdata.schema.constraints.base import Constraint
from synthdata.schema.constraints.feasibility import check_feasible


class ConstraintChain:
    """An ordered list of constraints with the four steps of the model's pipeline."""

    def __init__(self, constraints: Iterable[Constraint]) -> None:
        self.constraints = list(constraints)

    def fit(self, df: pd.DataFrame | None, *, columns: Mapping[str, Column]) -> ConstraintChain:
        """Fit every constraint on the user's frame (or on the declarations alone)."""
        for constraint in self.constraints:
            constraint.fit(df, columns=columns)
        self._check_removals()
        if df is not None:
            check_feasible(self, df)
        return self

    @property
    def ordered(self) -> list[Constraint]:
        """The order `transform` runs in (see the module docstring)."""
        checks = [c for c in self.constraints if not c.removes]
        reshaping = [c for c in self.constraints if c.removes]
        ordered: list[Constraint] = []
        waiting = list(reshaping)
        while waiting:
            ready = [c for c in waiting if not any(_takes_from(c, other) for other in waiting if other is not c)]
            if not ready:
                names = "; ".join(c.describe() for c in waiting)
                raise SchemaError(f"These constraints need each other's columns in a circle: {names}.")
            ordered.append(ready[0])
            waiting.remove(ready[0])
        return checks + ordered

    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        for constraint in self.ordered:
            df = constraint.transform(df)
        return df

    def reverse_transform(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        for constraint in reversed(self.ordered):
            df = constraint.reverse_transform(df, rng=rng)
        return df

    def repair(self, df: pd.DataFrame, *, rng: np.random.Generator) -> pd.DataFrame:
        """Repair a frame in the user's columns (no reparametrization to undo)."""
        for constraint in reversed(self.ordered):
            if constraint.present_in(df):
                df = constraint.repair(df, rng=rng)
        return df

    def columns_after_transform(self, columns: list[Column]) -> list[Column]:
        for constraint in self.ordered:
            columns = constraint.transformed_columns(columns)
        return columns

    def is_valid(self, df: pd.DataFrame) -> pd.Series:
        valid = pd.Series(True, index=df.index)
        for constraint in self.constraints:
            valid &= constraint.is_valid(df)
        return valid

    def _check_removals(self) -> None:
        owner: dict[str, Constraint] = {}
        for constraint in self.constraints:
            for name in constraint.removes:
                if name in owner:
                    raise SchemaError(
                        f"Column '{name}' is rebuilt by both '{owner[name].describe()}' and "
                        f"'{constraint.describe()}'; keep one of them."
                    )
                owner[name] = constraint


def _takes_from(remover: Constraint, reader: Constraint) -> bool:
    """Whether `remover` takes away a column `reader` reads (so `reader` must run first)."""
    return bool(set(remover.removes) & set(reader.columns))
