"""The preprocessing releases: what an unknown-domain histogram lets through."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from synthdata.privacy.noisy_statistics import (
    category_histogram,
    integers_per_bin,
    noisy_bounds,
    numeric_bins,
    numeric_histogram,
    release_threshold,
)
from synthdata.privacy.preprocessing import conform
from synthdata.schema.column import Column


def test_a_value_one_row_holds_is_not_released_and_common_ones_are(adult):
    values = adult["native-country"].astype(object).head(5000).copy()
    values.iloc[0] = "a value only this row holds"
    std = 5.0
    threshold = release_threshold(std, delta_threshold=1e-6, columns=1)
    random = np.random.default_rng(0)
    released = [category_histogram(values, None, std, threshold, random).labels for _ in range(300)]
    assert not any("a value only this row holds" in labels for labels in released)
    common = values.value_counts()
    assert all(set(common[common > threshold + 6 * std].index) <= set(labels) for labels in released)
    assert all(set(labels) <= set(common[common > threshold - 6 * std].index) for labels in released)


def test_noisy_bounds_cover_the_bulk_and_leave_out_a_lone_outlier(adult):
    ages = adult["age"].to_numpy(dtype=float)
    ages[0] = 1e9
    low, high = noisy_bounds(ages, std=5.0, random=np.random.default_rng(0))
    assert low <= np.quantile(ages, 0.01) and high >= np.quantile(ages, 0.99)
    assert high < 1e9
    assert pd.Series(ages).between(low, high).mean() > 0.99


def test_a_column_mostly_zero_keeps_its_point_mass_in_the_released_bins(adult):
    gains = adult["capital-gain"].to_numpy(dtype=float)
    low, high = noisy_bounds(gains, std=5.0, random=np.random.default_rng(0))
    edges = numeric_bins(low, high, integral=True)
    histogram = numeric_histogram(gains, edges, std=5.0, random=np.random.default_rng(1))
    zero_bin = int(np.searchsorted(edges, 0.0, side="right")) - 1
    assert edges[zero_bin] >= -0.5 and edges[zero_bin + 1] <= 0.5  # the bin holds 0 and no other integer
    share = histogram.counts[zero_bin] / histogram.counts.sum()
    assert abs(share - (gains == 0).mean()) < 0.01
    # the bins cover the released bounds' integers, and no further than the last bin's width
    assert edges[0] == math.ceil(low) - 0.5
    assert edges[-2] < math.floor(high) + 0.5 <= edges[-1]
    assert np.allclose(edges % 1.0, 0.5)  # halfway between integers: each bin holds whole integers


def test_an_integer_column_of_a_few_hundred_values_keeps_each_integers_share(adult):
    hours = adult["hours-per-week"].to_numpy(dtype=float)
    low, high = noisy_bounds(hours, std=5.0, random=np.random.default_rng(0))
    edges = numeric_bins(low, high, integral=True)
    assert np.allclose(np.diff(edges), 1.0)  # one bin per integer
    histogram = numeric_histogram(hours, edges, std=5.0, random=np.random.default_rng(1))
    forty = int(np.searchsorted(edges, 40.0)) - 1
    share = histogram.counts[forty] / histogram.counts.sum()
    assert (hours == 40).mean() > 0.4 and abs(share - (hours == 40).mean()) < 0.01


def test_bins_without_zero_inside_are_the_equal_width_grid():
    edges = numeric_bins(16.0, 128.0, integral=False)
    assert np.allclose(np.diff(edges), (128.0 - 16.0) / 64)


def test_released_bounds_seldom_reach_magnitudes_no_row_holds(adult):
    hours = adult["hours-per-week"].to_numpy(dtype=float)
    random = np.random.default_rng(3)
    highs = np.array([noisy_bounds(hours, std=5.0, random=random)[1] for _ in range(3000)])
    # every row lies below 128; a bound above it is a noise spike in an empty bin
    assert hours.max() < 128 and (highs == 128).mean() > 0.99
    assert (highs > 128).mean() < 0.004


def test_an_integer_column_of_few_rows_gets_bins_wide_enough_to_outlast_the_noise(adult):
    # 800 ages over one bin per integer: each bin holds about 10 rows, under the noise
    ages = adult["age"].sample(800, random_state=2).to_numpy(dtype=float)
    width = integers_per_bin(16.0, 128.0, len(ages), std=10.0)
    edges = numeric_bins(16.0, 128.0, integral=True, min_integers=width)
    assert width > 1 and np.allclose(np.diff(edges)[1:-1], width)
    real_cumulative = np.array([(ages < edge).mean() for edge in edges[1:]])
    errors = []
    for seed in range(10):
        values = numeric_histogram(ages, edges, std=10.0, random=np.random.default_rng(seed)).counts[:-1]
        errors.append(np.abs(np.cumsum(values) / values.sum() - real_cumulative).max())
    # one bin per integer: 0.50 on average; 64 equal-width bins: 0.22
    assert np.mean(errors) < 0.1 and max(errors) < 0.2
    # with the rows of all of Adult, one bin per integer
    assert integers_per_bin(16.0, 128.0, len(adult), std=10.0) == 1


def test_a_numeric_column_none_of_whose_values_was_released_is_conformed_to_nulls_quietly():
    column = Column(name="DEATHDATE", type="datetime")
    data = pd.DataFrame({"DEATHDATE": pd.to_datetime(["2001-02-03", None, "1999-12-31"])})
    pseudo = pd.DataFrame({"DEATHDATE": pd.Series([pd.NaT] * 5, dtype="datetime64[ns]")})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no all-NaN warnings from the empty release
        conformed = conform(data, [column], pseudo, np.random.default_rng(0))
    assert conformed["DEATHDATE"].isna().all()
