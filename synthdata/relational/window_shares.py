"""A date as its share of a window, and back: a learned position that cannot fall outside it.

A child's date learned as a plain offset from its parent's date (age at an encounter)
is rebuilt on a generated parent whose window is not the real one: a generated
patient born in 1990 who draws the offset of an 80-year-old lands in 2070, after any
date the data could hold, and one who died young has the offset clipped onto the
DEATHDATE. Learning where in its window a date falls (0 at the window's start, 1 at
its end) keeps every rebuilt date inside the generated window, spread as the real
ones are spread in theirs.
"""

from __future__ import annotations

import numpy as np

NAT = np.datetime64("NaT", "ns")
ZERO = np.timedelta64(0, "ns")
HALF_DAY = np.timedelta64(12, "h")


def window_share(moments: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Where each moment falls in [start, end], in [0, 1] (0 for an empty window, NaN where unknown)."""
    length = (end - start).astype(np.float64)
    offset = (moments - start).astype(np.float64)
    known = ~np.isnat(moments) & ~np.isnat(start) & ~np.isnat(end)
    share = np.divide(offset, length, out=np.zeros(len(moments)), where=known & (length > 0))
    return np.where(known, np.clip(share, 0.0, 1.0), np.nan)


def moment_at(share: np.ndarray, start: np.ndarray, end: np.ndarray, *, days: bool = False) -> np.ndarray:
    """The moment at `share` of each window [start, end] (NaT where the share or start is unknown).

    With `days`, the nearest midnight: a date without a time written back as it was read
    (flooring would put a day-form date a day early whenever the share rounds down)."""
    length = np.where(np.isnat(end) | (end < start), ZERO, end - start).astype(np.float64)
    known = ~np.isnan(share) & ~np.isnat(start)
    offset = np.where(known, np.clip(share, 0.0, 1.0) * length, 0.0).astype(np.int64).astype("timedelta64[ns]")
    moments = np.where(known, start + offset, NAT)
    if days:
        moments = (moments + HALF_DAY).astype("datetime64[D]").astype("datetime64[ns]")
    return moments
