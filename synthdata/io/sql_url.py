"""Database URLs: which driver serves them, how they are shown, and how their errors read.

An engine opened to read (`create_engine(url, read_only=True)`) cannot change the
source, whatever the query: SQLite opens the file with `mode=ro` and refuses ATTACH
(which, like VACUUM INTO, would create a file even then), and PostgreSQL and MariaDB
make every transaction of the session READ ONLY, so the server itself refuses writes,
DDL and sequence changes such as setval().

People type the short forms (`postgresql://`, `mysql://`); synthdata picks the driver
it ships with (psycopg 3, PyMySQL) when the one SQLAlchemy would pick is absent. A URL
may carry a password, so it is only ever shown masked, and database errors are
turned into SynthDataErrors that name the masked URL and scrub the password from the
driver's text as well.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa

from synthdata.errors import SynthDataError

# Short dialect names, and the driver to use when SQLAlchemy's default one is not installed.
_DRIVERS = {
    "postgres": ("postgresql", "psycopg2", "psycopg"),
    "postgresql": ("postgresql", "psycopg2", "psycopg"),
    "mysql": ("mysql", "MySQLdb", "pymysql"),
    "mariadb": ("mariadb", "MySQLdb", "pymysql"),
}
_EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def parse_url(text: str) -> sa.URL:
    """The SQLAlchemy URL for `text`, with a driver synthdata can load."""
    try:
        url = sa.make_url(text)
    except (sa.exc.ArgumentError, ValueError):
        raise SynthDataError(
            "cannot parse the database URL; write it as dialect://user@host:port/database, "
            "e.g. postgresql://localhost/test or sqlite:///shop.db"
        ) from None
    if url.drivername in _DRIVERS:
        dialect, default_module, shipped_driver = _DRIVERS[url.drivername]
        if importlib.util.find_spec(default_module) is None:
            url = url.set(drivername=f"{dialect}+{shipped_driver}")
        else:
            url = url.set(drivername=dialect)
    return url


def masked(url: sa.URL) -> str:
    """The URL as it may be shown: the password replaced by ***."""
    return url.render_as_string(hide_password=True)


def create_engine(url: sa.URL, *, read_only: bool = False) -> sa.Engine:
    """An engine for `url`; SQLite gets real transactions around DDL too, so writes stay all-or-nothing.

    With `read_only`, nothing sent on it can change the database (see the module docstring).
    """
    database_file = sqlite_file(url) if read_only else None
    options = {"creator": _read_only_sqlite(database_file)} if database_file is not None else {}
    try:
        engine = sa.create_engine(url, **options)
    except sa.exc.NoSuchModuleError:
        raise SynthDataError(f"unknown database kind {url.drivername!r} in {masked(url)}") from None
    except ImportError as error:
        extra = _EXTRAS.get(url.get_backend_name())
        hint = f"pip install 'synthdata[{extra}]'" if extra else f"install the {error.name} driver"
        raise SynthDataError(f"{masked(url)} needs the {error.name} driver: {hint}") from None
    if engine.dialect.name == "sqlite":
        # The sqlite3 module begins a transaction only before INSERT/UPDATE/DELETE, so a
        # CREATE TABLE would commit on its own; take over BEGIN as SQLAlchemy documents.
        @sa.event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            connection.exec_driver_sql("BEGIN")

    if read_only and engine.dialect.name in _MAKE_READ_ONLY:
        sa.event.listen(engine, "connect", _MAKE_READ_ONLY[engine.dialect.name])
    return engine


def _read_only_sqlite(database_file: Path) -> Callable[[], sqlite3.Connection]:
    """Connections to `database_file` opened read-only, through a URI so no path character is special."""
    uri = f"{database_file.absolute().as_uri()}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    return connect


def _refuse_attach(dbapi_connection, _record) -> None:
    """SQLite opens an attached file read-write even on a read-only connection: refuse ATTACH (and VACUUM INTO)."""

    def authorize(action: int, *_: object) -> int:
        return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK

    dbapi_connection.set_authorizer(authorize)


def _read_only_session(statement: str) -> Callable[..., None]:
    """A connect hook running `statement` once per connection, so every later transaction is READ ONLY."""

    def make_read_only(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    return make_read_only


_MAKE_READ_ONLY = {
    "sqlite": _refuse_attach,
    "postgresql": _read_only_session("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
    "mysql": _read_only_session("SET SESSION TRANSACTION READ ONLY"),
    "mariadb": _read_only_session("SET SESSION TRANSACTION READ ONLY"),
}


def sqlite_file(url: sa.URL) -> Path | None:
    """The file an SQLite URL names, or None for other databases and in-memory ones."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def refuse_missing_sqlite_file(url: sa.URL) -> None:
    """Reading an SQLite file that is not there would create an empty one; say so instead."""
    database_file = sqlite_file(url)
    if database_file is not None and not database_file.is_file():
        raise SynthDataError(f"the SQLite file {database_file} does not exist; check the path in the URL")


def driver_errors() -> tuple[type[BaseException], ...]:
    """Exception types the drivers raise where SQLAlchemy does not wrap them (COPY, raw cursors)."""
    errors: list[type[BaseException]] = [sa.exc.SQLAlchemyError, sqlite3.Error]
    for module, name in (("psycopg", "Error"), ("pymysql", "Error")):
        if importlib.util.find_spec(module) is not None:
            errors.append(getattr(importlib.import_module(module), name))
    return tuple(errors)


def reason(error: BaseException, url: sa.URL) -> str:
    """The first line of what the database said, without the password."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip() or type(original).__name__
    line = text.splitlines()[0]
    if url.password:
        line = line.replace(str(url.password), "***")
    return line


@contextlib.contextmanager
def database_errors(url: sa.URL, doing: str) -> Iterator[None]:
    """Turn what the database or its driver raises into one SynthDataError: '<doing> <url>: <reason>'."""
    try:
        yield
    except driver_errors() as error:
        raise SynthDataError(f"{doing} {masked(url)}: {reason(error, url)}") from None
