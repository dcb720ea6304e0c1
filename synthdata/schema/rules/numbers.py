"""The numeric columns of a table as float arrays, for the rule finders to screen and confirm.

Every finder works the same way: a candidate rule is screened on a few hundred rows
drawn at random (cheap, vectorised over all candidates at once) and only the
survivors are confirmed on every row. `NumericColumns` holds both views and each
column's rounding step, the slack an exact rule is allowed: a total rounded to cents
may differ from the sum of its rounded parts by half a cent per part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthdata.schema.column import Column

# Rows a candidate rule is screened on before it is confirmed on all rows.
SCREENING_ROWS = 512
# A rule must hold on at least this many rows holding all its columns to be a
# property of the data rather than of a few rows.
MIN_ROWS = 50
# Relative slack for floats whose decimals are unknown (binary rounding of sums).
RELATIVE_SLACK = 1e-9


@dataclass
class NumericColumns:
    """Modelled numeric columns: all rows, a screening sample, and rounding steps."""

    names: list[str]
    values: np.ndarray  # rows x columns, NaN for nulls
    screen: np.ndarray  # the screening rows of `values`
    half_steps: np.ndarray  # per column: the most its rounding moves a value
    decimals: np.ndarray  # per column: the decimals it can hold (whole numbers 0)

    @classmethod
    def of(cls, df: pd.DataFrame, columns: dict[str, Column], *, seed: int = 0) -> NumericColumns:
        names = [
            name
            for name, column in columns.items()
            if column.is_modelled and column.type in ("numerical", "integer") and name in df.columns
        ]
        values = (
            np.column_stack(
                [pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan) for name in names]
            )
            if names
            else np.zeros((len(df), 0))
        )
        rows = np.random.default_rng(seed).permutation(len(df))[:SCREENING_ROWS]
        half_steps = np.array([_half_step(columns[name]) for name in names], dtype=np.float64)
        decimals = np.array([_decimals(columns[name]) for name in names], dtype=np.int64)
        return cls(names=names, values=values, screen=values[np.sort(rows)], half_steps=half_steps, decimals=decimals)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def slack(self, involved: list[int], reference: np.ndarray) -> np.ndarray:
        """Per row, how far an exact rule over `involved` columns may miss on rounded data."""
        return self.half_steps[involved].sum() + RELATIVE_SLACK * np.abs(reference) + 1e-12


def _half_step(column: Column) -> float:
    if column.type == "integer" or column.decimals is None:
        return 0.0
    return 0.5 * 10.0**-column.decimals


def _decimals(column: Column) -> int:
    if column.type == "integer":
        return 0
    return column.decimals if column.decimals is not None else 2**31
