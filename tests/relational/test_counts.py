"""Children per parent drawn from the real histogram of the parent's group."""

from __future__ import annotations

import numpy as np
from scipy.stats import ks_2samp

from synthdata.relational.counts import ChildCounts


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
