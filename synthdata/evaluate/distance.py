"""Distance to closest record (DCR): for each query row, the distance to its nearest reference row.

The distance is SDMetrics' mixed-type one: the mean over the evaluated columns of a
per-column distance, |a - b| / range for numbers and dates (the range of the reference
column, the result capped at 1) and 0/1 for categories and booleans; a null against a
value counts 1, two nulls 0. A numeric column that is constant in the reference is
compared for equality, as SDMetrics does.

The search is exact and avoids most of the query x reference pairs (100,000 x 100,000
rows is ten billion): a reference row whose categories differ from the query's in any
column is at least 1 away (in summed units), so a query first meets only the reference
rows whose categories sort near its own (rows are sorted by their categories), and only
the queries that found nothing closer than 1 are compared with every reference row.

Pairs are scored in blocks with torch on the given device, keeping each block's row
minima. Categories with few values count matches with a one-hot matrix product; every
other column is a "line" of floats where min(|a - b|, 1) is its distance: numbers scaled
by the reference range, and category codes (two different codes are at least 1 apart).
The cap is applied only in blocks that hold values outside [0, 1], where it can matter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from synthdata.device import resolve_device
from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float

# Reference values are scaled into [0, 1]; query values are clipped into [-1, 2], which
# keeps min(|a - b|, 1) unchanged, and nulls sit at 10, at distance >= 1 from any value.
_QUERY_LOW, _QUERY_HIGH, _NULL_POSITION = -1.0, 2.0, 10.0
# Measured on a CPU, a line costs about as much as 16 one-hot values in the matrix
# product: up to this many values a category is one-hot encoded, beyond it is a line of codes.
_ONE_HOT_LIMIT = 16
# (query rows, reference rows) per block: a few MB on a CPU; larger on a GPU.
_CPU_BLOCKS = (512, 4096)
_ACCELERATOR_BLOCKS = (4096, 16384)
# A summed distance below this can only come from a row with the same categories
# (a differing category alone adds 1); the margin absorbs float32 rounding.
_SAME_CATEGORIES_BOUND = 1.0 - 1e-4


@dataclass
class _Encoded:
    """One table in distance space, column-major so each line's block is contiguous."""

    lines: torch.Tensor  # (lines, rows): scaled numbers and category codes
    beyond_unit: np.ndarray  # (lines, rows): where min(|a - b|, 1) needs its cap
    one_hot: torch.Tensor  # (rows, one-hot width)
    categories: np.ndarray  # (rows, categorical columns): reference value codes, -1 when unseen
    one_hot_columns: int  # how many columns the one-hot part spans

    def take(self, rows: np.ndarray) -> _Encoded:
        index = torch.from_numpy(rows).to(self.lines.device)
        return _Encoded(
            lines=self.lines[:, index],
            beyond_unit=self.beyond_unit[:, rows],
            one_hot=self.one_hot[index],
            categories=self.categories[rows],
            one_hot_columns=self.one_hot_columns,
        )


def distance_to_closest_record(
    queries: pd.DataFrame,
    reference: pd.DataFrame,
    kinds: Mapping[str, MetricKind],
    *,
    device: str | torch.device = "auto",
) -> np.ndarray:
    """Each query row's DCR to `reference`, in query order (prepared tables, same columns)."""
    device = resolve_device(str(device))
    blocks = _CPU_BLOCKS if device.type == "cpu" else _ACCELERATOR_BLOCKS
    space = _DistanceSpace(reference, kinds)
    query = space.encode(queries, device=device, is_reference=False)
    ref = space.encode(reference, device=device, is_reference=True)
    query_keys, reference_keys = _category_keys(query.categories, ref.categories)
    query_order, reference_order = np.argsort(query_keys, kind="stable"), np.argsort(reference_keys, kind="stable")
    query, ref = query.take(query_order), ref.take(reference_order)
    query_keys, reference_keys = query_keys[query_order], reference_keys[reference_order]
    nearest = np.empty(len(queries))
    for start in range(0, len(queries), blocks[0]):
        stop = min(start + blocks[0], len(queries))
        low = np.searchsorted(reference_keys, query_keys[start], side="left")
        high = np.searchsorted(reference_keys, query_keys[stop - 1], side="right")
        nearest[start:stop] = _nearest(query, start, stop, ref, low, high, blocks[1])
    unsettled = np.flatnonzero(nearest >= _SAME_CATEGORIES_BOUND)
    if len(unsettled):
        rest = query.take(unsettled)
        for start in range(0, len(unsettled), blocks[0]):
            stop = min(start + blocks[0], len(unsettled))
            nearest[unsettled[start:stop]] = _nearest(rest, start, stop, ref, 0, len(reference), blocks[1])
    dcr = np.empty(len(queries))
    dcr[query_order] = nearest / len(kinds)
    return dcr.clip(0.0, 1.0)


def _nearest(query: _Encoded, start: int, stop: int, ref: _Encoded, low: int, high: int, block: int) -> np.ndarray:
    """Row minima of summed distances from queries [start, stop) to reference rows [low, high).

    The one-hot part enters as minus the matches, plus the number of one-hot columns at
    the end. Minima are inf when the reference range is empty.
    """
    device = query.lines.device
    best = torch.full((stop - start,), float("inf"), device=device)
    query_capped = np.any(query.beyond_unit[:, start:stop], axis=1)
    buffers = torch.empty(2, (stop - start) * min(block, max(high - low, 1)), device=device)
    for r_start in range(low, high, block):
        r_stop = min(r_start + block, high)
        shape = (stop - start, r_stop - r_start)
        total, part = (buffer[: shape[0] * shape[1]].view(shape) for buffer in buffers)
        capped = query_capped | np.any(ref.beyond_unit[:, r_start:r_stop], axis=1)
        if len(query.lines) == 0:
            total.zero_()
        for k in range(len(query.lines)):
            target = total if k == 0 else part
            torch.sub(query.lines[k, start:stop, None], ref.lines[k, None, r_start:r_stop], out=target)
            target.abs_()
            if capped[k]:
                target.clamp_(max=1.0)
            if k > 0:
                total.add_(part)
        if query.one_hot.shape[1]:
            total.addmm_(query.one_hot[start:stop], ref.one_hot[r_start:r_stop].T, alpha=-1.0)
        best = torch.minimum(best, total.amin(dim=1))
    return best.cpu().numpy().astype(np.float64) + query.one_hot_columns


def _category_keys(query: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row naming its combination of categories, shared by both tables."""
    if query.shape[1] == 0:
        return np.zeros(len(query), dtype=np.int64), np.zeros(len(reference), dtype=np.int64)
    _, keys = np.unique(np.vstack([query, reference]), axis=0, return_inverse=True)
    keys = keys.reshape(-1)
    return keys[: len(query)], keys[len(query) :]


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

    def encode(self, frame: pd.DataFrame, *, device: torch.device, is_reference: bool) -> _Encoded:
        """Scaled numbers and category codes as lines, few-valued categories one-hot."""
        categories = np.column_stack(
            [self._codes(frame, name) for name in self.values] or [np.empty((len(frame), 0), dtype=np.int64)]
        )
        lines = np.empty((len(self.ranges) + len(self.coded), len(frame)), dtype=np.float32)
        beyond_unit = np.ones(lines.shape, dtype=bool)
        for k, (name, (low, span)) in enumerate(self.ranges.items()):
            scaled = (as_float(frame[name]) - low) / span
            if not is_reference:
                scaled = np.clip(scaled, _QUERY_LOW, _QUERY_HIGH)
            lines[k] = np.where(np.isnan(scaled), _NULL_POSITION, scaled)
            beyond_unit[k] = (lines[k] < 0.0) | (lines[k] > 1.0)
        one_hot = np.zeros((len(frame), sum(len(self.values[name]) for name in self.one_hot)), dtype=np.float32)
        offset = 0
        for position, name in enumerate(self.values):
            codes = categories[:, position]
            if name in self.coded:
                lines[len(self.ranges) + self.coded.index(name)] = codes
                continue
            known = codes >= 0
            one_hot[np.flatnonzero(known), offset + codes[known]] = 1.0
            offset += len(self.values[name])
        return _Encoded(
            lines=torch.from_numpy(lines).to(device),
            beyond_unit=beyond_unit,
            one_hot=torch.from_numpy(one_hot).to(device),
            categories=categories,
            one_hot_columns=len(self.one_hot),
        )

    def _codes(self, frame: pd.DataFrame, name: str) -> np.ndarray:
        """Reference value codes; -1 for a value the reference never holds."""
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_float_dtype(column):
            column = pd.Series(as_float(column))
        return self.values[name].get_indexer(column)
