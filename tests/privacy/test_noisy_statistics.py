"""The preprocessing releases: what an unknown-domain histogram lets through."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.privacy.noisy_statistics import category_histogram, noisy_bounds, release_threshold


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
