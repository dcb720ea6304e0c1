"""A child table as it hangs off its primary parent: how many children, and which ones.

Learning: each real parent row falls in a group (`ParentContext`), the number of its
children is recorded by group (`ChildCounts`), and by how much of the child table's
recorded time the parent's window covers where a date rule gives it one
(`WindowCover`), the child columns most tied to the group are recorded by group
(`GroupCalibration`), and each child row is labelled with its parent's group, or
its group's or its own cell of cover where a window is measured (the rows depend
on the cover as their number does), for the child's model to condition on. Children whose
reference is null (or dangles) are orphans, labelled `NO_PARENT` and generated in
the same proportion to parents, their reference null or, where the real ones held
values outside the parent, such values (`unresolved`).

A child with several parents gets its number of rows from this, its primary parent
alone: children per generated parent as the real ones had, in total the real
children per parent times the parents generated. Its other references are filled
in for those rows (`references`) and never change how many there are.

Generating: for the generated parents, draw each one's number of children from its
group, matched to the real number of children per parent (`counts.matched_total`),
then the children of every group from the child's model (`draw_children`),
filling each group's quotas of its most telling child column (`GroupCalibration`),
and hand them to the parents of that group in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthdata.relational.binning import Cells, coded_columns
from synthdata.relational.context import ParentContext
from synthdata.relational.counts import ChildCounts, matched_total
from synthdata.relational.group_quotas import GroupCalibration
from synthdata.relational.layout import Link
from synthdata.relational.matching import draw_children
from synthdata.relational.references import parent_positions
from synthdata.relational.table_model import TableModel
from synthdata.relational.unresolved import OutsideValues
from synthdata.relational.window_cover import WindowCover
from synthdata.schema import Schema

NO_PARENT = "(no parent)"


class ChildRelation:
    """The primary link of a child table and what was learned along it."""

    def __init__(
        self,
        link: Link,
        context: ParentContext,
        counts: ChildCounts,
        calibration: GroupCalibration,
        orphans_per_parent: float,
        children_per_parent: float | None = None,
        outside: OutsideValues | None = None,
        cover: WindowCover | None = None,
    ) -> None:
        self.link = link
        self.context = context
        self.counts = counts
        self.calibration = calibration
        self.orphans_per_parent = orphans_per_parent
        self.children_per_parent = children_per_parent  # None in model files written before it
        self.outside = outside or OutsideValues()
        self.cover = cover

    @classmethod
    def learn(
        cls,
        link: Link,
        frames: Mapping[str, pd.DataFrame],
        *,
        parent_schema: Schema,
        child_schema: Schema,
        context_columns: int,
        min_parents: int,
        parent_columns: Sequence[str] | None = None,
        parent_codes: Sequence[tuple[Cells, np.ndarray]] | None = None,
        cover: WindowCover | None = None,
    ) -> tuple[ChildRelation, np.ndarray]:
        """The relation, and the parent group of every real child row (see ParentContext for
        `parent_columns`, `context_columns`, `min_parents` and `parent_codes`; `cover`
        measures the parents' windows, when the child's dates have them)."""
        child, parents = frames[link.table], frames[link.parent]
        owners = parent_positions(child[link.column], parents[link.parent_column])
        adopted = owners >= 0
        counts = np.bincount(owners[adopted], minlength=len(parents))
        # Each child column is cut into cells once, for choosing the groups and calibrating them.
        coded = coded_columns(child, child_schema)
        context = ParentContext.learn(
            parents,
            parent_schema,
            counts=counts,
            child_codes=[codes[adopted] for _, codes in coded],
            owners=owners[adopted],
            max_columns=context_columns,
            min_parents=min_parents,
            named=parent_columns,
            parent_codes=parent_codes,
        )
        parent_groups = context.labels(parents)
        covers = cover.cells(parents) if cover is not None else None
        child_counts = ChildCounts.learn(counts, parent_groups, covers, min_parents=min_parents)
        labels = child_counts.labels(parent_groups, covers)
        groups = np.where(adopted, labels[np.maximum(owners, 0)], NO_PARENT).astype(object)
        relation = cls(
            link,
            context,
            child_counts,
            GroupCalibration.learn(coded, groups),
            float((~adopted).sum() / max(len(parents), 1)),
            float(adopted.sum() / max(len(parents), 1)),
            OutsideValues.learn(child[link.column], owners),
            cover,
        )
        return relation, groups

    def labels(self, parents: pd.DataFrame) -> np.ndarray:
        """The label each parent row's children are drawn by: its group, or its group's or its own
        cell of cover where real parents held it (`ChildCounts.labels`)."""
        covers = self.cover.cells(parents) if self.cover is not None else None
        return self.counts.labels(self.context.labels(parents), covers)

    def children(
        self,
        model: TableModel,
        parents: pd.DataFrame,
        *,
        rng: np.random.Generator,
        seed_of: Callable[[int, int], int],
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Child rows for the generated `parents`, and each one's parent row (-1 for an orphan).

        `seed_of(i, r)` gives the seed of round r of the i-th draw (see `draw_children`).
        """
        parent_groups = self.context.labels(parents)
        covers = self.cover.cells(parents) if self.cover is not None else None
        per_parent = self.counts.draw(parent_groups, rng, covers)
        parent_labels = self.counts.labels(parent_groups, covers)
        if self.children_per_parent is not None:
            per_parent = matched_total(per_parent, round(self.children_per_parent * len(parents)), rng)
        owners = np.repeat(np.arange(len(parents)), per_parent)
        orphans = round(self.orphans_per_parent * len(parents))
        owners = np.concatenate([owners, np.full(orphans, -1)])
        groups = np.concatenate([parent_labels[owners[owners >= 0]], np.full(orphans, NO_PARENT, dtype=object)])
        labels = groups.astype(str)
        names, sizes = np.unique(labels, return_counts=True)
        drawn = draw_children(
            model, dict(zip(names.tolist(), sizes.tolist(), strict=True)), self.calibration, rng=rng, seed_of=seed_of
        )
        if not len(names):
            return model.rows(0, group=None, seed=seed_of(0, 0)), owners
        rows = pd.concat([drawn[name] for name in names], ignore_index=True)
        slots = np.concatenate([np.flatnonzero(labels == name) for name in names])
        return rows.iloc[np.argsort(slots, kind="stable")].reset_index(drop=True), owners

    def to_dict(self) -> dict[str, Any]:
        return {
            "link": vars(self.link),
            "context": self.context.to_dict(),
            "counts": self.counts.to_dict(),
            "calibration": self.calibration.to_dict(),
            "orphans_per_parent": self.orphans_per_parent,
            "children_per_parent": self.children_per_parent,
            "outside": self.outside.to_dict(),
            "cover": self.cover.to_dict() if self.cover is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChildRelation:
        return cls(
            Link(**data["link"]),
            ParentContext.from_dict(data["context"]),
            ChildCounts.from_dict(data["counts"]),
            GroupCalibration.from_dict(data["calibration"]),
            float(data["orphans_per_parent"]),
            data["children_per_parent"],
            OutsideValues.from_dict(data["outside"]),
            WindowCover.from_dict(data["cover"]) if data["cover"] is not None else None,
        )
