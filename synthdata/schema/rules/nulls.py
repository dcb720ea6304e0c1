"""Finding structural nulls: a column empty exactly when another is, or when a category holds.

A joint applicant's income is empty exactly for individual applications; a second
borrower's fields are empty together. The model learns each column's null share on
its own, so it writes a joint income for an individual; a `null_if` rule empties
and fills the column to match. Null masks are compared whole (one hash per
column), and a category condition is read off a cross-table of the discrete
column against the mask: the mask must be exactly "the value is one of at most
`MAX_CONDITION_VALUES` categories".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthdata.schema.column import Column, json_scalar
from synthdata.schema.rules.identifiers import usable_in_expressions

# Each side of a structural null must hold at least this many rows.
MIN_ROWS_EACH_SIDE = 20
MAX_CONDITION_VALUES = 3
MAX_CATEGORIES = 100


@dataclass(frozen=True)
class NullRule:
    """`column` is null exactly when `condition` holds."""

    column: str
    condition: str


def null_rules(df: pd.DataFrame, columns: dict[str, Column], excluded: set[str]) -> list[NullRule]:
    """`column` null iff another column is null, or iff a discrete column holds one of a few values."""
    modelled = [name for name, column in columns.items() if column.is_modelled and name in df.columns]
    masks = {name: df[name].isna().to_numpy() for name in modelled}
    nullable = [
        name
        for name in modelled
        if MIN_ROWS_EACH_SIDE <= masks[name].sum() <= len(df) - MIN_ROWS_EACH_SIDE and usable_in_expressions(name)
    ]
    found: list[NullRule] = []
    leaders: dict[bytes, str] = {}
    for name in nullable:
        key = np.packbits(masks[name]).tobytes()
        if key in leaders:
            if name not in excluded:
                found.append(NullRule(name, f"{leaders[key]} is None"))
        else:
            leaders[key] = name
    followers = {rule.column for rule in found}
    discrete = [
        name
        for name in modelled
        if columns[name].type in ("categorical", "boolean")
        and usable_in_expressions(name)
        and df[name].nunique() <= MAX_CATEGORIES
    ]
    factorized = {other: pd.factorize(df[other], use_na_sentinel=False) for other in discrete}
    for name in nullable:
        if name in excluded or name in followers:
            continue
        conditions = (
            _category_condition(factorized[other][0], factorized[other][1], masks[name], other)
            for other in discrete
            if other != name
        )
        condition = next((condition for condition in conditions if condition is not None), None)
        if condition is not None:
            found.append(NullRule(name, condition))
    return found


def _category_condition(codes: np.ndarray, uniques: pd.Index, null: np.ndarray, name: str) -> str | None:
    """`name == 'a' or name == 'b'` when `null` holds exactly on those categories."""
    nulls_per_code = np.bincount(codes, weights=null.astype(np.float64), minlength=len(uniques))
    rows_per_code = np.bincount(codes, minlength=len(uniques))
    all_null = nulls_per_code == rows_per_code
    if not np.all(all_null | (nulls_per_code == 0)) or not 0 < all_null.sum() <= MAX_CONDITION_VALUES:
        return None
    if all_null.all():
        return None
    parts = [f"{name} is None" if pd.isna(value) else f"{name} == {_literal(value)}" for value in uniques[all_null]]
    return " or ".join(parts)


def _literal(value: object) -> str:
    plain = json_scalar(value)
    return repr(plain) if isinstance(plain, str) else json.dumps(plain)
