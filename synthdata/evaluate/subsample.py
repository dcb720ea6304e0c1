"""Seeded row subsamples for the metrics that cap how many rows they read.

Pair tables, detection, utility and privacy all bound their cost on large tables by
reading a subsample; drawing it here, from the caller's generator and in row order,
keeps every report reproducible from its seed.
"""

from __future__ import annotations

import numpy as np


def sample_positions(rows: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of at most `limit` of `rows` rows, all of them when there are few enough."""
    if rows <= limit:
        return np.arange(rows)
    return np.sort(rng.choice(rows, size=limit, replace=False))
