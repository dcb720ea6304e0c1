"""Fixtures shared by the whole suite: the real data sets beside the checkout, throwaway databases.

The real tables live in ../shared/data next to the repository. When that folder is
absent the tests that need it skip with the reason (shown in pytest's summary), and
fail instead under SYNTHDATA_REQUIRE_DATA=1, which CI sets; small fixtures the suite always
needs live in tests/fixtures and examples/. PostgreSQL and MariaDB tests get a fresh
database per test module, and skip when the server is unreachable (fail under
SYNTHDATA_REQUIRE_DB=1).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
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
        _required_or_skip(f"real data folder {SHARED_DATA} is absent", "SYNTHDATA_REQUIRE_DATA")
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
def one_dimensional_frame() -> pd.DataFrame:
    """A Gaussian column and a 90/10 category: what one fit, single-process or
    distributed, must learn (tests/models)."""
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.normal(4.0, 1.5, 5_000),
            "group": np.where(rng.random(5_000) < 0.9, "common", "rare"),
        }
    )


def make_shop_database(path: Path) -> str:
    """A SQLite shop of 80 customers and 200 orders, each order referencing its customer;
    returns its URL (the docs' examples and the pytest plugin's tests seed from it)."""
    rng = np.random.default_rng(0)
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY, segment TEXT, age INTEGER)")
        connection.exec_driver_sql(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), "
            "amount REAL, status TEXT)"
        )
        pd.DataFrame(
            {"id": range(1, 81), "segment": rng.choice(["retail", "trade"], 80), "age": rng.integers(18, 80, 80)}
        ).to_sql("customers", connection, if_exists="append", index=False)
        pd.DataFrame(
            {
                "id": range(1, 201),
                "customer_id": rng.integers(1, 81, 200),
                "amount": rng.gamma(2.0, 20.0, 200).round(2),
                "status": rng.choice(["new", "paid"], 200),
            }
        ).to_sql("orders", connection, if_exists="append", index=False)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def patients_path() -> Path:
    return EXAMPLES / "patients.csv"


def _required_or_skip(reason: str, variable: str) -> None:
    """Skip with the reason, or fail where `variable` is 1 (CI sets it: nothing may skip there)."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason}, and {variable}=1 requires it")
    pytest.skip(reason)


def _unavailable(reason: str) -> None:
    """Skip with the reason, or fail where a server is required (CI sets SYNTHDATA_REQUIRE_DB=1)."""
    _required_or_skip(reason, "SYNTHDATA_REQUIRE_DB")


def _reachable_admin(candidates: list[str], server: str) -> sa.Engine:
    """An autocommit engine for the first candidate URL that connects."""
    reasons = []
    for url in candidates:
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        try:
            with engine.connect():
                return engine
        except sa.exc.SQLAlchemyError as error:
            reasons.append(str(getattr(error, "orig", error)).strip().splitlines()[0])
            engine.dispose()
    _unavailable(f"{server} is not reachable ({'; '.join(reasons)})")
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _throwaway_database(admin: sa.Engine, drop_suffix: str = "") -> Iterator[str]:
    """Create a database with a fresh name, yield its URL, drop it afterwards."""
    name = f"synthdata_test_{secrets.token_hex(4)}"
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {quoted}{drop_suffix}")
        admin.dispose()


@pytest.fixture(scope="module")
def postgresql_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test module, dropped afterwards."""
    admin = _reachable_admin(
        [f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in ("postgres", "root")], "PostgreSQL"
    )
    # FORCE ends sessions a killed writer may have left behind.
    with _throwaway_database(admin, drop_suffix=" WITH (FORCE)") as url:
        yield url


@pytest.fixture(scope="module")
def mariadb_url() -> Iterator[str]:
    """A fresh MariaDB database for this test module, dropped afterwards."""
    admin = _reachable_admin(["mysql+pymysql://root@127.0.0.1:3306/test"], "MariaDB")
    with _throwaway_database(admin) as url:
        yield url
