"""Children that depend on their parent as real ones do: quotas for the most telling child column.

The child's model learns the parent's group with everything else, but a GAN learns
such a dependency slowly: after a short training, men still get prenatal visits. So
for the child column most tied to the parent group, the real distribution of its
cells within each group is kept (smoothed towards all groups, so that a small group
reveals little), and each group's children get a quota per cell drawn from it
(`Quota`), which generated candidates fill (see `matching`). A well-trained model
fills its quotas at once; a poor one still yields children whose telling column
follows the parent as in the real data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthdata.relational.binning import Cells, association

# Pseudo-rows of the all-groups distribution mixed into each group's.
SMOOTHING = 5.0
MIN_ASSOCIATION = 0.1


class GroupCalibration:
    """Per parent group, the real shares of one child column's cells (none: nothing to calibrate)."""

    def __init__(self, cells: Cells | None = None, shares: dict[str, dict[str, float]] | None = None) -> None:
        self.cells = cells
        self.shares = shares or {}  # {group: {cell: share}}, with "" for all groups together

    @classmethod
    def learn(cls, coded: list[tuple[Cells, np.ndarray]], labels: np.ndarray) -> GroupCalibration:
        """The child column most associated with the parent groups `labels` (one per child row),
        of the child columns `coded` as (cells, each row's cell)."""
        labels = labels.astype(str)
        if len(np.unique(labels)) < 2:
            return cls()
        best, best_score = None, MIN_ASSOCIATION
        for cells, codes in coded:
            score = association(codes, labels)
            if score >= best_score:
                best, best_score = (cells, codes), score
        if best is None:
            return cls()
        return cls(best[0], _group_shares(best[1], labels))

    def quota(self, group: str, n: int, rng: np.random.Generator) -> Quota:
        """The `n` children `group` needs, split by cell of the telling column."""
        if self.cells is None:
            return Quota(n)
        shares = self.shares.get(group, self.shares[""])
        probabilities = np.array(list(shares.values()))
        wanted = pd.Series(rng.multinomial(n, probabilities / probabilities.sum()), index=list(shares))
        return Quota(n, self.cells, wanted)

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


class Quota:
    """What one group still needs: rows per cell of the telling column, or just rows."""

    def __init__(self, n: int, cells: Cells | None = None, wanted: pd.Series | None = None) -> None:
        self.cells = cells
        self.wanted = wanted if wanted is not None else pd.Series({"": n})

    @property
    def missing(self) -> int:
        return int(self.wanted.sum())

    def take(self, candidates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(the candidates kept, the rest), keeping those whose cell is still wanted."""
        if self.cells is None:
            codes = pd.Series("", index=candidates.index)
        else:
            codes = pd.Series(self.cells.codes(candidates[self.cells.column]), index=candidates.index)
        keep = codes.groupby(codes).cumcount().to_numpy() < codes.map(self.wanted).fillna(0).to_numpy()
        self.wanted = self.wanted.sub(codes[keep].value_counts(), fill_value=0).clip(lower=0).astype(int)
        return candidates[keep], candidates[~keep]

    def take_any(self, candidates: pd.DataFrame) -> pd.DataFrame:
        """As many of the candidates as rows are missing, whatever their cell."""
        taken = candidates.head(self.missing)
        # Counted off the cells in order: what matters now is the number of rows.
        before = self.wanted.cumsum() - self.wanted
        self.wanted = (
            self.wanted - (self.wanted + before).clip(upper=len(taken)) + before.clip(upper=len(taken))
        ).astype(int)
        return taken
