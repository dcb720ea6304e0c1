"""Column pair trends agree with SDMetrics' ColumnPairTrends, pair by pair and on average."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr
from scipy.stats.contingency import association

from synthdata import Schema
from synthdata.evaluate.pairs import column_pair_trends, cramers_v, pearson, trend_averages
from synthdata.schema.column import Column


@pytest.mark.parametrize("tables", [("adult_sample", "damaged_adult"), ("ma_patients", "damaged_ma_patients")])
def test_pairs_match_sdmetrics(tables, request, prepared, sdmetrics_quality):
    real, synthetic = (request.getfixturevalue(name) for name in tables)
    schema = Schema.infer(real)
    ours = column_pair_trends(*prepared(real, synthetic, schema))
    theirs = sdmetrics_quality(real, synthetic, schema).get_details("Column Pair Trends")
    assert list(zip(ours["column_1"], ours["column_2"], strict=True)) == list(
        zip(theirs["Column 1"], theirs["Column 2"], strict=True)
    )
    assert (ours["metric"] == theirs["Metric"]).all()
    assert (ours["meets_threshold"] == theirs["Meets Threshold?"].fillna(False)).all()
    assert ours["meets_threshold"].any() and not ours["meets_threshold"].all()
    scored = theirs["Score"].notna()
    np.testing.assert_allclose(ours.loc[scored, "score"], theirs.loc[scored, "Score"], rtol=0, atol=1e-9)
    associated = theirs["Real Association"].notna()
    np.testing.assert_allclose(
        ours.loc[associated, "real_association"], theirs.loc[associated, "Real Association"], rtol=0, atol=1e-9
    )
    ours_average, _ = trend_averages(ours)
    assert ours_average == pytest.approx(theirs.loc[scored, "Score"].mean(), abs=1e-9)


def test_shuffling_a_column_breaks_its_correlations(adult_sample, prepared):
    shuffled = adult_sample.copy()
    shuffled["education-num"] = np.random.default_rng(0).permutation(shuffled["education-num"].to_numpy())
    pairs = column_pair_trends(*prepared(adult_sample, shuffled)).set_index(["column_1", "column_2"])
    assert pairs.loc[("education", "education-num"), "score"] < 0.6
    assert pairs.loc[("education", "education-num"), "meets_threshold"]
    assert pairs.loc[("workclass", "occupation"), "score"] == 1.0


def test_contingency_tables_use_a_seeded_subsample_of_large_tables(adult, prepared):
    tables = prepared(adult, adult)
    first = column_pair_trends(*tables, subsample_rows=5000, seed=1)
    again = column_pair_trends(*tables, subsample_rows=5000, seed=1)
    other = column_pair_trends(*tables, subsample_rows=5000, seed=2)
    pd.testing.assert_frame_equal(first, again)
    contingency = first["metric"] == "ContingencySimilarity"
    assert not np.allclose(first.loc[contingency, "score"], other.loc[contingency, "score"])
    assert first.loc[contingency, "score"].between(0.9, 1.0).all()
    correlation = ~contingency
    assert (first.loc[correlation, "score"] == 1.0).all()


def test_pearson_matches_scipy_over_rows_where_both_are_present():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=200), rng.normal(size=200)
    y += x
    x[::9] = np.nan
    present = ~np.isnan(x)
    assert pearson(x, y) == pytest.approx(pearsonr(x[present], y[present])[0], abs=1e-12)
    assert np.isnan(pearson(np.ones(5), np.arange(5.0)))


def test_cramers_v_matches_scipy():
    rng = np.random.default_rng(0)
    first = rng.integers(0, 4, 500)
    second = (first + rng.integers(0, 3, 500)) % 5
    table = pd.crosstab(first, second).to_numpy()
    assert cramers_v(first, second) == pytest.approx(association(table, method="cramer"), abs=1e-12)
    assert np.isnan(cramers_v(first, np.zeros(500, dtype=int)))


def test_a_constant_too_large_to_widen_and_a_huge_range_are_binned(prepared):
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"big": np.full(500, 1e15), "wide": np.r_[-1e308, 1e308, rng.random(498)]})
    real["noise"] = rng.random(500)
    synthetic = real.sample(frac=1.0, random_state=1).reset_index(drop=True)
    schema = Schema({name: Column(name=name, type="numerical") for name in real.columns})
    trends = column_pair_trends(*prepared(real, synthetic, schema))
    assert len(trends) == 3
    assert trends.loc[(trends["column_1"] == "big"), "score"].isna().all()
