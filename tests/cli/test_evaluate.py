"""`synthdata evaluate`: files and database URLs in, a summary out, report files written, one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from threadpoolctl import threadpool_limits

from synthdata import Schema, write_table
from synthdata_cli.main import main

ROWS = 400


@pytest.fixture(scope="module", autouse=True)
def single_threaded():
    """One OpenMP thread: two test workers share two cores (see tests/evaluate/conftest.py)."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def tables(adult, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluate")
    rows = np.random.default_rng(0).permutation(len(adult))
    real, holdout = adult.iloc[rows[:ROWS]], adult.iloc[rows[ROWS : 2 * ROWS]]
    rng = np.random.default_rng(1)
    synthetic = real.apply(lambda column: rng.permutation(column.to_numpy()))
    paths = {}
    for name, frame in (("real", real), ("synthetic", synthetic), ("holdout", holdout)):
        paths[name] = folder / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    return paths


def _run(*arguments: str):
    return CliRunner().invoke(main, list(map(str, arguments)))


def test_prints_the_summary_and_writes_the_report_and_json(tables, tmp_path):
    html, scores = tmp_path / "report.html", tmp_path / "scores.json"
    result = _run("evaluate", tables["real"], tables["synthetic"], "--report", html, "--json", scores, "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"synthdata evaluation: {ROWS} real rows, {ROWS} synthetic rows, 15 columns")
    assert f"synthdata: wrote {html}" in result.stderr and f"synthdata: wrote {scores}" in result.stderr
    data = json.loads(scores.read_text())
    assert data["scores"]["detection_auc"] > 0.7  # every column shuffled
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_target_and_holdout_add_utility_and_privacy(tables, tmp_path):
    scores = tmp_path / "scores.json"
    result = _run(
        "evaluate", tables["real"], tables["synthetic"], "--target", "income", "--holdout", tables["holdout"],
        "--detection", "logistic", "--json", scores, "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(scores.read_text())
    assert {"utility_real", "utility_synthetic", "dcr_share_closer_to_train", "exact_copy_rate"} <= set(data["scores"])
    assert data["settings"]["detection_model"] == "logistic"
    assert "utility_synthetic" in result.stdout


def test_a_schema_file_decides_which_columns_are_compared(tables, tmp_path, adult):
    schema = Schema.infer(adult)
    schema.columns["native-country"].type = "text"
    path = tmp_path / "adult.yaml"
    schema.save(path)
    scores = tmp_path / "scores.json"
    result = _run("evaluate", tables["real"], tables["synthetic"], "--schema", path, "--json", scores, "-q")
    assert result.exit_code == 0, result.output
    compared = {row["column"] for row in json.loads(scores.read_text())["columns"]}
    assert len(compared) == 14 and "native-country" not in compared


def test_reads_database_tables(tables, tmp_path):
    url = f"sqlite:///{tmp_path / 'tables.db'}"
    write_table(pd.read_csv(tables["real"]), url, table="adult")
    write_table(pd.read_csv(tables["synthetic"]), url, table="adult_synthetic")
    result = _run("evaluate", url, url, "--table", "adult", "--synthetic-table", "adult_synthetic", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"synthdata evaluation: {ROWS} real rows, {ROWS} synthetic rows")


def test_data_errors_print_one_line_and_exit_1(tables, tmp_path):
    narrow = tmp_path / "narrow.csv"
    pd.read_csv(tables["synthetic"]).drop(columns=["age"]).to_csv(narrow, index=False)
    result = _run("evaluate", tables["real"], narrow, "-q")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("synthdata: error: The synthetic table lacks column(s) 'age'")
    missing = _run("evaluate", tables["real"], tmp_path / "nowhere.csv", "-q")
    assert missing.exit_code == 1 and "nowhere.csv" in missing.stderr


def test_usage_errors_exit_2(tables):
    assert _run("evaluate", tables["real"]).exit_code == 2
    assert _run("evaluate", tables["real"], tables["synthetic"], "--detection", "forest").exit_code == 2
