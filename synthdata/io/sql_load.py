"""Putting rows into an existing table fast: PostgreSQL's COPY, batched INSERTs elsewhere.

Row-by-row INSERTs are what makes `DataFrame.to_sql` slow on large tables. On
PostgreSQL the rows are serialized to CSV by Arrow (vectorized, in C++) and streamed
through psycopg's COPY protocol while the server parses them; other databases get
multi-row INSERTs through SQLAlchemy's executemany. Both run on the caller's
connection, inside its transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import sqlalchemy as sa

from synthdata.errors import SynthDataError

PIECE_ROWS = 100_000


def load_rows(
    connection: sa.Connection, table: sa.Table, frame: pd.DataFrame, *, progress: Callable[[int], object]
) -> None:
    """Append the rows of `frame`, whose columns are named like `table`'s, to `table`.

    Rows go in pieces of PIECE_ROWS, each reported to `progress`; on PostgreSQL all
    pieces share one COPY, so the server parses one piece while the next is serialized.
    """
    pieces = (frame.iloc[start : start + PIECE_ROWS] for start in range(0, len(frame), PIECE_ROWS))
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy_rows(connection, table, frame.columns, pieces, progress)
    else:
        for piece in pieces:
            _insert_rows(connection, table, piece)
            progress(len(piece))


def _copy_rows(
    connection: sa.Connection,
    table: sa.Table,
    columns: pd.Index,
    pieces: Iterable[pd.DataFrame],
    progress: Callable[[int], object],
) -> None:
    from psycopg import sql

    name = sql.Identifier(table.schema, table.name) if table.schema else sql.Identifier(table.name)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        name, sql.SQL(", ").join(sql.Identifier(str(column)) for column in columns)
    )
    driver_connection = connection.connection.driver_connection
    if driver_connection is None:
        raise SynthDataError("the connection to PostgreSQL was closed before the rows could be copied; write again")
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for piece in pieces:
            copy.write(csv_bytes(piece))
            progress(len(piece))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The rows as CSV the way COPY reads them: NULL unquoted and empty, every text value quoted.

    Arrow's CSV writer does exactly this (and five times faster than `DataFrame.to_csv`),
    so an empty string and a NULL stay apart without a marker data could collide with.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        raise SynthDataError("writing to PostgreSQL needs pyarrow: pip install 'synthdata[postgres]'") from None
    columns = [_arrow_column(frame.iloc[:, position]) for position in range(frame.shape[1])]
    table = pa.Table.from_arrays(columns, names=[str(name) for name in frame.columns])
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False))
    return sink.getvalue().to_pybytes()


def _arrow_column(column: pd.Series) -> Any:
    """The column as an Arrow array CSV can hold; values of other types go as their text."""
    import pyarrow as pa

    try:
        array = pa.array(column, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        array = None
    if array is None or _needs_text(array.type):
        values = column.astype(object)
        array = pa.array(values.where(values.isna(), values.astype(str)), type=pa.string(), from_pandas=True)
    return array


def _needs_text(arrow_type: Any) -> bool:
    import pyarrow as pa

    return pa.types.is_nested(arrow_type) or pa.types.is_dictionary(arrow_type) or pa.types.is_duration(arrow_type)


def _insert_rows(connection: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    # Plain Python values with None for every kind of missing value: what DBAPI drivers take.
    values = frame.astype(object).where(frame.notna(), None)
    connection.execute(table.insert(), values.to_dict("records"))
