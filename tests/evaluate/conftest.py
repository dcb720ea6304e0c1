"""Real tables, deterministically damaged copies of them, and SDMetrics run on the same inputs.

A damaged copy is a stand-in for a mediocre synthetic table: some columns shuffled
(pair trends broken), noise on numbers and dates, rare categories dropped, nulls
injected. The same seed always gives the same damage, so scores can be compared.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from threadpoolctl import threadpool_limits

from synthdata import Schema
from synthdata.evaluate.kinds import MetricKind, evaluated_columns, metric_kinds, prepare_table

ADULT_ROWS = 3000
DATE_FORMAT = "%Y-%m-%d"
SDTYPES = {
    "numerical": "numerical",
    "integer": "numerical",
    "datetime": "datetime",
    "categorical": "categorical",
    "boolean": "boolean",
}


@pytest.fixture(scope="package", autouse=True)
def one_thread_per_worker():
    """Run these tests single-threaded (OpenMP, BLAS, torch).

    The suite runs under `pytest -n 2` on two cores: multi-threaded gradient boosting in
    both workers at once spins OpenMP threads against each other and runs many times
    slower than one thread each.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(threads)


def damage(frame: pd.DataFrame, *, seed: int, dates: Sequence[str] = ()) -> pd.DataFrame:
    """A copy of `frame` with shuffled columns, noise, dropped categories and nulls."""
    rng = np.random.default_rng(seed)
    out = frame.copy().reset_index(drop=True)
    numbers = [name for name in out.columns if pd.api.types.is_numeric_dtype(out[name])]
    labels = [name for name in out.columns if name not in numbers and name not in dates and out[name].nunique() < 50]
    for name in (labels[0], numbers[-1] if numbers else dates[-1]):
        out[name] = rng.permutation(out[name].to_numpy())
    for name in numbers[::2]:
        noise = rng.normal(0.0, 0.2 * out[name].std(), len(out))
        out[name] = (out[name] + noise).round().astype(out[name].dtype)
    for name in dates:
        parsed = pd.to_datetime(out[name], format=DATE_FORMAT)
        shift = pd.to_timedelta(rng.integers(-400, 400, len(out)), unit="D")
        out[name] = (parsed + shift).dt.strftime(DATE_FORMAT)
    for name in labels[1:3]:
        counts = out[name].value_counts()
        rare = counts.index[len(counts) // 2 :]
        out.loc[out[name].isin(rare), name] = counts.index[0]
    for name in (labels[-1], (numbers or dates)[0]):
        out.loc[rng.random(len(out)) < 0.05, name] = np.nan
    return out


@pytest.fixture(scope="session")
def adult_sample(adult: pd.DataFrame) -> pd.DataFrame:
    return adult.sample(ADULT_ROWS, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def damaged_adult(adult_sample: pd.DataFrame) -> pd.DataFrame:
    return damage(adult_sample, seed=1)


@pytest.fixture(scope="session")
def ma_patients_path(synthea: Path) -> Path:
    return synthea / "ma_1462" / "patients.csv"


@pytest.fixture(scope="session")
def ma_patients(ma_patients_path: Path) -> pd.DataFrame:
    return pd.read_csv(ma_patients_path, dtype=str)


@pytest.fixture(scope="session")
def damaged_ma_patients(ma_patients: pd.DataFrame) -> pd.DataFrame:
    return damage(ma_patients, seed=2, dates=["BIRTHDATE", "DEATHDATE"])


def sdmetrics_metadata(frame: pd.DataFrame, schema: Schema) -> dict:
    """SDMetrics metadata saying what `schema` says: same kinds, same date formats, the rest ids."""
    columns = {}
    for name in frame.columns:
        column = schema.columns[name]
        sdtype = SDTYPES.get(column.type, "id")
        columns[name] = {"sdtype": sdtype}
        if sdtype == "datetime" and column.format:
            columns[name]["datetime_format"] = column.format
    return {"columns": columns}


@pytest.fixture(scope="session")
def sdmetrics_quality():
    """Runs SDMetrics' classic single-table QualityReport on two frames under a schema."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from sdmetrics.reports.single_table import QualityReport

    def run(real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema) -> QualityReport:
        report = QualityReport()
        report.generate(real, synthetic, sdmetrics_metadata(real, schema), verbose=False)
        return report

    return run


@pytest.fixture(scope="session")
def prepared():
    """Reads two frames as the metrics do under a schema: (real table, synthetic table, kinds)."""

    def prepare(
        real: pd.DataFrame, synthetic: pd.DataFrame, schema: Schema | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, MetricKind]]:
        columns = evaluated_columns(real, schema)
        return (
            prepare_table(real, columns, role="real"),
            prepare_table(synthetic, columns, role="synthetic"),
            metric_kinds(columns),
        )

    return prepare
