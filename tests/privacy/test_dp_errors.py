"""Budgets and schemas a DP fit refuses: one clear SynthDataError, from the API and the CLI."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from synthdata import DatabaseSynthesizer, Schema, SynthDataError, TabularGAN


@pytest.fixture(scope="module")
def adult_rows(adult) -> pd.DataFrame:
    return adult.sample(300, random_state=0)


@pytest.mark.parametrize("epsilon", [0, -1, float("nan"), float("inf")])
def test_epsilon_must_be_positive_and_finite(adult_rows, epsilon):
    with pytest.raises(SynthDataError, match="epsilon must be a finite number > 0"):
        TabularGAN(epsilon=epsilon).fit(adult_rows)


def test_delta_must_be_below_one_over_n(adult_rows):
    with pytest.raises(SynthDataError, match=r"delta=0.01 is not below 1/n"):
        TabularGAN(epsilon=1, delta=0.01).fit(adult_rows)


def test_a_budget_too_small_to_learn_is_refused(adult_rows):
    with pytest.raises(SynthDataError, match="too small for 300 rows: even 1 epoch"):
        TabularGAN(epsilon=0.01).fit(adult_rows)


def test_declared_constraints_would_read_rows_outside_the_budget(adult_rows):
    schema = Schema.infer(adult_rows[["age", "education-num", "hours-per-week"]])
    schema.constraints = Schema.from_dict(
        {"columns": {}, "constraints": [{"type": "inequality", "low": "education-num", "high": "age"}]}
    ).constraints
    with pytest.raises(SynthDataError, match=r"constraints .* outside the privacy budget"):
        TabularGAN(epsilon=1).fit(adult_rows[["age", "education-num", "hours-per-week"]], schema=schema)


def test_databases_are_refused_under_dp():
    with pytest.raises(SynthDataError, match="single-table for now"):
        DatabaseSynthesizer(epsilon=1).fit({"a": pd.DataFrame({"x": [1, 2]})})


def test_bad_budgets_are_one_line_errors_on_the_cli(adult_rows, tmp_path):
    adult_rows.to_csv(tmp_path / "adult.csv", index=False)
    for options, message in [
        (["--epsilon", "0"], "epsilon must be a finite number > 0"),
        (["--epsilon", "1", "--delta", "0.5"], "is not below 1/n"),
        (["--epsilon", "0.01"], "too small for 300 rows"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "synthdata_cli", "fit", "adult.csv", "--quiet", *options],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode != 0
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "adult.synth").exists()


def test_without_opacus_synthdata_works_and_a_dp_fit_says_what_to_install(tmp_path):
    """Opacus is the `dp` extra: a plain install imports, fits and samples without it,
    and only a DP fit needs it, with a message naming the extra."""
    script = """
import sys
sys.modules["opacus"] = None  # what an install without the extra looks like to import
import numpy as np, pandas as pd
from synthdata import SynthDataError, TabularGAN
table = pd.DataFrame({"x": np.arange(200) % 7, "y": np.linspace(0, 1, 200)})
rows = TabularGAN(epochs=1, calibrate=False, refine=False, redraw=False, verbose=False).fit(table).sample(20)
assert list(rows.columns) == ["x", "y"] and len(rows) == 20
try:
    TabularGAN(epsilon=1, epochs=1, verbose=False).fit(table)
except SynthDataError as error:
    print(error)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert (
        done.stdout.strip() == "A DP fit (epsilon) needs Opacus, which is not installed: pip install 'synthdata[dp]'."
    )
