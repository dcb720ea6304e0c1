"""The report's outputs: JSON for machines, a compact table for terminals, files written whole."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from synthdata import SynthDataError, evaluate


@pytest.fixture(scope="module")
def report(adult_sample, damaged_adult):
    real, synthetic = adult_sample.iloc[:1000], damaged_adult.iloc[:1000]
    return evaluate(real, synthetic, target="income", holdout=adult_sample.iloc[1000:1600], seed=0, verbose=False)


def test_json_holds_scores_tables_and_settings(report, tmp_path):
    path = report.to_json(tmp_path / "scores.json")
    data = json.loads(path.read_text())
    assert set(data) == {"scores", "columns", "pairs", "detection_features", "utility", "settings"}
    assert data["scores"]["quality"] == pytest.approx(report.scores["quality"])
    assert len(data["columns"]) == len(report.columns)
    assert data["columns"][0].keys() == {"column", "kind", "metric", "score", "real_null_share", "synthetic_null_share"}
    assert data["settings"]["target"] == "income"
    assert [row["metric"] for row in data["utility"]] == ["accuracy", "f1_macro", "roc_auc"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_json_writes_missing_values_as_null(report, tmp_path):
    assert report.pairs["real_correlation"].isna().any()
    text = report.to_json(tmp_path / "scores.json").read_text()
    assert "NaN" not in text
    pair = next(row for row in json.loads(text)["pairs"] if row["metric"] == "ContingencySimilarity")
    assert pair["real_correlation"] is None


def test_str_is_a_compact_table_of_the_headline_scores(report):
    text = str(report)
    lines = text.splitlines()
    assert lines[0].startswith("synthdata evaluation: 1,000 real rows, 1,000 synthetic rows, 15 columns")
    assert any(line.split() == ["quality", f"{report.scores['quality']:.4f}"] for line in lines)
    assert any(line.strip().startswith("dcr_share_closer_to_train") for line in lines)
    assert "worst columns:" in lines[-1]
    assert len(lines) < 20
    assert repr(report).startswith("Report(quality=")


def test_unwritable_paths_raise_errors_that_name_the_folder(report, tmp_path):
    with pytest.raises(SynthDataError, match="does not exist"):
        report.to_json(tmp_path / "missing" / "scores.json")
    with pytest.raises(SynthDataError, match="is a folder"):
        report.to_html(tmp_path)


def test_nan_scores_print_as_not_available(report):
    report.scores["dcr_p5_ratio"], saved = float("nan"), report.scores["dcr_p5_ratio"]
    try:
        assert any(line.split() == ["dcr_p5_ratio", "n/a"] for line in str(report).splitlines())
        assert report.to_dict()["scores"]["dcr_p5_ratio"] is None
    finally:
        report.scores["dcr_p5_ratio"] = saved
    assert not math.isnan(saved) and np.isfinite(saved)
