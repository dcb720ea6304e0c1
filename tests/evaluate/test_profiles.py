"""Overlay summaries: shares over shared bins and categories, the rest pooled, unseen values shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata.evaluate.profiles import OTHER_LABEL, profile_columns


def test_numbers_and_dates_share_bins_and_count_outliers_in_the_end_bins():
    rng = np.random.default_rng(0)
    dates = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 99, 1000), unit="D")
    real = pd.DataFrame({"x": rng.normal(size=1000), "d": dates})
    synthetic = real.assign(x=real["x"] * 10, d=real["d"].where(rng.random(1000) > 0.2))
    profiles = profile_columns(real, synthetic, {"x": "numerical", "d": "datetime"})
    x, d = profiles["x"], profiles["d"]
    assert x.real.sum() == pytest.approx(1.0) and x.synthetic.sum() == pytest.approx(1.0)
    assert x.synthetic[0] > 0.3 and x.synthetic[-1] > 0.3  # the wide synthetic spread piles up at the ends
    assert pd.Timestamp(int(d.edges[0])) >= pd.Timestamp("2020-01-01")
    assert d.synthetic_null_share == pytest.approx(0.2, abs=0.03) and d.real_null_share == 0.0


def test_categories_show_the_most_frequent_values_unseen_ones_and_pool_the_rest():
    real = pd.Series([f"v{i:02d}" for i in range(30) for _ in range(30 - i)])
    synthetic = pd.concat([real, pd.Series(["invented"] * 50)], ignore_index=True)
    profile = profile_columns(real.to_frame("c"), synthetic.to_frame("c"), {"c": "categorical"})["c"]
    assert profile.labels[:3] == ["v00", "v01", "v02"]
    assert "invented" in profile.labels and profile.labels[-1] == OTHER_LABEL
    assert profile.real.sum() == pytest.approx(1.0) and profile.synthetic.sum() == pytest.approx(1.0)
    assert profile.real[profile.labels.index("invented")] == 0.0
