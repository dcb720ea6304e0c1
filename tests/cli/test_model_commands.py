"""`synthdata fit`, `sample` and `info`, run as a user runs them: a subprocess in a folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SYNTHDATA = [sys.executable, "-m", "synthdata_cli"]


def synthdata(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SYNTHDATA, *args], cwd=folder, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, patients_path) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    shutil.copy(patients_path, folder / "patients.csv")
    result = synthdata(folder, "fit", "patients.csv", "--epochs", "3", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "patients.synth" in result.stderr
    return folder


def test_sample_uses_the_newest_model_and_names_it(fitted, patients_path):
    result = synthdata(fitted, "sample", "-n", "300", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "using model patients.synth" in result.stderr
    written = pd.read_csv(fitted / "patients.synthetic.csv", dtype=str)
    real = pd.read_csv(patients_path, dtype=str)
    assert len(written) == 300
    assert list(written.columns) == list(real.columns)
    assert written["BIRTHDATE"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_conditioned_sample_to_parquet(fitted):
    result = synthdata(
        fitted, "sample", "-m", "patients.synth", "-n", "500", "--where", "GENDER=F", "-o", "women.parquet", "-q"
    )
    assert result.returncode == 0, result.stderr
    women = pd.read_parquet(fitted / "women.parquet")
    assert len(women) == 500 and (women["GENDER"] == "F").all()


def test_csv_to_standard_output(fitted):
    result = synthdata(fitted, "sample", "-n", "10", "-o", "-", "-q")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 11 and lines[0].startswith("Id,BIRTHDATE")


def test_info_lists_columns_kinds_and_training(fitted):
    result = synthdata(fitted, "info", "patients.synth")
    assert result.returncode == 0, result.stderr
    assert "3 epochs" in result.stdout
    assert "GENDER" in result.stdout and "categorical" in result.stdout
    assert "faker (ssn)" in result.stdout


def test_same_seed_gives_identical_files(fitted):
    for name in ("a.csv", "b.csv"):
        assert synthdata(fitted, "sample", "-n", "200", "--seed", "4", "-o", name, "-q").returncode == 0
    assert (fitted / "a.csv").read_bytes() == (fitted / "b.csv").read_bytes()


def test_errors_are_one_line_with_exit_codes(fitted):
    unknown = synthdata(fitted, "sample", "-m", "patients.synth", "-n", "5", "--where", "PLANET=Mars", "-o", "x.csv")
    assert unknown.returncode == 1
    assert unknown.stderr.strip().count("\n") == 0 and "PLANET" in unknown.stderr
    assert not (fitted / "x.csv").exists()
    usage = synthdata(fitted, "sample", "-n", "-5")
    assert usage.returncode == 2
    missing = synthdata(fitted, "fit", "nowhere.csv", "-q")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_fit_without_calibration_is_recorded_in_the_model(fitted):
    options = ["--no-calibrate", "--no-refine", "--no-redraw"]
    result = synthdata(fitted, "fit", "patients.csv", "--epochs", "1", *options, "-o", "raw.synth", "-q")
    assert result.returncode == 0, result.stderr
    info = synthdata(fitted, "info", "raw.synth")
    for option in ("calibrate", "refine", "redraw"):
        assert f"{option}=False" in info.stdout, info.stdout
    assert synthdata(fitted, "sample", "-m", "raw.synth", "-n", "50", "-o", "raw.csv", "-q").returncode == 0
    assert len(pd.read_csv(fitted / "raw.csv")) == 50
