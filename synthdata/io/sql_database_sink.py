"""Writing several related tables to one database, all or nothing, parents first.

A seeded test database is only useful whole: every table there, every foreign key
resolving. So the tables are created with their PRIMARY KEY and FOREIGN KEY clauses
and loaded in one transaction on one connection, parents before the tables that
reference them, and the database checks each reference as the rows go in (SQLite
included: its connection turns foreign key enforcement on). Replacing drops the old
tables, children first, inside that same transaction, so a failure or an interrupt
leaves the old tables as they were. MySQL and MariaDB commit DDL on their own: there
the tables are created first and the rows loaded in one transaction, a failure drops
the tables this sink created, and replacing several related tables at once is refused
rather than done halfway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa

from synthdata.errors import SynthDataError
from synthdata.io.catalog import TableCatalog
from synthdata.io.sink import IF_EXISTS, ColumnCheck, IfExists
from synthdata.io.sql_load import load_rows
from synthdata.io.sql_transaction import TransactionalWrite
from synthdata.io.sql_types import column_names, table_definition
from synthdata.io.sql_url import masked, parse_url


class DatabaseSink(TransactionalWrite):
    """Rows for the declared tables of one database, committed together.

    `tables` declares each table (its primary key, foreign keys and, where known,
    every column's type) in parents-first order; a table is created on its first
    `write`, typed from the declaration and the rows' dtypes. Use it as a context
    manager: leaving the block normally commits every table, an exception rolls all
    of them back. `rows_written` counts the rows per table.
    """

    def __init__(
        self,
        url: str,
        tables: Sequence[TableCatalog],
        *,
        if_exists: IfExists = "fail",
        verbose: bool = True,
    ) -> None:
        if if_exists not in IF_EXISTS:
            raise SynthDataError(f"if_exists must be one of {', '.join(IF_EXISTS)}, got {if_exists!r}")
        self.url = parse_url(url)
        self.tables = {table.name: table for table in tables}
        self.if_exists = if_exists
        self.description = masked(self.url)
        self.rows_written = dict.fromkeys(self.tables, 0)
        self._metadata = sa.MetaData()
        self._created: list[str] = []
        self._checks = {name: ColumnCheck(f"table {name!r} of {self.description}") for name in self.tables}
        sqlite = self.url.get_backend_name() == "sqlite"
        self._open_transaction(
            label="writing", verbose=verbose, doing="cannot write to",
            on_connect=_enforce_sqlite_foreign_keys if sqlite else None,
        )  # fmt: skip
        with self._errors("cannot write to"):
            self._prepare(sa.inspect(self._connection))

    def _prepare(self, inspector: sa.Inspector) -> None:
        """Refuse, drop (children first) or reflect the declared tables that already exist."""
        existing = [name for name in self.tables if inspector.has_table(name)]
        if not existing:
            return
        listed = ", ".join(repr(name) for name in existing)
        if self.if_exists == "fail":
            raise SynthDataError(
                f"{self.description} already holds tables {listed}; "
                "seed a new database, or append to them or replace them "
                "(--if-exists append or replace on the command line, if_exists= in Python)"
            )
        if self.if_exists == "replace":
            if not self._atomic_ddl:
                raise SynthDataError(
                    f"{self.description} already holds tables {listed}; {self._engine.dialect.name} cannot "
                    "replace related tables in one transaction, so drop them first or seed a new database"
                )
            for name in reversed(existing):
                sa.Table(name, sa.MetaData()).drop(self._connection)
            return
        for name in existing:
            sa.Table(name, self._metadata, autoload_with=self._connection)

    def largest_value(self, table: str, column: str) -> Any:
        """The largest value of `column` in `table` as it was before this sink wrote to it
        (None for a table that is new or empty): where appended keys continue."""
        target = self._metadata.tables.get(table)
        if target is None or self.rows_written.get(table):
            return None
        with self._errors(f"cannot read table {table!r} of"):
            return self._connection.execute(sa.select(sa.func.max(target.c[column]))).scalar()

    def existing_rows(self, table: str, columns: Sequence[str]) -> pd.DataFrame | None:
        """The values of `columns` in `table` as it was before this sink wrote to it (None for
        a table that is new): which rows of a copied table an append must not repeat."""
        target = self._metadata.tables.get(table)
        if target is None or self.rows_written.get(table):
            return None
        with self._errors(f"cannot read table {table!r} of"):
            result = self._connection.execute(sa.select(*(target.c[column] for column in columns)))
            return pd.DataFrame(result.fetchall(), columns=list(columns))

    def write(self, table: str, chunk: pd.DataFrame) -> None:
        """Add the rows of `chunk` to `table`; the tables it references must be written before it."""
        if not self._open:
            raise SynthDataError(f"the output to {self.description} is already closed")
        if table not in self.tables:
            raise SynthDataError(f"table {table!r} was not declared for {self.description}; declare every table first")
        chunk = self._checks[table](chunk)
        chunk = chunk.set_axis(column_names(chunk, f"table {table!r}"), axis=1)
        with self._errors(f"cannot write table {table!r} to"):
            target = self._metadata.tables.get(table)
            if target is None:
                target = self._create(self.tables[table], chunk)
            self._bar.set_description(f"writing {table}")
            load_rows(self._connection, target, chunk, progress=self._bar.update)
        self.rows_written[table] += len(chunk)

    def _create(self, declaration: TableCatalog, chunk: pd.DataFrame) -> sa.Table:
        key = declaration.primary_key if set(declaration.primary_key) <= set(chunk.columns) else ()
        definition = table_definition(
            declaration.name,
            chunk,
            dialect=self._engine.dialect.name,
            declared=declaration.columns,
            primary_key=key,
            foreign_keys=declaration.foreign_keys,
            metadata=self._metadata,
        )
        # Recorded before it exists, so an interrupt during the CREATE still drops it.
        self._created.append(declaration.name)
        definition.create(self._connection)
        if not self._atomic_ddl:
            # MySQL committed the CREATE on its own; the rows go in a transaction of their own.
            self._connection.commit()
            self._connection.begin()
        return definition

    def commit(self) -> None:
        """Make every table written visible at once."""
        if not self._open:
            return
        with self._errors("cannot write to"):
            self._connection.commit()
            self._close()

    def _created_outside_transaction(self) -> list[str]:
        return [] if self._atomic_ddl else self._created

    def __enter__(self) -> DatabaseSink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _enforce_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite checks foreign keys only on connections that ask for it, outside a transaction."""
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def open_database_sink(
    url: str, tables: Sequence[TableCatalog], *, if_exists: IfExists = "fail", verbose: bool = True
) -> DatabaseSink:
    """A destination for several related tables at `url`, written parents first and committed together.

    `tables` declares every table to write, parents first, as TableCatalogs (see
    `read_database_catalog`): the primary key and foreign keys become PRIMARY KEY and
    FOREIGN KEY clauses, declared column types are kept. `if_exists` applies to the
    declared tables as a whole: "fail" when any of them exists, "append" to them, or
    "replace" them (dropped and recreated in the same transaction).
    """
    return DatabaseSink(url, tables, if_exists=if_exists, verbose=verbose)
