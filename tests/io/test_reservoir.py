"""The bounded uniform sample: size, uniformity, order and determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from synthdata.errors import SynthDataError
from synthdata.io.reservoir import Reservoir, sample_rows


def stream(reservoir: Reservoir, rows: int, chunk: int) -> pd.DataFrame:
    for start in range(0, rows, chunk):
        reservoir.add(pd.DataFrame({"row": np.arange(start, min(start + chunk, rows))}))
    return reservoir.result()


def test_keeps_capacity_rows_in_arrival_order_without_repeats():
    sample = stream(Reservoir(1000, seed=1), rows=50_000, chunk=700)
    rows = sample["row"].to_numpy()
    assert len(rows) == 1000
    assert len(np.unique(rows)) == 1000
    assert (np.diff(rows) > 0).all()
    assert list(sample.index) == list(range(1000))


def test_sample_is_uniform_over_the_stream():
    # Every position of the stream should be equally likely: across many small
    # samples the chosen row numbers follow a uniform distribution.
    chosen = np.concatenate(
        [stream(Reservoir(50, seed=seed), rows=5_000, chunk=333)["row"].to_numpy() for seed in range(40)]
    )
    assert stats.kstest(chosen / 5_000, "uniform").pvalue > 0.01


def test_same_seed_same_sample_and_different_seed_different_sample():
    first = stream(Reservoir(100, seed=7), rows=10_000, chunk=999)
    again = stream(Reservoir(100, seed=7), rows=10_000, chunk=999)
    other = stream(Reservoir(100, seed=8), rows=10_000, chunk=999)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_fewer_rows_than_capacity_keeps_them_all():
    sample = stream(Reservoir(1000, seed=0), rows=321, chunk=100)
    assert sample["row"].tolist() == list(range(321))


def test_no_capacity_keeps_everything():
    reservoir = Reservoir(None)
    sample = stream(reservoir, rows=2_500, chunk=1000)
    assert sample["row"].tolist() == list(range(2_500))
    assert reservoir.rows_seen == 2_500


def test_memory_stays_bounded():
    reservoir = Reservoir(100, seed=3)
    for start in range(0, 100_000, 1000):
        reservoir.add(pd.DataFrame({"row": np.arange(start, start + 1000)}))
        assert sum(len(chunk) for chunk in reservoir._chunks) <= 2 * 100 + 1000


def test_chunks_with_different_dtypes_concatenate():
    reservoir = Reservoir(10, seed=0)
    reservoir.add(pd.DataFrame({"x": [1, 2, 3]}))
    reservoir.add(pd.DataFrame({"x": [4.5, np.nan]}))
    assert reservoir.result()["x"].dtype == np.float64


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_rejects_bad_capacity(bad):
    with pytest.raises(SynthDataError, match="max_rows must be a positive whole number"):
        Reservoir(bad)


def test_sample_rows_passes_small_frames_through(adult):
    assert sample_rows(adult, None) is adult
    assert sample_rows(adult, len(adult)) is adult
    sample = sample_rows(adult, 500, seed=2)
    assert len(sample) == 500
    assert sample.columns.equals(adult.columns)
    assert (sample.dtypes == adult.dtypes).all()
