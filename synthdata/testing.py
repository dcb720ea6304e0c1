"""A pytest plugin: synthetic rows and seeded databases as fixtures, in any test suite.

Installing synthdata registers it (entry point `pytest11`), so a test asks for rows or
a database the way it asks for `tmp_path`:

    def test_report(synthdata_rows):
        rows = synthdata_rows("tests/patients.synth", 500)

    def test_orders_api(synthdata_database):
        url = synthdata_database("schemas/ecommerce_orders.yaml")

Both fixtures are factories scoped to the session: the same arguments give the same
rows or the same database, made once. `--synthdata-seed` sets the seed of every call
that gives none; `--synthdata-url` names a PostgreSQL or MariaDB server on which each
database is created with a fresh name and dropped when the session ends (the default
is a throwaway SQLite file). synthdata itself is imported on the first call, so the
plugin costs nothing in a test run that never uses it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import pandas as pd
    import sqlalchemy as sa

    from synthdata import DatabaseSynthesizer, Schema, TabularGAN

    Source = str | os.PathLike[str] | Schema | TabularGAN | DatabaseSynthesizer

SCHEMA_SUFFIXES = (".yaml", ".yml", ".json")
# Rows a schema without data gives at scale 1: it declares no table size of its own.
SCHEMA_ROWS = 1_000


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("synthdata", "synthetic rows and databases (synthdata)")
    group.addoption(
        "--synthdata-seed",
        type=int,
        default=None,
        help="seed of every synthdata_rows / synthdata_database call that gives none (default 0)",
    )
    group.addoption(
        "--synthdata-url",
        default=None,
        help="PostgreSQL or MariaDB server URL on which synthdata_database creates a fresh database "
        "per call and drops it at the end of the session (default: a throwaway SQLite file)",
    )


@pytest.fixture(scope="session")
def synthdata_rows(request: pytest.FixtureRequest) -> Callable[..., pd.DataFrame]:
    """A factory: `synthdata_rows(model_or_schema, n, seed=None)` returns `n` synthetic rows.

    `model_or_schema` is a table model (a `.synth` file or a `TabularGAN`) or a schema
    (a YAML/JSON schema file or a `Schema`, sampled without data). The rows are made
    once per session for each source, `n` and seed; every call returns its own copy.
    """
    default_seed = _default_seed(request.config)
    made: dict[tuple[Any, ...], pd.DataFrame] = {}

    def rows(model_or_schema: Source, n: int, seed: int | None = None) -> pd.DataFrame:
        chosen = default_seed if seed is None else seed
        key = (_identity(model_or_schema), n, chosen)
        if key not in made:
            made[key] = _table_rows(_loaded(model_or_schema), n, chosen)
        return made[key].copy()

    return rows


@pytest.fixture(scope="session")
def synthdata_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., str]]:
    """A factory: `synthdata_database(model_or_schema, url=None, scale=1.0, seed=None)` returns
    the URL of a database holding synthetic tables.

    A database model (`synthdata fit` on a database URL, or a `DatabaseSynthesizer`)
    seeds every table with its keys and foreign keys; a table model or a schema seeds
    its one table (a schema at scale 1 gives 1,000 rows). `url` (or `--synthdata-url`)
    is a PostgreSQL or MariaDB server: a database with a fresh name is created on it
    and dropped at the end of the session. Without one, the database is a SQLite file
    in the session's temporary folder. Each set of arguments is seeded once per session.
    """
    default_seed = _default_seed(request.config)
    default_server = request.config.getoption("synthdata_url")
    made: dict[tuple[Any, ...], str] = {}
    drops: list[Callable[[], None]] = []

    def database(model_or_schema: Source, url: str | None = None, scale: float = 1.0, seed: int | None = None) -> str:
        server = url if url is not None else default_server
        chosen = default_seed if seed is None else seed
        key = (_identity(model_or_schema), server, scale, chosen)
        if key not in made:
            if server is None:
                target = f"sqlite:///{tmp_path_factory.mktemp('synthdata_database') / 'seeded.db'}"
            else:
                target, drop = _fresh_database(server)
                drops.append(drop)
            _seed(_loaded(model_or_schema), target, scale, chosen)
            made[key] = target
        return made[key]

    yield database
    for drop in reversed(drops):
        drop()


def _default_seed(config: pytest.Config) -> int:
    seed = config.getoption("synthdata_seed")
    return 0 if seed is None else int(seed)


def _identity(source: Any) -> tuple[Any, ...]:
    """What makes two sources the same: a file's path and modification time, an object itself."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source).resolve()
        return ("file", str(path), path.stat().st_mtime_ns if path.exists() else None)
    return ("object", id(source))


def _loaded(source: Any) -> Any:
    """The model or schema a source names: files are read by kind, objects pass through."""
    from synthdata import DatabaseSynthesizer, Schema, SynthDataError, TabularGAN

    if not isinstance(source, (str, os.PathLike)):
        if not isinstance(source, (Schema, TabularGAN, DatabaseSynthesizer)):
            raise SynthDataError(
                f"synthdata fixtures take a model, a schema or a path to either, not {type(source).__name__}."
            )
        return source
    path = Path(source)
    if path.suffix.lower() in SCHEMA_SUFFIXES:
        return Schema.load(path)
    try:
        return TabularGAN.load(path, device="cpu")
    except SynthDataError as table_error:
        try:
            return DatabaseSynthesizer.load(path, device="cpu")
        except SynthDataError:
            raise table_error from None


def _table_rows(source: Any, n: int, seed: int) -> pd.DataFrame:
    from synthdata import DatabaseSynthesizer, SynthDataError

    if isinstance(source, DatabaseSynthesizer):
        raise SynthDataError(
            "synthdata_rows makes one table; for a database model use synthdata_database, "
            "or DatabaseSynthesizer.sample for its tables as DataFrames."
        )
    return source.sample(n, seed=seed)


def _seed(source: Any, url: str, scale: float, seed: int) -> None:
    from synthdata import DatabaseSynthesizer, Schema, write_table

    if isinstance(source, DatabaseSynthesizer):
        source.seed(url, scale=scale, seed=seed)
        return
    if isinstance(source, Schema):
        rows, schema = source.sample(max(1, round(SCHEMA_ROWS * scale)), seed=seed), source
    else:
        rows, schema = source.sample(max(1, round(source.n_rows_ * scale)), seed=seed), source.schema_
    write_table(rows, url, table=schema.table or "rows", schema=schema, verbose=False)


def _fresh_database(server: str) -> tuple[str, Callable[[], None]]:
    """Create a database with a fresh name on `server`; returns its URL and what drops it."""
    from synthdata.io.sql_url import create_engine, database_errors, parse_url

    parsed = parse_url(server)
    if parsed.get_backend_name() not in ("postgresql", "mysql", "mariadb"):
        raise pytest.UsageError(
            f"--synthdata-url / url= must be a PostgreSQL or MariaDB server, not {parsed.get_backend_name()}"
        )
    admin = create_engine(parsed).execution_options(isolation_level="AUTOCOMMIT")
    name = f"synthdata_test_{secrets.token_hex(4)}"
    quoted = admin.dialect.identifier_preparer.quote(name)
    with database_errors(parsed, "create a test database on"), admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    # FORCE ends sessions the code under test left open (PostgreSQL 13 and later).
    force = " WITH (FORCE)" if parsed.get_backend_name() == "postgresql" else ""

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {quoted}{force}")
        admin.dispose()

    return _rendered(parsed.set(database=name)), drop


def _rendered(url: sa.URL) -> str:
    return url.render_as_string(hide_password=False)
