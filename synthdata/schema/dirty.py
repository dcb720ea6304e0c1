"""Data nobody expects: a share of cells replaced by edge cases of their column's kind.

Applications meet nulls, blank and 10,000-character strings, right-to-left text,
emoji, combining marks and zero-width characters, quotes and SQL or HTML
metacharacters, integer limits, NaN and infinities, and the dates that break date
code (1900-01-01, the epoch, 2038-01-19, leap days). Each edge case keeps the
column's type, so the dirty table still loads into the table it was made for; the
primary key is never touched and `not_null` columns get no nulls. Which cells are
dirtied depends only on the seed, the column and the row, so with the same seed a
dirty table differs from the clean one exactly in the dirtied cells, which an
optional marker column lists.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError
from synthdata.schema.column import Column
from synthdata.schema.row_random import RowRandom, key_from_seed

TEXT_EDGES: tuple[str, ...] = (
    "",
    " ",
    "\t \n",
    "x" * 10_000,
    "مرحبا بالعالم",
    "שָׁלוֹם",
    "😀🎉👍🏽👨‍👩‍👧",
    "Z̸̢a̵̛l̶g̷o̴",
    "e\u0301",
    "zero\u200bwidth\u200d",
    "\u202eright-to-left override",
    "O'Brien",
    "\"double\" 'single' `back`",
    "Robert'); DROP TABLE students;--",
    "<script>alert(1)</script>",
    "&amp; &lt; &#0;",
    "\\ \\\\ %s %d {0} ${x}",
    "NULL",
    "null",
    "None",
    "NaN",
)
INTEGER_EDGES: tuple[int, ...] = (0, -1, 1, 2**31 - 1, -(2**31), 2**63 - 1, -(2**63))
FLOAT_EDGES: tuple[float, ...] = (0.0, -0.0, -1.0, 1.0, np.nan, np.inf, -np.inf, 1.7976931348623157e308, 5e-324)
DATE_EDGES: tuple[str, ...] = (
    "1900-01-01",
    "1970-01-01",
    "2038-01-19 03:14:07",
    "2000-02-29",
    "2024-02-29",
    "1999-12-31 23:59:59",
    "2262-04-11",
)


def make_dirty(
    table: pd.DataFrame,
    columns: dict[str, Column],
    share: float,
    *,
    seed: int | np.random.Generator | None = 0,
    protected: Collection[str] = (),
    required: Collection[str] = (),
    unique: Collection[str] = (),
    marker: str | None = None,
    finite: bool = False,
) -> pd.DataFrame:
    """`table` with about `share` of its cells replaced by edge cases.

    `protected` columns (the primary key) stay untouched; `required` ones (not_null)
    get no nulls; in `unique` ones each text edge case carries its row number (so
    two rows never share one) and numbers are only nulled. With `marker`, a column
    of that name lists each row's dirtied columns, comma-separated. With `finite`,
    floats get no infinities, for a destination that cannot store them (MySQL).
    """
    if not 0.0 <= share <= 1.0:
        raise SynthDataError(f"dirty must be a share between 0 and 1, got {share!r}.")
    base = RowRandom(key_from_seed(seed), np.arange(len(table), dtype=np.uint64))
    out = table.copy()
    dirtied = pd.DataFrame(False, index=table.index, columns=table.columns)
    for name in table.columns:
        if name in protected or share == 0.0:
            continue
        random = base.child(f"dirty {name}")
        cells = np.flatnonzero(random.uniform() < share)
        edges = _edges(table[name], columns.get(name), allow_null=name not in required, finite=finite)
        if cells.size == 0 or not edges:
            continue
        picks = random.subset(cells).child("edge").integers(0, len(edges))
        chosen = [edges[pick] for pick in picks]
        if name in unique:
            chosen = _kept_distinct(chosen, cells)
        out[name] = _with_values(out[name], cells, chosen)
        dirtied.iloc[cells, dirtied.columns.get_loc(name)] = True
    if marker is not None:
        if marker in out.columns:
            raise SynthDataError(f"The marker column '{marker}' would overwrite a column of the table.")
        names = np.array(table.columns, dtype=object)
        out[marker] = [",".join(names[row]) for row in dirtied.to_numpy()]
    return out


def _kept_distinct(values: list, cells: np.ndarray) -> list:
    """Edge cases for a unique column: text made distinct by its row, other values nulled."""
    return [f"{value} #{row}" if isinstance(value, str) else None for value, row in zip(values, cells, strict=True)]


def _edges(series: pd.Series, column: Column | None, *, allow_null: bool, finite: bool) -> list:
    """The edge cases a column of this kind and dtype can hold."""
    kind = column.type if column is not None else None
    dtype = series.dtype
    if kind == "boolean" or pd.api.types.is_bool_dtype(dtype):
        edges: list = []
    elif kind == "datetime" or pd.api.types.is_datetime64_any_dtype(dtype):
        edges = _date_edges(series, column)
    elif pd.api.types.is_integer_dtype(dtype):
        edges = list(INTEGER_EDGES)
    elif pd.api.types.is_float_dtype(dtype):
        edges = [edge for edge in FLOAT_EDGES if (allow_null or not np.isnan(edge)) and not (finite and np.isinf(edge))]
    elif kind == "id" and column is not None and column.format == "uuid":
        edges = ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
    else:
        edges = list(TEXT_EDGES)
    return [*edges, None] if allow_null else edges


def _date_edges(series: pd.Series, column: Column | None) -> list:
    moments = pd.to_datetime(pd.Series(DATE_EDGES), format="ISO8601")
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return list(moments.dt.tz_localize("UTC").dt.tz_convert(series.dtype.tz))
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return list(moments)
    fmt = column.format if column is not None and column.format else "%Y-%m-%d %H:%M:%S"
    return list(dict.fromkeys(moments.dt.strftime(fmt)))


def _with_values(series: pd.Series, cells: np.ndarray, values: list) -> pd.Series:
    """The series with `values` at positions `cells`, widened to a dtype that holds them."""
    out = series.copy()
    has_null = any(value is None for value in values)
    if pd.api.types.is_float_dtype(out.dtype):
        block = np.array([np.nan if value is None else value for value in values], dtype=out.dtype)
    elif pd.api.types.is_integer_dtype(out.dtype):
        out = out.astype("Int64") if has_null else out
        block = pd.array(values, dtype="Int64" if has_null else out.dtype)
    elif pd.api.types.is_datetime64_any_dtype(out.dtype):
        block = pd.Series(values, dtype=out.dtype)
    else:
        out = out.astype(object)
        block = np.empty(len(values), dtype=object)
        block[:] = values  # element by element: a list of strings must not become one array of chars
    out.iloc[cells] = block
    return out
