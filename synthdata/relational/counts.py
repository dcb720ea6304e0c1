"""How many children a parent row has, drawn from what real parents of its group had.

The number of children is the one thing about a child table that is not a column:
it must come out right parent by parent (KS against the real distribution), heavy
tail and parents without children included. Real counts are kept as one small
histogram per parent group (the groups of `ParentContext`, each of at least
`min_parents` parents) and one over all parents, and a generated parent's count is
drawn from its group's histogram by inverse CDF, all groups at once.

Drawn one by one, the counts of a few parents add up to a total far from the real
one (16 carriers with 20,000 flights between them came to 17,000). So the draws are
then matched to the real number of children per parent times the parents there are
(`matched_total`): the missing children go to parents in proportion to what they
drew (a parent drawn without children stays without), surplus ones are taken from
children picked at random. At scale s every table thus has s times its real rows,
up to rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Histogram:
    """A discrete distribution over whole numbers, drawn from by inverse CDF."""

    def __init__(self, values: np.ndarray, probabilities: np.ndarray) -> None:
        self.values = np.asarray(values, dtype=np.int64)
        self.probabilities = np.asarray(probabilities, dtype=float)
        self._cdf = np.cumsum(self.probabilities)

    @classmethod
    def of(cls, counts: np.ndarray) -> Histogram:
        values, sizes = np.unique(np.asarray(counts, dtype=np.int64), return_counts=True)
        return cls(values, sizes / sizes.sum())

    def draw(self, size: int, rng: np.random.Generator) -> np.ndarray:
        position = np.searchsorted(self._cdf, rng.random(size) * self._cdf[-1], side="right")
        return self.values[np.minimum(position, len(self.values) - 1)]

    def to_dict(self) -> dict[str, Any]:
        return {"values": self.values.tolist(), "probabilities": [round(p, 8) for p in self.probabilities.tolist()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Histogram:
        return cls(np.array(data["values"]), np.array(data["probabilities"]))


class ChildCounts:
    """Children per parent row, by parent group, with all parents' histogram for unknown groups."""

    def __init__(self, overall: Histogram, by_group: dict[str, Histogram]) -> None:
        self.overall = overall
        self.by_group = by_group

    @classmethod
    def learn(cls, counts: np.ndarray, labels: np.ndarray) -> ChildCounts:
        """`counts[i]` children for the parent of group `labels[i]`."""
        labels = labels.astype(str)
        by_group = {str(label): Histogram.of(counts[labels == label]) for label in np.unique(labels)}
        return cls(Histogram.of(counts), by_group)

    def draw(self, labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A number of children for each parent of the given groups."""
        labels = labels.astype(str)
        counts = np.zeros(len(labels), dtype=np.int64)
        for label in np.unique(labels):
            rows = np.flatnonzero(labels == label)
            counts[rows] = self.by_group.get(str(label), self.overall).draw(len(rows), rng)
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_group": {label: histogram.to_dict() for label, histogram in self.by_group.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChildCounts:
        by_group = {label: Histogram.from_dict(histogram) for label, histogram in data["by_group"].items()}
        return cls(Histogram.from_dict(data["overall"]), by_group)


def matched_total(counts: np.ndarray, target: int, rng: np.random.Generator) -> np.ndarray:
    """`counts` changed by as few children as needed to add up to `target`."""
    counts = np.asarray(counts, dtype=np.int64)
    missing = int(target) - int(counts.sum())
    if missing > 0:
        weights = counts if counts.sum() > 0 else np.ones(len(counts))
        return counts + rng.multinomial(missing, weights / weights.sum()) if len(counts) else counts
    if missing < 0:
        taken = rng.choice(int(counts.sum()), size=-missing, replace=False)
        owners = np.repeat(np.arange(len(counts)), counts)[taken]
        return counts - np.bincount(owners, minlength=len(counts))
    return counts
