"""Columns made afresh rather than learned: ids, Faker values, text, constants, references.

These columns carry identity (keys, names, SSNs, addresses), so they are never
learned from real values: each is generated from its declaration alone, after the
model has sampled the rest of the row. Row k of a column is a function of the seed,
the column's name and k (see `row_random`), so chunks and shards add up to the same
table. Nulls keep the declared share; `unique: true` (and the primary key) are
guaranteed within one call by redrawing duplicates, or refused with a
ConstraintError when the provider cannot yield that many distinct values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from synthdata.errors import ConstraintError, SchemaError
from synthdata.schema.column import GENERATED_TYPES, Column
from synthdata.schema.faker_draw import draw
from synthdata.schema.faker_recipes import distinct_values, recipe_for
from synthdata.schema.ids import PatternGenerator, uuid4_values
from synthdata.schema.names import provider_for_name
from synthdata.schema.row_random import RowRandom, key_from_seed

# Rounds of redrawing duplicates before a unique column gives up (Faker's own
# `unique` proxy also retries up to a thousand times).
UNIQUE_ROUNDS = 1000

Redraw = Callable[[RowRandom], np.ndarray]


def generate_columns(
    columns: Iterable[Column],
    n: int,
    *,
    seed: int | np.random.Generator | None,
    locale: str = "en_US",
    context: pd.DataFrame | None = None,
    row_offset: int = 0,
    unique: Iterable[str] = (),
    required: Iterable[str] = (),
) -> pd.DataFrame:
    """The generated-kind columns among `columns`, `n` rows, in the given order.

    `context` holds columns already sampled for the same rows (the model's output),
    which `from:` bindings may use; `unique` names further columns that must not
    repeat and `required` columns that must not be null (the primary key, `unique`
    and `not_null` constraints).
    """
    base = RowRandom(key_from_seed(seed), np.arange(row_offset, row_offset + n, dtype=np.uint64))
    must_differ, must_exist = set(unique), set(required)
    known = {column.name: column for column in columns}
    made: dict[str, pd.Series] = {}
    for column in known.values():
        if column.type not in GENERATED_TYPES:
            continue
        random = base.child(f"column {column.name}")
        redraw = _redraw_for(column, locale, _bindings(column, known, context, made, n), row_offset)
        values = redraw(random)
        if column.unique or column.name in must_differ:
            values = _distinct(values, redraw, random, column, locale)
        made[column.name] = _finished(values, column, random, keep=column.name in must_exist)
    return pd.DataFrame(made, index=pd.RangeIndex(n))


def _redraw_for(column: Column, locale: str, bindings: Mapping[str, np.ndarray], row_offset: int) -> Redraw:
    """A function from a row stream to values of the column (used again for duplicates).

    Bindings hold this call's rows in order, so a stream's rows (numbered from
    `row_offset`) index them directly.
    """
    if column.type == "constant":
        return lambda random: np.full(len(random), column.value, dtype=object)
    if column.type == "id":
        return _id_drawer(column)
    if column.type == "reference":
        return _reference_drawer(column)
    provider = column.provider if column.type == "faker" else "text"
    if provider is None:
        raise SchemaError(f"Column '{column.name}' is a faker column without a `provider:`.")
    recipe = recipe_for(column.locale or locale, provider, column.args)

    def drawer(random: RowRandom) -> np.ndarray:
        positions = random.rows.astype(np.int64) - row_offset
        return draw(recipe, random, bindings={token: values[positions] for token, values in bindings.items()})

    return drawer


def _id_drawer(column: Column) -> Redraw:
    if column.format == "sequential":
        start = column.start if column.start is not None else 1
        # Row numbers already count from the chunk's offset: ids continue across chunks.
        return lambda random: start + random.rows.astype(np.int64)
    if column.format == "pattern" or (column.format is None and column.pattern):
        if not column.pattern:
            raise SchemaError(f"Id column '{column.name}' has format pattern but no `pattern:`.")
        generator = PatternGenerator(column.pattern)
        return generator.draw
    return uuid4_values


def _reference_drawer(column: Column) -> Redraw:
    """Keys of a parent nobody gave us: uuids shared by about `rows_per_value` rows each."""
    rows_per_value = float(column.args.get("rows_per_value", 1.0)) if column.args else 1.0

    def drawer(random: RowRandom) -> np.ndarray:
        parents = max(1, math.ceil(len(random) / max(rows_per_value, 1.0)))
        pool = uuid4_values(RowRandom(random.key, np.arange(parents, dtype=np.uint64)))
        return pool[random.child("parent").integers(0, parents)]

    return drawer


def _bindings(
    column: Column, known: Mapping[str, Column], context: pd.DataFrame | None, made: Mapping[str, pd.Series], n: int
) -> dict[str, np.ndarray]:
    """`from: [FIRST, LAST]` as {provider token: the row's values}."""
    bound: dict[str, np.ndarray] = {}
    for name in column.from_columns or []:
        if name in made:
            values = made[name]
        elif context is not None and name in context.columns:
            values = context[name].reset_index(drop=True)
        else:
            raise SchemaError(f"Column '{column.name}' is built from '{name}', which is not generated before it.")
        source = known.get(name)
        token = source.provider if source is not None and source.provider else provider_for_name(name)
        if token is None:
            raise SchemaError(
                f"Column '{column.name}' is built from '{name}', whose kind of value is unknown; "
                "make it a faker column (first_name, last_name, ...)."
            )
        bound[token] = values.fillna("").astype(str).to_numpy(dtype=object)[:n]
    return bound


def _distinct(values: np.ndarray, redraw: Redraw, random: RowRandom, column: Column, locale: str) -> np.ndarray:
    """The values with every duplicate redrawn until none is left (or a clear error).

    Values are compared by 64-bit hashes kept sorted: one pass over the column finds
    the repeats, then each round checks only the redrawn values against those taken.
    Two different values sharing a hash would only cost a needless redraw.
    """
    _check_capacity(column, len(values), locale)
    values = values.copy()
    hashes = _hashes(values)
    repeated = pd.Series(hashes).duplicated(keep="first").to_numpy()
    pending = np.flatnonzero(repeated)
    taken = np.sort(hashes[~repeated])
    for attempt in range(UNIQUE_ROUNDS):
        if pending.size == 0:
            return values
        fresh = redraw(random.subset(pending).child(f"again {attempt}"))
        fresh_hashes = _hashes(fresh)
        slots = np.minimum(np.searchsorted(taken, fresh_hashes), len(taken) - 1)
        already = (taken[slots] == fresh_hashes) if len(taken) else np.zeros(len(fresh), dtype=bool)
        accepted = ~already & ~pd.Series(fresh_hashes).duplicated(keep="first").to_numpy()
        values[pending[accepted]] = fresh[accepted]
        new = np.sort(fresh_hashes[accepted])
        taken = np.insert(taken, np.searchsorted(taken, new), new)
        pending = pending[~accepted]
    raise ConstraintError(
        f"Column '{column.name}' must be unique but its generator gave only {len(taken)} distinct values "
        f"for {len(values)} rows; widen its pattern or provider, or drop `unique: true`."
    )


def _hashes(values: np.ndarray) -> np.ndarray:
    return pd.util.hash_array(np.asarray(values, dtype=object), categorize=False)


def _check_capacity(column: Column, n: int, locale: str) -> None:
    capacity = None
    if column.type == "id" and column.pattern and column.format != "sequential" and column.format != "uuid":
        capacity = PatternGenerator(column.pattern).size
    elif column.type == "faker" and column.provider:
        capacity = distinct_values(recipe_for(column.locale or locale, column.provider, column.args))
    elif column.type == "constant":
        capacity = 1
    if capacity is not None and capacity < n:
        what = f"pattern {column.pattern!r}" if column.type == "id" else f"provider {column.provider!r}"
        raise ConstraintError(
            f"Column '{column.name}' must be unique, but its {what} has only {capacity} distinct values "
            f"and {n} rows were asked for; ask for fewer rows or widen it."
        )


def _finished(values: np.ndarray, column: Column, random: RowRandom, *, keep: bool) -> pd.Series:
    """Nulls at the declared share (never in a key), in the declared dtype."""
    # An object column stays one: integers with nulls would otherwise turn into floats.
    series = pd.Series(values, dtype=object if column.dtype == "object" else None)
    if column.nullable and not keep:
        series = series.where(random.child("null").uniform() >= column.nullable, None)
    if column.dtype and column.dtype != "object" and column.type != "text":
        try:
            return series.astype(column.dtype)
        except (TypeError, ValueError):
            return series
    return series
