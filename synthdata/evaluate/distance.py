"""Distance to closest record (DCR): for each query row, the distance to its nearest reference row.

The distance is SDMetrics' mixed-type one: the mean over the evaluated columns of a
per-column distance, |a - b| / range for numbers and dates (the range of the reference
column, the result capped at 1) and 0/1 for categories and booleans; a null against a
value counts 1, two nulls 0. A numeric column that is constant in the reference is
compared for equality, as SDMetrics does.

All query x reference pairs are scored, in blocks, with torch on the given device
(100,000 x 100,000 rows is ten billion pairs): numbers accumulate |a - b| (clamped only
in blocks holding values outside the reference range or nulls), categories with few
values count matches by one-hot matrix products, categories with many by comparing
codes, and each block keeps only its row minima.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float

# Reference values are scaled into [0, 1]; query values are clipped into [-1, 2], which
# keeps min(|a - b|, 1) unchanged, and nulls sit at 10, at distance >= 1 from any value.
_QUERY_LOW, _QUERY_HIGH, _NULL_POSITION = -1.0, 2.0, 10.0
# Above this many distinct reference values a one-hot product costs more than comparing codes.
_ONE_HOT_LIMIT = 40
_BLOCKS = {"cpu": (512, 4096), "cuda": (4096, 16384)}


@dataclass
class _Encoded:
    """One table in distance space: scaled numbers, one-hot categories, codes of the rest."""

    numbers: torch.Tensor
    outside: np.ndarray  # per row and numeric column: a value outside [0, 1] (or a null)
    one_hot: torch.Tensor
    codes: torch.Tensor


def resolve_device(device: str | torch.device) -> torch.device:
    """`"auto"` is the GPU when torch sees one, else the CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


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
    device = resolve_device(device)
    query_block, reference_block = _BLOCKS.get(device.type, _BLOCKS["cuda"])
    encode = _DistanceSpace(reference, kinds)
    query = encode(queries, device=device, is_reference=False)
    ref = encode(reference, device=device, is_reference=True)
    query_flags = _block_flags(query.outside, query_block)
    reference_flags = _block_flags(ref.outside, reference_block)
    buffers = torch.empty(2, query_block * reference_block, device=device)
    nearest = torch.empty(len(queries), device=device)
    for qi, q_start in enumerate(range(0, len(queries), query_block)):
        q_stop = min(q_start + query_block, len(queries))
        best = torch.full((q_stop - q_start,), float("inf"), device=device)
        for ri, r_start in enumerate(range(0, len(reference), reference_block)):
            r_stop = min(r_start + reference_block, len(reference))
            shape = (q_stop - q_start, r_stop - r_start)
            total, part = (buffer[: shape[0] * shape[1]].view(shape) for buffer in buffers)
            torch.mm(query.one_hot[q_start:q_stop], ref.one_hot[r_start:r_stop].T, out=total)
            total.neg_()
            for k in range(query.codes.shape[1]):
                total.sub_(query.codes[q_start:q_stop, k, None] == ref.codes[None, r_start:r_stop, k])
            clamp = query_flags[qi] | reference_flags[ri]
            for k in range(query.numbers.shape[1]):
                torch.sub(query.numbers[q_start:q_stop, k, None], ref.numbers[None, r_start:r_stop, k], out=part)
                part.abs_()
                if clamp[k]:
                    part.clamp_(max=1.0)
                total.add_(part)
            best = torch.minimum(best, total.amin(dim=1))
        nearest[q_start:q_stop] = best
        if on_block is not None:
            on_block(q_stop - q_start)
    matched_columns = encode.categorical_columns
    return ((nearest.cpu().numpy().astype(np.float64) + matched_columns) / len(kinds)).clip(0.0, 1.0)


class _DistanceSpace:
    """What the reference table fixes: numeric ranges and the category values."""

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
        self.categorical_columns = len(self.values)

    def __call__(self, frame: pd.DataFrame, *, device: torch.device, is_reference: bool) -> _Encoded:
        numbers = np.empty((len(frame), len(self.ranges)), dtype=np.float32)
        for k, (name, (low, span)) in enumerate(self.ranges.items()):
            scaled = (as_float(frame[name]) - low) / span
            if not is_reference:
                scaled = np.clip(scaled, _QUERY_LOW, _QUERY_HIGH)
            numbers[:, k] = np.where(np.isnan(scaled), _NULL_POSITION, scaled)
        few = [name for name, values in self.values.items() if len(values) <= _ONE_HOT_LIMIT]
        many = [name for name, values in self.values.items() if len(values) > _ONE_HOT_LIMIT]
        one_hot = np.zeros((len(frame), sum(len(self.values[name]) for name in few)), dtype=np.float32)
        offset = 0
        for name in few:
            codes = self._codes(frame, name)
            known = codes >= 0
            one_hot[np.flatnonzero(known), offset + codes[known]] = 1.0
            offset += len(self.values[name])
        codes = np.column_stack([self._codes(frame, name) for name in many] or [np.empty((len(frame), 0))])
        return _Encoded(
            numbers=torch.from_numpy(numbers).to(device),
            outside=(numbers < 0.0) | (numbers > 1.0),
            one_hot=torch.from_numpy(one_hot).to(device),
            codes=torch.from_numpy(codes.astype(np.int32)).to(device),
        )

    def _codes(self, frame: pd.DataFrame, name: str) -> np.ndarray:
        """Reference value codes; -1 for a value the reference never holds."""
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column) or pd.api.types.is_float_dtype(column):
            column = pd.Series(as_float(column))
        return self.values[name].get_indexer(column)


def _block_flags(outside: np.ndarray, block: int) -> np.ndarray:
    """Per block of rows and numeric column: whether any value needs the cap at 1."""
    if outside.shape[1] == 0 or len(outside) == 0:
        return np.zeros((max(1, -(-len(outside) // block)), outside.shape[1]), dtype=bool)
    return np.logical_or.reduceat(outside, np.arange(0, len(outside), block), axis=0)
