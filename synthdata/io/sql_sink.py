"""Writing rows to a database table, all or nothing.

Every write happens in one transaction. A new table, or the replacement of an
existing one, is first loaded under a staging name and only then swapped in, so the
old table is never dropped before the new rows are safely in: a failure, an
interrupt or a killed process leaves the old content or the complete new one.
PostgreSQL and SQLite run the whole swap inside the transaction; MySQL and MariaDB
commit DDL on their own, so there the loaded staging table is swapped in with one
atomic RENAME TABLE. Identifiers are always quoted by SQLAlchemy or psycopg.
"""

from __future__ import annotations

import secrets
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from synthdata.errors import SynthDataError
from synthdata.io.catalog import TableCatalog, table_catalog
from synthdata.io.sink import ColumnCheck, IfExists, TableSink
from synthdata.io.sql_load import load_rows
from synthdata.io.sql_transaction import TransactionalWrite
from synthdata.io.sql_types import column_names, table_definition
from synthdata.io.sql_url import masked, parse_url
from synthdata.schema import Schema


class RenameTables(sa.schema.ExecutableDDLElement):
    """Rename tables, in order, as one statement where the database can."""

    inherit_cache = False

    def __init__(self, renames: list[tuple[str, str]]) -> None:
        self.renames = renames


@compiles(RenameTables)
def _rename_one(element: RenameTables, compiler: Any, **_: Any) -> str:
    ((old, new),) = element.renames
    quote = compiler.preparer.quote
    return f"ALTER TABLE {quote(old)} RENAME TO {quote(new)}"


@compiles(RenameTables, "mysql")
@compiles(RenameTables, "mariadb")
def _rename_atomically(element: RenameTables, compiler: Any, **_: Any) -> str:
    quote = compiler.preparer.quote
    return "RENAME TABLE " + ", ".join(f"{quote(old)} TO {quote(new)}" for old, new in element.renames)


class SqlSink(TransactionalWrite, TableSink):
    """Rows written to `table` at `url` in one transaction, visible only at commit.

    A missing table is created from `schema` (a synthdata Schema for its primary
    key, or a TableCatalog for every column's declared type) and the dtypes; a
    replaced table keeps the declared types of the old one unless `schema` says
    otherwise.
    """

    def __init__(
        self,
        url: str,
        *,
        table: str | None,
        if_exists: IfExists = "fail",
        schema: Schema | TableCatalog | None = None,
        verbose: bool = True,
    ) -> None:
        if not isinstance(table, str) or not table:
            raise SynthDataError("writing to a database needs the name of the table to write")
        self.url = parse_url(url)
        self.table = table
        self.if_exists = if_exists
        self.schema = schema
        self.description = f"{masked(self.url)} table {table!r}"
        self.rows_written = 0
        self._doing = f"cannot write table {table!r} to"
        self._check_columns = ColumnCheck(self.description)
        self._target: sa.Table | None = None
        self._staging: str | None = None
        self._open_transaction(label=f"writing {table}", verbose=verbose, doing=self._doing)
        with self._errors(self._doing):
            inspector = sa.inspect(self._connection)
            self._exists = inspector.has_table(table)
            if self._exists and if_exists == "fail":
                raise SynthDataError(
                    f"table {table!r} already exists in {masked(self.url)}; "
                    "append to it or replace it (--if-exists append or replace on the command line, if_exists= in Python)"
                )
            self._old_catalog = (
                table_catalog(inspector, self._connection, table) if self._exists and if_exists == "replace" else None
            )
            if self._exists and if_exists == "append":
                self._target = sa.Table(table, sa.MetaData(), autoload_with=self._connection)

    def write(self, chunk: pd.DataFrame) -> None:
        if not self._open:
            raise SynthDataError(f"the output to {self.description} is already closed")
        chunk = self._check_columns(chunk)
        chunk = chunk.set_axis(column_names(chunk, self.description), axis=1)
        with self._errors(self._doing):
            if self._target is None:
                self._target = self._create(chunk)
            self._refuse_unknown_columns(chunk, self._target)
            load_rows(self._connection, self._target, chunk, progress=self._bar.update)
        self.rows_written += len(chunk)

    def _create(self, chunk: pd.DataFrame) -> sa.Table:
        """Create the table the rows go to: a staging table unless DDL is transactional and nothing is replaced."""
        declared = self.schema.columns if isinstance(self.schema, TableCatalog) else None
        if declared is None and self._old_catalog is not None:
            declared = self._old_catalog.columns
        staged = self._exists or not self._atomic_ddl
        name = f"_synthdata_{secrets.token_hex(6)}" if staged else self.table
        definition = table_definition(
            name,
            chunk,
            dialect=self._engine.dialect.name,
            declared=declared,
            primary_key=self._primary_key(chunk),
        )
        if staged:
            # Recorded before it exists, so an interrupt during the CREATE still drops it.
            self._staging = name
        definition.create(self._connection)
        if not self._atomic_ddl:
            # MySQL committed the CREATE on its own; the rows go in a transaction of their own.
            self._connection.commit()
            self._connection.begin()
        return definition

    def _primary_key(self, chunk: pd.DataFrame) -> tuple[str, ...]:
        if isinstance(self.schema, TableCatalog):
            key = self.schema.primary_key
        elif isinstance(self.schema, Schema) and self.schema.primary_key:
            key = (self.schema.primary_key,)
        elif self._old_catalog is not None:
            key = self._old_catalog.primary_key
        else:
            key = ()
        return key if set(key) <= set(chunk.columns) else ()

    def _refuse_unknown_columns(self, chunk: pd.DataFrame, target: sa.Table) -> None:
        unknown = [name for name in chunk.columns if name not in target.columns]
        if unknown:
            raise SynthDataError(
                f"{self.description} has no columns {unknown}; write only its columns "
                f"({', '.join(repr(column.name) for column in target.columns)}) or replace it"
            )

    def commit(self) -> None:
        if not self._open:
            return
        with self._errors(self._doing):
            if self._staging is not None:
                self._swap_in(self._staging)
            self._connection.commit()
            self._close()

    def _swap_in(self, staging: str) -> None:
        if self._atomic_ddl:
            if self._exists:
                sa.Table(self.table, sa.MetaData()).drop(self._connection)
            self._connection.execute(RenameTables([(staging, self.table)]))
            return
        # MySQL: the staging rows are committed, then one RENAME TABLE swaps atomically.
        self._connection.commit()
        if not self._exists:
            self._connection.execute(RenameTables([(staging, self.table)]))
            return
        retired = f"_synthdata_{secrets.token_hex(6)}"
        self._connection.execute(RenameTables([(self.table, retired), (staging, self.table)]))
        # The new rows are in place; what is left to drop, even after an interrupt, is the old table.
        self._staging = retired
        sa.Table(retired, sa.MetaData()).drop(self._connection)
        self._staging = None

    def _created_outside_transaction(self) -> list[str]:
        return [self._staging] if self._staging and not self._atomic_ddl else []
