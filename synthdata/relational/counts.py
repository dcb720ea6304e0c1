"""How many children a parent row has, drawn from what real parents of its group had.

The number of children is the one thing about a child table that is not a column:
it must come out right parent by parent (KS against the real distribution), heavy
tail and parents without children included. Real counts are kept as one small
histogram per parent group (the groups of `ParentContext`, each of at least
`min_parents` parents) and one over all parents, and a generated parent's count is
drawn from its group's histogram by inverse CDF, all groups at once. Where a parent's
window covers a measured share of the child table's recorded time (`window_cover`),
the histograms are kept per cell of cover too: per group and cell where at least
`min_parents` real parents share both, else per cell; the cover decides more of a
history's length than the group does (no recorded time, no children).

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

    def __init__(
        self, overall: Histogram, by_group: dict[str, Histogram], by_cover: dict[str, Histogram] | None = None
    ) -> None:
        self.overall = overall
        self.by_group = by_group
        self.by_cover = by_cover or {}  # by cell of cover, and by group and cell ("group | cell")

    @classmethod
    def learn(
        cls, counts: np.ndarray, labels: np.ndarray, covers: np.ndarray | None = None, *, min_parents: int = 1
    ) -> ChildCounts:
        """`counts[i]` children for the parent of group `labels[i]` (and cell of cover `covers[i]`)."""
        labels = labels.astype(str)
        by_group = {str(label): Histogram.of(counts[labels == label]) for label in np.unique(labels)}
        by_cover = {}
        if covers is not None:
            for keys in (covers.astype(str), _crossed(labels, covers)):
                values, sizes = np.unique(keys, return_counts=True)
                by_cover.update({str(key): Histogram.of(counts[keys == key]) for key in values[sizes >= min_parents]})
        return cls(Histogram.of(counts), by_group, by_cover)

    def draw(self, labels: np.ndarray, rng: np.random.Generator, covers: np.ndarray | None = None) -> np.ndarray:
        """A number of children for each parent of the given groups (and cells of cover)."""
        labels = labels.astype(str)
        keys = labels if covers is None else _crossed(labels, covers)
        counts = np.zeros(len(labels), dtype=np.int64)
        for key in np.unique(keys):
            rows = np.flatnonzero(keys == key)
            found = [self.by_cover.get(key), self.by_cover.get(str(covers[rows[0]]))] if covers is not None else []
            found += [self.by_group.get(labels[rows[0]]), self.overall]
            counts[rows] = next(histogram for histogram in found if histogram is not None).draw(len(rows), rng)
        return counts

    def labels(self, labels: np.ndarray, covers: np.ndarray | None) -> np.ndarray:
        """Each parent's group crossed with its cell of cover where at least `min_parents` real
        parents shared both, else its cell where as many held it, else its group: what its
        children's rows are drawn by, as their number is. A patient who died before the records
        has one encounter, its death certificate; drawn from its group at large, that one is an
        ordinary encounter, and the group's death certificates go to its patients alive through
        the records instead."""
        labels = labels.astype(str)
        if covers is None:
            return labels.astype(object)
        known = list(self.by_cover)
        cells = covers.astype(str)
        crossed = _crossed(labels, covers)
        by_cell = np.where(np.isin(cells, known), cells, labels)
        return np.where(np.isin(crossed, known), crossed, by_cell).astype(object)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.to_dict(),
            "by_group": {label: histogram.to_dict() for label, histogram in self.by_group.items()},
            "by_cover": {label: histogram.to_dict() for label, histogram in self.by_cover.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChildCounts:
        by_group = {label: Histogram.from_dict(histogram) for label, histogram in data["by_group"].items()}
        by_cover = {label: Histogram.from_dict(histogram) for label, histogram in data["by_cover"].items()}
        return cls(Histogram.from_dict(data["overall"]), by_group, by_cover)


def _crossed(labels: np.ndarray, covers: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(labels.astype(str), " | "), covers.astype(str))


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
