"""Row-addressed randomness."""

from __future__ import annotations

import numpy as np

from synthdata.schema.row_random import RowRandom, key_from_seed


def test_a_row_draws_the_same_whatever_the_chunk():
    whole = RowRandom.for_rows(7, 1000).child("x").uniform()
    tail = RowRandom.for_rows(7, 400, row_offset=600).child("x").uniform()
    assert np.array_equal(whole[600:], tail)


def test_streams_are_independent_and_uniform():
    base = RowRandom.for_rows(1, 200_000)
    a, b = base.child("a").uniform(), base.child("b").uniform()
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    assert abs(a.mean() - 0.5) < 0.005 and a.min() >= 0 and a.max() < 1
    counts = np.bincount(base.child("c").integers(3, 8), minlength=8)[3:]
    assert counts.min() > 0.19 * len(base)
    weighted = np.bincount(base.child("w").choice(3, np.array([0.7, 0.2, 0.1])), minlength=3) / len(base)
    assert np.allclose(weighted, [0.7, 0.2, 0.1], atol=0.01)


def test_seeds():
    assert key_from_seed(5) == 5
    assert key_from_seed(np.random.default_rng(0)) == key_from_seed(np.random.default_rng(0))
    assert not np.array_equal(RowRandom.for_rows(1, 10).uniform(), RowRandom.for_rows(2, 10).uniform())
