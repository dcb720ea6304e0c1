"""Distance to closest record (DCR): for each query row, the distance to its nearest reference row.

The distance is SDMetrics' mixed-type one: the mean over the evaluated columns of a
per-column distance, |a - b| / range for numbers and dates (the range of the reference
column, the result capped at 1) and 0/1 for categories and booleans; a null against a
value counts 1, two nulls 0. A numeric column that is constant in the reference is
compared for equality, as SDMetrics does.

All query x reference pairs are scored, in blocks, with torch on the given device
(100,000 x 100,000 rows is ten billion pairs), keeping only each block's row minima.
Categories with few values count matches with one one-hot matrix product. Every other
column is a "line" of floats where min(|a - b|, 1) is its distance: numbers scaled by
the reference range, and category codes (two different codes are at least 1 apart);
the cap is applied only in blocks that hold values outside [0, 1], which is where it
can matter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float
from synthdata.models.tabular_gan import resolve_device

# Reference values are scaled into [0, 1]; query values are clipped into [-1, 2], which
# keeps min(|a - b|, 1) unchanged, and nulls sit at 10, at distance >= 1 from any value.
_QUERY_LOW, _QUERY_HIGH, _NULL_POSITION = -1.0, 2.0, 10.0
# Measured on a CPU, a line costs about as much as 16 one-hot values in the matrix
# product: up to this many values a category is one-hot encoded, beyond it is a line of codes.
_ONE_HOT_LIMIT = 16
# (query rows, reference rows) per block: a few MB on a CPU, to stay in cache; larger on a GPU.
_CPU_BLOCKS = (512, 4096)
_ACCELERATOR_BLOCKS = (4096, 16384)


@dataclass
class _Encoded:
    """One table in distance space, column-major so each line's block is contiguous."""

    lines: torch.Tensor  # (lines, rows): scaled numbers and category codes
    beyond_unit: np.ndarray  # (lines, rows): where min(|a - b|, 1) needs its cap
    one_hot: torch.Tensor  # (rows, one-hot width)


def distance_to_closest_record(
    queries: pd.DataFrame,
    reference: pd.DataFrame,
    kinds: Mapping[str, MetricKind],
    *,
    device: str | torch.device = "auto",
    on_block: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Each query row's DCR to `reference`, in query order (prepared tables, same columns).

    `on_block` receives the number of query rows finished after each block (progress).
    """
    device = resolve_device(str(device))
    query_block, reference_block = _CPU_BLOCKS if device.type == "cpu" else _ACCELERATOR_BLOCKS
    space = _DistanceSpace(reference, kinds)
    query = space.encode(queries, device=device, is_reference=False)
    ref = space.encode(reference, device=device, is_reference=True)
    query_caps = _block_flags(query.beyond_unit, query_block)
    reference_caps = _block_flags(ref.beyond_unit, reference_block)
    buffers = torch.empty(2, query_block * reference_block, device=device)
    nearest = torch.empty(len(queries), device=device)
    for qi, q_start in enumerate(range(0, len(queries), query_block)):
        q_stop = min(q_start + query_block, len(queries))
        best = torch.full((q_stop - q_start,), float("inf"), device=device)
        for ri, r_start in enumerate(range(0, len(reference), reference_block)):
            r_stop = min(r_start + reference_block, len(reference))
            shape = (q_stop - q_start, r_stop - r_start)
            total, part = (buffer[: shape[0] * shape[1]].view(shape) for buffer in buffers)
            capped = query_caps[qi] | reference_caps[ri]
            if len(query.lines) == 0:
                total.zero_()
            for k in range(len(query.lines)):
                target = total if k == 0 else part
                torch.sub(query.lines[k, q_start:q_stop, None], ref.lines[k, None, r_start:r_stop], out=target)
                target.abs_()
                if capped[k]:
                    target.clamp_(max=1.0)
                if k > 0:
                    total.add_(part)
            # Minus the one-hot matches: the mismatch count is (one-hot columns - matches).
            if query.one_hot.shape[1]:
                total.addmm_(query.one_hot[q_start:q_stop], ref.one_hot[r_start:r_stop].T, alpha=-1.0)
            best = torch.minimum(best, total.amin(dim=1))
        nearest[q_start:q_stop] = best
        if on_block is not None:
            on_block(q_stop - q_start)
    summed = nearest.cpu().numpy().astype(np.float64) + space.one_hot_columns
    return (summed / len(kinds)).clip(0.0, 1.0)


class _DistanceSpace:
    """What the reference table fixes: numeric ranges and category values."""

    def __init__(self, reference: pd.DataFrame, kinds: Mapping[str, MetricKind]) -> None:
        self.ranges: dict[str, tuple[float, float]] = {}
        self.values: dict[str, pd.Index] = {}
        for name, kind in kinds.items():
            column = as_float(reference[name]) if kind in CONTINUOUS_KINDS else reference[name]
            if kind in CONTINUOUS_KINDS:
                low, high = np.nanmin(column, initial=np.inf), np.nanmax(column, initial=-np.inf)
                if high > low:
                    self.ranges[name] = (low, high - low)
                    continue
            self.values[name] = pd.Index(pd.unique(pd.Series(column)))
        self.one_hot = [name for name, values in self.values.items() if len(values) <= _ONE_HOT_LIMIT]
        self.coded = [name for name, values in self.values.items() if len(values) > _ONE_HOT_LIMIT]
        self.one_hot_columns = len(self.one_hot)

    def encode(self, frame: pd.DataFrame, *, device: torch.device, is_reference: bool) -> _Encoded:
        """Scaled numbers and category codes as lines, few-valued categories one-hot."""
        lines = np.empty((len(self.ranges) + len(self.coded), len(frame)), dtype=np.float32)
        beyond_unit = np.ones(lines.shape, dtype=bool)
        for k, (name, (low, span)) in enumerate(self.ranges.items()):
            scaled = (as_float(frame[name]) - low) / span
            if not is_reference:
                scaled = np.clip(scaled, _QUERY_LOW, _QUERY_HIGH)
            lines[k] = np.where(np.isnan(scaled), _NULL_POSITION, scaled)
            beyond_unit[k] = (lines[k] < 0.0) | (lines[k] > 1.0)
        for k, name in enumerate(self.coded, start=len(self.ranges)):
            lines[k] = self._codes(frame, name)
        one_hot = np.zeros((len(frame), sum(len(self.values[name]) for name in self.one_hot)), dtype=np.float32)
        offset = 0
        for name in self.one_hot:
            codes = self._codes(frame, name)
            known = codes >= 0
            one_hot[np.flatnonzero(known), offset + codes[known]] = 1.0
            offset += len(self.values[name])
        return _Encoded(
            lines=torch.from_numpy(lines).to(device),
            beyond_unit=beyond_unit,
            one_hot=torch.from_numpy(one_hot).to(device),
        )

    def _codes(self, frame: pd.DataFrame, name: str) -> np.ndarray:
        """Reference value codes; -1 for a value the reference never holds."""
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_float_dtype(column):
            column = pd.Series(as_float(column))
        return self.values[name].get_indexer(column)


def _block_flags(beyond_unit: np.ndarray, block: int) -> np.ndarray:
    """Per block of rows (first axis) and line: whether any value needs the cap at 1."""
    if len(beyond_unit) == 0 or beyond_unit.shape[1] == 0:
        return np.zeros((max(1, -(-beyond_unit.shape[1] // block)), len(beyond_unit)), dtype=bool)
    return np.logical_or.reduceat(beyond_unit, np.arange(0, beyond_unit.shape[1], block), axis=1).T
