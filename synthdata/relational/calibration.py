"""Children that depend on their parent as real ones do: quotas for the most telling child column.

The child's model is conditioned on its parent's group, but a conditional GAN learns
such a dependency slowly: after a short training, men still get prenatal visits. So
for the child column most tied to the parent group, the real distribution of its
cells within each group is kept (smoothed towards all groups, so that a small group
reveals little), each group's children get a quota per cell drawn from it, and
generated candidates of the group fill the quotas, round after round, until they are
met or the rounds run out (the last slots then take whatever candidates are left).
A well-trained model fills its quotas in the first round; a poor one still yields
children whose telling column follows the parent as in the real data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from synthdata.relational.binning import Cells, association
from synthdata.schema import Schema

# Candidates of the first round per child wanted; later rounds are sized by how often the missing
# cells came up, within MAX_ROUND per child wanted; MIN_ROUND candidates a round at least.
OVERSAMPLING = 2
MAX_ROUND = 8
MIN_ROUND = 50
MAX_ROUNDS = 4
# Pseudo-rows of the all-groups distribution mixed into each group's.
SMOOTHING = 5.0
MIN_ASSOCIATION = 0.1

Draw = Callable[[int, int], pd.DataFrame]


class GroupCalibration:
    """Per parent group, the real shares of one child column's cells (none: nothing to calibrate)."""

    def __init__(self, cells: Cells | None = None, shares: dict[str, dict[str, float]] | None = None) -> None:
        self.cells = cells
        self.shares = shares or {}  # {group: {cell: share}}, with "" for all groups together

    @classmethod
    def learn(cls, children: pd.DataFrame, schema: Schema, labels: np.ndarray) -> GroupCalibration:
        """The child column most associated with the parent groups `labels` (one per child row)."""
        labels = labels.astype(str)
        if len(np.unique(labels)) < 2:
            return cls()
        best, best_score = None, MIN_ASSOCIATION
        for column in schema.modelled_columns:
            cells = Cells.learn(children[column.name], column) if column.name in children.columns else None
            if cells is None:
                continue
            codes = cells.codes(children[column.name])
            score = association(codes, labels)
            if score >= best_score:
                best, best_score = (cells, codes), score
        if best is None:
            return cls()
        return cls(best[0], _group_shares(best[1], labels))

    def children(self, draw: Draw, group: str, n: int, rng: np.random.Generator) -> pd.DataFrame:
        """`n` children of `group`, in random order; `draw(size, round)` makes candidates."""
        if self.cells is None or n == 0:
            return draw(n, 0)
        shares = self.shares.get(group, self.shares[""])
        names = list(shares)
        probabilities = np.array([shares[name] for name in names])
        remaining = pd.Series(rng.multinomial(n, probabilities / probabilities.sum()), index=names)
        taken, left = [], []
        size = OVERSAMPLING * max(n, MIN_ROUND)
        for round_index in range(MAX_ROUNDS):
            candidates = draw(size, round_index)
            codes = pd.Series(self.cells.codes(candidates[self.cells.column]), index=candidates.index)
            wanted = codes.map(remaining).fillna(0).to_numpy()
            keep = codes.groupby(codes).cumcount().to_numpy() < wanted
            taken.append(candidates[keep])
            left.append(candidates[~keep])
            remaining = remaining.sub(codes[keep].value_counts(), fill_value=0).clip(lower=0)
            if remaining.sum() == 0:
                break
            # Enough candidates for what is missing, at the rate the missing cells came up this round.
            found = max(int((wanted > 0).sum()), 1)
            size = int(min(MAX_ROUND * max(n, MIN_ROUND), len(candidates) * remaining.sum() / found * 1.5 + MIN_ROUND))
        shortfall = int(remaining.sum())
        rows = pd.concat(taken + [pd.concat(left).head(shortfall)], ignore_index=True)
        return rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)

    def to_dict(self) -> dict[str, Any]:
        return {"cells": self.cells.to_dict() if self.cells is not None else None, "shares": self.shares}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupCalibration:
        return cls(Cells.from_dict(data["cells"]) if data["cells"] is not None else None, data["shares"])


def _group_shares(codes: np.ndarray, labels: np.ndarray) -> dict[str, dict[str, float]]:
    """Each group's smoothed share of every cell, and ("") the shares over all groups."""
    codes = codes.astype(str)
    overall = pd.Series(codes).value_counts(normalize=True)
    shares = {"": {cell: round(float(share), 6) for cell, share in overall.items()}}
    for group in np.unique(labels):
        in_group = pd.Series(codes[labels == group]).value_counts()
        smoothed = (in_group.reindex(overall.index, fill_value=0) + SMOOTHING * overall) / (in_group.sum() + SMOOTHING)
        shares[str(group)] = {cell: round(float(share), 6) for cell, share in smoothed.items()}
    return shares
