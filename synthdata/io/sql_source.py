"""Reading a database table or query result in bounded memory.

Production tables can hold far more rows than fit in memory, and a model needs only
a uniform sample of them. Rows are streamed from a server-side cursor in chunks, each
chunk offered to a reservoir, with a progress bar; column dtypes are then settled from
the declared SQL types (integers with NULLs as Int64, dates as datetime64) so a table
reads the same whichever database it lives in. Reading never changes the source: a
query must be one SELECT (sql_query_check) and the connection is read-only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from tqdm.auto import tqdm

from synthdata.errors import SynthDataError
from synthdata.io.catalog import SqlKind, kind_of, missing_table_error
from synthdata.io.reservoir import Reservoir
from synthdata.io.sql_query_check import checked_read_query
from synthdata.io.sql_url import create_engine, database_errors, masked, parse_url, refuse_missing_sqlite_file

CHUNK_ROWS = 50_000
_INFERRED_KINDS: dict[str, SqlKind] = {"date": "timestamp", "datetime": "timestamp", "decimal": "decimal"}


def read_sql(
    url: str,
    *,
    table: str | None = None,
    query: str | None = None,
    max_rows: int | None = None,
    seed: int | np.random.Generator = 0,
    verbose: bool = True,
    chunk_rows: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """The rows of `table`, or of `query`'s result, at `url`; a uniform sample of `max_rows` of them if given."""
    if (table is None) == (query is None):
        raise SynthDataError("reading from a database needs either a table or a query (one of the two)")
    parsed = parse_url(url)
    if query is not None:
        query = checked_read_query(query, parsed.get_backend_name())
    refuse_missing_sqlite_file(parsed)
    reservoir = Reservoir(max_rows, seed=seed)
    engine = create_engine(parsed, read_only=True)
    statement: sa.Executable
    kinds: dict[str, SqlKind] | None
    total: int | None
    try:
        with database_errors(parsed, "cannot read from"), engine.connect() as connection:
            if table is not None:
                statement, kinds, total = _table_statement(connection, parsed, table)
            elif query is not None:
                statement, kinds, total = sa.text(query), None, None
            result = connection.execution_options(stream_results=True, yield_per=chunk_rows).execute(statement)
            names = list(result.keys())
            label = f"reading {table}" if table is not None else "reading query"
            with tqdm(total=total, unit=" rows", desc=label, disable=None if verbose else True) as bar:
                for rows in result.partitions():
                    reservoir.add(pd.DataFrame.from_records(rows, columns=names, coerce_float=True))
                    bar.update(len(rows))
    finally:
        engine.dispose()
    if reservoir.rows_seen == 0:
        source = f"table {table!r}" if table is not None else "the query"
        raise SynthDataError(f"{source} in {masked(parsed)} has no rows; fill it or point to another table")
    return settle_dtypes(reservoir.result(), kinds)


def _table_statement(
    connection: sa.Connection, url: sa.URL, table: str
) -> tuple[sa.Select, dict[str, SqlKind], int | None]:
    """SELECT every column of `table`, the kinds of its columns, and its row count for the progress bar.

    Rows come in primary key order when there is one: a server may otherwise start a
    scan anywhere in a big table, and the same seed must give the same sample.
    """
    inspector = sa.inspect(connection)
    if not inspector.has_table(table):
        raise missing_table_error(table, inspector, url)
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    kinds = {column.name: kind_of(column.type) for column in reflected.columns}
    total = connection.scalar(sa.select(sa.func.count()).select_from(reflected))
    return sa.select(reflected).order_by(*reflected.primary_key.columns), kinds, total


def settle_dtypes(frame: pd.DataFrame, kinds: dict[str, SqlKind] | None) -> pd.DataFrame:
    """Give each column the dtype its SQL kind calls for (inferred from the values for a query)."""
    frame = frame.copy()
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        if kinds is not None:
            kind = kinds.get(name)
        else:
            kind = _INFERRED_KINDS.get(pd.api.types.infer_dtype(column, skipna=True))
        settled = _settle(column, kind)
        if settled is not column:
            frame.isetitem(position, settled)
    return frame


def _settle(column: pd.Series, kind: SqlKind | None) -> pd.Series:
    """`column` in the dtype for `kind`, or unchanged when its values do not fit (SQLite stores anything)."""
    has_nulls = bool(column.isna().any())
    try:
        if kind == "integer" and pd.api.types.is_numeric_dtype(column):
            return column.astype("Int64" if has_nulls else "int64")
        if kind == "boolean" and column.dropna().isin([0, 1]).all():
            return column.astype("boolean" if has_nulls else "bool")
        if kind in ("decimal", "float") and column.dtype == object:
            return pd.to_numeric(column)
        if kind in ("date", "timestamp") and not pd.api.types.is_datetime64_any_dtype(column):
            return _to_datetime(column)
    except (TypeError, ValueError):
        return column
    return column


def _to_datetime(column: pd.Series) -> pd.Series:
    try:
        return pd.to_datetime(column)
    except ValueError:
        # Timestamps with different UTC offsets (a summer and a winter time) fit one column only as UTC.
        return pd.to_datetime(column, utc=True)
