"""Children per parent drawn from the real histogram of the parent's group."""

from __future__ import annotations

import numpy as np
from scipy.stats import ks_2samp

from synthdata.relational.counts import ChildCounts, matched_total


def test_counts_follow_each_group_and_unknown_groups_follow_all():
    rng = np.random.default_rng(0)
    labels = np.array(["young"] * 500 + ["old"] * 500, dtype=object)
    counts = np.concatenate([rng.poisson(1, 500), rng.negative_binomial(2, 0.1, 500)])
    model = ChildCounts.from_dict(ChildCounts.learn(counts, labels).to_dict())
    drawn = model.draw(np.array(["old"] * 2000 + ["young"] * 2000 + ["new"] * 2000, dtype=object), rng)
    assert ks_2samp(drawn[:2000], counts[500:]).statistic < 0.05
    assert ks_2samp(drawn[2000:4000], counts[:500]).statistic < 0.05
    assert ks_2samp(drawn[4000:], counts).statistic < 0.05
    assert drawn.dtype == np.int64 and drawn.min() >= 0


def test_drawn_counts_are_matched_to_the_real_total():
    rng = np.random.default_rng(0)
    drawn = np.array([0, 5, 1, 30, 0, 2])
    for target in (20, 38, 60):
        matched = matched_total(drawn, target, rng)
        assert matched.sum() == target and (matched >= 0).all()
    # Parents drawn without children stay without when children are added.
    assert (matched_total(drawn, 80, rng)[drawn == 0] == 0).all()
