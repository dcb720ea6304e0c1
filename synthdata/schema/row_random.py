"""Random draws addressed by row: the value of row k never depends on how rows are chunked.

Generated columns are produced in chunks, in shards on other machines, or all at
once; the rows must come out the same either way. Instead of a sequential generator,
every draw is a hash of (stream key, row number): SplitMix64's finalizer, a
well-mixed 64-bit permutation, applied to whole NumPy arrays at once. Each decision
(which format, which digit, which name) gets its own stream, derived from its
parent's key and a label, so adding a decision never shifts another's numbers.
"""

from __future__ import annotations

import hashlib

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer on an array of uint64 (wrapping arithmetic)."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= _MIX_1
        z ^= z >> np.uint64(27)
        z *= _MIX_2
        z ^= z >> np.uint64(31)
    return z


def key_from_seed(seed: int | np.random.Generator | None) -> int:
    """A 64-bit stream key from an int seed (used as is) or a Generator (one draw)."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63))
    return int(seed or 0) & (2**64 - 1)


class RowRandom:
    """Independent uniform draws for a set of rows, addressed by row number."""

    def __init__(self, key: int, rows: np.ndarray) -> None:
        self.key = int(key) & (2**64 - 1)
        self.rows = np.asarray(rows, dtype=np.uint64)

    @classmethod
    def for_rows(cls, seed: int | np.random.Generator | None, n: int, *, row_offset: int = 0) -> RowRandom:
        return cls(key_from_seed(seed), np.arange(row_offset, row_offset + n, dtype=np.uint64))

    def __len__(self) -> int:
        return len(self.rows)

    def child(self, label: str) -> RowRandom:
        """The stream of a sub-decision, independent of this one and of its siblings."""
        salt = int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "little")
        key = mix(np.array([self.key ^ salt], dtype=np.uint64))[0]
        return RowRandom(int(key), self.rows)

    def subset(self, positions: np.ndarray) -> RowRandom:
        """The same stream, for some of the rows (a mask or positions)."""
        return RowRandom(self.key, self.rows[positions])

    def raw(self) -> np.ndarray:
        """One uint64 per row."""
        with np.errstate(over="ignore"):
            return mix(self.rows * _GOLDEN + np.uint64(self.key))

    def uniform(self) -> np.ndarray:
        """Floats in [0, 1), one per row."""
        return (self.raw() >> np.uint64(11)).astype(np.float64) * _TO_UNIT

    def integers(self, low: int, high: int) -> np.ndarray:
        """Integers in [low, high), one per row."""
        span = high - low
        return low + np.minimum((self.uniform() * span).astype(np.int64), span - 1)

    def choice(self, count: int, weights: np.ndarray | None = None) -> np.ndarray:
        """Indices in [0, count), uniform or by weights, one per row."""
        if weights is None:
            return self.integers(0, count)
        cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
        picks = np.searchsorted(cumulative, self.uniform() * cumulative[-1], side="right")
        return np.minimum(picks, count - 1)
