"""The Gaussian mechanisms of DP preprocessing: noisy bounds and noisy histograms.

Each release counts every column at once and one row adds 1 to at most one bin of
each column, so the L2 sensitivity of a release is sqrt(columns) and its noise
standard deviation is `noise_multiplier * sqrt(columns)`; the accountant charges it
as one Gaussian mechanism of that noise multiplier.

Bins come from public facts only (a fixed grid of magnitudes, declared bounds,
declared category lists, bounds released by the previous mechanism), except for the
categories of a column whose list was not declared: their bins are the values seen,
and a value is released only when its noisy count passes a threshold set so that a
value held by one row is released with probability at most delta_threshold / columns
(the stability argument for histograms over an unknown domain; that probability is
added to the fit's delta).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

# Magnitude grid for columns without declared bounds: +-2^k for k in [-8, 64], so the
# bins between consecutive edges cover every float a table holds at a relative
# resolution of 2 (values beyond are clipped onto the outer edges).
_EXPONENTS = np.arange(-8, 65)
MAGNITUDE_EDGES = np.concatenate([-(2.0 ** _EXPONENTS[::-1]), 2.0**_EXPONENTS])
# Equal-width bins of a numeric column between its bounds, and the fewest a column of
# few rows gets (see `value_bins`).
VALUE_BINS = 64
MIN_VALUE_BINS = 8
# Integer columns spanning at most this many integers get one bin per integer, so
# their point masses survive: Adult's hours per week (1-99, 47% at 40) drawn uniformly
# over 64 equal-width bins kept the mass at 40 only in part (KS complement 0.80 after
# calibration at epsilon 10). Released bounds sit on a grid of powers of 2, so a
# column of 1-99 is released as at most 0-128 and one of ages as at most 0-128 or
# 16-256. Wider integer columns get bins of a whole number of integers each, and so
# do narrow ones whose rows are too few for one bin per integer (`integers_per_bin`).
INTEGER_BINS = 256
# A bin holding its even share of the rows is to reach this share of the noise bar.
# At 1 the bins of Adult's hours per week at epsilon 1 (26,048 rows, noise 60) would
# hold two integers, and the mass at 40 would be spread over 40 and 41; at 0.5 the
# cumulative shares of 800 ages (noise 10) were 0.14 from the real ones on one draw
# in five. 0.75 keeps both: one bin per integer for the first, four for the second.
EVEN_SHARE_OF_BAR = 0.75
# The chance that a column's released bounds reach a magnitude bin no row holds. A
# false bound stretches the column over powers of 2 the data never reaches (Adult's
# hours per week was released up to 2^51 and sampled there): at 0.05 a column, one
# Adult fit in four had such a column; at 1e-3 one in 170, while a bin must pass
# 4.4 standard deviations of its noise instead of 3.4 to count.
FALSE_BOUND_CHANCE = 1e-3
# Half-width of the bin of 0 in a float column: the magnitude grid's own zero bin.
ZERO_HALF_WIDTH = 2.0**-8


@dataclass(frozen=True)
class NoisyHistogram:
    """One column's released bins: labels (numbers: left edges, or values) and counts."""

    labels: list[Any]
    counts: np.ndarray  # noisy, clipped at 0; the last entry counts nulls
    edges: np.ndarray | None = None  # numeric bins: len(labels) + 1 edges


def gaussian(counts: np.ndarray, std: float, random: np.random.Generator) -> np.ndarray:
    return counts + random.normal(0.0, std, size=counts.shape)


def noisy_bounds(values: np.ndarray, std: float, random: np.random.Generator) -> tuple[float, float]:
    """The lowest and highest magnitude bins whose noisy count passes its noise: bounds
    that leave out values few rows hold (the rows outside are clipped onto them)."""
    finite = values[np.isfinite(values)]
    counts = np.histogram(np.clip(finite, MAGNITUDE_EDGES[0], MAGNITUDE_EDGES[-1]), bins=MAGNITUDE_EDGES)[0]
    noisy = gaussian(counts.astype(float), std, random)
    kept = np.flatnonzero(noisy > _bar(std, len(counts), FALSE_BOUND_CHANCE))
    if kept.size == 0:
        kept = np.array([int(np.argmax(noisy))])
    return float(MAGNITUDE_EDGES[kept[0]]), float(MAGNITUDE_EDGES[kept[-1] + 1])


def integers_per_bin(low: float, high: float, rows: int, std: float) -> int:
    """The fewest integers per bin with which a bin holding its even share of `rows`
    reaches EVEN_SHARE_OF_BAR of the bar under which `denoised` zeroes a count.

    Narrow bins of few rows drown: 800 Adult ages over 113 integers (noise 10), one
    bin per integer, kept 4 ages above the bar, the released cumulative shares up to
    0.56 from the real ones. The row count, the bounds and the noise are public, so
    the width is too."""
    integers = max(1, math.floor(high) - math.ceil(low) + 1)
    return max(1, math.ceil(_rows_a_bin_needs(std, integers + 1) * integers / max(rows, 1)))


def value_bins(rows: int, std: float) -> int:
    """Equal-width bins of a non-integer column: VALUE_BINS, fewer where a bin holding
    its even share of `rows` would fall under EVEN_SHARE_OF_BAR of the noise bar (at
    least MIN_VALUE_BINS). ma_1462's 1,169 patients at epsilon 3: the 362 death dates
    over 64 bins were all zeroed, and the column sampled as all null (real 31%)."""
    return max(MIN_VALUE_BINS, min(VALUE_BINS, math.floor(rows / _rows_a_bin_needs(std, VALUE_BINS + 2))))


def _rows_a_bin_needs(std: float, bins: int) -> float:
    """The even share of rows a bin of a histogram of `bins` bins is to hold: EVEN_SHARE_OF_BAR of its bar."""
    return EVEN_SHARE_OF_BAR * _bar(std, bins)


def numeric_bins(low: float, high: float, integral: bool, min_integers: int = 1, bins: int = VALUE_BINS) -> np.ndarray:
    """Bin edges between public (declared or released) bounds: `bins` of equal width,
    or, for an integer column, edges halfway between integers, so that a value drawn
    uniformly in a bin and rounded is each of the bin's integers equally often; each
    bin holds at least `min_integers` of them."""
    high = max(high, low + 1.0)  # a declared min equal to the max still gets one bin
    if integral and math.ceil(low) <= math.floor(high):
        first, last = math.ceil(low), math.floor(high)
        width = max(1, math.ceil((last - first + 1) / VALUE_BINS)) if last - first >= INTEGER_BINS else 1
        width = max(width, min_integers)
        edges = np.arange(first, last + width + 1, width, dtype=float) - 0.5
        edges = edges[: int(np.searchsorted(edges, last + 0.5)) + 1]
    else:
        edges = np.linspace(low, high, bins + 1)
    # Zero gets a bin of its own (a public choice, like the grid): a column mostly 0
    # (amounts, counts) keeps its point mass instead of smearing it over a wide bin.
    half = 0.5 if integral else ZERO_HALF_WIDTH
    if edges[0] <= 0.0 and half < edges[-1]:
        edges = np.unique(np.concatenate([edges[np.abs(edges) > half], [max(edges[0], -half), half]]))
    return edges


def numeric_histogram(values: np.ndarray, edges: np.ndarray, std: float, random: np.random.Generator) -> NoisyHistogram:
    """Noisy counts of values (clipped into the bins) and of nulls."""
    finite = values[np.isfinite(values)]
    counts = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)[0].astype(float)
    counts = np.append(counts, float(np.isnan(values).sum()))
    return NoisyHistogram(list(edges[:-1]), denoised(gaussian(counts, std, random), std), edges)


def denoised(noisy: np.ndarray, std: float) -> np.ndarray:
    """Counts under the noise set to 0 (post-processing): without, every empty
    bin (and the null bin of a column without nulls) keeps a share of noise. The
    bar is the count an empty bin passes with probability 0.05 / bins, so that few
    empty bins of a wide histogram survive."""
    kept = np.where(noisy > _bar(std, len(noisy)), noisy, 0.0)
    return kept if kept.sum() > 0 else np.clip(noisy, 0.0, None)


def _bar(std: float, bins: int, chance: float = 0.05) -> float:
    """The count an empty bin's noise passes with probability `chance` / bins."""
    return std * float(norm.isf(chance / bins))


def category_histogram(
    values: pd.Series, declared: list[Any] | None, std: float, threshold: float, random: np.random.Generator
) -> NoisyHistogram:
    """Noisy counts of each category and of nulls. With a declared list the bins are
    that list; without, the values seen, each released only above `threshold`."""
    present = values.dropna()
    seen = present.value_counts()
    labels = list(declared) if declared is not None else list(seen.index)
    counts = np.array([float(seen.get(label, 0)) for label in labels] + [float(values.isna().sum())])
    noisy = gaussian(counts, std, random)
    if declared is None:
        keep = np.append(noisy[:-1] > threshold, True)
        labels = [label for label, kept in zip(labels, keep[:-1], strict=True) if kept]
        noisy = noisy[keep]
    return NoisyHistogram(labels, denoised(noisy, std))


def release_threshold(std: float, delta_threshold: float, columns: int) -> float:
    """The noisy count a value seen in the data must pass to be released: a value one
    row holds (count 1) passes it with probability delta_threshold / columns."""
    return 1.0 + std * float(norm.isf(delta_threshold / max(columns, 1)))
