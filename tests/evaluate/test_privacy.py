"""Privacy scores flag copied training rows and pass fresh real rows."""

from __future__ import annotations

import numpy as np
import pytest

from synthdata import Schema
from synthdata.evaluate.kinds import evaluated_columns, metric_kinds, prepare_table
from synthdata.evaluate.privacy import exact_copy_rate, measure_privacy


@pytest.fixture(scope="module")
def adult_thirds(adult):
    columns = evaluated_columns(adult, Schema.infer(adult))
    rows = np.random.default_rng(0).permutation(len(adult))
    thirds = (adult.iloc[rows[start : start + 1500]] for start in (0, 1500, 3000))
    return (*(prepare_table(third, columns, role="real") for third in thirds), metric_kinds(columns))


def test_fresh_real_rows_look_like_the_holdout(adult_thirds):
    train, fresh, holdout, kinds = adult_thirds
    privacy = measure_privacy(train, fresh, holdout, kinds, seed=0, device="cpu")
    assert 0.4 < privacy.scores["dcr_share_closer_to_train"] < 0.6
    assert 0.6 < privacy.scores["dcr_p5_ratio"] < 1.6
    assert privacy.scores["exact_copy_rate_holdout"] < 0.01
    assert privacy.rows == {"reference": 1500, "synthetic": 1500, "holdout": 1500}


def test_copies_of_training_rows_are_flagged(adult_thirds):
    train, _, holdout, kinds = adult_thirds
    leaky = train.sample(1500, replace=True, random_state=0).reset_index(drop=True)
    privacy = measure_privacy(train, leaky, holdout, kinds, seed=0, device="cpu")
    assert privacy.scores["dcr_share_closer_to_train"] > 0.95
    assert privacy.scores["dcr_synthetic_p5"] == pytest.approx(0.0, abs=1e-6)
    assert privacy.scores["dcr_p5_ratio"] < 0.01
    assert exact_copy_rate(leaky, train, kinds) == 1.0


def test_rows_are_capped_and_the_seed_fixes_the_sample(adult_thirds):
    train, fresh, holdout, kinds = adult_thirds
    first = measure_privacy(train, fresh, holdout, kinds, seed=4, query_rows=300, reference_rows=700, device="cpu")
    again = measure_privacy(train, fresh, holdout, kinds, seed=4, query_rows=300, reference_rows=700, device="cpu")
    assert first.rows == {"reference": 700, "synthetic": 300, "holdout": 300}
    np.testing.assert_array_equal(first.synthetic_dcr, again.synthetic_dcr)


def test_exact_copies_ignore_dtype_differences_between_tables(adult_thirds):
    train, _, _, kinds = adult_thirds
    copy = train.iloc[:100].copy()
    copy["workclass"] = copy["workclass"].astype("category")
    assert exact_copy_rate(copy, train, kinds) == 1.0
    copy["age"] += 0.5
    assert exact_copy_rate(copy, train, kinds) == 0.0
