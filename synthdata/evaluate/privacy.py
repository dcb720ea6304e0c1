"""Privacy: do synthetic rows sit closer to the training rows than unseen real rows do?

A generator that memorises emits its training rows, or rows a hair away from them.
Distance to the closest training record (see `distance`) alone cannot tell that from a
dense table, so it is compared with the same distance for real hold-out rows, which the
generator never saw:

- `dcr_share_closer_to_train`: the share of synthetic rows closer to training than the
  median hold-out row (ties count half). Rows drawn like fresh real data give 0.5;
  towards 1.0 the synthetic rows hug the training rows.
- `dcr_p5_ratio`: the 5th percentile of synthetic DCR over that of hold-out DCR; well
  below 1 means a tail of near copies.
- `exact_copy_rate`: the share of synthetic rows equal to some training row on every
  evaluated column, beside the same share for hold-out rows (real tables repeat rows too).

DCR is computed for at most `query_rows` synthetic and hold-out rows against at most
`reference_rows` training rows; exact copies are counted on all rows, by row hashes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from synthdata.evaluate.distance import distance_to_closest_record
from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float
from synthdata.evaluate.subsample import sample_positions

QUERY_ROWS = 10_000
REFERENCE_ROWS = 100_000
_TAIL_QUANTILE = 0.05


@dataclass
class Privacy:
    """DCR of the synthetic and hold-out rows, and the scores drawn from them."""

    synthetic_dcr: np.ndarray
    holdout_dcr: np.ndarray
    scores: dict[str, float]
    rows: dict[str, int]


def measure_privacy(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    kinds: Mapping[str, MetricKind],
    *,
    seed: int | np.random.Generator = 0,
    query_rows: int = QUERY_ROWS,
    reference_rows: int = REFERENCE_ROWS,
    device: str | torch.device = "auto",
) -> Privacy:
    """DCR scores of `synthetic` and `holdout` against `train` (prepared tables)."""
    rng = np.random.default_rng(seed)
    reference = train.iloc[sample_positions(len(train), reference_rows, rng)].reset_index(drop=True)
    queries = {
        role: frame.iloc[sample_positions(len(frame), query_rows, rng)].reset_index(drop=True)
        for role, frame in (("synthetic", synthetic), ("holdout", holdout))
    }
    synthetic_dcr, holdout_dcr = (
        distance_to_closest_record(frame, reference, kinds, device=device) for frame in queries.values()
    )
    median = np.median(holdout_dcr)
    synthetic_tail = float(np.quantile(synthetic_dcr, _TAIL_QUANTILE))
    holdout_tail = float(np.quantile(holdout_dcr, _TAIL_QUANTILE))
    scores = {
        "dcr_share_closer_to_train": float(np.mean(synthetic_dcr < median) + 0.5 * np.mean(synthetic_dcr == median)),
        "dcr_p5_ratio": synthetic_tail / holdout_tail if holdout_tail > 0 else float("nan"),
        "dcr_synthetic_p5": synthetic_tail,
        "dcr_holdout_p5": holdout_tail,
        "dcr_synthetic_median": float(np.median(synthetic_dcr)),
        "dcr_holdout_median": float(median),
        "exact_copy_rate_holdout": exact_copy_rate(holdout, train, kinds),
    }
    return Privacy(
        synthetic_dcr=synthetic_dcr,
        holdout_dcr=holdout_dcr,
        scores=scores,
        rows={
            "reference": len(reference),
            "synthetic": len(queries["synthetic"]),
            "holdout": len(queries["holdout"]),
        },
    )


def exact_copy_rate(queries: pd.DataFrame, reference: pd.DataFrame, kinds: Mapping[str, MetricKind]) -> float:
    """The share of query rows equal, on every evaluated column, to some reference row."""
    query_keys, reference_keys = _row_hashes(queries, reference, kinds)
    return float(np.isin(query_keys, reference_keys).mean())


def _row_hashes(
    first: pd.DataFrame, second: pd.DataFrame, kinds: Mapping[str, MetricKind]
) -> tuple[np.ndarray, np.ndarray]:
    """Row hashes that agree across both tables: numbers as floats, categories as shared codes."""
    canonical = {}
    for name, kind in kinds.items():
        if kind in CONTINUOUS_KINDS:
            canonical[name] = np.concatenate([as_float(first[name]), as_float(second[name])])
        else:
            canonical[name], _ = pd.factorize(
                pd.concat([first[name], second[name]], ignore_index=True), use_na_sentinel=False
            )
    hashes = pd.util.hash_pandas_object(pd.DataFrame(canonical), index=False).to_numpy()
    return hashes[: len(first)], hashes[len(first) :]
