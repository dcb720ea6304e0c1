"""Which group a parent row falls in: the few parent columns its children depend on.

A child table depends on its parent through a handful of the parent's columns: a
patient's gender and age decide how many encounters there are and of what kind.
Those columns are named by the caller or chosen from the data (the ones most
associated with the number of children or with the children's own columns), cut
into cells, and crossed into groups, each holding at least `min_parents` real
parents. The group label is what the child's model is conditioned on, and what its
number of children is drawn by.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthdata.errors import SchemaError
from synthdata.relational.binning import Cells, association, coded_columns, correlation_ratio
from synthdata.schema import Column, Schema

REST = "(rest)"
# A parent column must be at least this associated with its children to group by it.
MIN_ASSOCIATION = 0.1
# Another column is crossed in only while this share of parents stays in groups of the full cross.
MIN_FULL_SHARE = 0.9
# A candidate this associated with a column already chosen tells little more.
REDUNDANT = 0.5
# Groups at most: each is drawn from the child's model on its own.
MAX_GROUPS = 16


class ParentContext:
    """Parent rows to group labels, by the cells of a few chosen parent columns.

    With columns c1..ck chosen, a parent's group is its cells of c1..cj for the
    largest j whose group holds at least `min_parents` real parents: a generated
    parent in a combination real parents rarely had falls back to a coarser group,
    and to REST only when even its cell of c1 is rare.
    """

    def __init__(self, cells: Sequence[Cells] = (), groups: Sequence[str] = ()) -> None:
        self.cells = list(cells)
        self.groups = list(groups)

    @classmethod
    def learn(
        cls,
        parents: pd.DataFrame,
        parent_schema: Schema,
        *,
        counts: np.ndarray,
        child_codes: Sequence[np.ndarray],
        owners: np.ndarray,
        max_columns: int,
        min_parents: int,
        named: Sequence[str] | None = None,
        parent_codes: Sequence[tuple[Cells, np.ndarray]] | None = None,
    ) -> ParentContext:
        """Group by the `named` parent columns, or choose up to `max_columns` of them.

        `counts` is each parent row's number of children; `child_codes` the cells of
        each child column (see `binning.coded_columns`) for the child rows whose parent
        is row `owners[i]` of `parents`. Chosen columns are the ones most associated
        with the number of children or with a child column. `parent_codes` are the
        parents' `coded_columns` (with `min_rows=min_parents`), when the caller has them
        already: every child of a parent table asks for the same ones.
        """
        if named is not None:
            candidates = [_named_column(parent_schema, name) for name in named]
            found = [cells for column in candidates if (cells := _cells(parents, column, min_parents)) is not None]
            return cls._with_groups(found, parents, min_parents)
        if parent_codes is None:
            parent_codes = coded_columns(parents, parent_schema, min_rows=min_parents)
        scored = []
        for cells, codes in parent_codes:
            score = max(
                [correlation_ratio(codes, counts)] + [association(codes[owners], target) for target in child_codes]
            )
            if score >= MIN_ASSOCIATION:
                scored.append((score, cells, codes))
        scored.sort(key=lambda item: -item[0])
        chosen: list[tuple[Cells, np.ndarray]] = []
        for _, cells, codes in scored:
            if len(chosen) == max_columns:
                break
            if any(association(codes, earlier) >= REDUNDANT for _, earlier in chosen):
                continue
            crossed = cls([*(kept for kept, _ in chosen), cells])._crossed(parents, len(chosen) + 1)
            if chosen and np.isin(crossed, _large_groups(crossed, min_parents)).mean() < MIN_FULL_SHARE:
                continue
            chosen.append((cells, codes))
        return cls._with_groups([cells for cells, _ in chosen], parents, min_parents)

    @classmethod
    def _with_groups(cls, chosen: list[Cells], parents: pd.DataFrame, min_parents: int) -> ParentContext:
        groups: list[str] = []
        depth = 0
        while depth < len(chosen):
            finer = _large_groups(cls(chosen)._crossed(parents, depth + 1), min_parents)
            if not finer or len(groups) + len(finer) > MAX_GROUPS:
                break
            groups += finer
            depth += 1
        return cls(chosen[:depth], groups)

    def labels(self, parents: pd.DataFrame) -> np.ndarray:
        """Each parent row's group: the finest one it falls in (REST when none)."""
        labels = np.full(len(parents), REST, dtype=object)
        for depth in range(1, len(self.cells) + 1):
            crossed = self._crossed(parents, depth)
            found = np.isin(crossed, self.groups)
            labels[found] = crossed[found]
        return labels

    def _crossed(self, parents: pd.DataFrame, depth: int) -> np.ndarray:
        """The cells of the first `depth` chosen columns, joined."""
        codes = [cells.codes(parents[cells.column]) for cells in self.cells[:depth]]
        crossed = codes[0]
        for more in codes[1:]:
            crossed = crossed + " & " + more
        return np.asarray(crossed, dtype=object)

    @property
    def columns(self) -> list[str]:
        """The parent columns the groups are made of."""
        return [cells.column for cells in self.cells]

    def to_dict(self) -> dict[str, Any]:
        return {"cells": [cells.to_dict() for cells in self.cells], "groups": self.groups}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParentContext:
        return cls([Cells.from_dict(cells) for cells in data["cells"]], data["groups"])


def _large_groups(labels: np.ndarray, min_parents: int) -> list[str]:
    """The labels at least `min_parents` parents share, the largest first, MAX_GROUPS at most."""
    values, sizes = np.unique(labels.astype(str), return_counts=True)
    order = np.argsort(-sizes, kind="stable")
    return [str(value) for value in values[order][sizes[order] >= min_parents][:MAX_GROUPS]]


def _cells(parents: pd.DataFrame, column: Column, min_parents: int) -> Cells | None:
    return Cells.learn(parents[column.name], column, min_rows=min_parents)


def _named_column(schema: Schema, name: str) -> Column:
    column = schema.columns.get(name)
    if column is None or not column.is_modelled:
        known = ", ".join(column.name for column in schema.modelled_columns)
        raise SchemaError(
            f"Cannot group children by parent column {name!r}: it is not a learned column of the parent "
            f"(those are {known})."
        )
    return column
