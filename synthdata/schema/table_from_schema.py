"""Test data from a schema alone: no real table, no model.

Modelled columns are drawn from their declarations (`declared`), except those a
constraint fills (a formula's result, the members of listed combinations); the
constraints repair what they can in place (a date range clipped,
an inequality put the right way round, a combination picked from those listed),
and generated columns (ids, Faker values) are made last so that e-mails can use
the row's names. Rows that still break a rule (a `unique` on a declared column)
are drawn again, a bounded number of times, then refused with the rule's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from synthdata.errors import ConstraintError, SynthDataError
from synthdata.schema.constraints import ConstraintChain
from synthdata.schema.declared import declared_values
from synthdata.schema.row_random import RowRandom, key_from_seed

if TYPE_CHECKING:
    from synthdata.schema.table import Schema

# Rounds of drawing rows again when they break a rule no repair can fix.
REDRAW_ROUNDS = 20


def sample_table(schema: Schema, n: int, *, seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
    """`n` rows made from the schema's declarations, every constraint holding."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
        raise SynthDataError(f"The number of rows must be a whole number >= 0, got {n!r}.")
    key = key_from_seed(seed)
    chain = ConstraintChain(schema.constraints)
    if not all(constraint.fitted for constraint in schema.constraints):
        chain.fit(None, columns=schema.columns)
    base = RowRandom(key, np.arange(n, dtype=np.uint64))
    modelled = _modelled_rows(schema, chain, base, np.random.default_rng(key))
    for attempt in range(REDRAW_ROUNDS):
        broken = np.flatnonzero(~chain.is_valid(modelled).to_numpy())
        if broken.size == 0:
            break
        again = _modelled_rows(schema, chain, base.subset(broken).child(f"again {attempt}"), np.random.default_rng(key))
        for position, name in enumerate(modelled.columns):
            if modelled[name].dtype != again[name].dtype:
                modelled[name] = modelled[name].astype(object)
            modelled.iloc[broken, position] = again[name].to_numpy()
    generated = schema.generate(n, seed=key, context=modelled)
    table = pd.concat([modelled, generated], axis=1)[list(schema.columns)]
    _check_valid(chain, table)
    return _in_declared_dtypes(table, schema)


def _modelled_rows(schema: Schema, chain: ConstraintChain, random: RowRandom, rng: np.random.Generator) -> pd.DataFrame:
    filled = {name for constraint in schema.constraints for name in constraint.fills}
    columns = {}
    for column in schema.modelled_columns:
        if column.name in filled:
            columns[column.name] = pd.Series(None, index=range(len(random)), dtype=object)
        else:
            columns[column.name] = declared_values(column, random.child(f"column {column.name}"))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(random)))
    return chain.repair(frame, rng=rng)


def _in_declared_dtypes(table: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Columns cast to the dtype their declaration names, where the values allow it."""
    for name, column in schema.columns.items():
        if column.dtype and str(table[name].dtype) != column.dtype:
            try:
                table[name] = table[name].astype(column.dtype)
            except (TypeError, ValueError):
                continue
    return table


def _check_valid(chain: ConstraintChain, table: pd.DataFrame) -> None:
    for constraint in chain.constraints:
        broken = ~constraint.is_valid(table)
        if broken.any():
            raise ConstraintError(
                f"Constraint '{constraint.describe()}' still fails on {int(broken.sum())} of {len(table)} rows "
                f"after {REDRAW_ROUNDS} redraws (first row {int(np.flatnonzero(broken)[0])}); its columns' "
                "declarations make it (nearly) impossible: widen their values or ranges."
            )
