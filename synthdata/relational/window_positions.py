"""Where a date falls in its window, learned so that a rebuilt date cannot leave the window.

A child's date learned as a plain offset from its parent's date (age at an encounter)
is rebuilt on a generated parent whose window is not the real one: a generated
patient born in 1990 who draws the offset of an 80-year-old lands in 2070, after any
date the data could hold, and one who died young has the offset clipped onto the
DEATHDATE. Two placements keep every rebuilt date inside the generated window
[start, end]:

- `share`: where in the window the date falls, 0 at its start, 1 at its end;
- `before_end`: how long before the window's end it falls, at most the whole window
  (an export that records only its last ten years of visits, whoever the patient).

Both are written on one line for the network, `EPOCH` to `EPOCH + span` (`span` the
longest real window), later dates later. Which one a table gets is decided on the
real rows (`best_placement`): the one whose values, drawn without regard to their
row's window, still rebuild the real dates' distribution best. That is what a
network that has not learned the tie to the parent well draws.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from synthdata.evaluate.column_shapes import ks_complement

Placement = Literal["share", "before_end"]
PLACEMENTS: tuple[Placement, ...] = ("share", "before_end")
EPOCH = np.datetime64("2000-01-01T00:00:00", "ns")
NAT = np.datetime64("NaT", "ns")
ZERO = np.timedelta64(0, "ns")
HALF_DAY = np.timedelta64(12, "h")


def learned_position(
    placement: Placement, moments: np.ndarray, start: np.ndarray, end: np.ndarray, span: np.timedelta64
) -> np.ndarray:
    """`moments` placed in their windows [start, end], on the learned line (NaT where unknown)."""
    length = _length(start, end)
    known = ~np.isnat(moments) & ~np.isnat(start) & ~np.isnat(end)
    offset = np.where(known, moments - start, ZERO).astype(np.float64)
    if placement == "share":
        share = np.divide(offset, length, out=np.zeros(len(moments)), where=length > 0)
        position = np.clip(share, 0.0, 1.0) * _ns(span)
    else:
        position = _ns(span) - np.clip(length - offset, 0.0, length)
    return np.where(known, EPOCH + position.astype(np.int64).astype("timedelta64[ns]"), NAT)


def placed_moment(
    placement: Placement,
    learned: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    span: np.timedelta64,
    *,
    days: bool,
) -> np.ndarray:
    """The moments `learned` positions stand for in the windows [start, end] (NaT where unknown).

    With `days`, the nearest midnight: a date without a time comes back as it was read."""
    length = _length(start, end)
    known = ~np.isnat(learned) & ~np.isnat(start)
    position = np.clip(np.where(known, learned - EPOCH, ZERO).astype(np.float64), 0.0, _ns(span))
    if placement == "share":
        offset = position / _ns(span) * length
    else:
        offset = length - np.minimum(_ns(span) - position, length)
    moments = np.where(known, start + offset.astype(np.int64).astype("timedelta64[ns]"), NAT)
    return nearest_day(moments) if days else moments


def nearest_day(moments: np.ndarray) -> np.ndarray:
    """Each moment at its nearest midnight (flooring would put a date a day early whenever it rounds down)."""
    return (moments + HALF_DAY).astype("datetime64[D]").astype("datetime64[ns]")


def best_placement(
    moments: np.ndarray, start: np.ndarray, end: np.ndarray, span: np.timedelta64, rng: np.random.Generator
) -> Placement:
    """The placement whose real positions, shuffled across rows, rebuild the real `moments` closest (KS)."""
    known = ~np.isnat(moments) & ~np.isnat(start) & ~np.isnat(end)
    if not known.any():
        return "share"
    order = rng.permutation(int(known.sum()))
    real = pd.Series(moments[known])

    def closeness(placement: Placement) -> float:
        positions = learned_position(placement, moments[known], start[known], end[known], span)[order]
        rebuilt = placed_moment(placement, positions, start[known], end[known], span, days=False)
        return ks_complement(real, pd.Series(rebuilt))

    return max(PLACEMENTS, key=closeness)


def _length(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Each window's length in nanoseconds (0 where unknown or reversed)."""
    length = np.where(np.isnat(start) | np.isnat(end), ZERO, end - start).astype(np.float64)
    return np.maximum(length, 0.0)


def _ns(span: np.timedelta64) -> float:
    return float(span.astype("timedelta64[ns]").astype(np.int64))
