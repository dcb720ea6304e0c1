"""Train on synthetic, test on real: classification and regression on Adult, and the edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema
from synthdata.errors import SynthDataError
from synthdata.evaluate.kinds import evaluated_columns, metric_kinds, prepare_table
from synthdata.evaluate.utility import train_synthetic_test_real


@pytest.fixture(scope="module")
def adult_split(adult):
    columns = evaluated_columns(adult, Schema.infer(adult))
    rows = np.random.default_rng(0).permutation(len(adult))
    train, test = adult.iloc[rows[:2500]], adult.iloc[rows[2500:3500]]
    return (
        prepare_table(train, columns, role="real"),
        prepare_table(test, columns, role="holdout"),
        metric_kinds(columns),
    )


def _scores(utility) -> pd.DataFrame:
    return utility.table.set_index("metric")


def test_income_from_real_rows_beats_income_from_scrambled_rows(adult_split):
    train, test, kinds = adult_split
    scrambled = train.copy()
    scrambled["income"] = np.random.default_rng(1).permutation(scrambled["income"].to_numpy())
    utility = train_synthetic_test_real(train, scrambled, test, kinds, "income", seed=0)
    scores = _scores(utility)
    assert utility.task == "classification" and utility.headline == "f1_macro"
    assert list(scores.index) == ["accuracy", "f1_macro", "roc_auc"]
    assert scores.loc["roc_auc", "real"] > 0.85
    assert scores.loc["accuracy", "real"] > 0.8
    assert scores.loc["roc_auc", "synthetic"] < 0.6
    assert utility.rows == {"real_train": 2500, "synthetic_train": 2500, "real_test": 1000}


def test_a_faithful_copy_scores_like_the_real_rows(adult_split):
    train, test, kinds = adult_split
    scores = _scores(train_synthetic_test_real(train, train.copy(), test, kinds, "income", seed=0))
    np.testing.assert_allclose(scores["synthetic"], scores["real"])


@pytest.mark.parametrize("target", ["income", "age"])
def test_a_synthetic_column_of_nulls_only_is_scored_not_a_crash(adult_split, target):
    train, test, kinds = adult_split
    # a DP model can release no bounds for a column and generate it as nulls only
    synthetic = train.assign(fnlwgt=np.nan, **{"capital-loss": np.nan})
    scores = _scores(train_synthetic_test_real(train, synthetic, test, kinds, target, seed=0))
    headline = "accuracy" if target == "income" else "r2"
    # the other columns still carry the target: close to what the real rows give
    assert scores.loc[headline, "synthetic"] > scores.loc[headline, "real"] - 0.05


def test_numeric_target_is_a_regression(adult_split):
    train, test, kinds = adult_split
    utility = train_synthetic_test_real(train, train, test, kinds, "education-num", seed=0)
    scores = _scores(utility)
    assert utility.task == "regression" and utility.headline == "r2"
    assert scores.loc["r2", "real"] > 0.8  # education determines education-num
    assert scores.loc["mae", "real"] < 0.5


def test_a_class_the_synthetic_rows_never_show_gets_probability_zero(adult_split):
    train, test, kinds = adult_split
    only_low = train.loc[train["income"] == train["income"].mode()[0]]
    scores = _scores(train_synthetic_test_real(train, only_low, test, kinds, "income", seed=0))
    assert scores.loc["roc_auc", "synthetic"] == 0.5
    assert scores.loc["f1_macro", "synthetic"] < 0.5


def test_multiclass_target_gets_one_vs_rest_auc(adult_split):
    train, test, kinds = adult_split
    scores = _scores(train_synthetic_test_real(train, train, test, kinds, "relationship", seed=0))
    assert 0.8 < scores.loc["roc_auc", "real"] <= 1.0


@pytest.mark.parametrize(
    ("target", "message"),
    [("nope", "'nope' is not among the evaluated columns"), ("when", "holds dates")],
)
def test_unusable_targets_are_refused(target, message):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "when": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"])})
    with pytest.raises(SynthDataError, match=message):
        train_synthetic_test_real(frame, frame, frame, {"x": "numerical", "when": "datetime"}, target)
