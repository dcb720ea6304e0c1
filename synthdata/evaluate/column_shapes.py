"""Column shapes: how closely each synthetic column's distribution follows the real one.

The two scores are SDMetrics' KSComplement (numbers and dates) and TVComplement
(categories and booleans), reproduced value for value so that numbers reported here
can be read next to theirs: nulls are dropped before comparing, numbers are rounded to
14 decimals as SDMetrics rounds them, and a synthetic category absent from the real
column gets SDMetrics' 1e-6 pseudo-count. Null shares are reported beside the score.
One difference: where one side of a column holds values and the other only nulls,
the score is 0 (SDMetrics gives NaN, which drops the column from the mean and from the
worst columns, hiding the worst failure there is); it stays NaN only when both sides
are all null.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind

# SDMetrics rounds to sys.float_info.dig - 1 decimals before the KS test, which merges
# values that differ only by float noise; doing the same keeps ties identical.
_KS_DECIMALS = 14
# SDMetrics' pseudo-count for a category seen only in the synthetic column.
_UNSEEN_CATEGORY_COUNT = 1e-6


def ks_complement(real: pd.Series, synthetic: pd.Series) -> float:
    """1 - the two-sample Kolmogorov-Smirnov statistic; 0 when one side is all null, NaN when both are."""
    real_values = _line_values(real)
    synthetic_values = _line_values(synthetic)
    if len(real_values) == 0 or len(synthetic_values) == 0:
        return _score_without_values(len(real_values), len(synthetic_values))
    real_values.sort()
    synthetic_values.sort()
    both = np.concatenate([real_values, synthetic_values])
    real_cdf = np.searchsorted(real_values, both, side="right") / len(real_values)
    synthetic_cdf = np.searchsorted(synthetic_values, both, side="right") / len(synthetic_values)
    return float(1.0 - np.max(np.abs(real_cdf - synthetic_cdf)))


def tv_complement(real: pd.Series, synthetic: pd.Series) -> float:
    """1 - the total variation distance between category frequencies; 0 when one side is all
    null, NaN when both are."""
    real = real.dropna()
    synthetic = synthetic.dropna()
    if len(real) == 0 or len(synthetic) == 0:
        return _score_without_values(len(real), len(synthetic))
    codes, _ = pd.factorize(pd.concat([real, synthetic], ignore_index=True))
    size = codes.max() + 1
    real_counts = np.bincount(codes[: len(real)], minlength=size).astype(np.float64)
    synthetic_counts = np.bincount(codes[len(real) :], minlength=size).astype(np.float64)
    real_counts[real_counts == 0] = _UNSEEN_CATEGORY_COUNT
    real_share = real_counts / real_counts.sum()
    synthetic_share = synthetic_counts / synthetic_counts.sum()
    return float(1.0 - 0.5 * np.abs(real_share - synthetic_share).sum())


def _score_without_values(real_count: int, synthetic_count: int) -> float:
    """Nothing in common when only one side holds values; nothing to compare when neither does."""
    return float("nan") if real_count == synthetic_count == 0 else 0.0


def column_shapes(real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, MetricKind]) -> pd.DataFrame:
    """One row per column: kind, metric, score and each side's null share."""
    rows = []
    for name, kind in kinds.items():
        continuous = kind in CONTINUOUS_KINDS
        score = (ks_complement if continuous else tv_complement)(real[name], synthetic[name])
        rows.append(
            {
                "column": name,
                "kind": kind,
                "metric": "KSComplement" if continuous else "TVComplement",
                "score": score,
                "real_null_share": float(real[name].isna().mean()),
                "synthetic_null_share": float(synthetic[name].isna().mean()),
            }
        )
    return pd.DataFrame(rows)


def _line_values(series: pd.Series) -> np.ndarray:
    """Non-null values on the real line: dates as int64 nanoseconds, numbers rounded."""
    present = series.dropna()
    if pd.api.types.is_datetime64_any_dtype(present):
        return present.to_numpy(dtype="int64")
    return np.round(present.to_numpy(dtype=np.float64), _KS_DECIMALS)
