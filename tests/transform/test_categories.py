import numpy as np
import pandas as pd

from synthdata.transform.categories import CategoryEncoder


def test_nulls_are_a_category_and_come_back():
    values = pd.Series(["a", None, "b", "a", None])
    encoder = CategoryEncoder().fit(values)
    assert None in encoder.categories_
    codes = encoder.transform(values)
    back = encoder.inverse_transform(codes, rng=np.random.default_rng(0))
    assert list(back) == ["a", None, "b", "a", None]


def test_rare_values_are_pooled_and_drawn_back_by_frequency():
    rng = np.random.default_rng(0)
    common = [f"c{i}" for i in range(5)]
    rare = [f"r{i}" for i in range(2000)]
    values = pd.Series(list(rng.choice(common, 98_000)) + rare)
    encoder = CategoryEncoder(max_categories=50).fit(values)
    assert encoder.n_categories <= 51
    assert encoder.has_pool
    codes = encoder.transform(values)
    back = encoder.inverse_transform(codes, rng=rng)
    assert set(back) <= set(values)
    assert np.isclose(np.isin(back, rare).mean(), 0.02, atol=1e-9)


def test_frequencies_follow_the_data():
    values = pd.Series(["x"] * 90 + ["y"] * 10)
    encoder = CategoryEncoder().fit(values)
    assert encoder.categories_ == ["x", "y"]
    assert np.allclose(encoder.frequencies_, [0.9, 0.1])


def test_state_round_trip_keeps_the_pool():
    values = pd.Series(["a"] * 1000 + ["b", "c"])
    encoder = CategoryEncoder(min_share=0.01).fit(values)
    restored = CategoryEncoder.from_state(encoder.state())
    assert restored.categories_ == encoder.categories_
    assert restored.pool_values_ == ["b", "c"]
