"""Reading a database never changes it: hostile queries are refused and the source stays byte for byte the same.

Each case runs on the real SQLite, PostgreSQL and MariaDB. The query check stops most
of them before they reach the server; the read-only connection stops the rest (a
sequence moved inside a SELECT, a function that writes) and whatever slips past the
check (run here on the read-only engine directly).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from synthdata import SynthDataError, read_table
from synthdata.io import read_catalog
from synthdata.io.sql_url import create_engine, parse_url, sqlite_file

ROWS = [{"id": i, "name": f"row {i}"} for i in range(1, 21)]


@pytest.fixture
def source(database_url, table_name):
    """A table, a log table and (outside SQLite) a sequence and a function that writes to the log."""
    url = parse_url(database_url)
    dialect = url.get_backend_name()
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    victim = sa.Table(
        table_name, metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20))
    )
    sa.Table(f"{table_name}_log", metadata, sa.Column("id", sa.Integer))
    with engine.begin() as connection:
        metadata.create_all(connection)
        connection.execute(victim.insert(), ROWS)
        if dialect == "postgresql":
            connection.exec_driver_sql(f"CREATE SEQUENCE {table_name}_s")
            connection.exec_driver_sql(
                f"CREATE FUNCTION {table_name}_bump() RETURNS int LANGUAGE sql VOLATILE "
                f"AS $$ INSERT INTO {table_name}_log VALUES (1); SELECT 1 $$"
            )
        elif dialect == "mariadb" or dialect == "mysql":
            connection.exec_driver_sql(f"CREATE SEQUENCE {table_name}_s")
            connection.exec_driver_sql(f"CREATE TABLE {table_name}_mi (id int) ENGINE=MyISAM")
            connection.exec_driver_sql(f"INSERT INTO {table_name}_mi VALUES (1), (2), (3)")
            connection.exec_driver_sql(
                f"CREATE FUNCTION {table_name}_bump() RETURNS int MODIFIES SQL DATA "
                f"BEGIN INSERT INTO {table_name}_log VALUES (1); RETURN 1; END"
            )
    engine.dispose()
    return database_url


def snapshot(url_text: str) -> object:
    """Everything a write could change: the SQLite folder's files and bytes, or every table's rows and sequence."""
    url = parse_url(url_text)
    database_file = sqlite_file(url)
    if database_file is not None:
        folder = database_file.parent
        return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        inspector = sa.inspect(connection)
        state: dict[str, object] = {}
        for name in inspector.get_table_names():
            rows = connection.execute(sa.text(f"SELECT * FROM {connection.dialect.identifier_preparer.quote(name)}"))
            state[name] = sorted(map(tuple, rows))
        if connection.dialect.name == "postgresql":
            for name in inspector.get_sequence_names():
                state[name] = connection.execute(sa.text(f'SELECT last_value, is_called FROM "{name}"')).one()
    engine.dispose()
    return state


def hostile_queries(table: str, dialect: str) -> list[str]:
    queries = [
        f"DROP TABLE {table}",
        f"TRUNCATE {table}",
        f"DELETE FROM {table} RETURNING *",
        f"WITH gone AS (DELETE FROM {table} RETURNING *) SELECT * FROM gone",
        f"SELECT * FROM {table}; DROP TABLE {table}",
        f"SELECT * INTO {table}_copy FROM {table}",
        f"SELECT * FROM {table} FOR UPDATE",
        "ATTACH DATABASE 'evil.db' AS e",
    ]
    if dialect == "postgresql":
        queries += [f"select setval('{table}_s', 999) as sv, t.* from {table} t", f"SELECT {table}_bump(), 1 AS x"]
    if dialect in ("mysql", "mariadb"):
        queries += [
            f"SELECT setval({table}_s, 999) AS sv, t.* FROM {table} t",
            f"SELECT {table}_bump() AS x",
            f"delete from {table}_mi returning *",
        ]
    return queries


def test_no_query_changes_the_source(source, table_name):
    dialect = parse_url(source).get_backend_name()
    before = snapshot(source)
    for query in hostile_queries(table_name, dialect):
        with pytest.raises(SynthDataError) as caught:
            read_table(source, query=query, verbose=False)
        assert "\n" not in str(caught.value)
        assert snapshot(source) == before, query


def test_the_read_only_connection_refuses_what_the_check_would_have(source, table_name):
    url = parse_url(source)
    before = snapshot(source)
    statements = [f"DROP TABLE {table_name}", f"DELETE FROM {table_name}", f"CREATE TABLE {table_name}_new (a int)"]
    if url.get_backend_name() == "sqlite":
        statements += ["ATTACH DATABASE 'evil.db' AS e", "VACUUM INTO 'evil.db'"]
    engine = create_engine(url, read_only=True)
    for statement in statements:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError):
            connection.exec_driver_sql(statement)
    engine.dispose()
    assert snapshot(source) == before


def test_reading_still_works_and_leaves_the_source_as_it_was(source, table_name):
    before = snapshot(source)
    table = read_table(source, table=table_name, verbose=False)
    query = read_table(source, query=f"SELECT name FROM {table_name} WHERE id > 10;", verbose=False)
    assert sorted(table["id"]) == list(range(1, 21))
    assert len(query) == 10
    assert read_catalog(source, table_name).primary_key == ("id",)
    assert snapshot(source) == before


def test_attach_in_sqlite_creates_no_file(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (a int)")
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
    engine.dispose()
    with pytest.raises(SynthDataError, match="starts with ATTACH"):
        read_table(url, query="ATTACH DATABASE 'evil.db' AS e", verbose=False)
    reader = create_engine(parse_url(url), read_only=True)
    with reader.connect() as connection, pytest.raises(sa.exc.DBAPIError):
        connection.exec_driver_sql(f"ATTACH DATABASE '{tmp_path / 'evil.db'}' AS e")
    reader.dispose()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["shop.db"]
