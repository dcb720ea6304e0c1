import numpy as np

from synthdata.transform.modes import ModeSpecificNormalizer


def _fit(values: np.ndarray) -> ModeSpecificNormalizer:
    return ModeSpecificNormalizer().fit(values, rng=np.random.default_rng(0))


def test_bimodal_column_gets_a_mode_near_each_peak():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(-10, 1, 3000), rng.normal(25, 2, 3000)])
    normalizer = _fit(values)
    assert any(abs(m + 10) < 1.0 for m in normalizer.means_)
    assert any(abs(m - 25) < 1.5 for m in normalizer.means_)


def test_round_trip_recovers_values_within_the_clip():
    rng = np.random.default_rng(2)
    values = rng.gamma(2.0, 3.0, 5000)
    normalizer = _fit(values)
    scalar, component = normalizer.transform(values, rng=rng)
    assert np.all(np.abs(scalar) <= 0.99)
    back = normalizer.inverse_transform(scalar, component)
    assert np.median(np.abs(back - values)) < 1e-9


def test_point_masses_and_nulls_come_back_exactly():
    rng = np.random.default_rng(3)
    values = np.where(rng.random(10_000) < 0.9, 0.0, rng.lognormal(8, 1, 10_000))
    values[rng.random(10_000) < 0.05] = np.nan
    normalizer = _fit(values)
    assert 0.0 in normalizer.points_
    assert normalizer.has_null_
    scalar, component = normalizer.transform(values, rng=rng)
    back = normalizer.inverse_transform(scalar, component)
    assert np.array_equal(np.isnan(back), np.isnan(values))
    assert np.array_equal(back == 0.0, values == 0.0)


def test_mixture_is_fitted_on_a_bounded_subsample_but_assigns_every_row():
    rng = np.random.default_rng(4)
    values = rng.normal(0, 1, 200_000)
    normalizer = ModeSpecificNormalizer(max_fit_values=5_000).fit(values, rng=rng)
    scalar, component = normalizer.transform(values, rng=rng)
    assert len(scalar) == len(values)
    assert component.max() < normalizer.n_components


def test_state_round_trip():
    values = np.random.default_rng(5).normal(3, 2, 1000)
    normalizer = _fit(values)
    restored = ModeSpecificNormalizer.from_state(normalizer.state())
    assert np.array_equal(restored.means_, normalizer.means_)
    assert restored.n_components == normalizer.n_components
