"""Per-column summaries for the report's overlay plots: shared histogram bins and category shares.

They are taken once while evaluating, so the report can draw its plots later without
holding on to the tables (which may have millions of rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthdata.evaluate.kinds import CONTINUOUS_KINDS, MetricKind, as_float

_BINS = 30
# Histogram edges span the real column's central 99%, so one outlier cannot squash the
# plot; values beyond fall into the end bins.
_EDGE_QUANTILES = (0.005, 0.995)
_TOP_CATEGORIES = 20
OTHER_LABEL = "(other)"


@dataclass
class ColumnProfile:
    """Shares of non-null values per bin (numbers, dates) or per category, real and synthetic."""

    kind: MetricKind
    labels: list[str]
    edges: np.ndarray | None
    real: np.ndarray
    synthetic: np.ndarray
    real_null_share: float
    synthetic_null_share: float


def profile_columns(
    real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, MetricKind]
) -> dict[str, ColumnProfile]:
    """One profile per evaluated column."""
    return {
        name: (_continuous if kind in CONTINUOUS_KINDS else _categorical)(real[name], synthetic[name], kind)
        for name, kind in kinds.items()
    }


def _continuous(real: pd.Series, synthetic: pd.Series, kind: MetricKind) -> ColumnProfile:
    real_values, synthetic_values = as_float(real), as_float(synthetic)
    real_values = real_values[~np.isnan(real_values)]
    synthetic_values = synthetic_values[~np.isnan(synthetic_values)]
    if len(real_values):
        low, high = np.quantile(real_values, _EDGE_QUANTILES)
    else:
        low, high = 0.0, 1.0
    edges = np.histogram_bin_edges(real_values, bins=_BINS, range=(low, high) if high > low else None)
    return ColumnProfile(
        kind=kind,
        labels=[],
        edges=edges,
        real=_binned_shares(real_values, edges),
        synthetic=_binned_shares(synthetic_values, edges),
        real_null_share=float(real.isna().mean()),
        synthetic_null_share=float(synthetic.isna().mean()),
    )


def _binned_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    if len(values) == 0:
        return np.zeros(len(edges) - 1)
    counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    return counts / len(values)


def _categorical(real: pd.Series, synthetic: pd.Series, kind: MetricKind) -> ColumnProfile:
    real_shares = real.dropna().astype(str).value_counts(normalize=True)
    synthetic_shares = synthetic.dropna().astype(str).value_counts(normalize=True)
    shown = list(real_shares.index[:_TOP_CATEGORIES])
    shown += [label for label in synthetic_shares.index[:_TOP_CATEGORIES] if label not in real_shares.index][:5]
    real_part = real_shares.reindex(shown, fill_value=0.0).to_numpy()
    synthetic_part = synthetic_shares.reindex(shown, fill_value=0.0).to_numpy()
    rest = [
        max(1.0 - part.sum(), 0.0) if len(shares) else 0.0
        for part, shares in ((real_part, real_shares), (synthetic_part, synthetic_shares))
    ]
    if max(rest) > 1e-9:
        shown.append(OTHER_LABEL)
        real_part = np.append(real_part, rest[0])
        synthetic_part = np.append(synthetic_part, rest[1])
    return ColumnProfile(
        kind=kind,
        labels=[str(label) for label in shown],
        edges=None,
        real=real_part,
        synthetic=synthetic_part,
        real_null_share=float(real.isna().mean()),
        synthetic_null_share=float(synthetic.isna().mean()),
    )
