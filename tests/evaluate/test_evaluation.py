"""evaluate() end to end: SDMetrics' numbers on Adult and Synthea patients, the other scores, bad input."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

from synthdata import Report, Schema, SynthDataError, evaluate

from .conftest import damage


@pytest.fixture(scope="module")
def adult_reports(adult_sample, damaged_adult, sdmetrics_quality):
    schema = Schema.infer(adult_sample)
    ours = evaluate(adult_sample, damaged_adult, seed=0, verbose=False)
    return ours, sdmetrics_quality(adult_sample, damaged_adult, schema)


@pytest.fixture(scope="module")
def patients_reports(ma_patients, damaged_ma_patients, sdmetrics_quality):
    schema = Schema.infer(ma_patients)
    ours = evaluate(ma_patients, damaged_ma_patients, schema=schema, seed=0, verbose=False)
    return ours, sdmetrics_quality(ma_patients, damaged_ma_patients, schema)


@pytest.mark.parametrize("reports", ["adult_reports", "patients_reports"])
def test_quality_matches_sdmetrics_quality_report(reports, request):
    ours, theirs = request.getfixturevalue(reports)
    properties = theirs.get_properties().set_index("Property")["Score"]
    assert ours.scores["column_shapes"] == pytest.approx(properties["Column Shapes"], abs=0.002)
    assert ours.scores["column_pair_trends"] == pytest.approx(properties["Column Pair Trends"], abs=0.002)
    assert ours.scores["quality"] == pytest.approx(theirs.get_score(), abs=0.002)
    assert ours.scores["quality"] < 0.95, "the damaged copy must lose quality"
    shapes = theirs.get_details("Column Shapes").set_index("Column")["Score"]
    np.testing.assert_allclose(ours.columns.set_index("column")["score"], shapes, rtol=0, atol=1e-9)


def test_scores_hold_the_headline_numbers(adult_reports):
    ours, _ = adult_reports
    expected = {
        "quality", "column_shapes", "column_pair_trends", "column_pair_trends_all",
        "detection_auc", "detection_score", "exact_copy_rate",
    }  # fmt: skip
    assert set(ours.scores) == expected
    assert all(isinstance(value, float) for value in ours.scores.values())
    assert 0.5 < ours.scores["detection_auc"] <= 1.0
    assert ours.scores["column_pair_trends_all"] != ours.scores["column_pair_trends"]
    assert list(ours.columns.columns) == [
        "column",
        "kind",
        "metric",
        "score",
        "real_null_share",
        "synthetic_null_share",
    ]
    assert len(ours.pairs) == 15 * 14 // 2
    assert ours.settings["pair_subsample_rows"] == 50_000


def test_patients_skip_ids_and_personal_columns(patients_reports):
    ours, _ = patients_reports
    assert set(ours.columns["column"]) >= {"BIRTHDATE", "DEATHDATE", "GENDER"}
    assert not set(ours.columns["column"]) & {"ID", "SSN", "FIRST", "LAST", "ADDRESS"}
    assert ours.columns.set_index("column").loc["DEATHDATE", "kind"] == "datetime"


def test_target_and_holdout_add_utility_and_privacy(adult):
    rows = np.random.default_rng(0).permutation(len(adult))
    real, holdout = adult.iloc[rows[:2000]], adult.iloc[rows[2000:3000]]
    report = evaluate(real, damage(real, seed=5), target="income", holdout=holdout, seed=0, verbose=False)
    for key in (
        "utility_real", "utility_synthetic", "utility_real_roc_auc", "utility_synthetic_accuracy",
        "dcr_share_closer_to_train", "dcr_p5_ratio", "exact_copy_rate", "exact_copy_rate_holdout",
    ):  # fmt: skip
        assert key in report.scores
    assert report.scores["utility_real"] > 0.7
    assert list(report.utility["metric"]) == ["accuracy", "f1_macro", "roc_auc"]
    assert report.settings["utility_test"] == "the real hold-out"
    assert report.dcr["synthetic"].shape == (2000,) and report.dcr["holdout"].shape == (1000,)


def test_without_holdout_utility_tests_on_a_fifth_of_the_real_rows(adult_sample, damaged_adult):
    report = evaluate(adult_sample, damaged_adult, target="age", seed=0, verbose=False)
    assert report.settings["utility_task"] == "regression"
    assert 500 < report.settings["utility_real_test_rows"] < 700
    assert "dcr_share_closer_to_train" not in report.scores


def test_the_same_seed_gives_the_same_report(adult_sample, damaged_adult):
    first = evaluate(adult_sample.iloc[:800], damaged_adult.iloc[:800], seed=7, verbose=False)
    again = evaluate(adult_sample.iloc[:800], damaged_adult.iloc[:800], seed=7, verbose=False)
    assert first.scores == again.scores


def test_report_is_exported_from_the_package(adult_reports):
    assert isinstance(adult_reports[0], Report)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda frame: frame.drop(columns=["age"]), "synthetic table lacks column\\(s\\) 'age'"),
        (lambda frame: frame.assign(age="old"), "Column 'age' of the synthetic table should hold numbers"),
        (lambda frame: frame.iloc[:0], "synthetic table has no rows"),
        (lambda frame: frame.to_numpy(), "synthetic table must be a pandas DataFrame"),
    ],
)
def test_bad_synthetic_tables_raise_errors_that_name_the_problem(adult_sample, change, message):
    with pytest.raises(SynthDataError, match=message):
        evaluate(adult_sample, change(adult_sample), verbose=False)


def test_bad_dates_and_options_raise_errors(ma_patients):
    broken = ma_patients.assign(BIRTHDATE="yesterday")
    with pytest.raises(SynthDataError, match="Column 'BIRTHDATE' of the synthetic table has values that are not dates"):
        evaluate(ma_patients, broken, verbose=False)
    with pytest.raises(SynthDataError, match="detection='forest'"):
        evaluate(ma_patients, ma_patients, detection="forest", verbose=False)
    with pytest.raises(SynthDataError, match="Unknown device 'gpu0'"):
        evaluate(ma_patients, ma_patients, device="gpu0", verbose=False)


@pytest.mark.slow
def test_a_million_rows_finish_within_memory(adult):
    rng = np.random.default_rng(0)
    big = adult.iloc[rng.integers(0, len(adult), 1_000_000)].reset_index(drop=True)
    holdout = adult.iloc[rng.integers(0, len(adult), 200_000)].reset_index(drop=True)
    report = evaluate(big, damage(big, seed=1), target="income", holdout=holdout, seed=0, verbose=False)
    assert report.settings["detection_rows"] == 100_000
    assert report.settings["dcr_synthetic_rows"] == 10_000
    assert 0.8 < report.scores["quality"] < 1.0


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        (1, {}, "The synthetic table has 1 row; evaluate needs at least 5 in each table"),
        (4, {}, "The synthetic table has 4 rows"),
        (40, {"target": "income", "null_target": True}, "synthetic rows have fewer than two non-null values of target"),
    ],
)
def test_tables_too_small_fail_before_any_model_and_without_warnings(adult_sample, rows, options, message, monkeypatch):
    def ran(*args, **kwargs):
        raise AssertionError("a metric ran before the tables were checked")

    evaluation = sys.modules["synthdata.evaluate.evaluation"]  # the package name is also the function's
    monkeypatch.setattr(evaluation, "detect", ran)
    monkeypatch.setattr(evaluation, "column_shapes", ran)
    options = dict(options)
    synthetic = adult_sample.iloc[:rows].copy()
    if options.pop("null_target", False):
        synthetic["income"] = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SynthDataError, match=message):
            evaluate(adult_sample.iloc[:300], synthetic, verbose=False, **options)
    assert [str(warning.message) for warning in caught] == []


def test_five_rows_evaluate_without_warnings(adult_sample):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = evaluate(adult_sample.iloc[:300], adult_sample.iloc[300:305], detection="logistic", verbose=False)
    assert [str(warning.message) for warning in caught] == []
    assert 0 <= report.scores["detection_auc"] <= 1
