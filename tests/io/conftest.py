"""Fixtures for the io tests: running code as an unprivileged user, throwaway databases, a small shop."""

from __future__ import annotations

import contextlib
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


def _unavailable(reason: str) -> None:
    """Skip with the reason, or fail where a server is required (CI sets SYNTHDATA_REQUIRE_DB=1)."""
    if os.environ.get("SYNTHDATA_REQUIRE_DB") == "1":
        pytest.fail(f"{reason}, and SYNTHDATA_REQUIRE_DB=1 requires it")
    pytest.skip(reason)


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
