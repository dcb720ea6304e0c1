"""References a database holds but does not declare: columns whose values are another table's keys.

Real databases declare few of their foreign keys: `flights.dest` names an airport and
`flights.tailnum` an aircraft, but some destinations are missing from the airports
table and a sixth of the tail numbers from the aircraft table, so nobody could
declare them. A model that treats such a column as a plain value generates codes the
seeded parent table does not hold. So the data is searched for them: a column is
taken to reference table P when its non-null values fall in P's primary key

- in at least `MIN_SHARE` (90%) of its rows, or
- in at least `MIN_NAMED_SHARE` (50%) of them when the column carries the key's own
  name or P's (`tailnum` -> `aircraft.tailnum`, `carrier` -> `carriers.carrier`,
  `airport_id` -> `airports.id`).

Integer keys are only taken on such a name: small integers fall in any 1..n
sequence. A column that already is a declared reference, its own table's primary
key, a number with a fraction, a column of fewer than two distinct values, and a
reference that would close a cycle of tables are left out; of several parents the
one holding most of the values wins. Each reference found records the share of real
rows that resolve, which the model keeps.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.relational.layout import DatabaseLayout, Link
from synthdata.schema.names import name_words

MIN_SHARE = 0.9
MIN_NAMED_SHARE = 0.5


def infer_references(layout: DatabaseLayout, frames: Mapping[str, pd.DataFrame]) -> DatabaseLayout:
    """The layout with the references the data shows added (marked `declared=False`)."""
    found: list[Link] = []
    keys = {
        name: frames[name][key]
        for name, key in layout.primary_keys.items()
        if key is not None and frames[name][key].nunique() == len(frames[name]) > 1
    }
    for table in layout.tables:
        taken = {link.column for link in layout.parents_of(table)} | {layout.primary_keys.get(table)}
        for column in frames[table].columns:
            if column in taken:
                continue
            best = _best_parent(table, column, frames[table][column], keys, layout.primary_keys)
            if best is not None and _acyclic(layout, [*found, best]):
                found.append(best)
    if not found:
        return layout
    return DatabaseLayout(
        layout.tables, layout.primary_keys, layout.links + found, layout.catalogs, layout.schemas, layout.modes
    )


def _best_parent(
    table: str, column: str, values: pd.Series, keys: Mapping[str, pd.Series], primary_keys: Mapping[str, str | None]
) -> Link | None:
    present = values.dropna()
    if present.nunique() < 2 or _has_fractions(present):
        return None
    candidates = []
    for parent, key in keys.items():
        if parent == table or not _comparable(present, key):
            continue
        named = _names_parent(column, parent, primary_keys[parent])
        if pd.api.types.is_integer_dtype(key.dtype) and not named:
            continue
        inside = float(present.isin(key).mean())
        if inside >= (MIN_NAMED_SHARE if named else MIN_SHARE):
            candidates.append((inside, named, parent))
    if not candidates:
        return None
    _, _, parent = max(candidates)
    resolves = float(values.isin(keys[parent]).mean())
    return Link(table, column, parent, str(primary_keys[parent]), declared=False, resolves=round(resolves, 4))


def _names_parent(column: str, parent: str, key: str | None) -> bool:
    """Whether the column is called like the key or the parent table (singular or plural, with `_id`)."""
    words = name_words(column)
    words = words[:-1] if len(words) > 1 and words[-1] in ("id", "code", "key") else words
    table_words = name_words(parent)
    singular = (*table_words[:-1], table_words[-1].removesuffix("s")) if table_words else table_words
    return words in (name_words(key or ""), table_words, singular)


def _comparable(values: pd.Series, key: pd.Series) -> bool:
    """Both text or both whole numbers: a text code never matches a number by accident."""
    numeric = pd.api.types.is_numeric_dtype
    return numeric(values.dtype) == numeric(key.dtype)


def _has_fractions(values: pd.Series) -> bool:
    if not pd.api.types.is_float_dtype(values.dtype):
        return False
    numbers = values.to_numpy(dtype=float)
    return bool(np.any(numbers != np.round(numbers)))


def _acyclic(layout: DatabaseLayout, added: list[Link]) -> bool:
    try:
        DatabaseLayout(layout.tables, layout.primary_keys, layout.links + added)
    except SchemaError:
        return False
    return True
