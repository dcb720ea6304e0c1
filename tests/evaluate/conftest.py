"""Real tables and deterministically damaged copies of them, the inputs of the evaluation tests.

A damaged copy is a stand-in for a mediocre synthetic table: some columns shuffled
(pair trends broken), noise on numbers and dates, rare categories dropped, nulls
injected. The same seed always gives the same damage, so scores can be compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ADULT_ROWS = 3000
DATE_FORMAT = "%Y-%m-%d"


def damage(frame: pd.DataFrame, *, seed: int, dates: Sequence[str] = ()) -> pd.DataFrame:
    """A copy of `frame` with shuffled columns, noise, dropped categories and nulls."""
    rng = np.random.default_rng(seed)
    out = frame.copy().reset_index(drop=True)
    numbers = [name for name in out.columns if pd.api.types.is_numeric_dtype(out[name])]
    labels = [
        name for name in out.columns if name not in numbers and name not in dates and out[name].nunique() < 50
    ]
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
