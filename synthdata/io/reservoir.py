"""A uniform random sample of bounded size from a stream of DataFrame chunks.

Tables bigger than memory are read in chunks; keeping a fixed-size uniform sample of
every row seen lets a model be fitted on `max_rows` rows whatever the table size.
Each row draws a random key and the sample is the `capacity` rows with the smallest
keys, which is a uniform sample without replacement. Keys are drawn per chunk with
numpy and rows that can no longer make the cut are dropped as they arrive, so the
work is vectorized and the memory stays near `capacity` rows. The same seed and the
same chunking give the same sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.errors import SynthDataError


class Reservoir:
    """Keeps a uniform sample of at most `capacity` rows of everything `add`ed.

    With `capacity=None` every row is kept. `result()` returns the sample in the
    order the rows arrived, with a fresh RangeIndex.
    """

    def __init__(self, capacity: int | None, *, seed: int | np.random.Generator = 0) -> None:
        whole = isinstance(capacity, (int, np.integer)) and not isinstance(capacity, bool)
        if capacity is not None and not (whole and capacity >= 1):
            raise SynthDataError(f"max_rows must be a positive whole number, got {capacity!r}")
        self.capacity = None if capacity is None else int(capacity)
        self.rows_seen = 0
        self._rng = np.random.default_rng(seed)
        self._chunks: list[pd.DataFrame] = []
        self._keys: list[np.ndarray] = []
        self._positions: list[np.ndarray] = []
        self._pending_rows = 0
        # Keys at or above the threshold can never enter the sample again.
        self._threshold = np.inf

    def add(self, chunk: pd.DataFrame) -> None:
        """Offer the rows of `chunk` to the sample."""
        positions = np.arange(self.rows_seen, self.rows_seen + len(chunk))
        self.rows_seen += len(chunk)
        if self.capacity is None:
            self._chunks.append(chunk)
            return
        keys = self._rng.random(len(chunk))
        keep = keys < self._threshold
        if not keep.all():
            chunk, keys, positions = chunk[keep], keys[keep], positions[keep]
        self._chunks.append(chunk)
        self._keys.append(keys)
        self._positions.append(positions)
        self._pending_rows += len(chunk)
        # A merge costs a pass over the kept rows, so it waits until they are twice
        # the capacity instead of running per chunk.
        if self._pending_rows > 2 * self.capacity:
            self._merge(self.capacity)

    def _merge(self, capacity: int) -> None:
        """Cut the kept rows down to the `capacity` smallest keys."""
        frame = pd.concat(self._chunks, ignore_index=True) if len(self._chunks) > 1 else self._chunks[0]
        keys = np.concatenate(self._keys)
        positions = np.concatenate(self._positions)
        if len(keys) > capacity:
            best = np.argpartition(keys, capacity - 1)[:capacity]
            frame, keys, positions = frame.iloc[best], keys[best], positions[best]
            self._threshold = keys.max()
        self._chunks, self._keys, self._positions = [frame], [keys], [positions]
        self._pending_rows = len(keys)

    def result(self) -> pd.DataFrame:
        """The sample so far, in arrival order."""
        if not self._chunks:
            return pd.DataFrame()
        if self.capacity is None:
            frame = pd.concat(self._chunks, ignore_index=True) if len(self._chunks) > 1 else self._chunks[0]
            return frame.reset_index(drop=True)
        self._merge(self.capacity)
        order = np.argsort(self._positions[0], kind="stable")
        return self._chunks[0].iloc[order].reset_index(drop=True)


def sample_rows(frame: pd.DataFrame, max_rows: int | None, *, seed: int | np.random.Generator = 0) -> pd.DataFrame:
    """`frame` itself when it fits in `max_rows`, else a uniform sample of `max_rows` rows."""
    reservoir = Reservoir(max_rows, seed=seed)
    if reservoir.capacity is None or len(frame) <= reservoir.capacity:
        return frame
    reservoir.add(frame)
    return reservoir.result()
