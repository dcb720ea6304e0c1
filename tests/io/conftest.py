"""Fixtures for the io tests: running code as an unprivileged user, each kind of database, a small shop."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from synthdata.io.sql_url import parse_url

NOBODY = 65534


def _as_unprivileged(action: Callable[[], object]) -> str:
    """Run `action` as a user without special rights; return its error as 'Type: message', or 'ok'."""
    if os.geteuid() != 0:
        try:
            action()
        except Exception as error:
            return f"{type(error).__name__}: {error}"
        return "ok"
    # Root may read and write anything: drop to an unprivileged user in a child process.
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            action()
            message = "ok"
        except BaseException as error:  # the child reports whatever happened, then exits
            message = f"{type(error).__name__}: {error}"
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


@pytest.fixture
def unprivileged() -> Callable[[Callable[[], object]], str]:
    """Runs a function as an unprivileged user and returns 'ok' or 'ErrorType: message'."""
    return _as_unprivileged


# Loads synthdata.io without the package's model code (and torch), so a child process starts in a second.
_IO_ONLY = """
import sys, types
package = types.ModuleType("synthdata")
package.__path__ = [{package!r}]
sys.modules["synthdata"] = package
"""


@pytest.fixture
def io_script() -> Callable[..., list[str]]:
    """The command line that runs a Python script, with arguments, in a child with synthdata.io loaded."""
    package = str(Path(__file__).resolve().parents[2] / "synthdata")

    def command(script: str, *arguments: str) -> list[str]:
        return [sys.executable, "-c", _IO_ONLY.format(package=package) + script, *arguments]

    return command


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder every user may enter (pytest's own temporary folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="synthdata-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite database file; SQLite needs no server, so these tests always run."""
    return f"sqlite:///{tmp_path / 'test.db'}"


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.db), pytest.param("mariadb", marks=pytest.mark.db)]


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of each kind of database in turn: SQLite, PostgreSQL, MariaDB."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def table_name() -> str:
    """A table name of its own for each test, so tests sharing a module database never collide."""
    return f"t_{secrets.token_hex(4)}"


CUSTOMERS = 2_000


def shop_metadata() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("balance", sa.Numeric(10, 2)),
        sa.Column("active", sa.Boolean),
        sa.Column("born", sa.Date),
        sa.Column("seen", sa.DateTime),
        sa.Column("visits", sa.Integer),
        sa.Column("note", sa.Text),
    )
    sa.Table(
        "orders",
        metadata,
        sa.Column("order_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("amount", sa.Float),
        sa.UniqueConstraint("customer_id", "amount"),
    )
    return metadata


def customer_rows() -> list[dict]:
    return [
        {
            "id": i,
            "code": f"C{i:05d}",
            "balance": Decimal(i) / 4,
            "active": None if i % 7 == 0 else i % 2 == 0,
            "born": dt.date(1950, 1, 1) + dt.timedelta(days=11 * i),
            "seen": dt.datetime(2024, 1, 1, 8, 30) + dt.timedelta(minutes=i),
            "visits": None if i % 5 == 0 else i % 13,
            "note": f"line one\nline two, with 'quotes' and \"more\" {i}",
        }
        for i in range(CUSTOMERS)
    ]


def _create_shop(url: str) -> None:
    """Create and fill the shop tables once per database."""
    engine = sa.create_engine(parse_url(url))
    metadata = shop_metadata()
    with engine.begin() as connection:
        if sa.inspect(connection).has_table("customers"):
            return
        metadata.create_all(connection)
        connection.execute(metadata.tables["customers"].insert(), customer_rows())
        orders = [{"order_id": i, "customer_id": i % 100, "amount": i * 1.5} for i in range(300)]
        connection.execute(metadata.tables["orders"].insert(), orders)
    engine.dispose()


@pytest.fixture
def shop_url(database_url: str) -> str:
    """Each kind of database in turn, holding a small shop: customers, and orders referencing them."""
    _create_shop(database_url)
    return database_url
