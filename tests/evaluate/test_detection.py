"""Detection tells shuffled Adult from real Adult, and cannot tell two halves of real Adult apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.evaluate.detection import detect
from synthdata.evaluate.kinds import evaluated_columns, metric_kinds, prepare_table

ROWS = 3000


@pytest.fixture(scope="module")
def adult_columns(adult):
    return evaluated_columns(adult, Schema.infer(adult))


@pytest.fixture(scope="module")
def halves(adult, adult_columns):
    rows = np.random.default_rng(0).permutation(len(adult))[: 2 * ROWS]
    first, second = adult.iloc[rows[:ROWS]], adult.iloc[rows[ROWS:]]
    return tuple(prepare_table(half, adult_columns, role="real") for half in (first, second))


@pytest.fixture(scope="module")
def shuffled(adult, adult_columns):
    rng = np.random.default_rng(1)
    real = adult.sample(ROWS, random_state=1)
    fake = real.apply(lambda column: rng.permutation(column.to_numpy()))
    return prepare_table(real, adult_columns, role="real"), prepare_table(fake, adult_columns, role="synthetic")


@pytest.mark.parametrize("model", ["hgb", "logistic"])
def test_two_halves_of_real_adult_are_indistinguishable(halves, adult_columns, model):
    first, second = halves
    found = detect(first, second, metric_kinds(adult_columns), model=model, seed=0)
    assert found.auc < 0.55
    assert found.score > 0.9
    assert found.rows == 2 * ROWS


def test_adult_with_every_column_shuffled_is_detected(shuffled, adult_columns):
    real, fake = shuffled
    found = detect(real, fake, metric_kinds(adult_columns), seed=0)
    assert found.auc > 0.8
    assert found.score == pytest.approx(1 - (2 * found.auc - 1))
    assert set(found.features["column"]) == set(adult_columns)
    assert found.features["importance"].is_monotonic_decreasing


def test_the_column_that_gives_rows_away_ranks_first(halves, adult_columns):
    first, second = halves
    second = second.copy()
    second["hours-per-week"] = second["hours-per-week"] + 7.0
    found = detect(first, second, metric_kinds(adult_columns), seed=0)
    assert found.auc > 0.9
    assert found.features.loc[0, "column"] == "hours-per-week"


def test_tables_are_capped_to_the_row_limit_and_the_seed_fixes_the_result(shuffled, adult_columns):
    real, fake = shuffled
    kinds = metric_kinds(adult_columns)
    first = detect(real, fake, kinds, seed=3, max_rows=500)
    again = detect(real, fake, kinds, seed=3, max_rows=500)
    assert first.rows == 1000
    assert first.auc == again.auc
    pd.testing.assert_frame_equal(first.features, again.features)
