"""Fixtures shared by the whole suite: the real data sets beside the checkout.

The real tables live in ../shared/data next to the repository. When that folder is
absent the tests that need it skip with the reason; small fixtures the suite always
needs live in tests/fixtures and examples/.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLES = REPO / "examples"

# pytest-xdist runs one worker per core: more torch threads per worker would only
# make the workers spin against each other.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def adult_path(shared_data: Path) -> Path:
    return shared_data / "adult.csv"


@pytest.fixture(scope="session")
def adult(adult_path: Path) -> pd.DataFrame:
    return pd.read_csv(adult_path)


@pytest.fixture(scope="session")
def synthea(shared_data: Path) -> Path:
    return shared_data / "synthea"


@pytest.fixture(scope="session")
def patients_path() -> Path:
    return EXAMPLES / "patients.csv"
