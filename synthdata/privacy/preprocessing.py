"""What the DataTransformer learns, computed from DP releases instead of the rows.

The transformer (mixture modes and weights, min/max, point masses, category lists,
null shares, rare-category pooling) is fitted on a pseudo table drawn from the noisy
histograms of `noisy_statistics`, so everything it stores is post-processing of those
releases. The real rows are then conformed to what was released, one row at a time
(values clipped into the released bounds, values that were not released redrawn
from the released ones), which is a per-row function and so costs no budget beyond
the DP-SGD that reads the conformed rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from synthdata.privacy.accountant import Mechanism
from synthdata.privacy.noisy_statistics import (
    NoisyHistogram,
    category_histogram,
    integers_per_bin,
    noisy_bounds,
    numeric_bins,
    numeric_histogram,
    release_threshold,
    value_bins,
)
from synthdata.schema.column import Column
from synthdata.schema.float_values import declared_bounds, to_floats
from synthdata.transform.table import DISCRETE_TYPES

# Rows of the pseudo table the transformer is fitted on: a fixed number, so that its
# size says nothing about the real table.
PSEUDO_ROWS = 10_000
# 2^33 seconds either side of 1970: the magnitude grid's edge inside pandas' datetime range.
DATETIME_SECONDS = 2.0**33


def needs_bounds(columns: list[Column]) -> list[Column]:
    """The numeric and datetime columns whose bounds were not declared."""
    return [c for c in columns if c.type not in DISCRETE_TYPES and declared_bounds(c) is None]


def needs_threshold(columns: list[Column]) -> bool:
    """Whether some categories are released from an unknown (undeclared) domain."""
    return any(c.type == "categorical" and not c.values for c in columns)


def planned_mechanisms(columns: list[Column], noise_multiplier: float) -> list[Mechanism]:
    """The Gaussian releases `release` runs for these columns, for the accountant."""
    mechanisms = []
    if needs_bounds(columns):
        mechanisms.append(
            Mechanism(
                "noisy bounds",
                noise_multiplier,
                description="magnitude histogram of each numeric/datetime column without declared min/max",
            )
        )
    mechanisms.append(
        Mechanism(
            "noisy histograms",
            noise_multiplier,
            description="per-column histograms (values and nulls): modes, weights, point masses, categories, "
            "null shares and rare-category pooling are fitted on them",
        )
    )
    return mechanisms


@dataclass
class PrivateStatistics:
    """The released histograms, one per modelled column."""

    histograms: dict[str, NoisyHistogram]

    def pseudo_table(self, columns: list[Column], random: np.random.Generator) -> pd.DataFrame:
        """PSEUDO_ROWS rows drawn column by column from the noisy histograms."""
        return pd.DataFrame({c.name: self._draw(c, PSEUDO_ROWS, random) for c in columns})

    def _draw(self, column: Column, rows: int, random: np.random.Generator) -> pd.Series:
        histogram = self.histograms[column.name]
        total = histogram.counts.sum()
        weights = histogram.counts / total if total > 0 else np.full(len(histogram.counts), 1 / len(histogram.counts))
        bins = random.choice(len(weights), size=rows, p=weights)
        null = bins == len(histogram.labels)
        if histogram.edges is None:
            labels = np.array([*histogram.labels, None], dtype=object)
            return pd.Series(labels[bins], dtype=object)
        edges = histogram.edges
        inside = np.minimum(bins, len(edges) - 2)
        values = edges[inside] + random.random(rows) * (edges[inside + 1] - edges[inside])
        if column.type == "integer":
            values = np.round(values)
        values = np.where(null, np.nan, values)
        if column.type == "datetime":
            return pd.Series(pd.to_datetime(values, unit="s"))
        return pd.Series(values)

    def columns_with_facts(self, columns: list[Column]) -> list[Column]:
        """The columns with min, max and null share set from the releases (declared
        facts kept): what sampling clips to and what the schema file shows."""
        updated = []
        for column in columns:
            histogram = self.histograms[column.name]
            total = histogram.counts.sum()
            facts: dict[str, Any] = {"nullable": round(float(histogram.counts[-1] / total), 6) if total > 0 else 0.0}
            if histogram.edges is not None and declared_bounds(column) is None:
                low, high = float(histogram.edges[0]), float(histogram.edges[-1])
                if column.type == "integer":
                    facts.update(min=math.ceil(low), max=math.floor(high))
                elif column.type == "datetime":
                    facts.update(
                        min=pd.Timestamp(low, unit="s").isoformat(), max=pd.Timestamp(high, unit="s").isoformat()
                    )
                else:
                    facts.update(min=low, max=high)
            updated.append(replace(column, **facts))
        return updated


def release(
    data: pd.DataFrame,
    columns: list[Column],
    *,
    noise_multiplier: float,
    delta_threshold: float,
    random: np.random.Generator,
) -> PrivateStatistics:
    """Run the releases `planned_mechanisms` names, in that order."""
    bounded = needs_bounds(columns)
    bounds: dict[str, tuple[float, float]] = {}
    if bounded:
        std = noise_multiplier * math.sqrt(len(bounded))
        for column in bounded:
            low, high = noisy_bounds(to_floats(data[column.name], column), std, random)
            if column.type == "datetime":  # within what a datetime64[ns] holds (1697-2242)
                low, high = max(low, -DATETIME_SECONDS), min(high, DATETIME_SECONDS)
                if low >= high:  # released bounds wholly outside that range
                    low, high = -DATETIME_SECONDS, DATETIME_SECONDS
            bounds[column.name] = (low, high)
    std = noise_multiplier * math.sqrt(len(columns))
    unknown = sum(1 for c in columns if c.type == "categorical" and not c.values)
    threshold = release_threshold(std, delta_threshold, unknown) if unknown else 0.0
    histograms = {}
    for column in columns:
        series = data[column.name]
        if column.type in DISCRETE_TYPES:
            declared = _declared_categories(column)
            histograms[column.name] = category_histogram(series, declared, std, threshold, random)
        else:
            low, high = declared_bounds(column) or bounds[column.name]
            integral = column.type == "integer"
            width = integers_per_bin(low, high, len(data), std) if integral else 1
            edges = numeric_bins(low, high, integral, min_integers=width, bins=value_bins(len(data), std))
            histograms[column.name] = numeric_histogram(to_floats(series, column), edges, std, random)
    return PrivateStatistics(histograms)


def _declared_categories(column: Column) -> list[Any] | None:
    """Public categories: the declared list, or True/False for a boolean column."""
    if column.type == "boolean":
        return list(column.values) if column.values else [False, True]
    return list(column.values) if column.values else None


def conform(
    data: pd.DataFrame, columns: list[Column], pseudo: pd.DataFrame, random: np.random.Generator
) -> pd.DataFrame:
    """The real rows with every value the transformer can encode: numbers clipped
    into the released bounds, and values (or nulls) that the pseudo table never holds
    replaced by a value drawn from it; integers move to the nearest integer the
    pseudo table holds (a column of few integers is all point masses, with no mode
    for the others). Row by row, with public randomness."""
    out = data.copy()
    for column in columns:
        allowed = pseudo[column.name]
        if column.type in DISCRETE_TYPES:
            series = data[column.name].astype(object)
            known = series.isin(set(allowed.dropna().tolist())) | (series.isna() & allowed.isna().any())
        else:
            values = to_floats(data[column.name], column)
            reference = to_floats(allowed, column)
            released = reference[~np.isnan(reference)]
            # a column none of whose values was released is learned as all null
            values = np.clip(values, released.min(), released.max()) if len(released) else np.full_like(values, np.nan)
            if column.type == "integer":
                values = _nearest(values, np.unique(released))
            series = pd.Series(pd.to_datetime(values, unit="s")) if column.type == "datetime" else pd.Series(values)
            known = series.notna() | bool(np.isnan(reference).any())
        unknown = ~known.to_numpy()
        present = allowed.dropna().to_numpy()
        if unknown.any():
            series = series.copy()
            # a column none of whose values was released is learned as all null
            series[unknown] = present[random.integers(len(present), size=int(unknown.sum()))] if len(present) else None
        out[column.name] = series.to_numpy()
    return out


def _nearest(values: np.ndarray, support: np.ndarray) -> np.ndarray:
    """Each non-null value replaced by the nearest of the sorted `support`."""
    present = ~np.isnan(values)
    if len(support) < 2:
        values[present] = support[0] if len(support) else np.nan
        return values
    right = np.clip(np.searchsorted(support, values[present]), 1, len(support) - 1)
    left = right - 1
    closer_left = values[present] - support[left] <= support[right] - values[present]
    values[present] = np.where(closer_left, support[left], support[right])
    return values
