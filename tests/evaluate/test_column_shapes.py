"""Column shapes agree with SDMetrics' KSComplement and TVComplement, column by column."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from synthdata import Schema, evaluate
from synthdata.evaluate.column_shapes import column_shapes, ks_complement, tv_complement

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)
    from sdmetrics.single_column import KSComplement, TVComplement


@pytest.mark.parametrize("tables", [("adult_sample", "damaged_adult"), ("ma_patients", "damaged_ma_patients")])
def test_every_column_matches_sdmetrics_to_1e9(tables, request, prepared, sdmetrics_quality):
    real, synthetic = (request.getfixturevalue(name) for name in tables)
    schema = Schema.infer(real)
    ours = column_shapes(*prepared(real, synthetic, schema)).set_index("column")
    theirs = sdmetrics_quality(real, synthetic, schema).get_details("Column Shapes").set_index("Column")
    assert list(ours.index) == list(theirs.index)
    assert (ours["metric"] == theirs["Metric"]).all()
    np.testing.assert_allclose(ours["score"], theirs["Score"], rtol=0, atol=1e-9)
    assert ours["score"].min() < 0.95, "the damage must show in some column"


def test_patients_dates_are_compared_as_dates(ma_patients, damaged_ma_patients, prepared):
    shapes = column_shapes(*prepared(ma_patients, damaged_ma_patients)).set_index("column")
    assert shapes.loc["BIRTHDATE", "kind"] == "datetime"
    assert shapes.loc["BIRTHDATE", "metric"] == "KSComplement"
    assert "ID" not in shapes.index and "SSN" not in shapes.index
    assert shapes.loc["BIRTHDATE", "synthetic_null_share"] > 0.02


def test_ks_complement_is_one_for_identical_columns_and_zero_for_disjoint_ones():
    values = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert ks_complement(values, values.sample(frac=1.0, random_state=0)) == 1.0
    assert ks_complement(values, values + 10) == 0.0


def test_ks_complement_ignores_nulls_and_rounds_float_noise_as_sdmetrics_does():
    real = pd.Series([0.1 + 0.2, 0.5, np.nan, 0.9])
    synthetic = pd.Series([0.3, 0.5, 0.9, np.nan, np.nan])
    assert ks_complement(real, synthetic) == pytest.approx(KSComplement.compute(real, synthetic), abs=1e-12)
    assert ks_complement(real, synthetic) == 1.0


def test_ks_complement_on_dates_matches_sdmetrics():
    rng = np.random.default_rng(0)
    real = pd.Series(pd.to_datetime("2000-01-01") + pd.to_timedelta(rng.integers(0, 5000, 300), unit="D"))
    synthetic = pd.Series(pd.to_datetime("2001-01-01") + pd.to_timedelta(rng.integers(0, 5000, 200), unit="D"))
    synthetic[::7] = pd.NaT
    assert ks_complement(real, synthetic) == pytest.approx(KSComplement.compute(real, synthetic), abs=1e-12)


def test_tv_complement_gives_unseen_synthetic_categories_sdmetrics_pseudo_count():
    real = pd.Series(["a", "a", "b", None, "c"])
    synthetic = pd.Series(["a", "d", "d", "b", np.nan])
    assert tv_complement(real, synthetic) == pytest.approx(TVComplement.compute(real, synthetic), abs=1e-12)
    assert tv_complement(real, synthetic) == pytest.approx(0.5, abs=1e-5)


def test_a_synthetic_column_with_no_values_scores_zero_and_counts_in_the_average():
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"], "n": [np.nan] * 3})
    synthetic = pd.DataFrame({"x": [np.nan] * 3, "c": [None] * 3, "n": [np.nan] * 3})
    shapes = column_shapes(real, synthetic, {"x": "numerical", "c": "categorical", "n": "numerical"})
    assert shapes["score"].tolist()[:2] == [0.0, 0.0]
    assert shapes.loc[0, "synthetic_null_share"] == 1.0
    assert np.isnan(shapes.loc[2, "score"])  # nothing on either side to compare
    assert tv_complement(pd.Series([None, None]), pd.Series(["a", "b"])) == 0.0


def test_an_all_null_synthetic_column_is_named_among_the_worst_and_lowers_the_mean():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(list("abc"), 200), "y": rng.normal(size=200)})
    synthetic = real.sample(frac=1, random_state=1).reset_index(drop=True).assign(y=np.nan)
    report = evaluate(real, synthetic, seed=0, verbose=False)
    assert report.columns.set_index("column").loc["y", "score"] == 0.0
    assert report.scores["column_shapes"] == pytest.approx(2 / 3)
    assert "worst columns: y 0.0000" in str(report)
