"""Column pair trends: whether the synthetic table keeps how columns move together.

Reproduces SDMetrics 0.32's ColumnPairTrends so the numbers can be compared with
theirs. Two continuous columns (numbers, dates as nanoseconds) are scored with
CorrelationSimilarity, 1 - |rho_real - rho_synthetic| / 2 on Pearson's rho over the rows
where both are present. Any other pair is scored with ContingencySimilarity, 1 - the
total variation distance between the two joint frequency tables, nulls counted as a
value; a continuous column enters such a pair binned by `np.digitize` on 10
`np.histogram_bin_edges` of its own table (SDMetrics bins the real and the synthetic
column each on its own edges, and the largest value shares the top bin with nulls).

SDMetrics' report averages only the pairs that carry a trend in the real data: |rho| >
0.5 for two numbers, Cramer's V > 0.3 otherwise. `meets_threshold` marks them; the
average of all pairs is reported too. Contingency tables are built on at most
`subsample_rows` rows of each table (SDMetrics draws 50,000), drawn once from `seed`
so that a report can be reproduced.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float
from synthdata.evaluate.subsample import sample_positions

CORRELATION_THRESHOLD = 0.5
ASSOCIATION_THRESHOLD = 0.3
PAIR_SUBSAMPLE_ROWS = 50_000
_BINS = 10


@dataclass
class _PairView:
    """One table as the pair metrics read it: continuous values, and codes for every column."""

    continuous: dict[str, np.ndarray]
    codes: dict[str, np.ndarray]
    distinct_values: dict[str, int]


def column_pair_trends(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    kinds: Mapping[str, MetricKind],
    *,
    subsample_rows: int = PAIR_SUBSAMPLE_ROWS,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """One row per column pair: metric, score, real/synthetic correlation, real association, whether it counts."""
    rng = np.random.default_rng(seed)
    real_view, synthetic_view = _pair_views(real, synthetic, kinds)
    real_rows = sample_positions(len(real), subsample_rows, rng)
    synthetic_rows = sample_positions(len(synthetic), subsample_rows, rng)
    rows = []
    for first, second in itertools.combinations(kinds, 2):
        if kinds[first] in CONTINUOUS_KINDS and kinds[second] in CONTINUOUS_KINDS:
            rows.append(_correlation_row(first, second, real_view, synthetic_view))
        else:
            rows.append(
                _contingency_row(
                    first,
                    second,
                    (real_view.codes[first][real_rows], real_view.codes[second][real_rows]),
                    (
                        synthetic_view.codes[first][synthetic_rows],
                        synthetic_view.codes[second][synthetic_rows],
                    ),
                )
            )
    columns = [
        "column_1", "column_2", "metric", "score",
        "real_correlation", "synthetic_correlation", "real_association", "meets_threshold",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def trend_averages(pairs: pd.DataFrame) -> tuple[float, float]:
    """(SDMetrics' average over the pairs that meet the thresholds, the average over all pairs)."""
    if pairs.empty:
        return float("nan"), float("nan")
    return (
        float(pairs.loc[pairs["meets_threshold"], "score"].mean()),
        float(pairs["score"].mean()),
    )


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's rho over the rows where both are present; NaN when either is constant there."""
    present = ~(np.isnan(x) | np.isnan(y))
    x, y = x[present], y[present]
    if len(x) < 2:
        return float("nan")
    x = x - x.mean()
    y = y - y.mean()
    scale = np.linalg.norm(x) * np.linalg.norm(y)
    if scale == 0:
        return float("nan")
    return float(np.clip(np.dot(x, y) / scale, -1.0, 1.0))


def cramers_v(first: np.ndarray, second: np.ndarray) -> float:
    """Cramer's V of two coded columns (no continuity correction, as scipy's `association`).

    Computed from the observed cells only, via chi2 = sum(O^2 / E) - n, so that columns
    with thousands of values never build a dense table.
    """
    row, row_values = pd.factorize(first)
    col, col_values = pd.factorize(second)
    n_rows, n_cols = len(row_values), len(col_values)
    if min(n_rows, n_cols) < 2:
        return float("nan")
    cell_of_row, cells = pd.factorize(row.astype(np.int64) * n_cols + col)
    observed = np.bincount(cell_of_row)
    row_totals = np.bincount(row, minlength=n_rows).astype(np.float64)
    col_totals = np.bincount(col, minlength=n_cols).astype(np.float64)
    total = float(len(first))
    expected = row_totals[cells // n_cols] * col_totals[cells % n_cols] / total
    chi2 = max(float(np.sum(observed.astype(np.float64) ** 2 / expected)) - total, 0.0)
    return float(np.sqrt(chi2 / total / (min(n_rows, n_cols) - 1)))


def _pair_views(
    real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, MetricKind]
) -> tuple[_PairView, _PairView]:
    views = (_PairView({}, {}, {}), _PairView({}, {}, {}))
    for name, kind in kinds.items():
        if kind in CONTINUOUS_KINDS:
            for view, frame in zip(views, (real, synthetic), strict=True):
                values = as_float(frame[name])
                present = values[~np.isnan(values)]
                view.continuous[name] = values
                view.codes[name] = np.digitize(values, _bin_edges(present))
                view.distinct_values[name] = len(np.unique(present))
        else:
            codes, _ = pd.factorize(pd.concat([real[name], synthetic[name]], ignore_index=True), use_na_sentinel=False)
            views[0].codes[name] = codes[: len(real)]
            views[1].codes[name] = codes[len(real) :]
    return views


def _bin_edges(present: np.ndarray) -> np.ndarray:
    """`np.histogram_bin_edges(present, bins=_BINS)`, as SDMetrics bins, where numpy can.

    numpy refuses a constant column whose value is too large to widen by 0.5 (1e15)
    and a range wider than the largest float; a constant then falls in one bin, and
    a huge range gets the same equal-width edges computed without overflow."""
    try:
        return np.histogram_bin_edges(present, bins=_BINS)
    except ValueError:
        low, high = float(present.min()), float(present.max())
        if low == high:
            return np.array([low])
        steps = np.linspace(0.0, 1.0, _BINS + 1)
        return low * (1.0 - steps) + high * steps


def _correlation_row(first: str, second: str, real: _PairView, synthetic: _PairView) -> dict:
    constant = any(view.distinct_values[name] == 1 for view in (real, synthetic) for name in (first, second))
    real_rho = float("nan") if constant else pearson(real.continuous[first], real.continuous[second])
    synthetic_rho = float("nan") if constant else pearson(synthetic.continuous[first], synthetic.continuous[second])
    return {
        "column_1": first,
        "column_2": second,
        "metric": "CorrelationSimilarity",
        "score": 1.0 - abs(real_rho - synthetic_rho) / 2.0,
        "real_correlation": real_rho,
        "synthetic_correlation": synthetic_rho,
        "real_association": float("nan"),
        "meets_threshold": bool(abs(real_rho) > CORRELATION_THRESHOLD),
    }


def _contingency_row(
    first: str,
    second: str,
    real: tuple[np.ndarray, np.ndarray],
    synthetic: tuple[np.ndarray, np.ndarray],
) -> dict:
    width = int(max(real[1].max(), synthetic[1].max())) + 1
    real_cells = real[0].astype(np.int64) * width + real[1]
    synthetic_cells = synthetic[0].astype(np.int64) * width + synthetic[1]
    cell_of_row, cells = pd.factorize(np.concatenate([real_cells, synthetic_cells]))
    real_share = np.bincount(cell_of_row[: len(real_cells)], minlength=len(cells)) / len(real_cells)
    synthetic_share = np.bincount(cell_of_row[len(real_cells) :], minlength=len(cells)) / len(synthetic_cells)
    association = cramers_v(*real)
    return {
        "column_1": first,
        "column_2": second,
        "metric": "ContingencySimilarity",
        "score": float(1.0 - 0.5 * np.abs(real_share - synthetic_share).sum()),
        "real_correlation": float("nan"),
        "synthetic_correlation": float("nan"),
        "real_association": association,
        "meets_threshold": bool(association > ASSOCIATION_THRESHOLD),
    }
